/**
 * The player's view of a log, built in the browser from the segments' bytes with the portable core:
 * one pass at load time makes a small index (batches, what reached the terminal, a histogram of calls
 * by kind over time, the files the guest used), and records are decoded only when shown, a batch at a
 * time, from the compressed segments kept as they came. Memory then stays near the log's own size.
 */
import { SecretMarks } from '../../core/secrets.js';
import { ByteReader, decodeRecord, RESULT_TRAP, RecordScanner, type LogRecord } from '../../core/codec.js';
import { PORTABLE_CODEC } from '../../core/portable-codec.js';
import { bytesSource, segmentFrames, unpackBatch, type BatchInfo, type Frame, type SegmentSource } from '../../core/segment.js';
import { FdStreams, type HostStream } from '../../core/streams.js';
import { SYSCALL, SYSCALLS, type SyscallName } from '../../wasi/syscalls.js';

/** What a call is about, for colours and filters. */
export const KINDS = ['files', 'stdio', 'clocks', 'random', 'args/env', 'poll', 'exit/trap', 'sockets'] as const;
export type Kind = (typeof KINDS)[number];

const KIND_OF_FUNCTION: Uint8Array = Uint8Array.from(SYSCALLS, (sc) => {
  const n = sc.name;
  if (n.startsWith('clock_')) return 2;
  if (n === 'random_get') return 3;
  if (n.startsWith('args_') || n.startsWith('environ_')) return 4;
  if (n === 'poll_oneoff' || n === 'sched_yield') return 5;
  if (n === 'proc_exit' || n === 'proc_raise') return 6;
  if (n.startsWith('sock_')) return 7;
  return 0;
});

const FD_READ = SYSCALL.fd_read.id;
const FD_WRITE = SYSCALL.fd_write.id;
const FD_PREAD = SYSCALL.fd_pread.id;
const FD_PWRITE = SYSCALL.fd_pwrite.id;
const PATH_OPEN = SYSCALL.path_open.id;
const FD_CLOSE = SYSCALL.fd_close.id;
const FD_RENUMBER = SYSCALL.fd_renumber.id;
const SOCK_ACCEPT = SYSCALL.sock_accept.id;
const PROC_EXIT = SYSCALL.proc_exit.id;
/** Calls the index decodes in full (the rest it only walks over). */
const DECODED = new Set([FD_READ, FD_WRITE, FD_PREAD, FD_PWRITE, PATH_OPEN, FD_CLOSE, FD_RENUMBER, SOCK_ACCEPT, PROC_EXIT]);

/** A batch of the log: where it is, and the records and times it holds. */
export interface BatchRef {
  readonly segment: number;
  readonly frame: Frame;
  readonly info: BatchInfo;
  /** The guest fds that were host streams when the batch began (FdStreams.snapshot). */
  stdio: [number, HostStream][];
}

/** Bytes that reached the host's stdout (1) or stderr (2), at a record. */
export interface OutputChunk {
  readonly record: number;
  readonly stream: 1 | 2;
  readonly bytes: Uint8Array;
}

/** A path the guest opened, and what it did through it. */
export interface FileUse {
  readonly path: string;
  opens: number;
  errors: number;
  bytesRead: number;
  bytesWritten: number;
  /** The records that opened it (or failed to), read, wrote or closed it. */
  readonly records: number[];
}

/** Buckets of the histogram over the run's time. */
export const BUCKETS = 2048;

/** The index a player needs, made in one pass over the log. */
export interface LogIndex {
  readonly records: number;
  readonly batches: readonly BatchRef[];
  /** ns since process start of the first and the last record. */
  readonly start: number;
  readonly end: number;
  readonly outputs: readonly OutputChunk[];
  /** Calls by kind in each of {@link BUCKETS} spans of [start, end]: counts[bucket * KINDS.length + kind]. */
  readonly histogram: Uint32Array;
  /** The longest stretches without a call, [from, to] ns, longest first (those over 1 s or 2 % of the run). */
  readonly gaps: readonly (readonly [number, number])[];
  readonly files: readonly FileUse[];
  /** Calls of each function (by id). */
  readonly calls: Uint32Array;
  /** The record of proc_exit or of a trap, when the log has one. */
  readonly end_?: { readonly record: number; readonly exit?: number; readonly trap?: string };
  /** Set when the log stops inside a batch (a recording that was killed). */
  readonly cut?: string;
}

