/**
 * Record encoding inside a batch (see docs/log-format.md). A record is, in order:
 *
 *   u8      function id (row index in src/wasi/syscalls.ts)
 *   varint  timestamp delta: ns since the previous record of the log (the first record of the log: since 0)
 *   varint  each scalar param, in row order (i64 unsigned types as u64, `filedelta` zigzag-encoded)
 *   each input:  varint length, bytes
 *   varint  result: the errno, or RESULT_TRAP followed by a varint length and that many UTF-8 bytes (message)
 *   each output: varint length, bytes
 *
 * varint is unsigned LEB128.
 */
import { I64_TYPES, SYSCALL, SYSCALLS, type ScalarType, type Syscall } from '../wasi/syscalls.js';

/** Result value marking a call during which the host threw (a trap, not an errno). */
export const RESULT_TRAP = 0x10000;

/** A decoded record. Params are numbers, or bigints for i64 types (normalised: see {@link normalizeParam}). */
export interface LogRecord {
  /** Log-wide record number (0-based). */
  readonly offset: number;
  /** ns since process start (monotonic). */
  readonly timestamp: number;
  readonly syscall: Syscall;
  readonly params: readonly (number | bigint)[];
  /** errno, or {@link RESULT_TRAP}. */
  readonly result: number;
  /** The message of the host error, when result is RESULT_TRAP. */
  readonly trap?: string;
  readonly inputs: readonly Uint8Array[];
  readonly outputs: readonly Uint8Array[];
}

/** Canonical form of a param value as stored: u32 as number; u64 as unsigned bigint; filedelta as signed bigint. */
export function normalizeParam(type: ScalarType, v: number | bigint): number | bigint {
  if (!I64_TYPES.has(type)) return Number(v) >>> 0;
  return type === 'filedelta' ? BigInt.asIntN(64, BigInt(v)) : BigInt.asUintN(64, BigInt(v));
}

/** A growable byte buffer with LEB128 writers, reused across batches (no allocation per record). */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }
  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  /** Unsigned LEB128 of a non-negative integer below 2^53 (callers reserve 8 bytes). */
  varint(v: number): void {
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
  }
  /** Unsigned LEB128 of a u64 (callers reserve 10 bytes). */
  varbig(v: bigint): void {
    if (v < 0x20000000000000n) {
      this.varint(Number(v));
      return;
    }
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }
  /** A scalar param of the given type (reserve 10 bytes). */
  param(type: ScalarType, v: number | bigint): void {
    if (typeof v === 'number') this.varint(v >>> 0);
    else if (type !== 'filedelta' && v >= 0n && v < 0x20000000000000n) this.varint(Number(v));
    else if (type === 'filedelta') {
      const s = BigInt.asIntN(64, v);
      this.varbig(BigInt.asUintN(64, (s << 1n) ^ (s >> 63n)));
    } else this.varbig(BigInt.asUintN(64, v));
  }
  /** Length-prefixed copy of `len` bytes of `src` at `off`. */
  blob(src: Uint8Array, off: number, len: number): void {
    this.ensure(len + 8);
    this.varint(len);
    const b = this.buf;
    let p = this.pos;
    if (len <= 32) for (let i = 0; i < len; i++) b[p++] = src[off + i]!;
    else {
      b.set(src.subarray(off, off + len), p);
      p += len;
    }
    this.pos = p;
  }
}

/** Thrown when record bytes are not a valid record. */
export class RecordDecodeError extends Error {}

/** Reads records from a batch's (decompressed) bytes. */
export class ByteReader {
  pos = 0;
  constructor(public buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  u8(): number {
    if (this.pos >= this.buf.length) throw new RecordDecodeError('record truncated');
    return this.buf[this.pos++]!;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
      if (mul > 2 ** 56) throw new RecordDecodeError('varint too long');
    }
  }
  varbig(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
      if (shift > 63n) throw new RecordDecodeError('varint too long');
    }
  }
  param(type: ScalarType): number | bigint {
    if (!I64_TYPES.has(type)) return this.varint();
    const u = this.varbig();
    if (type !== 'filedelta') return BigInt.asUintN(64, u);
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
  }
  /** A length-prefixed blob, as a view into the batch (no copy). */
  blob(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new RecordDecodeError('record truncated');
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
}

const dec = new TextDecoder();

