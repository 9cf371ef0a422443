/**
 * The call list: every record as a trace line, virtualized (only the rows in view exist, so a
 * 1,000,000-record log scrolls as a short one), filtered by function, kind, file or text; and the
 * detail of one record: function, params, result, time, and its input and output bytes.
 */
import type { LogRecord } from '../../core/codec.js';
import { formatInput, formatOutput, formatRecord, formatResult, formatScalar } from '../../core/trace.js';
import { humanDuration } from '../../human.js';
import { SYSCALLS } from '../../wasi/syscalls.js';
import { KINDS, type RecordStore } from './log.js';
import { KIND_COLOURS } from './timeline.js';
import { count, h, hexDump } from './ui.js';

const ROW = 20;
/** Element heights stop growing here; beyond, scrolling maps proportionally onto the rows. */
const MAX_HEIGHT = 8_000_000;

export interface CallFilter {
  /** A function id, or -1. */
  fn: number;
  /** A kind (KINDS index), or -1. */
  kind: number;
  /** Records of one file (the files panel), or null. */
  file: { readonly path: string; readonly records: readonly number[] } | null;
  text: string;
}

export class CallList {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private readonly status: HTMLElement;
  private readonly fileChip: HTMLElement;
  readonly filter: CallFilter = { fn: -1, kind: -1, file: null, text: '' };
  /** The records shown, in order, or null for all. */
  private shown: Uint32Array | null = null;
  private selected = 0;
  private filtering = 0;

  constructor(
    private readonly store: RecordStore,
    private readonly onSelect: (record: number) => void,
  ) {
    const index = store.index;
    const fnSelect = h('select', { 'aria-label': 'function', onchange: (e: Event) => this.setFilter({ fn: Number((e.target as HTMLSelectElement).value) }) }, h('option', { value: -1 }, 'all functions'));
    SYSCALLS.forEach((sc, id) => {
      if (index.calls[id]) fnSelect.append(h('option', { value: id }, `${sc.name} (${count(index.calls[id]!)})`));
    });
    const kindSelect = h('select', { 'aria-label': 'kind', onchange: (e: Event) => this.setFilter({ kind: Number((e.target as HTMLSelectElement).value) }) }, h('option', { value: -1 }, 'all kinds'), ...KINDS.map((k, i) => h('option', { value: i }, k)));
    let typing = 0;
    const search = h('input', {
      type: 'search',
      placeholder: 'search calls',
      'aria-label': 'search calls',
      class: 'search',
      oninput: (e: Event) => {
        clearTimeout(typing);
        typing = window.setTimeout(() => this.setFilter({ text: (e.target as HTMLInputElement).value }), 200);
      },
    });
    this.fileChip = h('span', { class: 'chip', hidden: true });
    this.status = h('span', { class: 'muted list-status' });
    this.spacer = h('div', { class: 'spacer' });
    this.rows = h('div', { class: 'rows' });
    this.scroller = h('div', { class: 'calls-scroll', tabindex: 0, 'aria-label': 'calls' }, this.spacer, this.rows);
    this.scroller.addEventListener('scroll', () => this.render());
    new ResizeObserver(() => this.render()).observe(this.scroller);
    this.element = h('div', { class: 'calls' }, h('div', { class: 'filters' }, fnSelect, kindSelect, search, this.fileChip, this.status), this.scroller);
    this.updateStatus();
  }

  private get length(): number {
    return this.shown === null ? this.store.index.records : this.shown.length;
  }

  /** Show only what `change` adds to the filter; recomputed a few batches at a time. */
  setFilter(change: Partial<CallFilter>): void {
    Object.assign(this.filter, change);
    const f = this.filter;
    this.fileChip.hidden = f.file === null;
    this.fileChip.replaceChildren(...(f.file ? [`file: ${f.file.path} `, h('button', { class: 'link', title: 'show every file', onclick: () => this.setFilter({ file: null }) }, '×')] : []));
    const job = ++this.filtering;
    if (f.fn < 0 && f.kind < 0 && f.file === null && f.text === '') {
      this.shown = null;
      this.updateStatus();
      this.reveal(this.selected);
      return;
    }
    const needle = f.text.toLowerCase();
    const inFile = f.file ? new Set(f.file.records) : null;
    const out: number[] = [];
    const batches = this.store.index.batches;
    let i = 0;
    const step = () => {
      if (job !== this.filtering) return;
      const until = performance.now() + 12;
      for (; i < batches.length && performance.now() < until; i++) {
        const first = batches[i]!.info.firstOffset;
        const d = this.store.batch(i);
        for (let k = 0; k < d.ids.length; k++) {
          if (f.fn >= 0 && d.ids[k] !== f.fn) continue;
          if (f.kind >= 0 && d.kinds[k] !== f.kind) continue;
          if (inFile && !inFile.has(first + k)) continue;
          if (needle && !formatRecord(this.store.record(first + k), d.streams[k] || -1, this.store.marks).toLowerCase().includes(needle)) continue;
          out.push(first + k);
        }
      }
      this.shown = Uint32Array.from(out);
      this.updateStatus(i < batches.length ? `filtering ${Math.floor((i / batches.length) * 100)}%` : undefined);
      this.render();
      if (i < batches.length) setTimeout(step, 0);
    };
    step();
  }

