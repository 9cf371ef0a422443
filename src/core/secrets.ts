/**
 * Secrets kept out of a recording (README, "Secrets"; docs/RATIONALE.md, "Secrets"). Portable: used
 * by the recorder, by `tc redact`, by replay and by every reader that shows records.
 *
 * A secret is a byte string (an API token from the environment, a password in argv, a key read from
 * a file). Each occurrence of it in what goes into the log is replaced by its *placeholder*: as many
 * bytes as the secret, random letters and digits drawn for the recording. Same length, so that every
 * size, count and pointer of the log stays right and a program that only passes the secret along
 * replays without it, reading and writing the placeholder instead.
 *
 * The data of the reads of one fd, and of its writes, are each one stream: a secret split across two
 * reads (or writes) is still found. When a read ends with the first bytes of a secret (at least
 * {@link splitBytes} of them), they are replaced at once, before the record is written, on the bet
 * that the rest follows; the next read's head finishes the occurrence. A read that ends with fewer of
 * its first bytes leaves those few in clear (the rest of the occurrence is replaced when it comes). A
 * bet that loses leaves placeholder bytes where the data held the secret's first bytes: the same swap
 * undoes it on replay with the secret, so replay stays exact.
 *
 * The same {@link SecretScrubber} runs both ways: `hide` (secret to placeholder: the recorder, `tc
 * redact`, and a replay with the secret checking what the guest passes) and `restore` (placeholder to
 * secret: a replay with the secret, on what it writes into guest memory). Both keep, per stream, the
 * last bytes of the original data, so each makes the other's decisions.
 */
import { RESULT_TRAP } from './codec.js';
import { SYSCALLS, type Syscall } from '../wasi/syscalls.js';

/** Where a secret came from: `tc run --secret-env`, `--secret-arg`, `--secret-file`, `--secret` (and `tc redact`'s). */
export type SecretSource = 'env' | 'arg' | 'file' | 'value';

/**
 * A secret as a recording keeps it (the manifest's `secrets`): everything but its value.
 * `hash` is `scrypt:<N>:<r>:<p>:<hex>` of the value with `salt` (hex); `placeholder` is the
 * `length` ASCII letters and digits that stand for it in the log.
 */
export interface SecretInfo {
  readonly name: string;
  readonly source: SecretSource;
  /** Bytes of the secret (and of its placeholder). */
  readonly length: number;
  readonly placeholder: string;
  readonly salt: string;
  readonly hash: string;
}

/** A secret with its value: what the recorder hides, or what a replay given the value restores. */
export interface SecretValue {
  readonly name: string;
  readonly value: Uint8Array;
  readonly placeholder: Uint8Array;
}

/**
 * What to keep out of a recording (`tc run`'s flags, the library's `run`): the values of guest
 * environment variables (`env`, by name), guest arguments (`args`, by index into argv, 0 being the
 * module), the contents of files under a preopen (`files`, by guest path) and literal `values`. Unless
 * `defaults` is false, every environment variable whose name contains PASSWORD, TOKEN, SECRET,
 * AUTHORIZATION, API_KEY or PRIVATE_KEY (any case) is one too.
 */
export interface SecretSpec {
  readonly env?: readonly string[];
  readonly args?: readonly number[];
  readonly files?: readonly string[];
  readonly values?: readonly string[];
  readonly defaults?: boolean;
}

/** Secrets shorter than this (bytes) are refused: they could not be told from other data. */
export const MIN_SECRET_BYTES = 4;

/** The characters placeholders are made of. */
export const PLACEHOLDER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * How many of a secret's first bytes a read or write must end with for them to be replaced before
 * the rest is seen (a secret of `length` bytes): 4, and half of a shorter secret. Fewer stay in clear
 * when a secret is split there; more would bet on fewer splits and lose fewer bets.
 */
export const splitBytes = (length: number): number => Math.min(4, Math.ceil(length / 2));

/** How a secret shows in a trace, a description or the player: `‹secret NAME›`, or part of it. */
export const secretLabel = (name: string, from = 0, to = -1, length = -1): string =>
  from === 0 && (to < 0 || to === length) ? `‹secret ${name}›` : `‹secret ${name}[${from}:${to}]›`;

const utf8 = new TextEncoder();

/** The bytes of a placeholder (ASCII). */
export const placeholderBytes = (placeholder: string): Uint8Array => utf8.encode(placeholder);