/** The segments, as sources (kept, compressed, as they came). */
export function sources(segments: readonly Uint8Array[]): SegmentSource[] {
  return segments.map((s) => bytesSource(s));
}

/**
 * Index the log in `segments` (their bytes, in order). Throws LogCorruptError on damage; a log cut
 * inside its last batch is indexed up to there (`cut` says so).
 */
export function indexLog(segments: readonly Uint8Array[]): LogIndex {
  const srcs = sources(segments);
  const batches: BatchRef[] = [];
  let cut: string | undefined;
  srcs.forEach((src, segment) => {
    try {
      for (const frame of segmentFrames(src, segment)) batches.push({ segment, frame, info: frame.info, stdio: [] });
    } catch (e) {
      if ((e as { name?: string }).name === 'LogTruncatedError') cut = (e as Error).message;
      else throw e;
    }
  });
  const start = batches.length ? batches[0]!.info.firstTimestamp : 0;
  const end = batches.length ? batches[batches.length - 1]!.info.lastTimestamp : 0;
  const span = Math.max(1, end - start);
  const histogram = new Uint32Array(BUCKETS * KINDS.length);
  const calls = new Uint32Array(SYSCALLS.length);
  const outputs: OutputChunk[] = [];
  const streams = new FdStreams();
  const files = new Map<string, FileUse>();
  /** guest fd -> the file it has open. */
  const openFiles = new Map<number, FileUse>();
  const gapFloor = Math.max(1e9, span * 0.02);
  const gaps: [number, number][] = [];
  let endRecord: LogIndex['end_'];
  let records = 0;
  const scanner = new RecordScanner();
  const buffer = { bytes: new Uint8Array(0) };
  for (const b of batches) {
    b.stdio = streams.snapshot();
    const bytes = unpackBatch(srcs[b.segment]!, b.segment, b.frame, { keepTimestampOffset: true, reuseBuffer: true }, PORTABLE_CODEC, buffer);
    let ts = b.info.firstTimestamp;
    let prev = -1;
    let offset = b.info.firstOffset;
    for (let p = 0; p < bytes.length; offset++) {
      const at = p;
      p = scanner.scan(bytes, p, bytes.length);
      const id = scanner.id;
      // A batch's first record is at first_timestamp; the others follow by their deltas.
      ts = prev < 0 ? b.info.firstTimestamp : ts + scanner.delta;
      if (prev >= 0 && ts - prev > gapFloor) gaps.push([prev, ts]);
      prev = ts;
      calls[id]!++;
      let kind = KIND_OF_FUNCTION[id]!;
      if (DECODED.has(id)) {
        const rec = decodeRecord(new ByteReader(bytes.subarray(at, p)), offset, ts - scanner.delta);
        const stream = streams.follow(rec);
        if (stream === 1 || stream === 2) {
          kind = 1;
          const n = new DataView(rec.outputs[0]!.buffer, rec.outputs[0]!.byteOffset).getUint32(0, true);
          outputs.push({ record: offset, stream, bytes: rec.inputs[0]!.slice(0, n) });
        } else if (id === FD_READ && streams.stream(Number(rec.params[0])) === 0) kind = 1;
        trackFiles(rec, files, openFiles);
        if (id === PROC_EXIT) endRecord = { record: offset, exit: Number(rec.params[0]) };
        if (rec.result === RESULT_TRAP) endRecord = { record: offset, trap: rec.trap ?? '' };
      } else if (scanner.trap) {
        kind = 6;
        endRecord = { record: offset, trap: decodeRecord(new ByteReader(bytes.subarray(at, p)), offset, 0).trap ?? '' };
      }
      const bucket = Math.min(BUCKETS - 1, Math.floor(((ts - start) / span) * BUCKETS));
      histogram[bucket * KINDS.length + kind]!++;
      records++;
    }
  }
  gaps.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
  return { records, batches, start, end, outputs, histogram, gaps: gaps.slice(0, 64), files: [...files.values()], calls, ...(endRecord ? { end_: endRecord } : {}), ...(cut ? { cut } : {}) };
}