/** Decode one whole record at the reader's position. `prevTs` is the previous record's timestamp. */
export function decodeRecord(r: ByteReader, offset: number, prevTs: number): LogRecord {
  const id = r.u8();
  const syscall = SYSCALLS[id];
  if (syscall === undefined) throw new RecordDecodeError(`unknown function id ${id}`);
  const timestamp = prevTs + r.varint();
  const params = syscall.params.map((p) => r.param(p.type));
  const inputs = syscall.inputs.map(() => r.blob());
  const result = r.varint();
  const trap = result === RESULT_TRAP ? dec.decode(r.blob()) : undefined;
  const outputs = syscall.outputs.map(() => r.blob());
  return { offset, timestamp, syscall, params, result, inputs, outputs, ...(trap !== undefined ? { trap } : {}) };
}

// The shape of each row, as the scanner reads it.
const N_PARAMS = Uint8Array.from(SYSCALLS, (s) => s.params.length);
const N_INPUTS = Uint8Array.from(SYSCALLS, (s) => s.inputs.length);
const N_OUTPUTS = Uint8Array.from(SYSCALLS, (s) => s.outputs.length);
/** Index of the row's 8-byte `timestamp` output (for the TimestampDelta filter), or -1. */
const TS_OUTPUT = Int8Array.from(SYSCALLS, (s) => {
  const at = s.outputs.flatMap((o, i) => (o.kind === 'fixed' && o.type === 'timestamp' ? [i] : []));
  if (at.length > 1) throw new Error(`${s.name}: more than one timestamp output`);
  return at.length === 1 ? at[0]! : -1;
});

/**
 * Walks records without decoding them: finds where each ends, its timestamp delta and, through
 * {@link TimestampFilter}, its timestamp output. Used by the log writer on every record (so it is
 * kept to plain loops over bytes) and by readers.
 */
export class RecordScanner {
  /** Timestamp delta (ns) of the record scanned last. */
  delta = 0;
  /** Function id of the record scanned last. */
  id = 0;
  /** Where the 8 bytes of the last record's timestamp output start, or -1 when it has none. */
  ts = -1;
  /** Whether the record scanned last is a trap (its result is RESULT_TRAP). */
  trap = false;
  /** The varint read last. */
  private value = 0;

  /**
   * End of the record at `b[p]` (the bytes up to `limit` are the batch); applies `filter` to its
   * timestamp output when given. Throws RecordDecodeError when the bytes are not a record.
   */
  scan(b: Uint8Array, p: number, limit: number, filter: TimestampFilter | null = null): number {
    if (p >= limit) throw new RecordDecodeError('record truncated');
    const id = b[p++]!;
    if (id >= N_PARAMS.length) throw new RecordDecodeError(`unknown function id ${id}`);
    this.id = id;
    this.ts = -1;
    p = this.varint(b, p, limit);
    this.delta = this.value;
    for (let i = N_PARAMS[id]!; i > 0; i--) {
      let n = 0;
      while (p < limit && b[p++]! >= 0x80) if (++n > 10) throw new RecordDecodeError('varint too long');
    }
    for (let i = N_INPUTS[id]!; i > 0; i--) p = this.skipBlob(b, p, limit);
    // result, then the trap message when it is RESULT_TRAP
    p = this.varint(b, p, limit);
    this.trap = this.value === RESULT_TRAP;
    if (this.trap) p = this.skipBlob(b, p, limit);
    const ts = TS_OUTPUT[id]!;
    for (let i = 0, n = N_OUTPUTS[id]!; i < n; i++) {
      if (i === ts && p < limit && b[p] === 8 && p + 9 <= limit) {
        this.ts = p + 1;
        filter?.apply(b, p + 1, id);
        p += 9;
      } else p = this.skipBlob(b, p, limit);
    }
    return p;
  }

  /** The timestamp delta (ns) of the record at `b[p]` (its varint after the function id), without scanning the rest. */
  deltaAt(b: Uint8Array, p: number, limit: number): number {
    this.varint(b, p + 1, limit);
    return this.value;
  }

  /** The varint at `b[p]`: its value goes to {@link value}; returns where it ends. */
  private varint(b: Uint8Array, p: number, limit: number): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= limit) throw new RecordDecodeError('record truncated');
      const c = b[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 56) throw new RecordDecodeError('varint too long');
    }
    this.value = v;
    return p;
  }

  private skipBlob(b: Uint8Array, p: number, limit: number): number {
    p = this.varint(b, p, limit) + this.value;
    if (p > limit) throw new RecordDecodeError('record truncated');
    return p;
  }
}

