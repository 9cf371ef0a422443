/**
 * Comparing two processes (`tc diff`): the same module run twice, or two builds of it.
 *
 * Each call has a signature: its function, its params but the pointers (where a build keeps things in
 * memory, not what the program does) and the bytes it gave the host (a path, the bytes written). The
 * two lists of signatures are aligned as a diff aligns lines (jsdiff's `diffArrays`, Myers' algorithm,
 * after the common head and tail are set aside), so that one extra call shifts what follows instead of
 * making all of it differ. Two calls that align but answered differently (another result, other
 * output bytes) are `changed`; a call of one side alone is `removed` (a's) or `added` (b's).
 *
 * What the host answered (the result, and a successful call's outputs: a failed call's outputs are
 * what the guest's memory held, and its trace line shows none) is compared as it is, except values
 * that differ from run to run whatever the program does, which are compared by kind (their size)
 * unless `exact`: clock readings (`clock_time_get`'s time), random bytes (`random_get`'s), and the
 * host's identities and times of a file (a filestat's dev, ino, atim, mtim, ctim; a directory entry's
 * d_ino). In a call's signature, poll_oneoff's absolute deadlines (a clock value plus a wait) are
 * compared by kind the same way. The pointer lists args_get and environ_get write (where the guest
 * keeps its strings) are compared by kind always.
 *
 * Signatures and answers are kept as strings (bytes of up to 64 as they are, longer ones by length and
 * SHA-1), so that two long logs take memory by their number of calls, not their bytes; the trace lines
 * shown are made in a second read of the two logs, for the calls shown only.
 */
import { createHash } from 'node:crypto';
import { diffArrays } from 'diff';
import type { LogRecord } from '../core/codec.js';
import { RESULT_TRAP } from '../core/codec.js';
import { concatBytes } from '../core/concat.js';
import { writtenBytes } from '../core/streams.js';
import { formatRecord } from '../core/trace.js';
import { UsageError } from '../errors.js';
import { SIZEOF, SYSCALL, type Input, type Output, type Syscall } from '../wasi/syscalls.js';
import { effectiveStatus } from './inspect.js';
import type { Manifest, ProcessStatus } from './registry.js';

/** A record as the library hands it out: with the host stream its write reached. */
export type DiffRecord = LogRecord & { readonly stream?: 'stdout' | 'stderr' };

/** One of the two processes: its id, its manifest, and a way to read its records in order (twice). */
export interface DiffSide {
  readonly id: string;
  readonly manifest: Manifest;
  readonly records: () => Iterable<DiffRecord>;
}

export interface DiffOptions {
  /** Calls shown around each difference (default 3). */
  readonly context?: number;
  /** Only the calls of these functions are compared (default: all). */
  readonly functions?: readonly string[];
  /** Compare clock readings, random bytes and file identities and times by value. */
  readonly exact?: boolean;
  /** @internal The alignment's budget (default {@link ALIGN_BUDGET}). */
  readonly alignBudget?: number;
}

/** A call as shown: its record offset, its time (ns since its process started) and its trace line. */
export interface DiffCall {
  readonly offset: number;
  readonly time: number;
  readonly call: string;
}

/** One step of the alignment: a call of each side, or of one. */
export interface DiffEntry {
  /** same: the same call, answered the same; changed: the same call, answered otherwise; removed: a's alone; added: b's alone. */
  readonly op: 'same' | 'changed' | 'removed' | 'added';
  readonly a: DiffCall | null;
  readonly b: DiffCall | null;
}

/**
 * A run of differences with the calls around them. `start` is the record offset of the side's first
 * call in the hunk (of the call that follows, when the hunk has none of that side's), `count` how many
 * of its calls the hunk holds.
 */
export interface DiffHunk {
  readonly a: { readonly start: number; readonly count: number };
  readonly b: { readonly start: number; readonly count: number };
  readonly entries: readonly DiffEntry[];
}