/** Whether `len` bytes of `a` at `i` equal those of `b` at `j`. */
function eqAt(a: Uint8Array, i: number, b: Uint8Array, j: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

interface Pair {
  readonly name: string;
  /** What is looked for, and what replaces it. */
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  /** The secret itself: what the history of a stream is compared with. */
  readonly value: Uint8Array;
  readonly split: number;
}

/** The last bytes of the original data of one stream. */
interface History {
  readonly bytes: Uint8Array;
  length: number;
}

/**
 * The stream a blob of a record of `sc` belongs to: the data read from fd `fd` (an `iovecs` output),
 * or written to it (a `ciovecs` input); -1 for anything else (a path, the environment, a struct).
 */
export function blobStream(sc: Syscall, kind: 'input' | 'output', index: number, fd: number): number {
  if (kind === 'input') return sc.inputs[index]?.kind === 'ciovecs' ? fd * 2 + 1 : -1;
  return sc.outputs[index]?.kind === 'iovecs' ? fd * 2 : -1;
}

/** Whether each function's first param is an fd (`blobStream` needs it). */
export const FIRST_IS_FD: readonly boolean[] = SYSCALLS.map((s) => s.params[0]?.type === 'fd');

/**
 * Whether a blob may hold a secret and is scrubbed: data read and written, paths, names, argv and
 * the environment (inputs `string` and `ciovecs`; outputs `iovecs`, `buffer`, `strings`), not the
 * structs a call reads or writes (subscriptions, events, stats, sizes, times), whose bytes are
 * numbers: replacing four of them because they spelled a short binary secret would change a size.
 */
export function scrubbed(sc: Syscall, kind: 'input' | 'output', index: number): boolean {
  if (kind === 'input') {
    const k = sc.inputs[index]?.kind;
    return k === 'string' || k === 'ciovecs';
  }
  const k = sc.outputs[index]?.kind;
  return k === 'iovecs' || k === 'buffer' || k === 'strings';
}

const SCRUB_INPUTS = SYSCALLS.map((sc) => sc.inputs.map((_, i) => scrubbed(sc, 'input', i)));
const SCRUB_OUTPUTS = SYSCALLS.map((sc) => sc.outputs.map((_, i) => scrubbed(sc, 'output', i)));

/**
 * Replaces secrets by their placeholders (`hide`) or placeholders by their secrets (`restore`), in
 * place, in blobs of records: see the module's comment. Holds the history of every stream it saw.
 */
export class SecretScrubber {
  private readonly pairs: readonly Pair[];
  /** Bytes of history kept per stream: the longest secret's length less one. */
  private readonly keep: number;
  private readonly hide: boolean;
  private readonly streams = new Map<number, History>();
  /** The end of a blob as it was before it was hidden (the history takes the original data). */
  private readonly before: Uint8Array;
  /** Replacements made (whole occurrences, and parts of split ones). */
  replaced = 0;

  constructor(secrets: readonly SecretValue[], readonly direction: 'hide' | 'restore') {
    this.hide = direction === 'hide';
    this.pairs = [...secrets]
      .filter((s) => s.value.length > 0 && s.value.length === s.placeholder.length)
      .sort((a, b) => b.value.length - a.value.length)
      .map((s) => ({
        name: s.name,
        from: this.hide ? s.value : s.placeholder,
        to: this.hide ? s.placeholder : s.value,
        value: s.value,
        split: splitBytes(s.value.length),
      }));
    this.keep = Math.max(0, ...this.pairs.map((p) => p.value.length - 1));
    this.before = new Uint8Array(this.keep);
  }

  /** Whether there is anything to replace. */
  get empty(): boolean {
    return this.pairs.length === 0;
  }

  /**
   * Replace in `b`, in place. `stream` (see {@link blobStream}), or -1 for a blob on its own. With
   * `commit` false the stream's history is left as it was (to show a call without taking it).
   * Returns whether anything changed.
   */
  blob(b: Uint8Array, stream = -1, commit = true): boolean {
    const n = b.length;
    if (this.pairs.length === 0 || n === 0) return false;
    const h = stream >= 0 ? this.streams.get(stream) : undefined;
    // Hiding, the history takes the data as it was, before any change.
    let before: Uint8Array | null = null;
    if (stream >= 0 && commit && this.hide) {
      const tail = b.subarray(Math.max(0, n - this.keep));
      before = this.before.subarray(0, tail.length);
      before.set(tail);
    }
    let changed = false;
    let start = 0;
    // 1. The end of an occurrence that began in the stream's earlier data.
    if (h !== undefined && h.length > 0) {
      let best: Pair | null = null;
      let bestA = 0;
      let bestM = 0;
      for (const s of this.pairs) {
        const len = s.value.length;
        for (let a = Math.min(len - 1, h.length); a > bestA; a--) {
          // The chunk's first byte first: it rules out most places at once.
          if (b[0] !== s.from[a] || !eqAt(h.bytes, h.length - a, s.value, 0, a)) continue;
          const m = Math.min(len - a, n);
          if (a + m < len && a + m < s.split) continue;
          if (!eqAt(b, 0, s.from, a, m)) continue;
          best = s;
          bestA = a;
          bestM = m;
          break;
        }
      }
      if (best !== null) {
        b.set(best.to.subarray(bestA, bestA + bestM), 0);
        start = bestM;
        changed = true;
        this.replaced++;
      }
    }
    // 2. Whole occurrences, the longest secrets first.
    let end = start;
    for (const s of this.pairs) {
      const f = s.from;
      const len = f.length;
      const first = f[0]!;
      let i = start;
      while (i + len <= n) {
        i = b.indexOf(first, i);
        if (i < 0 || i + len > n) break;
        if (eqAt(b, i, f, 0, len)) {
          b.set(s.to, i);
          i += len;
          if (i > end) end = i;
          changed = true;
          this.replaced++;
        } else i++;
      }
    }
    // 3. The first bytes of an occurrence the next read or write may finish.
    if (stream >= 0) {
      let best: Pair | null = null;
      let bestJ = 0;
      for (const s of this.pairs) {
        for (let j = Math.min(s.value.length - 1, n - end); j >= s.split && j > bestJ; j--) {
          if (b[n - j] === s.from[0] && eqAt(b, n - j, s.from, 0, j)) {
            best = s;
            bestJ = j;
            break;
          }
        }
      }
      if (best !== null) {
        b.set(best.to.subarray(0, bestJ), n - bestJ);
        changed = true;
        this.replaced++;
      }
    }
    if (stream >= 0 && commit && this.keep > 0) this.remember(stream, before ?? b.subarray(Math.max(0, n - this.keep)));
    return changed;
  }

  /** Append `x` (original data) to the history of `stream`. */
  private remember(stream: number, x: Uint8Array): void {
    let h = this.streams.get(stream);
    if (h === undefined) this.streams.set(stream, (h = { bytes: new Uint8Array(this.keep), length: 0 }));
    const k = this.keep;
    if (x.length >= k) {
      h.bytes.set(x.subarray(x.length - k));
      h.length = k;
      return;
    }
    const keepOld = Math.min(h.length, k - x.length);
    h.bytes.copyWithin(0, h.length - keepOld, h.length);
    h.bytes.set(x, keepOld);
    h.length = keepOld + x.length;
  }

  /**
   * Replace in the blobs of the encoded record `r` that may hold a secret (see {@link scrubbed}; its
   * inputs, trap message and outputs, in that order: layout in src/core/codec.ts), in place,
   * following the streams of its fd. The record's structure (ids, varints, lengths) is never touched. Throws RangeError on bytes that are not a record.
   */
  record(r: Uint8Array): void {
    const id = r[0]!;
    const sc = SYSCALLS[id];
    if (sc === undefined) throw new RangeError(`unknown function id ${id}`);
    const ins = SCRUB_INPUTS[id]!;
    const outs = SCRUB_OUTPUTS[id]!;
    let p = this.varintEnd(r, 1); // timestamp delta
    let fd = -1;
    for (let i = 0; i < sc.params.length; i++) {
      if (i === 0 && FIRST_IS_FD[id]) {
        fd = this.value(r, p);
        p = this.varintEnd(r, p);
      } else p = this.varintEnd(r, p);
    }
    for (let i = 0; i < ins.length; i++) p = this.blobAt(r, p, ins[i]!, fd < 0 ? -1 : blobStream(sc, 'input', i, fd));
    const trap = this.value(r, p) === RESULT_TRAP;
    p = this.varintEnd(r, p);
    if (trap) p = this.blobAt(r, p, true, -1);
    for (let i = 0; i < outs.length; i++) p = this.blobAt(r, p, outs[i]!, fd < 0 ? -1 : blobStream(sc, 'output', i, fd));
  }

  /** Where the varint at `r[p]` ends. */
  private varintEnd(r: Uint8Array, p: number): number {
    while (p < r.length && r[p]! >= 0x80) p++;
    if (p >= r.length) throw new RangeError('record truncated');
    return p + 1;
  }

  /** The value of the varint at `r[p]`. */
  private value(r: Uint8Array, p: number): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= r.length) throw new RangeError('record truncated');
      const c = r[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 0x80;
    }
  }

  /** The blob at `r[p]` (a varint length, then the bytes), scrubbed when `scrub`; returns where it ends. */
  private blobAt(r: Uint8Array, p: number, scrub: boolean, stream: number): number {
    const len = this.value(r, p);
    p = this.varintEnd(r, p);
    if (p + len > r.length) throw new RangeError('record truncated');
    if (scrub && len > 0) this.blob(r.subarray(p, p + len), stream);
    return p + len;
  }

  /** `s` with every whole occurrence replaced (a manifest's args, environment, paths). */
  text(s: string): string {
    const b = utf8.encode(s);
    return this.blob(b) ? new TextDecoder().decode(b) : s;
  }
}

