/**
 * The player of one recording: a terminal with what the guest's stdout and stderr received up to the
 * position, the timeline, VCR controls and keys, the call list and a record's detail, the files the
 * guest used, notes at records, and re-execution of the module against the log in a worker (to the
 * end, or paused before a record with the guest's memory to look at).
 *
 * The position is a record: the terminal shows the writes of records 0 to it, inclusive.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { concatBytes } from '../../core/concat.js';
import { SecretMarks, secretLabel } from '../../core/secrets.js';
import type { Annotation } from '../../registry/annotations.js';
import type { Manifest } from '../../registry/registry.js';
import { EXIT } from '../../errors.js';
import { humanBytes, humanDuration } from '../../human.js';
import { SYSCALL } from '../../wasi/syscalls.js';
import { CallList, recordDetail } from './calls.js';
import type { Backend } from './data.js';
import { indexLog, KINDS, RecordStore, type LogIndex } from './log.js';
import { Reexecution, type RunResult } from './reexec.js';
import { KIND_COLOURS, Timeline } from './timeline.js';
import { count, h, hexDump, parsePosition, seconds } from './ui.js';

export const SPEEDS = [0.5, 1, 2, 4, 8, Infinity] as const;
const speedName = (s: number) => (s === Infinity ? 'fast' : `${s}×`);

/** Every key, for `?`. */
export const KEYS: readonly [string, string][] = [
  ['Space', 'play / pause'],
  ['← / →', 'back / forward 5 s of recorded time'],
  [', / .', 'one record back / forward'],
  ['Home / End', 'first / last record'],
  ['0 … 9', 'jump to 0 % … 90 %'],
  ['< / >', 'slower / faster (0.5× … 8×, fast)'],
  ['i', 'skip idle stretches on / off'],
  ['g', 'go to a record (1234) or a time (1.5s, 20ms)'],
  ['[ / ]', 'previous / next note'],
  ['n', 'add a note at the position'],
  ['w / s', 'zoom the timeline in / out'],
  ['a / d', 'pan the timeline left / right'],
  ['x', 're-execute the module against the log'],
  ['h', 'run the re-execution to the position (paused before its call)'],
  ['Esc', 'close a dialog, cancel a re-execution'],
  ['?', 'this list'],
];

/** What `tcPlayer.reexecute` resolves with. */
export interface ReexecuteResult {
  readonly identical: boolean;
  readonly records: number;
  readonly exitCode?: number;
  readonly divergence?: RunResult['divergence'];
  readonly paused?: RunResult['paused'];
  readonly error?: string;
}

/** The automation hook the page puts on `window.tcPlayer` (README, "tc view"). */
export interface PlayerApi {
  seek(record: number): void;
  play(): void;
  pause(): void;
  state(): { record: number; records: number; playing: boolean; speed: string; time: number };
  terminalText(): string;
  reexecute(options?: { until?: number }): Promise<ReexecuteResult>;
  memory(address: number, length: number): Promise<number[]>;
  notes(): Annotation[];
}

const decoder = () => new TextDecoder('utf-8');

export class Player {
  readonly element: HTMLElement;
  private readonly index: LogIndex;
  private readonly store: RecordStore;
  private readonly term: Terminal;
  /** The recording's secrets, shown as `‹secret NAME›`. */
  private readonly marks: SecretMarks;
  private readonly fit = new FitAddon();
  private readonly timeline: Timeline;
  private readonly calls: CallList;
  private position = 0;
  /** Output chunks written to the terminal: outputs[0 .. shown). */
  private shown = 0;
  private playing = false;
  private speed = 1;
  private skipIdle = true;
  private clock = { wall: 0, time: 0 };
  private raf = 0;
  private readonly positionText: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly speedSelect: HTMLSelectElement;
  private readonly detailPane: HTMLElement;
  private readonly notesPane: HTMLElement;
  private readonly reexecBar: HTMLElement;
  private readonly dialog: HTMLElement;
  private readonly tabs: Record<'calls' | 'files' | 'notes', { tab: HTMLElement; pane: HTMLElement }>;
  private notes: Annotation[];
  private readonly reexec = new Reexecution();
  /** What the terminal shows: the recording up to the position, or a re-execution's output. */
  private showing: 'playback' | 'reexec' = 'playback';
  private reexecChunks: [number, Uint8Array][] = [];
  private divergenceAt: number | null = null;
  private paused: RunResult['paused'] | null = null;
  private urlTimer = 0;