/** One process as the comparison saw it. */
export interface DiffProcess {
  readonly id: string;
  readonly module: { readonly name: string; readonly digest: string };
  readonly status: ProcessStatus;
  /** As the manifest has it (null when the recording did not get to one). */
  readonly exitCode: number | null;
  /** Calls compared (with `functions`, theirs only). */
  readonly calls: number;
}

/** What reached one host stream, in each process. */
export interface StreamDiff {
  /** Bytes in a and in b. */
  readonly a: number;
  readonly b: number;
  /** Byte positions where they differ (past the shorter one's end, every byte of the longer one). */
  readonly differing: number;
  /** The first of them, or null. */
  readonly firstDifference: number | null;
}

export interface DiffResult {
  /** No difference in the calls compared, nor (without `functions`) in how the processes ended. */
  readonly same: boolean;
  readonly exact: boolean;
  /** The functions compared, or null for all. */
  readonly functions: readonly string[] | null;
  /** How the calls were aligned: by signature, or (logs too different for that) position by position. */
  readonly alignment: 'calls' | 'positions';
  readonly a: DiffProcess;
  readonly b: DiffProcess;
  /** Where the two first part: the next call of each there (null for a side with no more calls). */
  readonly firstDifference: { readonly a: DiffCall | null; readonly b: DiffCall | null } | null;
  readonly hunks: readonly DiffHunk[];
  readonly summary: {
    /** Calls per function (of those compared), in witx order. */
    readonly calls: readonly { readonly function: string; readonly a: number; readonly b: number }[];
    /** What reached stdout and stderr: all of each process, whatever `functions` says. */
    readonly output: { readonly stdout: StreamDiff; readonly stderr: StreamDiff };
    readonly exitCode: { readonly a: number | null; readonly b: number | null };
  };
}

/** The context shown around each difference when none is asked for (as diff -u). */
export const DEFAULT_CONTEXT = 3;

/**
 * The alignment's budget: Myers' algorithm costs about (n + m) x d for d differences between n and m
 * calls, so it may find at most this / (n + m) of them (at least 10) before the two are compared
 * position by position instead. A count, not a time limit: the same logs always align the same way.
 */
export const ALIGN_BUDGET = 100_000_000;

/** A call, as compared. */
interface Call {
  readonly offset: number;
  readonly time: number;
  readonly fn: Syscall;
  /** Function, params but pointers, inputs. */
  readonly key: string;
  /** Result and outputs, values that differ between runs by kind unless exact. */
  readonly answer: string;
}

/** Bytes as part of a key: up to 64 as they are, longer ones by length and SHA-1. */
function bytesKey(b: Uint8Array): string {
  if (b.length <= 64) return `${b.length}:${String.fromCharCode(...b)}`;
  return `${b.length}#${createHash('sha1').update(b).digest('base64')}`;
}

/** A copy of `b` with the bytes of each range [from, to) zeroed (as far as `b` goes). */
function zeroed(b: Uint8Array, ranges: readonly (readonly [number, number])[]): Uint8Array {
  const out = b.slice();
  for (const [from, to] of ranges) out.fill(0, Math.min(from, out.length), Math.min(to, out.length));
  return out;
}

/** A filestat's dev and ino (0-16), atim, mtim and ctim (40-64). */
const FILESTAT_HOST_FIELDS: readonly [number, number][] = [
  [0, 16],
  [40, 64],
];

/** The d_ino of each directory entry of a fd_readdir buffer (8-16 of its 24-byte head; names follow). */
function direntInodes(b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 0; p + 16 <= b.length; ) {
    out.push([p + 8, p + 16]);
    if (p + SIZEOF.dirent > b.length) break;
    p += SIZEOF.dirent + v.getUint32(p + 16, true);
  }
  return out;
}

/**
 * The timeout of each clock subscription with SUBSCRIPTION_CLOCK_ABSTIME in poll_oneoff's
 * subscriptions (48 bytes each: tag at 8, clock timeout at 24-32, flags at 40): an absolute deadline
 * is a clock value. See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#subscription_clock
 */