/** A run of placeholder bytes in a blob: bytes [start, end) are bytes [from, to) of secret `name`'s placeholder. */
export interface SecretRun {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly length: number;
}

/**
 * Finds placeholders in what a reader shows (a trace line, a description, the player), to print
 * `‹secret NAME›` in their place: whole placeholders anywhere, and a part of one at least
 * {@link splitBytes} long at the start or the end of a blob (a secret split across two reads).
 */
export class SecretMarks {
  private readonly list: readonly { readonly name: string; readonly bytes: Uint8Array; readonly text: string; readonly split: number }[];

  constructor(secrets: readonly { readonly name: string; readonly placeholder: string }[]) {
    this.list = secrets
      .filter((s) => s.placeholder.length > 0)
      .map((s) => ({ name: s.name, bytes: placeholderBytes(s.placeholder), text: s.placeholder, split: splitBytes(s.placeholder.length) }))
      .sort((a, b) => b.bytes.length - a.bytes.length);
  }

  /** Whether there are no secrets to mark. */
  get empty(): boolean {
    return this.list.length === 0;
  }

  /** The secrets' names. */
  get names(): string[] {
    return this.list.map((s) => s.name);
  }

  /** The placeholder runs of `b`, in order, not overlapping. */
  find(b: Uint8Array): SecretRun[] {
    const n = b.length;
    const runs: SecretRun[] = [];
    if (this.list.length === 0 || n === 0) return runs;
    const taken = (start: number, end: number) => runs.some((r) => start < r.end && r.start < end);
    for (const s of this.list) {
      const p = s.bytes;
      const len = p.length;
      for (let i = b.indexOf(p[0]!); i >= 0 && i + len <= n; i = b.indexOf(p[0]!, i + 1)) {
        if (eqAt(b, i, p, 0, len) && !taken(i, i + len)) {
          runs.push({ start: i, end: i + len, name: s.name, from: 0, to: len, length: len });
          i += len - 1;
        }
      }
    }
    for (const s of this.list) {
      const p = s.bytes;
      const len = p.length;
      // The end of a placeholder at the start (from byte a on), its start at the end (j bytes).
      for (let a = 1; a < len; a++) {
        const m = Math.min(len - a, n);
        if (m < s.split) break;
        if (eqAt(b, 0, p, a, m) && !taken(0, m)) {
          runs.push({ start: 0, end: m, name: s.name, from: a, to: a + m, length: len });
          break;
        }
      }
      for (let j = Math.min(len - 1, n); j >= s.split; j--) {
        if (eqAt(b, n - j, p, 0, j) && !taken(n - j, n)) {
          runs.push({ start: n - j, end: n, name: s.name, from: 0, to: j, length: len });
          break;
        }
      }
    }
    return runs.sort((x, y) => x.start - y.start);
  }

  /** `s` (a manifest's string: an argument, `NAME=VALUE`, a path) with `‹secret NAME›` for each whole placeholder. */
  text(s: string): string {
    for (const m of this.list) if (s.includes(m.text)) s = s.split(m.text).join(secretLabel(m.name));
    return s;
  }
}

/**
 * The secrets whose placeholders the records hold (a use of the secret: the guest was given the
 * placeholder, or passed it), each with the last record that does, latest first.
 */
export function secretUses(records: Iterable<{ readonly offset: number; readonly inputs: readonly Uint8Array[]; readonly outputs: readonly Uint8Array[]; readonly trap?: string }>, marks: SecretMarks): { readonly name: string; readonly record: number }[] {
  const last = new Map<string, number>();
  if (marks.empty) return [];
  for (const rec of records) {
    for (const blobs of [rec.inputs, rec.outputs]) for (const b of blobs) for (const run of marks.find(b)) last.set(run.name, rec.offset);
  }
  return [...last].map(([name, record]) => ({ name, record })).sort((a, b) => b.record - a.record || a.name.localeCompare(b.name));
}