/**
 * The TimestampDelta batch filter (docs/log-format.md), in place: each 8-byte timestamp output becomes
 * its difference (mod 2^64) from the previous one of the same function in the batch; `inverse` undoes
 * it. Clock values that follow each other closely then cost a byte or two after compression instead
 * of three or four, and deflate runs faster on them. One instance per batch ({@link reset} between).
 */
export class TimestampFilter {
  private readonly prevLo = new Uint32Array(SYSCALLS.length);
  private readonly prevHi = new Uint32Array(SYSCALLS.length);
  constructor(readonly inverse: boolean) {}

  /** Start a new batch. */
  reset(): void {
    this.prevLo.fill(0);
    this.prevHi.fill(0);
  }

  /** Filter the 8 bytes at `b[p]`, the timestamp output of a record of function `id`. */
  apply(b: Uint8Array, p: number, id: number): void {
    const lo = u32le(b, p);
    const hi = u32le(b, p + 4);
    addU64(b, p, this.prevLo[id]!, this.prevHi[id]!, this.inverse);
    // The previous value, as it was before the filter.
    this.prevLo[id] = this.inverse ? u32le(b, p) : lo;
    this.prevHi[id] = this.inverse ? u32le(b, p + 4) : hi;
  }
}

/** The u32 (little-endian) at `b[p]`. */
const u32le = (b: Uint8Array, p: number): number => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;

const TWO32 = 4294967296;

/**
 * Add (`add` true) or subtract `hi` * 2^32 + `lo` (two u32) to or from the u64 (little-endian) at
 * `b[p]`, mod 2^64, in place.
 */
function addU64(b: Uint8Array, p: number, lo: number, hi: number, add: boolean): void {
  const bLo = u32le(b, p);
  const bHi = u32le(b, p + 4);
  let oLo: number;
  let oHi: number;
  if (add) {
    const sum = bLo + lo;
    oLo = sum >>> 0;
    oHi = (bHi + hi + (sum >= TWO32 ? 1 : 0)) >>> 0;
  } else {
    oLo = (bLo - lo) >>> 0;
    oHi = (bHi - hi - (bLo < lo ? 1 : 0)) >>> 0;
  }
  b[p] = oLo;
  b[p + 1] = oLo >>> 8;
  b[p + 2] = oLo >>> 16;
  b[p + 3] = oLo >>> 24;
  b[p + 4] = oHi;
  b[p + 5] = oHi >>> 8;
  b[p + 6] = oHi >>> 16;
  b[p + 7] = oHi >>> 24;
}

/** Apply or undo the TimestampDelta filter over a whole batch of records, in place. Throws RecordDecodeError. */
export function timestampDelta(records: Uint8Array, inverse: boolean): void {
  const filter = new TimestampFilter(inverse);
  const scanner = new RecordScanner();
  let p = 0;
  while (p < records.length) p = scanner.scan(records, p, records.length, filter);
}

/** Function id of `clock_time_get`: the records the TimestampOffset filter changes. */
export const CLOCK_TIME_GET = SYSCALL.clock_time_get.id;

/**
 * Subtract (or with `inverse`, add) `ts`, an integer in [0, 2^53), from the u64 (little-endian) at
 * `b[p]`, mod 2^64: the TimestampOffset filter (docs/log-format.md) of one `clock_time_get` output.
 */
export function offsetTimestamp(b: Uint8Array, p: number, ts: number, inverse: boolean): void {
  const hi = Math.floor(ts / TWO32);
  addU64(b, p, ts - hi * TWO32, hi, inverse);
}

/**
 * Apply or undo the TimestampOffset filter over a whole batch of records, in place: every 8-byte
 * `clock_time_get` output is its value minus the record's timestamp. `firstTimestamp` is the batch's
 * first record's timestamp (its header's `first_timestamp`), ns. Throws RecordDecodeError.
 */
export function timestampOffset(records: Uint8Array, firstTimestamp: number, inverse: boolean): void {
  const scanner = new RecordScanner();
  let ts = firstTimestamp;
  for (let p = 0, first = true; p < records.length; first = false) {
    p = scanner.scan(records, p, records.length);
    if (!first) ts += scanner.delta;
    if (scanner.ts >= 0 && scanner.id === CLOCK_TIME_GET) offsetTimestamp(records, scanner.ts, ts, inverse);
  }
}