function absoluteDeadlines(b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p + SIZEOF.subscription <= b.length; p += SIZEOF.subscription) {
    if (b[p + 8] === 0 && (b[p + 40]! & 1) !== 0) out.push([p + 24, p + 32]);
  }
  return out;
}

/** Input `input` of a call as part of its signature. */
function inputKey(input: Input, b: Uint8Array, exact: boolean): string {
  return !exact && input.kind === 'subscriptions' ? bytesKey(zeroed(b, absoluteDeadlines(b))) : bytesKey(b);
}

/** Output `i` of a call of `sc` as compared. */
function outputKey(sc: Syscall, o: Output, b: Uint8Array, exact: boolean): string {
  // args_get's and environ_get's pointer lists are where the guest keeps its strings: never compared.
  if (o.kind === 'strings' && o.part === 'list') return `${b.length}:`;
  if (!exact) {
    if (sc.name === 'clock_time_get' || sc.name === 'random_get') return `${b.length}:`;
    if (o.kind === 'fixed' && o.type === 'filestat') return bytesKey(zeroed(b, FILESTAT_HOST_FIELDS));
    if (o.kind === 'buffer' && o.entries === 'dirents') return bytesKey(zeroed(b, direntInodes(b)));
  }
  return bytesKey(b);
}

/** A record as compared. */
function call(rec: DiffRecord, exact: boolean): Call {
  const sc = rec.syscall;
  let key = sc.name;
  sc.params.forEach((p, i) => {
    if (p.type !== 'ptr') key += `,${rec.params[i]}`;
  });
  rec.inputs.forEach((b, i) => (key += `|${inputKey(sc.inputs[i]!, b, exact)}`));
  let answer = rec.result === RESULT_TRAP ? `trap ${rec.trap ?? ''}` : String(rec.result);
  // A failed call's answer is its errno: what its outputs hold then is not the host's (its trace line shows none).
  if (rec.result === 0) rec.outputs.forEach((b, i) => (answer += `|${outputKey(sc, sc.outputs[i]!, b, exact)}`));
  return { offset: rec.offset, time: rec.timestamp, fn: sc, key, answer };
}

/** What one side's first read gives: its calls (of the functions compared) and what reached its streams. */
interface Read {
  readonly calls: Call[];
  readonly output: { readonly stdout: Uint8Array; readonly stderr: Uint8Array };
}

function read(side: DiffSide, only: ReadonlySet<string> | null, exact: boolean): Read {
  const calls: Call[] = [];
  const chunks = { stdout: [] as Uint8Array[], stderr: [] as Uint8Array[] };
  for (const rec of side.records()) {
    if (rec.stream !== undefined) chunks[rec.stream].push(writtenBytes(rec).slice());
    if (only === null || only.has(rec.syscall.name)) calls.push(call(rec, exact));
  }
  return { calls, output: { stdout: concatBytes(chunks.stdout), stderr: concatBytes(chunks.stderr) } };
}

function streamDiff(a: Uint8Array, b: Uint8Array): StreamDiff {
  let differing = Math.abs(a.length - b.length);
  let first: number | null = a.length === b.length ? null : Math.min(a.length, b.length);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      differing++;
      if (first === null || i < first) first = i;
    }
  }
  return { a: a.length, b: b.length, differing, firstDifference: first };
}

/** An aligned pair, by index into each side's calls (-1: none). */
interface Step {
  readonly op: DiffEntry['op'];
  readonly i: number;
  readonly j: number;
}