const textOf = (b: Uint8Array) => new TextDecoder().decode(b);

function trackFiles(rec: LogRecord, files: Map<string, FileUse>, open: Map<number, FileUse>): void {
  const name = rec.syscall.name as SyscallName;
  const fd = Number(rec.params[0]);
  if (name === 'path_open') {
    const path = textOf(rec.inputs[0]!);
    let f = files.get(path);
    if (f === undefined) files.set(path, (f = { path, opens: 0, errors: 0, bytesRead: 0, bytesWritten: 0, records: [] }));
    f.records.push(rec.offset);
    if (rec.result !== 0) f.errors++;
    else {
      f.opens++;
      const out = rec.outputs[0]!;
      if (out.length === 4) open.set(new DataView(out.buffer, out.byteOffset).getUint32(0, true), f);
    }
  } else if (rec.result === 0 && (name === 'fd_read' || name === 'fd_pread' || name === 'fd_write' || name === 'fd_pwrite')) {
    const f = open.get(fd);
    if (f === undefined) return;
    f.records.push(rec.offset);
    const count = rec.outputs[rec.outputs.length - 1]!;
    const n = count.length === 4 ? new DataView(count.buffer, count.byteOffset).getUint32(0, true) : 0;
    if (name === 'fd_read' || name === 'fd_pread') f.bytesRead += n;
    else f.bytesWritten += n;
  } else if (rec.result === 0 && name === 'fd_close') {
    open.get(fd)?.records.push(rec.offset);
    open.delete(fd);
  }
  else if (rec.result === 0 && name === 'fd_renumber') {
    const to = Number(rec.params[1]);
    const f = open.get(fd);
    open.delete(fd);
    if (f !== undefined) open.set(to, f);
    else open.delete(to);
  } else if (rec.result === 0 && name === 'sock_accept') {
    const out = rec.outputs[0]!;
    if (out.length === 4) open.delete(new DataView(out.buffer, out.byteOffset).getUint32(0, true));
  }
}

/** Records between two kept places in a decoded batch: the rest are found by walking from the last place. */
const STRIDE = 64;

/**
 * A batch decoded for display: the records' bytes (filter undone), each record's function, kind and
 * stream, and where every {@link STRIDE}th record starts and when it was made; the others' places
 * and times are walked to (at most STRIDE - 1 records). Kept small: a batch is ~40 % over its bytes.
 */
export class DecodedBatch {
  private readonly scanner = new RecordScanner();
  constructor(
    readonly bytes: Uint8Array,
    readonly first: number,
    /** Start and time of records 0, STRIDE, 2 * STRIDE, ... */
    private readonly marks: Uint32Array,
    private readonly markTimes: Float64Array,
    readonly kinds: Uint8Array,
    /** Each record's function id. */
    readonly ids: Uint8Array,
    /** The host stream each record's write reached: 1 stdout, 2 stderr, else 0. */
    readonly streams: Uint8Array,
  ) {}

  get count(): number {
    return this.ids.length;
  }

  /** Bytes it holds. */
  get size(): number {
    return this.bytes.length + this.ids.length * 3 + this.marks.length * 12;
  }

  /** Where record `k` (of the batch) starts, and its time (ns). */
  locate(k: number): { start: number; time: number } {
    const m = Math.floor(k / STRIDE);
    let p = this.marks[m]!;
    let t = this.markTimes[m]!;
    const end = this.bytes.length;
    for (let j = m * STRIDE; j < k; j++) {
      p = this.scanner.scan(this.bytes, p, end);
      t += this.scanner.deltaAt(this.bytes, p, end);
    }
    return { start: p, time: t };
  }

