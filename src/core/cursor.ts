/**
 * Streaming record iteration over a process's log: segments in order, batches one at a time, records
 * read in place. Memory stays bounded by one batch, whatever the length of the log. Portable.
 */
import { ByteReader, CLOCK_TIME_GET, decodeRecord, offsetTimestamp, RecordDecodeError, RecordScanner, type LogRecord } from './codec.js';
import { bytesSource, LogCorruptError, LogTruncatedError, readBatches, type Batch, type BatchInfo, type Codec, type ReadOptions, type SegmentSource } from './segment.js';
import { Filter } from '../format/tc/format/filter.js';

/**
 * Every batch of the segments in order (segment `i` of the list is segment `i` of the log). A batch cut
 * short at the end of a segment throws LogTruncatedError.
 */
export function* segmentBatches(segments: Iterable<SegmentSource | Uint8Array>, options: ReadOptions, codec: Codec): Generator<Batch> {
  let index = 0;
  // Bytes are told from a source by what they lack (`instanceof Uint8Array` fails for bytes of another realm: a worker, a frame).
  for (const s of segments) yield* readBatches(typeof (s as SegmentSource).read === 'function' ? (s as SegmentSource) : bytesSource(s as Uint8Array), index++, options, codec);
}

/**
 * Reads records one after another. {@link next} returns a reader positioned at the next record's
 * first byte (the caller reads the whole record), or null at the end of the log; {@link truncated}
 * then tells whether the log ended inside a batch (a recording that was killed).
 */
export class RecordCursor {
  private readonly it: Iterator<Batch>;
  /**
   * The current batch's records, positioned at the next record ({@link next} moves to the next batch
   * when this one is done); null before the first batch and at the end.
   */
  reader: ByteReader | null = null;
  private batch: BatchInfo | null = null;
  /** Offset of the record {@link next} returned last. */
  offset = -1;
  /** Timestamp (ns) the returned record's delta is relative to. */
  previousTimestamp = 0;
  /** Set when the log ended inside a batch. */
  truncated: LogTruncatedError | null = null;
  private lastTs = 0;
  private firstInBatch = false;
  private readonly peek = new ByteReader(new Uint8Array(0));
  /**
   * The current batch's clock_time_get times are offsets from their record's timestamp (the
   * TimestampOffset filter, left on with `keepTimestampOffset`): {@link next} restores the time of
   * the record it returns; a reader of records passed over with {@link consumed} adds
   * {@link timestamp} itself.
   */
  offsetTimes = false;
  private scanner: RecordScanner | null = null;

  private readonly keepOffsets: boolean;

  /**
   * @param batches the log's batches in order (see {@link segmentBatches}; Node reads a log directory
   * with `logCursor` in src/log/files.ts)
   * @param options `keepTimestampOffset` as the batches were read with
   */
  constructor(batches: Iterator<Batch>, options: Pick<ReadOptions, 'keepTimestampOffset'> = {}) {
    this.keepOffsets = options.keepTimestampOffset === true;
    this.it = batches;
  }

  /** Timestamp (ns) of the record returned or passed over last. */
  get timestamp(): number {
    return this.lastTs;
  }

  /** Advance to the next record; null at the end of the log. Throws LogCorruptError on damage. */
  next(): ByteReader | null {
    while (this.reader === null || this.reader.done) {
      let r: IteratorResult<Batch>;
      try {
        r = this.it.next();
      } catch (e) {
        if (e instanceof LogTruncatedError) {
          this.truncated = e;
          this.reader = null;
          return null;
        }
        throw e;
      }
      if (r.done) {
        this.reader = null;
        return null;
      }
      this.batch = r.value.info;
      this.offsetTimes = this.keepOffsets && this.batch.filter === Filter.TimestampOffset;
      this.reader = new ByteReader(r.value.records);
      this.offset = this.batch.firstOffset - 1;
      // A batch decodes on its own: its first record is at first_timestamp, whatever came before.
      this.lastTs = this.batch.firstTimestamp;
      this.firstInBatch = true;
    }
    this.offset++;
    // The record's delta, read ahead so the next record's base is known whatever the caller reads.
    const peek = this.peek;
    peek.buf = this.reader.buf;
    peek.pos = this.reader.pos;
    let delta: number;
    try {
      peek.u8();
      delta = peek.varint();
    } catch (e) {
      throw this.damaged(e);
    }
    // A batch decodes on its own: its first record is at first_timestamp, whatever came before.
    if (this.firstInBatch) this.lastTs -= delta;
    this.firstInBatch = false;
    this.previousTimestamp = this.lastTs;
    this.lastTs += delta;
    if (this.offsetTimes && this.reader.buf[this.reader.pos] === CLOCK_TIME_GET) this.restoreTime();
    return this.reader;
  }

  /** Add its timestamp back to the time of the clock_time_get record at the reader's position, in place. */
  private restoreTime(): void {
    const r = this.reader!;
    const scanner = (this.scanner ??= new RecordScanner());
    try {
      scanner.scan(r.buf, r.pos, r.buf.length);
    } catch (e) {
      throw this.damaged(e);
    }
    if (scanner.ts >= 0) offsetTimestamp(r.buf, scanner.ts, this.lastTs, true);
  }

  /**
   * The record at {@link reader}'s position, ending at `end` with timestamp delta `delta`, was read
   * without {@link next} (the replay fast path): account for it as next() would have.
   */
  consumed(end: number, delta: number): void {
    this.offset++;
    if (this.firstInBatch) this.lastTs -= delta;
    this.firstInBatch = false;
    this.previousTimestamp = this.lastTs;
    this.lastTs += delta;
    this.reader!.pos = end;
  }

  /** Decode the whole next record; null at the end. Throws LogCorruptError for bytes that are not a record. */
  nextRecord(): LogRecord | null {
    const r = this.next();
    if (r === null) return null;
    try {
      return decodeRecord(r, this.offset, this.previousTimestamp);
    } catch (e) {
      throw this.damaged(e);
    }
  }

  /** A decoding error of the current record as damage of its batch. */
  damaged(e: unknown): unknown {
    if (!(e instanceof RecordDecodeError) || this.batch === null) return e;
    return new LogCorruptError(this.batch.segment, this.batch.batch, `record ${this.offset}: ${e.message}`);
  }

  /** Bytes of the record that starts at `start` in the current batch and ends at the reader's position. */
  recordBytes(start: number, end: number): Uint8Array {
    return this.reader!.buf.subarray(start, end);
  }
}