/** Align the calls of `a` and `b` by signature; with too many differences for the budget, position by position. */
function align(a: readonly Call[], b: readonly Call[], budget: number): { steps: Step[]; alignment: DiffResult['alignment'] } {
  const steps: Step[] = [];
  const pair = (i: number, j: number) => steps.push({ op: a[i]!.answer === b[j]!.answer ? 'same' : 'changed', i, j });
  let head = 0;
  while (head < a.length && head < b.length && a[head]!.key === b[head]!.key) {
    pair(head, head);
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail]!.key === b[b.length - 1 - tail]!.key) tail++;
  const ka = a.slice(head, a.length - tail).map((c) => c.key);
  const kb = b.slice(head, b.length - tail).map((c) => c.key);
  const maxEditLength = Math.max(10, Math.floor(budget / (ka.length + kb.length)));
  const changes = ka.length === 0 || kb.length === 0 ? null : diffArrays(ka, kb, { maxEditLength });
  let alignment: DiffResult['alignment'] = 'calls';
  let i = head;
  let j = head;
  if (ka.length === 0 || kb.length === 0) {
    while (i < a.length - tail) steps.push({ op: 'removed', i: i++, j: -1 });
    while (j < b.length - tail) steps.push({ op: 'added', i: -1, j: j++ });
  } else if (changes === undefined || changes === null) {
    // Too different to align within the budget: call by call, in order.
    alignment = 'positions';
    for (; i < a.length - tail && j < b.length - tail; i++, j++) {
      if (a[i]!.key === b[j]!.key) pair(i, j);
      else steps.push({ op: 'removed', i, j: -1 }, { op: 'added', i: -1, j });
    }
    while (i < a.length - tail) steps.push({ op: 'removed', i: i++, j: -1 });
    while (j < b.length - tail) steps.push({ op: 'added', i: -1, j: j++ });
  } else {
    for (const c of changes) {
      for (let k = 0; k < c.count; k++) {
        if (c.removed) steps.push({ op: 'removed', i: i++, j: -1 });
        else if (c.added) steps.push({ op: 'added', i: -1, j: j++ });
        else pair(i++, j++);
      }
    }
  }
  for (let k = 0; k < tail; k++) pair(a.length - tail + k, b.length - tail + k);
  return { steps, alignment };
}