  time(k: number): number {
    return this.locate(k).time;
  }

  /** Each record's time, in order. */
  forEachTime(fn: (k: number, time: number) => void): void {
    const end = this.bytes.length;
    let t = this.markTimes[0]!;
    for (let k = 0, p = 0; k < this.count && p < end; k++) {
      p = this.scanner.scan(this.bytes, p, end);
      t = k === 0 ? t : t + this.scanner.delta;
      fn(k, t);
    }
  }

  /** The last record of the batch at or before `t` (0 when none is). */
  recordAt(t: number): number {
    const mt = this.markTimes;
    if (mt[0]! > t) return 0;
    let k = lastAtOrBefore(mt.length, (i) => mt[i]!, t) * STRIDE;
    let { start: p, time } = this.locate(k);
    const end = this.bytes.length;
    p = this.scanner.scan(this.bytes, p, end);
    while (k + 1 < this.count && p < end) {
      const next = this.scanner.scan(this.bytes, p, end);
      if (time + this.scanner.delta > t) break;
      time += this.scanner.delta;
      p = next;
      k++;
    }
    return k;
  }
}

/**
 * Records on demand: the batch that holds a record is inflated, walked once and kept (a few at a time),
 * and the record decoded from it.
 */
export class RecordStore {
  private readonly srcs: SegmentSource[];
  private readonly cache = new Map<number, DecodedBatch>();
  /**
   * Bytes of decoded batches kept, besides the one used last: as much as the log on disk, so that the
   * page holds about twice the log (a log compresses 10-20 times: one batch of it decoded can be most
   * of that). Views across a batch boundary decode again (~10 ms).
   */
  private readonly budget: number;
  constructor(
    segments: readonly Uint8Array[],
    readonly index: LogIndex,
    /** The recording's secrets: records show `‹secret NAME›` where their placeholders are. */
    readonly marks: SecretMarks = new SecretMarks([]),
  ) {
    this.srcs = sources(segments);
    this.budget = segments.reduce((n, s) => n + s.length, 0);
  }

  /** The batch that holds record `n` (binary search over the batches' first offsets). */
  batchOf(n: number): number {
    const bs = this.index.batches;
    return lastAtOrBefore(bs.length, (i) => bs[i]!.info.firstOffset, n);
  }

  /** The batch `i`, decoded. */
  batch(i: number): DecodedBatch {
    let d = this.cache.get(i);
    if (d !== undefined) {
      this.cache.delete(i);
      this.cache.set(i, d);
      return d;
    }
    const b = this.index.batches[i]!;
    const bytes = unpackBatch(this.srcs[b.segment]!, b.segment, b.frame, {}, PORTABLE_CODEC, { bytes: new Uint8Array(0) });
    const n = b.info.recordCount;
    const marks = new Uint32Array(Math.ceil(n / STRIDE));
    const markTimes = new Float64Array(marks.length);
    const kinds = new Uint8Array(n);
    const ids = new Uint8Array(n);
    const reached = new Uint8Array(n);
    const scanner = new RecordScanner();
    const streams = FdStreams.from(b.stdio);
    let ts = b.info.firstTimestamp;
    for (let k = 0, p = 0; k < n && p < bytes.length; k++) {
      const at = p;
      p = scanner.scan(bytes, p, bytes.length);
      ts = k === 0 ? b.info.firstTimestamp : ts + scanner.delta;
      if (k % STRIDE === 0) {
        marks[k / STRIDE] = at;
        markTimes[k / STRIDE] = ts;
      }
      ids[k] = scanner.id;
      let kind = scanner.trap ? 6 : KIND_OF_FUNCTION[scanner.id]!;
      if (DECODED.has(scanner.id)) {
        const rec = decodeRecord(new ByteReader(bytes.subarray(at, p)), b.info.firstOffset + k, ts - scanner.delta);
        const s = streams.follow(rec);
        if (s === 1 || s === 2 || (scanner.id === FD_READ && streams.stream(Number(rec.params[0])) === 0)) kind = 1;
        if (s === 1 || s === 2) reached[k] = s;
      }
      kinds[k] = kind;
    }
    d = new DecodedBatch(bytes, b.info.firstOffset, marks, markTimes, kinds, ids, reached);
    let kept = d.size;
    for (const [j, other] of [...this.cache].reverse()) {
      kept += other.size;
      if (kept > this.budget) this.cache.delete(j);
    }
    this.cache.set(i, d);
    return d;
  }

