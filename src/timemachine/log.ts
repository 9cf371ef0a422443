/**
 * The log writer. A log is segment files; a segment is a sequence of batches (read by
 * src/core/segment.ts, on Node through src/log/files.ts); a batch is a size-prefixed `BatchHeader`
 * flatbuffer (schemas/log.fbs) followed by `compressed_size` bytes of records (src/core/codec.ts).
 * Byte-level layout: docs/log-format.md.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import * as flatbuffers from 'flatbuffers';
import { BatchHeader } from '../format/tc/format/batch-header.js';
import { Compression } from '../format/tc/format/compression.js';
import { copyBytes } from '../core/bytes.js';
import { ByteWriter, RecordScanner, timestampOffset } from '../core/codec.js';
import { FRAME_ID, FRAME_ID_V1, segmentFileName, type BatchInfo } from '../core/segment.js';
import { Filter } from '../format/tc/format/filter.js';
import type { RecordSink } from './recorder.js';
import { crc32 } from '../log/zlib.js';

export { segmentFileName };

/** When a batch is flushed and a segment rolls over. */
export interface LogLimits {
  /** Flush a batch once its records take this many bytes (uncompressed). */
  readonly batchBytes: number;
  /** Flush a batch once it holds this many records. */
  readonly batchRecords: number;
  /** Flush a batch once its records span this many ns. */
  readonly batchNs: number;
  /** Start a new segment once the current one reaches this many bytes. */
  readonly segmentBytes: number;
  /** DEFLATE level (0-9; 0 stores batches uncompressed). */
  readonly level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export const DEFAULT_LIMITS: LogLimits = {
  batchBytes: 1024 * 1024,
  batchRecords: 32768,
  batchNs: 100_000_000,
  segmentBytes: 64 * 1024 * 1024,
  level: 1,
};

/** What a segment holds, as summed while writing or read back from its batch headers. */
export interface SegmentSummary {
  readonly index: number;
  records: number;
  batches: number;
  /** Bytes of the segment file. */
  size: number;
  /** Bytes of records before / after compression. */
  uncompressedSize: number;
  compressedSize: number;
  /** ns since process start of the first and last record. */
  firstTimestamp: number;
  lastTimestamp: number;
}



/**
 * Batches smaller than this (bytes of records) are stored as they are: deflate saves a few dozen bytes
 * there at best (hello's 68 bytes became 57), and its first call in a process costs ~1.5 ms, most of
 * what writing a short run's log takes.
 */
const DEFLATE_MIN_BYTES = 100;

/**
 * Encode a batch frame: size-prefixed header then payload. `filter` is the one the records have
 * applied (the recorder applies TimestampOffset as it encodes them; any other filter makes a batch
 * as earlier versions wrote them, `TCB1`); the payload is deflated unless it is small (under
 * {@link DEFLATE_MIN_BYTES}), looks incompressible, or deflate does not make it smaller.
 * `storedChecksum` is the CRC-32 of `records` when the caller knows it (else -1): the checksum of a
 * payload stored as it is.
 */
export function encodeBatch(
  h: Omit<BatchInfo, 'checksum' | 'compressedSize' | 'compression' | 'uncompressedSize' | 'filter'>,
  records: Uint8Array,
  level: LogLimits['level'],
  filter: Filter,
  storedChecksum = -1,
): [header: Uint8Array, payload: Uint8Array] {
  let payload = records;
  let compression = Compression.None;
  // Earlier versions tried every batch above 64 bytes, and deflated every batch they filtered.
  const min = filter === Filter.TimestampOffset ? DEFLATE_MIN_BYTES : 65;
  if (level > 0 && records.length >= min && compressible(records)) {
    const z = deflateRawSync(records, { level, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
    if (z.length < records.length) {
      payload = z;
      compression = Compression.Deflate;
    }
  }
  const b = new flatbuffers.Builder(128);
  BatchHeader.startBatchHeader(b);
  BatchHeader.addSegment(b, h.segment);
  BatchHeader.addBatch(b, h.batch);
  BatchHeader.addFirstOffset(b, BigInt(h.firstOffset));
  BatchHeader.addFirstTimestamp(b, BigInt(h.firstTimestamp));
  BatchHeader.addLastTimestamp(b, BigInt(h.lastTimestamp));
  BatchHeader.addRecordCount(b, h.recordCount);
  BatchHeader.addUncompressedSize(b, records.length);
  BatchHeader.addCompressedSize(b, payload.length);
  BatchHeader.addCompression(b, compression);
  BatchHeader.addChecksum(b, payload === records && storedChecksum >= 0 ? storedChecksum : crc32(payload));
  BatchHeader.addFilter(b, filter);
  b.finishSizePrefixed(BatchHeader.endBatchHeader(b), filter === Filter.TimestampOffset ? FRAME_ID : FRAME_ID_V1);
  return [b.asUint8Array(), payload];
}

/**
 * Encode a batch of 4 KiB of zeros (deflated at `level`, with its header and checksum) and drop it:
 * a thread's first batch otherwise also pays for running this code for the first time (flatbuffers'
 * builder, zlib's deflate and crc32: 5-9 ms for flite's one 30 KB batch on the log-writing thread,
 * at the end of the run, where the guest's thread waits for it). Nothing is written.
 */
export function warmUpEncoder(level: LogLimits['level']): void {
  encodeBatch({ segment: 0, batch: 0, firstOffset: 0, firstTimestamp: 0, lastTimestamp: 0, recordCount: 1 }, new Uint8Array(4096), level, Filter.TimestampOffset);
}

const SAMPLE = 1024;
const COUNTS = new Int32Array(256);

/**
 * Whether a batch is worth compressing. A large batch is judged on two 1 KiB samples (its start and
 * its end) by their order-0 entropy: above 7.5 bits a byte (media, random bytes, compressed files),
 * deflate would not pay for itself and the batch is stored without trying (deflate runs at a few tens
 * of MB/s on such data). The estimate from 2 KiB of uniform random bytes is ~7.9 bits. Larger samples
 * cost more than they are worth: the first calls in a thread run unoptimized, at ~15 ns a byte
 * (4 KiB samples took ~8 ms of the log-writing thread for 64 batches).
 */
function compressible(records: Uint8Array): boolean {
  if (records.length < 64 * SAMPLE) return true;
  const counts = COUNTS;
  counts.fill(0);
  const tail = records.length - SAMPLE;
  for (let i = 0; i < SAMPLE; i++) {
    counts[records[i]!]!++;
    counts[records[tail + i]!]!++;
  }
  const n = 2 * SAMPLE;
  // H = log2(n) - (1/n) * sum(c * log2(c))
  let sum = 0;
  for (let k = 0; k < 256; k++) {
    const c = counts[k]!;
    if (c > 1) sum += c * Math.log2(c);
  }
  return Math.log2(n) - sum / n < 7.5;
}

/**
 * Where the producer of the records ended batches (src/timemachine/ring.ts): `n` cuts, cut `i` after
 * the record that ends at `at[i]` (an index into the bytes handed over), where `count[i]` records of
 * the log are complete, the last of them at `lastTs[i]` (ns).
 */
export interface BatchCuts {
  n: number;
  readonly at: Int32Array;
  readonly count: Float64Array;
  readonly lastTs: Float64Array;
  /**
   * The CRC-32 of the batch's bytes (`length[i]` of them, ending at `at[i]`) when the producer
   * computed it, else -1: it does when the ring was full since the previous cut (see RingWriter in
   * src/timemachine/ring.ts), so that a log writer that lags behind a stream of data that does not
   * compress need not checksum all of it itself.
   */
  readonly checksum: Float64Array;
  readonly length: Float64Array;
}

/**
 * Appends records to a log: the recorder encodes each record straight into {@link records} (a
 * reused buffer; this is a {@link RecordSink}), or runs of records drained from the ring arrive by
 * {@link appendRecords}; batches are compressed and written to the segment file on size, count,
 * elapsed time and {@link close}. Records arrive with the TimestampOffset filter applied (the
 * recorder applies it), and every batch says so.
 */
export class LogWriter implements RecordSink {
  readonly records = new ByteWriter(1 << 16);
  private readonly scanner = new RecordScanner();
  /** Records in the batches written. */
  private offset = 0;
  /** Records of the pending batch counted so far: those in its first {@link counted} bytes. */
  private count = 0;
  private counted = 0;
  /** Timestamp (ns) of the pending batch's first record, or NaN until it is read (see {@link first}). */
  private firstTs = Number.NaN;
  /** Timestamp (ns) of the last record counted or written. */
  private lastTs = 0;
  /**
   * Timestamp (ns) of the first of the records the last {@link appendRecords} left unread, or NaN:
   * they are the start of the pending batch, still in the caller's buffer.
   */
  private keptFirstTs = Number.NaN;
  private fd = -1;
  private segment: SegmentSummary | null = null;
  readonly segments: SegmentSummary[] = [];
  private closed = false;

  /**
   * @param dir the process's log directory: created, unless `create` is false (it must exist then,
   *   and a segment cannot be started once it is gone: the write throws ENOENT)
   */
  constructor(
    private readonly dir: string,
    private readonly limits: LogLimits = DEFAULT_LIMITS,
    options: { readonly create?: boolean } = {},
  ) {
    if (options.create !== false) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Total records written or counted (every record appended, once {@link close}d). */
  get recordCount(): number {
    return this.offset + this.count;
  }

  /** The timestamp (ns) of the previous record of the log (0 before the first): deltas are relative to it. */
  get previousTimestamp(): number {
    return this.lastTs;
  }

  /** The buffer records are encoded into (a {@link RecordSink}). */
  get buf(): Uint8Array {
    return this.records.buf;
  }

  begin(pre: number, _post: number): number {
    this.records.ensure(pre);
    return this.records.pos;
  }

  room(p: number, n: number): number {
    // Growing the buffer keeps the bytes before `pos`: the record so far included.
    const w = this.records;
    const start = w.pos;
    w.pos = p;
    w.ensure(n);
    w.pos = start;
    return p;
  }

  /** The record encoded up to `p` is complete; `ts` is its timestamp (ns). Flushes when a limit is reached. */
  end(p: number, ts: number): void {
    const w = this.records;
    if (this.count === 0) this.firstTs = ts;
    this.count++;
    this.lastTs = ts;
    w.pos = this.counted = p;
    if (w.pos >= this.limits.batchBytes || this.count >= this.limits.batchRecords || ts - this.firstTs >= this.limits.batchNs) this.flush();
  }

  /**
   * Append the complete records `bytes[start, end)`, as the recorder encodes them (timestamp deltas
   * follow on from {@link previousTimestamp}). With `cuts`, batches end where the producer cut them
   * (a cut whose records were already written, flushed on time, is passed over) and the records
   * are not read, only copied: those after the last cut wait in the pending batch, and `bytes` may
   * then end inside a record that the next call continues (the ring hands out a run that crosses its
   * end in two pieces). Up to `keep` bytes of records after the last cut may be left unread instead
   * of copied, when they start the pending batch: the return value says where it stopped (`end`
   * when it took everything). Without, each record is scanned and a batch ends at the first record
   * that reaches a limit. `bytes` is only read (it may be the ring, which the guest's thread writes
   * again later); a batch made of these bytes alone is written straight from them. `release(p)` is
   * told, after each batch written, that `bytes` before `p` are no longer needed (the ring then
   * reuses them while the rest is written). Throws RecordDecodeError when the bytes are not records.
   */
  appendRecords(bytes: Uint8Array, start: number, end: number, release?: (upTo: number) => void, cuts?: BatchCuts, keep = 0): number {
    if (cuts === undefined) {
      this.scanRecords(bytes, start, end, release);
      return end;
    }
    const w = this.records;
    let run = start;
    for (let i = 0; i < cuts.n; i++) {
      const n = cuts.count[i]! - this.offset;
      const at = cuts.at[i]!;
      // A cut where the records so far end (the producer's last, made after the consumer took them)
      // ends the pending batch, when there is one.
      if (n <= 0 || at < run || (at === run && w.pos === 0)) continue;
      // The producer's checksum holds when the batch is all the bytes it summed.
      const checksum = w.pos + (at - run) === cuts.length[i] ? cuts.checksum[i]! : -1;
      if (w.pos === 0) {
        this.firstTs = this.lastTs + this.scanner.deltaAt(bytes, run, at);
        this.write(bytes.subarray(run, at), n, cuts.lastTs[i]!, checksum);
      } else {
        this.copy(bytes, run, at);
        this.first();
        this.write(w.buf.subarray(0, w.pos), n, cuts.lastTs[i]!, checksum);
      }
      run = at;
      release?.(at);
    }
    this.keptFirstTs = Number.NaN;
    if (run === end) return end;
    if (w.pos === 0 && end - run <= keep) {
      // Left where they are (the ring hands them out again with what follows): only when they
      // start the pending batch, whose first timestamp is noted for flushing on time.
      this.keptFirstTs = this.lastTs + this.scanner.deltaAt(bytes, run, end);
      return run;
    }
    this.copy(bytes, run, end);
    return end;
  }

  /** Whether records left unread by {@link appendRecords} are `batchNs` old at `now` (ns): they should be appended now, without leaving any. */
  keptDue(now: number): boolean {
    return now - this.keptFirstTs >= this.limits.batchNs;
  }

  /** The timestamp (ns) of the pending batch's first record, read from it when not yet known. */
  private first(): number {
    if (Number.isNaN(this.firstTs)) this.firstTs = this.lastTs + this.scanner.deltaAt(this.records.buf, 0, this.records.pos);
    return this.firstTs;
  }

  /** {@link appendRecords} without cuts: every record is scanned and counted. */
  private scanRecords(bytes: Uint8Array, start: number, end: number, release?: (upTo: number) => void): void {
    const w = this.records;
    const scanner = this.scanner;
    const { batchBytes, batchRecords, batchNs } = this.limits;
    let run = start;
    let p = start;
    while (p < end) {
      p = scanner.scan(bytes, p, end);
      const ts = this.lastTs + scanner.delta;
      if (this.count === 0) this.firstTs = ts;
      this.count++;
      this.lastTs = ts;
      if (w.pos + (p - run) >= batchBytes || this.count >= batchRecords || ts - this.firstTs >= batchNs) {
        if (w.pos === 0) this.write(bytes.subarray(run, p), this.count, ts);
        else {
          this.copy(bytes, run, p);
          this.write(w.buf.subarray(0, w.pos), this.count, ts);
        }
        run = p;
        release?.(p);
      }
    }
    if (run < end) {
      this.copy(bytes, run, end);
      this.counted = w.pos;
    }
  }

  /** Copy records into the pending batch. */
  private copy(bytes: Uint8Array, start: number, end: number): void {
    const w = this.records;
    w.ensure(end - start);
    copyBytes(w.buf, w.pos, bytes, start, end - start);
    w.pos += end - start;
  }

  /** Flush the pending batch when its first record is `batchNs` old at `now` (ns). */
  flushIfDue(now: number): void {
    if (this.records.pos > 0 && now - this.first() >= this.limits.batchNs) this.flush();
  }

  /**
   * Write the pending batch, if any (counting the records not yet counted). Safe to call at any
   * time between records. Throws RecordDecodeError when the pending bytes are not records.
   */
  flush(): void {
    const w = this.records;
    const scanner = this.scanner;
    let n = this.count;
    let ts = this.lastTs;
    for (let p = this.counted; p < w.pos; n++) {
      p = scanner.scan(w.buf, p, w.pos);
      ts += scanner.delta;
    }
    if (n === 0) return;
    this.first();
    this.write(w.buf.subarray(0, w.pos), n, ts);
  }

  /**
   * Write a batch of `n` records, the pending batch's (from {@link firstTs}) ending at `lastTs`, and
   * empty the pending batch. `records` are its bytes: in {@link records}, or the caller's;
   * `checksum`, their CRC-32 if known (else -1).
   */
  private write(records: Uint8Array, n: number, lastTs: number, checksum = -1): void {
    if (this.segment === null || this.segment.size >= this.limits.segmentBytes) this.roll();
    const seg = this.segment!;
    const [header, payload] = encodeBatch(
      { segment: seg.index, batch: seg.batches, firstOffset: this.offset, firstTimestamp: this.firstTs, lastTimestamp: lastTs, recordCount: n },
      records,
      this.limits.level,
      Filter.TimestampOffset,
      checksum,
    );
    writeAll(this.fd, header);
    writeAll(this.fd, payload);
    if (seg.batches === 0) seg.firstTimestamp = this.firstTs;
    seg.lastTimestamp = lastTs;
    seg.records += n;
    seg.batches++;
    seg.size += header.length + payload.length;
    seg.uncompressedSize += records.length;
    seg.compressedSize += payload.length;
    this.offset += n;
    this.lastTs = lastTs;
    this.firstTs = Number.NaN;
    this.count = 0;
    this.counted = 0;
    this.records.pos = 0;
  }

  /** Flush and close the segment file. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.closed = true;
  }

  private roll(): void {
    if (this.fd >= 0) closeSync(this.fd);
    const index = this.segments.length;
    this.fd = openSync(`${this.dir}/${segmentFileName(index)}`, 'wx', 0o600);
    this.segment = { index, records: 0, batches: 0, size: 0, uncompressedSize: 0, compressedSize: 0, firstTimestamp: 0, lastTimestamp: 0 };
    this.segments.push(this.segment);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}