  private updateStatus(work?: string): void {
    const all = this.store.index.records;
    this.status.textContent = work ?? (this.shown === null ? `${count(all)} records` : `${count(this.shown.length)} of ${count(all)}`);
    this.spacer.style.height = `${Math.min(MAX_HEIGHT, this.length * ROW)}px`;
  }

  /** The row index of `record` in the list (or of the last shown before it). */
  private rowOf(record: number): number {
    const s = this.shown;
    if (s === null) return record;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= record) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Scale between rows and pixels when the list is taller than MAX_HEIGHT. */
  private get scale(): number {
    const full = this.length * ROW;
    return full > MAX_HEIGHT ? (full - this.scroller.clientHeight) / Math.max(1, MAX_HEIGHT - this.scroller.clientHeight) : 1;
  }

  /** Select `record` and scroll it into view. */
  reveal(record: number): void {
    this.selected = record;
    const row = this.rowOf(record);
    const view = this.scroller.clientHeight;
    const top = this.scroller.scrollTop * this.scale;
    const y = row * ROW;
    if (y < top || y + ROW > top + view) this.scroller.scrollTop = Math.max(0, (y - view / 2) / this.scale);
    this.render();
  }

  private render(): void {
    const n = this.length;
    const view = this.scroller.clientHeight;
    const top = this.scroller.scrollTop * this.scale;
    const first = Math.max(0, Math.floor(top / ROW) - 2);
    const last = Math.min(n, Math.ceil((top + view) / ROW) + 2);
    const offset = this.scroller.scrollTop - top;
    const rows: HTMLElement[] = [];
    for (let r = first; r < last; r++) {
      const rec = this.shown === null ? r : this.shown[r]!;
      const d = this.store.record(rec);
      const stream = this.store.stream(rec);
      const line = formatRecord(d, stream || -1, this.store.marks);
      const el = h(
        'div',
        { class: `row${rec === this.selected ? ' selected' : ''}${d.result !== 0 && d.syscall.returnsErrno ? ' failed' : ''}`, style: `top:${r * ROW + offset}px`, 'data-record': rec, title: line },
        h('span', { class: 'kind', style: `background:${KIND_COLOURS[this.store.kind(rec)]}` }),
        h('span', { class: 'num' }, `#${rec}`),
        h('span', { class: 'time' }, humanDuration(this.store.time(rec) - this.store.index.start)),
        h('span', { class: 'line' }, line),
      );
      el.addEventListener('click', () => this.onSelect(rec));
      rows.push(el);
    }
    this.rows.replaceChildren(...rows);
  }
}

/** The detail of record `n`: what the call was, what it returned, and its bytes. */
export function recordDetail(store: RecordStore, n: number, actions: HTMLElement[] = []): HTMLElement {
  const rec: LogRecord = store.record(n);
  const sc = rec.syscall;
  const stream = store.stream(n);
  const t = store.time(n) - store.index.start;
  const failed = sc.returnsErrno && rec.result !== 0;
  const bytesBlock = (label: string, text: string, b: Uint8Array) =>
    h('details', { class: 'bytes', open: b.length <= 512 }, h('summary', {}, `${label} · ${count(b.length)} bytes · ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`), h('pre', { class: 'hex' }, hexDump(b)));
  return h(
    'div',
    { class: 'detail' },
    h('div', { class: 'detail-head' }, h('span', { class: 'kind', style: `background:${KIND_COLOURS[store.kind(n)]}` }), h('strong', {}, sc.name), h('span', { class: 'muted' }, ` record #${n} · ${humanDuration(t)} · t=${t} ns`), ...actions),
    h(
      'table',
      { class: 'params' },
      ...sc.params.map((p, i) => h('tr', {}, h('th', {}, p.name), h('td', {}, formatScalar(p.type, rec.params[i]!)), h('td', { class: 'muted' }, p.type))),
      sc.returnsErrno || rec.trap !== undefined ? h('tr', {}, h('th', {}, 'result'), h('td', { class: failed ? 'err' : '' }, formatResult(rec, store.marks)), h('td', { class: 'muted' }, failed ? `errno ${rec.result}` : '')) : null,
      stream ? h('tr', {}, h('th', {}, 'reached'), h('td', {}, stream === 1 ? 'stdout' : 'stderr'), h('td', {})) : null,
    ),
    ...sc.inputs.map((inp, i) => bytesBlock(`in ${inp.name}`, formatInput(inp, rec.inputs[i]!, store.marks), rec.inputs[i]!)),
    ...(failed ? [] : sc.outputs.map((o, i) => bytesBlock(`out ${o.name}`, formatOutput(o, rec.outputs[i]!, store.marks), rec.outputs[i]!))),
  );
}