  /** Record `n`, decoded. */
  record(n: number): LogRecord {
    const i = this.batchOf(n);
    const b = this.index.batches[i]!;
    const d = this.batch(i);
    const { start, time } = d.locate(n - b.info.firstOffset);
    // decodeRecord adds the record's delta to the time before it.
    const delta = new RecordScanner().deltaAt(d.bytes, start, d.bytes.length);
    return decodeRecord(new ByteReader(d.bytes.subarray(start)), n, time - delta);
  }

  /** The host stream record `n`'s write reached: 1 stdout, 2 stderr, else 0. */
  stream(n: number): number {
    const i = this.batchOf(n);
    return this.batch(i).streams[n - this.index.batches[i]!.info.firstOffset]!;
  }

  /** The kind of record `n` (a KINDS index). */
  kind(n: number): number {
    const i = this.batchOf(n);
    return this.batch(i).kinds[n - this.index.batches[i]!.info.firstOffset]!;
  }

  /** The time (ns) of record `n`. */
  time(n: number): number {
    const i = this.batchOf(n);
    return this.batch(i).time(n - this.index.batches[i]!.info.firstOffset);
  }

  /** The last record at or before time `t` (ns); 0 before the first. */
  recordAt(t: number): number {
    const bs = this.index.batches;
    if (bs.length === 0) return 0;
    const i = this.batchAtTime(t);
    return bs[i]!.info.firstOffset + this.batch(i).recordAt(t);
  }

  /**
   * Calls by kind in `columns` columns over [from, to] (ns): counts[column * KINDS.length + kind], where
   * `column(t)` places a time (-1: not shown). From the records themselves when the span holds few
   * enough batches (`detail`), else from the index's histogram.
   */
  density(from: number, to: number, columns: number, column: (t: number) => number): Uint32Array {
    const out = new Uint32Array(columns * KINDS.length);
    const { index } = this;
    const first = this.batchAtTime(from);
    const last = this.batchAtTime(to);
    const bucketSpan = Math.max(1, index.end - index.start) / BUCKETS;
    if (last - first < 2 && to - from < bucketSpan * columns) {
      for (let i = first; i <= last; i++) {
        const d = this.batch(i);
        d.forEachTime((k, t) => {
          const c = column(t);
          if (c >= 0 && c < columns) out[c * KINDS.length + d.kinds[k]!]!++;
        });
      }
      return out;
    }
    const h = index.histogram;
    for (let b = 0; b < BUCKETS; b++) {
      const c = column(index.start + (b + 0.5) * bucketSpan);
      if (c < 0 || c >= columns) continue;
      for (let k = 0; k < KINDS.length; k++) out[c * KINDS.length + k]! += h[b * KINDS.length + k]!;
    }
    return out;
  }

  /** The last batch whose first record is at or before time `t` (ns); 0 before the first. */
  private batchAtTime(t: number): number {
    const bs = this.index.batches;
    return lastAtOrBefore(bs.length, (i) => bs[i]!.info.firstTimestamp, t);
  }
}

/** The last i in [0, n) with key(i) <= v, for keys that never decrease; 0 when there is none. */
function lastAtOrBefore(n: number, key: (i: number) => number, v: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (key(mid) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The kind of a record, for its colour. */
export function kindOf(rec: LogRecord, stream: boolean): number {
  if (rec.result === RESULT_TRAP) return 6;
  if (stream) return 1;
  return KIND_OF_FUNCTION[rec.syscall.id]!;
}