  constructor(
    private readonly backend: Backend,
    private readonly manifest: Manifest,
    annotations: Annotation[],
    private readonly segments: Uint8Array[],
  ) {
    this.notes = annotations;
    this.index = indexLog(segments);
    this.marks = new SecretMarks(manifest.secrets ?? []);
    this.store = new RecordStore(segments, this.index, this.marks);
    const index = this.index;

    this.term = new Terminal({ convertEol: true, scrollback: 100_000, fontSize: 13, screenReaderMode: true, disableStdin: true, cursorBlink: false, theme: { background: '#0d1117', foreground: '#e6edf3' } });
    this.term.loadAddon(this.fit);

    this.timeline = new Timeline(this.store, { seek: (r) => this.seek(r), position: () => this.position, notes: () => this.notes, divergence: () => this.divergenceAt });
    this.calls = new CallList(this.store, (r) => this.seek(r));

    const m = manifest;
    const span = m.endTime ? (Date.parse(m.endTime) - Date.parse(m.startTime)) * 1e6 : index.end - index.start;
    const exit = m.status === 'exited' ? `exit ${m.exitCode}` : m.status === 'trapped' ? `trapped (exit ${m.exitCode ?? EXIT.TRAP})` : m.status;
    const exportUrl = backend.exportUrl(m.id);
    const header = h(
      'header',
      { class: 'bar' },
      backend.mode === 'file' ? null : h('a', { href: `/${location.search}`, class: 'link', title: 'every recording' }, '← library'),
      h('span', { class: 'title' }, h('strong', {}, m.module.name), ' ', h('span', { class: 'args' }, m.args.slice(1).map((a) => this.marks.text(a)).join(' '))),
      h('span', { class: `status ${m.status}` }, exit),
      h('span', { class: 'muted' }, `${count(index.records)} records · ${humanDuration(span)} · ${m.id}`),
      m.secrets?.length ? h('span', { class: 'secrets', title: `kept out of the recording: ${m.secrets.map((x) => x.name).join(', ')}` }, `${m.secrets.length} secret${m.secrets.length === 1 ? '' : 's'} kept out`) : null,
      h('span', { class: 'spacer-flex' }),
      exportUrl ? h('a', { href: exportUrl, download: `${m.id}.tcr`, class: 'button' }, 'Download .tcr') : null,
      h('button', { onclick: () => void this.reexecute(), title: 'x' }, 'Re-execute'),
      h('button', { onclick: () => this.toggleHelp(), title: 'keys (?)', 'aria-label': 'keys' }, '?'),
    );

    this.playButton = h('button', { class: 'play', onclick: () => (this.playing ? this.pause() : this.play()), 'aria-label': 'play' }, '▶');
    this.speedSelect = h('select', { 'aria-label': 'speed', onchange: (e: Event) => this.setSpeed(Number((e.target as HTMLSelectElement).value)) }, ...SPEEDS.map((s) => h('option', { value: String(s), selected: s === 1 }, speedName(s))));
    const goto = h('input', { class: 'goto', placeholder: 'go to: 1234 or 1.5s', 'aria-label': 'go to record or time' });
    goto.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const p = parsePosition(goto.value);
      if (p === null) goto.setCustomValidity('a record (1234) or a time (1.5s, 20ms, 300ns)');
      else {
        goto.setCustomValidity('');
        this.seek('record' in p ? p.record : this.store.recordAt(index.start + p.time));
        goto.blur();
      }
      goto.reportValidity();
    });
    const skip = h('label', { class: 'muted' }, h('input', { type: 'checkbox', checked: true, onchange: (e: Event) => (this.skipIdle = (e.target as HTMLInputElement).checked) }), ' skip idle');
    this.positionText = h('span', { class: 'position', 'aria-live': 'off' });
    const legend = h('span', { class: 'legend' }, ...KINDS.map((k, i) => h('span', {}, h('i', { style: `background:${KIND_COLOURS[i]}` }), k)));
    const controls = h(
      'div',
      { class: 'controls' },
      h('button', { onclick: () => this.seek(0), title: 'Home', 'aria-label': 'first record' }, '|◀'),
      h('button', { onclick: () => this.seek(this.position - 1), title: ',', 'aria-label': 'previous record' }, '◀'),
      this.playButton,
      h('button', { onclick: () => this.seek(this.position + 1), title: '.', 'aria-label': 'next record' }, '▶'),
      h('button', { onclick: () => this.seek(index.records - 1), title: 'End', 'aria-label': 'last record' }, '▶▶|'),
      this.speedSelect,
      skip,
      goto,
      this.positionText,
      h('span', { class: 'spacer-flex' }),
      legend,
    );

    const termPane = h('div', { class: 'terminal', 'aria-label': 'terminal' });
    this.reexecBar = h('div', { class: 'reexec', hidden: true });

    // Files
    const files = h(
      'table',
      { class: 'files' },
      h('tr', {}, ...['path', 'opens', 'read', 'written', 'errors'].map((c) => h('th', {}, c))),
      ...[...index.files]
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((f) =>
          h(
            'tr',
            { class: 'clickable', title: 'show its calls', onclick: () => (this.calls.setFilter({ file: { path: f.path, records: f.records } }), this.showTab('calls')) },
            h('td', {}, f.path),
            h('td', {}, String(f.opens)),
            h('td', {}, humanBytes(f.bytesRead)),
            h('td', {}, humanBytes(f.bytesWritten)),
            h('td', { class: f.errors ? 'err' : '' }, String(f.errors)),
          ),
        ),
    );
    const filesPane = h('div', { class: 'pane files-pane' }, index.files.length ? files : h('p', { class: 'muted' }, 'The guest opened no file.'));
    this.notesPane = h('div', { class: 'pane notes-pane' });
    const tab = (name: 'calls' | 'files' | 'notes', label: string, pane: HTMLElement) => ({ tab: h('button', { class: 'tab', role: 'tab', onclick: () => this.showTab(name) }, label), pane });
    this.tabs = { calls: tab('calls', 'Calls', this.calls.element), files: tab('files', `Files (${index.files.length})`, filesPane), notes: tab('notes', 'Notes', this.notesPane) };
    this.detailPane = h('div', { class: 'detail-pane' });
    const side = h('div', { class: 'side' }, h('div', { class: 'tabs', role: 'tablist' }, ...Object.values(this.tabs).map((t) => t.tab)), ...Object.values(this.tabs).map((t) => t.pane), this.detailPane);

    this.dialog = h('div', { class: 'dialog', hidden: true, role: 'dialog' });
    const warnings = [
      index.cut ? `The log ends inside a batch (${index.cut}): shown up to there.` : null,
      m.status === 'recording' || m.status === 'incomplete' ? 'This recording did not finish.' : null,
      m.redaction ? `Redacted from ${m.redaction.from}: ${m.redaction.message}.` : null,
    ].filter(Boolean);
    this.element = h(
      'div',
      { class: 'player' },
      header,
      ...warnings.map((w) => h('div', { class: 'warning' }, w!)),
      this.timeline.element,
      controls,
      h('main', { class: 'main' }, h('div', { class: 'left' }, this.reexecBar, termPane), side),
      this.dialog,
    );
    document.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener('hashchange', () => this.seek(this.hashRecord() ?? this.position));
    this.showTab('calls');
    this.renderNotes();
    requestAnimationFrame(() => {
      this.term.open(termPane);
      this.fit.fit();
      new ResizeObserver(() => this.fit.fit()).observe(termPane);
      this.seek(this.hashRecord() ?? 0, true);
    });
  }

  private hashRecord(): number | null {
    const m = /(?:^#|&)r=(\d+)/.exec(location.hash);
    return m ? Number(m[1]) : null;
  }

  private showTab(name: keyof Player['tabs']): void {
    for (const [k, t] of Object.entries(this.tabs)) {
      t.tab.classList.toggle('active', k === name);
      t.tab.setAttribute('aria-selected', String(k === name));
      t.pane.hidden = k !== name;
    }
  }

  // --- position -----------------------------------------------------------------------------------

  /** Move to record `record` (clamped). */
  seek(record: number, force = false): void {
    const last = Math.max(0, this.index.records - 1);
    const r = Math.max(0, Math.min(last, Math.floor(record) || 0));
    if (r === this.position && !force && this.showing === 'playback') return;
    this.position = r;
    if (this.playing) this.clock = { wall: performance.now(), time: this.store.time(r) };
    this.syncTerminal();
    this.showPosition();
  }

  /** The position everywhere but the terminal: the counter, the call list, the timeline, the detail, the URL. */
  private showPosition(): void {
    const r = this.position;
    this.positionText.textContent = this.index.records ? `#${count(r)} / ${count(this.index.records)} · ${seconds(this.store.time(r) - this.index.start)}` : 'no records';
    this.calls.reveal(r);
    this.timeline.follow(r);
    this.renderDetail();
    clearTimeout(this.urlTimer);
    this.urlTimer = window.setTimeout(() => history.replaceState(null, '', `#r=${this.position}`), 150);
  }

  /** Write to the terminal what records up to the position printed. */
  private syncTerminal(): void {
    const outs = this.index.outputs;
    let target = 0;
    let lo = 0;
    let hi = outs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (outs[mid]!.record <= this.position) lo = mid + 1;
      else hi = mid;
    }
    target = lo;
    if (this.showing !== 'playback' || target < this.shown) {
      this.term.reset();
      this.shown = 0;
      this.showing = 'playback';
      this.reexecBar.hidden = this.paused === null && this.divergenceAt === null;
    }
    for (; this.shown < target; this.shown++) this.writeChunk(outs[this.shown]!.stream, outs[this.shown]!.bytes);
  }

  private writeChunk(stream: number, raw: Uint8Array): void {
    const bytes = this.labelled(raw);
    if (stream === 2) {
      this.term.write('\x1b[31m');
      this.term.write(bytes);
      this.term.write('\x1b[39m');
    } else this.term.write(bytes);
  }

  /** What the terminal received (without the colour it gives stderr). */
  terminalText(): string {
    const d = decoder();
    if (this.showing === 'reexec') return this.reexecChunks.map(([, b]) => d.decode(this.labelled(b), { stream: true })).join('') + d.decode();
    return this.index.outputs.slice(0, this.shown).map((c) => d.decode(this.labelled(c.bytes), { stream: true })).join('') + d.decode();
  }

  /** `bytes` with `‹secret NAME›` where a secret's placeholder is. */
  private labelled(bytes: Uint8Array): Uint8Array {
    if (this.marks.empty) return bytes;
    const runs = this.marks.find(bytes);
    if (runs.length === 0) return bytes;
    const parts: Uint8Array[] = [];
    let at = 0;
    for (const r of runs) {
      parts.push(bytes.subarray(at, r.start), new TextEncoder().encode(secretLabel(r.name, r.from, r.to, r.length)));
      at = r.end;
    }
    parts.push(bytes.subarray(at));
    return concatBytes(parts);
  }

  // --- playback ------------------------------------------------------------------------------------

  play(): void {
    if (this.playing) return;
    if (this.position >= this.index.records - 1) this.seek(0);
    this.playing = true;
    this.playButton.textContent = '❚❚';
    this.playButton.setAttribute('aria-label', 'pause');
    this.clock = { wall: performance.now(), time: this.store.time(this.position) };
    const tick = () => {
      if (!this.playing) return;
      const last = this.index.records - 1;
      let next: number;
      if (this.speed === Infinity) next = this.position + Math.max(1, Math.ceil(this.index.records / 240));
      else {
        const now = performance.now();
        let t = this.clock.time + (now - this.clock.wall) * 1e6 * this.speed;
        const following = this.position < last ? this.store.time(this.position + 1) : t;
        // An idle stretch (over a second of watching) is skipped to just before the next call.
        if (this.skipIdle && (following - t) / this.speed > 1e9) {
          t = following - 0.1e9 * this.speed;
          this.clock = { wall: now, time: t };
        }
        next = this.store.recordAt(t);
      }
      if (next !== this.position) {
        const clock = this.clock;
        this.seek(Math.min(last, next));
        this.clock = clock;
      }
      if (this.position >= last) return this.pause();
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.raf);
    this.playButton.textContent = '▶';
    this.playButton.setAttribute('aria-label', 'play');
  }

  setSpeed(s: number): void {
    this.speed = s;
    this.speedSelect.value = String(s);
    this.clock = { wall: performance.now(), time: this.store.time(this.position) };
  }

  state() {
    return { record: this.position, records: this.index.records, playing: this.playing, speed: speedName(this.speed), time: this.index.records ? this.store.time(this.position) - this.index.start : 0 };
  }

  // --- keys ----------------------------------------------------------------------------------------

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select')) {
      if (e.key === 'Escape') target.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const index = this.index;
    const fiveSeconds = (sign: number) => this.seek(this.store.recordAt(this.store.time(this.position) + sign * 5e9));
    const key = e.key;
    const handled = (() => {
      switch (key) {
        case ' ':
          this.playing ? this.pause() : this.play();
          return true;
        case 'ArrowLeft':
          fiveSeconds(-1);
          return true;
        case 'ArrowRight':
          fiveSeconds(1);
          return true;
        case ',':
          this.seek(this.position - 1);
          return true;
        case '.':
          this.seek(this.position + 1);
          return true;
        case 'Home':
          this.seek(0);
          return true;
        case 'End':
          this.seek(index.records - 1);
          return true;
        case '<':
        case '>': {
          const i = SPEEDS.indexOf(this.speed as (typeof SPEEDS)[number]);
          this.setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + (key === '>' ? 1 : -1)))]!);
          return true;
        }
        case 'i':
          this.skipIdle = !this.skipIdle;
          (this.element.querySelector('.controls input[type=checkbox]') as HTMLInputElement).checked = this.skipIdle;
          return true;
        case 'g':
          (this.element.querySelector('.goto') as HTMLInputElement).focus();
          return true;
        case '[':
        case ']': {
          const list = this.notes;
          const n = key === ']' ? list.find((a) => a.record > this.position) : [...list].reverse().find((a) => a.record < this.position);
          if (n) this.seek(n.record);
          return true;
        }
        case 'n':
          this.showTab('notes');
          this.addNote();
          return true;
        case 'w':
          this.timeline.zoom(0.5);
          return true;
        case 's':
          this.timeline.zoom(2);
          return true;
        case 'a':
          this.timeline.pan(-0.25);
          return true;
        case 'd':
          this.timeline.pan(0.25);
          return true;
        case 'x':
          void this.reexecute();
          return true;
        case 'h':
          void this.reexecute({ until: this.position });
          return true;
        case '?':
          this.toggleHelp();
          return true;
        case 'Escape':
          if (!this.dialog.hidden) this.dialog.hidden = true;
          else if (this.reexec.busy) this.reexec.cancel();
          return true;
      }
      if (/^[0-9]$/.test(key)) {
        this.seek(Math.floor((Number(key) / 10) * index.records));
        return true;
      }
      return false;
    })();
    if (handled) e.preventDefault();
  }

  private toggleHelp(): void {
    if (!this.dialog.hidden) {
      this.dialog.hidden = true;
      return;
    }
    this.dialog.replaceChildren(
      h('h2', {}, 'Keys'),
      h('table', { class: 'keys' }, ...KEYS.map(([k, what]) => h('tr', {}, h('th', {}, h('kbd', {}, k)), h('td', {}, what)))),
      h('p', { class: 'muted' }, 'Timeline: wheel zooms, drag or shift+wheel pans, click seeks. A link with #r=<record> opens at that record.'),
      h('button', { onclick: () => (this.dialog.hidden = true) }, 'Close'),
    );
    this.dialog.hidden = false;
  }

  // --- detail --------------------------------------------------------------------------------------

  private renderDetail(): void {
    if (this.index.records === 0) return void this.detailPane.replaceChildren(h('p', { class: 'muted' }, 'The log has no record.'));
    const r = this.position;
    const notes = this.notes.filter((a) => a.record === r);
    const actions = [
      h('button', { onclick: () => void this.reexecute({ until: r }), title: 'h: re-execute up to this call and pause before it' }, 'Run to here'),
      this.backend.writable || this.backend.mode === 'file' ? h('button', { onclick: () => (this.showTab('notes'), this.addNote()), title: 'n' }, 'Note') : null,
    ].filter((b): b is HTMLButtonElement => b !== null);
    this.detailPane.replaceChildren(...notes.map((a) => h('div', { class: 'note-inline' }, '✎ ', a.text)), recordDetail(this.store, r, actions), ...(this.paused ? [this.pausedView()] : []));
  }

  // --- notes ---------------------------------------------------------------------------------------

  private renderNotes(): void {
    // A registry served with the token keeps notes; an HTML file keeps them in the page; a .tcr viewed as it is, not at all.
    const editable = this.backend.writable || this.backend.mode === 'file';
    const list = this.notes.map((a) => {
      const text = h('span', { class: 'note-text' }, a.text);
      const row = h(
        'li',
        { class: 'note' },
        h('a', { href: `#r=${a.record}`, class: 'link' }, `#${a.record}`),
        ' ',
        text,
        editable ? h('button', { class: 'link', onclick: () => this.editNote(a, row) }, 'edit') : null,
        editable ? h('button', { class: 'link', onclick: () => void this.saveNotes(this.notes.filter((n) => n.id !== a.id)) }, 'delete') : null,
      );
      return row;
    });
    const note = this.backend.writable
      ? null
      : h('p', { class: 'muted' }, this.backend.mode === 'registry' ? 'Notes are kept only with the token of the URL tc view printed.' : this.backend.mode === 'file' ? 'Notes changed in this file stay in this page.' : 'A recording viewed as it is: tc import it to add notes.');
    this.notesPane.replaceChildren(
      h('div', { class: 'notes-head' }, editable ? h('button', { onclick: () => this.addNote() }, `Add a note at #${this.position}`) : null, note),
      list.length ? h('ul', { class: 'notes-list' }, ...list) : h('p', { class: 'muted' }, 'No notes yet. Press n to add one at the position; [ and ] jump between them.'),
    );
    this.tabs.notes.tab.textContent = `Notes (${this.notes.length})`;
    this.timeline.draw();
  }

  private addNote(): void {
    if (!(this.backend.writable || this.backend.mode === 'file')) return;
    const record = this.position;
    const area = h('textarea', { rows: 3, placeholder: `a note at record #${record}`, 'aria-label': 'note' });
    const save = async () => {
      const text = area.value.trim();
      if (!text) return this.renderNotes();
      const now = new Date().toISOString();
      const id = `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      await this.saveNotes([...this.notes, { id, record, text, created: now }]);
    };
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        void save();
      } else if (e.key === 'Escape') this.renderNotes();
    });
    this.notesPane.prepend(h('div', { class: 'note-edit' }, area, h('button', { onclick: () => void save() }, 'Save'), h('span', { class: 'muted' }, ' Enter saves, Esc cancels')));
    area.focus();
  }

  private editNote(a: Annotation, row: HTMLElement): void {
    const area = h('textarea', { rows: 3, 'aria-label': 'note' });
    area.value = a.text;
    const save = () => void this.saveNotes(this.notes.map((n) => (n.id === a.id ? { ...n, text: area.value.trim() || n.text, updated: new Date().toISOString() } : n)));
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        save();
      } else if (e.key === 'Escape') this.renderNotes();
    });
    row.replaceChildren(area, h('button', { onclick: save }, 'Save'));
    area.focus();
  }

  private async saveNotes(list: Annotation[]): Promise<void> {
    try {
      this.notes = await this.backend.saveAnnotations(this.manifest.id, list);
    } catch (e) {
      alert(`tc: the notes were not saved: ${(e as Error).message}`);
    }
    this.renderNotes();
    this.renderDetail();
  }

  notesList(): Annotation[] {
    return this.notes;
  }

  // --- re-execution --------------------------------------------------------------------------------

  /** Re-execute the module against the log in a worker: to the end, or paused before record `until`. */
  async reexecute(options: { until?: number } = {}): Promise<ReexecuteResult> {
    const m = this.manifest;
    this.pause();
    const module = await this.backend.module(m.id);
    if (module === null) {
      const error = 'this page holds no module (exported with --no-module): it can play, not re-execute';
      this.showReexec([h('span', { class: 'err' }, error)]);
      return { identical: false, records: 0, error };
    }
    const until = options.until;
    const total = this.index.batches.length;
    const progress = h('progress', { max: total, value: 0 });
    const label = h('span', {}, until === undefined ? 'Re-executing' : `Re-executing to #${until}`);
    this.showReexec([label, progress, h('button', { onclick: () => this.reexec.cancel() }, 'Cancel')]);
    this.term.reset();
    this.showing = 'reexec';
    this.shown = 0;
    this.reexecChunks = [];
    this.paused = null;
    this.divergenceAt = null;
    let result: RunResult;
    try {
      result = await this.reexec.run(
        { module, name: m.module.name, segments: this.segments, finished: m.status === 'exited' || m.status === 'trapped', ...(until === undefined ? {} : { until }), ...(m.secrets ? { secrets: [...m.secrets] } : {}) },
        {
          onProgress: (b) => {
            progress.value = b;
            label.textContent = `${until === undefined ? 'Re-executing' : `Re-executing to #${until}`}: ${count(this.index.batches[Math.min(b, total - 1)]?.info.firstOffset ?? 0)} of ${count(this.index.records)} records`;
          },
          onOutput: (chunks) => {
            for (const [s, b] of chunks) {
              this.reexecChunks.push([s, b]);
              this.writeChunk(s, b);
            }
          },
        },
      );
    } catch (e) {
      this.showReexec([h('span', {}, `Re-execution ${(e as Error).message}.`)]);
      return { identical: false, records: 0, error: (e as Error).message };
    }
    return this.reportRun(result);
  }

  private showReexec(children: (Node | string)[]): void {
    this.reexecBar.replaceChildren(...children);
    this.reexecBar.hidden = false;
  }

  private reportRun(r: RunResult): ReexecuteResult {
    const m = this.manifest;
    if (r.divergence) {
      this.divergenceAt = r.divergence.offset;
      this.timeline.draw();
      this.showReexec([h('pre', { class: 'err divergence' }, r.divergence.report), h('button', { onclick: () => this.seek(r.divergence!.offset) }, `Go to #${r.divergence.offset}`)]);
      return { identical: false, records: r.records, divergence: r.divergence };
    }
    if (r.error || r.ended) {
      this.showReexec([h('span', { class: 'err' }, `tc: ${r.error ?? r.ended}`)]);
      return { identical: false, records: r.records, error: r.error ?? r.ended! };
    }
    if (r.paused) {
      this.paused = r.paused;
      this.showReexec([h('span', {}, `Paused before #${r.paused.offset}: `, h('code', {}, r.paused.call))]);
      // The paused call's record, without redrawing the terminal over the re-execution's output.
      this.position = r.paused.offset;
      this.showPosition();
      this.detailPane.querySelector('.paused')?.scrollIntoView({ block: 'start' });
      return { identical: this.sameOutput(r.paused.offset - 1), records: r.records, paused: r.paused };
    }
    const recordedExit = m.exitCode ?? (m.status === 'trapped' ? EXIT.TRAP : undefined);
    const identical = r.records === this.index.records && (recordedExit === undefined || r.exitCode === recordedExit) && this.sameOutput(this.index.records - 1);
    this.showReexec([h('span', { class: identical ? 'ok' : 'err' }, identical ? `identical: ${count(r.records)} records, exit code ${r.exitCode}` : `not identical: ${count(r.records)} of ${count(this.index.records)} records, exit code ${r.exitCode} (recorded ${recordedExit ?? 'none'})`)]);
    return { identical, records: r.records, ...(r.exitCode === undefined ? {} : { exitCode: r.exitCode }) };
  }

  /** Whether the re-execution printed what the recording's records 0 to `last` printed. */
  private sameOutput(last: number): boolean {
    const expected = this.index.outputs.filter((o) => o.record <= last);
    const concat = (parts: Uint8Array[]) => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) out.set(p, (o += p.length) - p.length);
      return out;
    };
    for (const stream of [1, 2]) {
      const a = concat(expected.filter((c) => c.stream === stream).map((c) => c.bytes));
      const b = concat(this.reexecChunks.filter(([s]) => s === stream).map(([, x]) => x));
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) return false;
    }
    return true;
  }

  /** The paused call: its params, what it is about to read, and the guest's memory. */
  private pausedView(): HTMLElement {
    const p = this.paused!;
    const sc = SYSCALL[p.fn];
    const dump = h('pre', { class: 'hex' }, '');
    const address = h('input', { class: 'address', 'aria-label': 'memory address', value: '0x0' });
    const show = async (at: number) => {
      address.value = `0x${at.toString(16)}`;
      const len = Math.max(0, Math.min(256, p.memorySize - at));
      try {
        dump.textContent = hexDump(await this.reexec.memory(at, len), at);
      } catch (e) {
        dump.textContent = `tc: ${(e as Error).message}`;
      }
    };
    address.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void show(Number(address.value.trim()) >>> 0);
    });
    const pointers = sc.params.map((param, i) => (param.type === 'ptr' ? h('button', { class: 'link', onclick: () => void show(Number(p.args[i]) >>> 0) }, `→ ${param.name}`) : null));
    const first = sc.params.findIndex((param) => param.type === 'ptr');
    void show(first >= 0 ? Number(p.args[first]) >>> 0 : 0);
    return h(
      'div',
      { class: 'paused' },
      h('div', { class: 'detail-head' }, h('strong', {}, `Paused before #${p.offset}`), h('span', { class: 'muted' }, ' the call about to be made, from live memory')),
      h('pre', { class: 'call' }, p.call),
      ...sc.inputs.map((inp, i) => h('details', { class: 'bytes', open: true }, h('summary', {}, `${inp.name} · ${count(p.inputs[i]!.length)} bytes`), h('pre', { class: 'hex' }, hexDump(p.inputs[i]!)))),
      h('div', { class: 'memory-bar' }, 'memory ', address, ...pointers, h('span', { class: 'muted' }, ` ${humanBytes(p.memorySize)}`)),
      dump,
      h(
        'div',
        { class: 'memory-bar' },
        h('button', { onclick: () => void this.reexecute() }, 'Continue'),
        h('button', { onclick: () => void this.reexecute({ until: p.offset + 1 }) }, 'Step'),
        h('button', { onclick: () => void this.reexecute({ until: p.offset - 1 }), disabled: p.offset === 0 }, 'Step back'),
      ),
    );
  }

  /** Guest memory while a re-execution is paused. */
  memory(address: number, length: number): Promise<Uint8Array> {
    return this.reexec.memory(address, length);
  }
}