/** The ranges of steps shown: each difference with `context` steps around it, overlapping ones merged. */
function hunkRanges(steps: readonly Step[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  steps.forEach((s, k) => {
    if (s.op === 'same') return;
    const from = Math.max(0, k - context);
    const to = Math.min(steps.length, k + context + 1);
    const last = ranges.at(-1);
    if (last !== undefined && from <= last[1]) last[1] = to;
    else ranges.push([from, to]);
  });
  return ranges;
}

/** The trace lines of the records at `offsets` of a side (its second read). */
function traceLines(side: DiffSide, offsets: ReadonlySet<number>): Map<number, string> {
  const lines = new Map<number, string>();
  if (offsets.size === 0) return lines;
  for (const rec of side.records()) {
    if (offsets.has(rec.offset)) {
      lines.set(rec.offset, formatRecord(rec, rec.stream === 'stdout' ? 1 : rec.stream === 'stderr' ? 2 : -1));
      if (lines.size === offsets.size) break;
    }
  }
  return lines;
}

/** Check `--function` names and `--context`. Throws UsageError. */
export function checkDiffOptions(options: DiffOptions): void {
  for (const f of options.functions ?? []) if (!Object.hasOwn(SYSCALL, f)) throw new UsageError(`--function ${f}: not a wasi_snapshot_preview1 function`);
  const c = options.context;
  if (c !== undefined && !(Number.isSafeInteger(c) && c >= 0)) throw new UsageError(`--context ${c}: expected a number of calls (0 or more)`);
}

/**
 * Compare processes `a` and `b`. Throws UsageError for a bad option, and what reading their logs
 * throws (LogCorruptError).
 */
export function diffProcesses(a: DiffSide, b: DiffSide, options: DiffOptions = {}): DiffResult {
  checkDiffOptions(options);
  const exact = options.exact === true;
  const only = options.functions !== undefined && options.functions.length > 0 ? new Set(options.functions) : null;
  const ra = read(a, only, exact);
  const rb = read(b, only, exact);
  const { steps, alignment } = align(ra.calls, rb.calls, options.alignBudget ?? ALIGN_BUDGET);
  const ranges = hunkRanges(steps, options.context ?? DEFAULT_CONTEXT);
  const firstAt = steps.findIndex((s) => s.op !== 'same');

  // Before step k, each side has made before[k] of its calls: at step k, its next call is the one of
  // that index (the step's own, or the one it makes later on).
  const before = { a: new Int32Array(steps.length + 1), b: new Int32Array(steps.length + 1) };
  steps.forEach((s, k) => {
    before.a[k + 1] = before.a[k]! + (s.i >= 0 ? 1 : 0);
    before.b[k + 1] = before.b[k]! + (s.j >= 0 ? 1 : 0);
  });
  const pendingAt = (k: number) => ({ a: ra.calls[before.a[k]!] ?? null, b: rb.calls[before.b[k]!] ?? null });

  // The calls shown, then their trace lines from a second read.
  const wanted = { a: new Set<number>(), b: new Set<number>() };
  const first = firstAt < 0 ? null : pendingAt(firstAt);
  if (first?.a) wanted.a.add(first.a.offset);
  if (first?.b) wanted.b.add(first.b.offset);
  for (const [from, to] of ranges) {
    for (let k = from; k < to; k++) {
      const s = steps[k]!;
      if (s.i >= 0) wanted.a.add(ra.calls[s.i]!.offset);
      if (s.j >= 0) wanted.b.add(rb.calls[s.j]!.offset);
    }
  }
  const lines = { a: traceLines(a, wanted.a), b: traceLines(b, wanted.b) };
  const shown = (side: 'a' | 'b', c: Call | null): DiffCall | null => (c === null ? null : { offset: c.offset, time: c.time, call: lines[side].get(c.offset) ?? c.fn.name });

  const hunks: DiffHunk[] = ranges.map(([from, to]) => {
    const entries: DiffEntry[] = [];
    for (let k = from; k < to; k++) {
      const s = steps[k]!;
      entries.push({ op: s.op, a: s.i >= 0 ? shown('a', ra.calls[s.i]!) : null, b: s.j >= 0 ? shown('b', rb.calls[s.j]!) : null });
    }
    // A side with no call in the hunk starts where its next call is (after its last, at the end).
    const next = pendingAt(from);
    const start = (side: 'a' | 'b', calls: readonly Call[]) => next[side]?.offset ?? (calls.at(-1)?.offset ?? -1) + 1;
    const count = (side: 'a' | 'b') => before[side][to]! - before[side][from]!;
    return { a: { start: start('a', ra.calls), count: count('a') }, b: { start: start('b', rb.calls), count: count('b') }, entries };
  });

  const counts = new Map<string, { a: number; b: number }>();
  for (const sc of Object.values(SYSCALL)) counts.set(sc.name, { a: 0, b: 0 });
  for (const c of ra.calls) counts.get(c.fn.name)!.a++;
  for (const c of rb.calls) counts.get(c.fn.name)!.b++;
  const side = (s: DiffSide, calls: number): DiffProcess => ({
    id: s.id,
    module: { name: s.manifest.module.name, digest: s.manifest.module.digest },
    // A recording whose tc is gone is incomplete, as tc get shows it.
    status: effectiveStatus(s.manifest),
    exitCode: s.manifest.exitCode ?? null,
    calls,
  });
  const pa = side(a, ra.calls.length);
  const pb = side(b, rb.calls.length);
  const ended = only !== null || (pa.status === pb.status && pa.exitCode === pb.exitCode);
  return {
    same: hunks.length === 0 && ended,
    exact,
    functions: only === null ? null : [...only],
    alignment,
    a: pa,
    b: pb,
    firstDifference: first === null ? null : { a: shown('a', first.a), b: shown('b', first.b) },
    hunks,
    summary: {
      calls: [...counts].filter(([, n]) => n.a + n.b > 0).map(([fn, n]) => ({ function: fn, a: n.a, b: n.b })),
      output: { stdout: streamDiff(ra.output.stdout, rb.output.stdout), stderr: streamDiff(ra.output.stderr, rb.output.stderr) },
      exitCode: { a: pa.exitCode, b: pb.exitCode },
    },
  };
}
