/**
 * Reading a log's segments: a segment is a sequence of batches; a batch is a size-prefixed
 * `BatchHeader` flatbuffer (schemas/log.fbs) followed by `compressed_size` bytes of records
 * (src/core/codec.ts). Byte-level layout: docs/log-format.md. Portable: the bytes come from a
 * {@link SegmentSource}, inflate and CRC-32 from a {@link Codec} (src/core/portable-codec.ts has the
 * portable one; Node's replay passes zlib's, and does not load the portable one at all).
 */
import * as flatbuffers from 'flatbuffers';
import { BatchHeader } from '../format/tc/format/batch-header.js';
import { Compression } from '../format/tc/format/compression.js';
import { Filter } from '../format/tc/format/filter.js';
import { EXIT, TcError } from '../errors.js';
import { timestampDelta, timestampOffset } from './codec.js';

/** The file name of segment `index` inside a process's log directory. */
export const segmentFileName = (index: number): string => String(index).padStart(8, '0');

/**
 * The file identifier of a batch header says its version: `TCB2` batches carry the TimestampOffset
 * filter (this version writes only them); `TCB1` ones, from earlier versions, TimestampDelta when
 * deflated and no filter otherwise. A header whose filter does not go with its version was changed.
 */
export const FRAME_ID = 'TCB2';
export const FRAME_ID_V1 = 'TCB1';

/** A batch header, decoded. Sizes in bytes, timestamps in ns since process start. */
export interface BatchInfo {
  readonly segment: number;
  readonly batch: number;
  readonly firstOffset: number;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  readonly recordCount: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly compression: Compression;
  readonly checksum: number;
  readonly filter: Filter;
}

/** The log is damaged or cut short. `segment` and `batch` locate the damage. */
export class LogCorruptError extends TcError {
  constructor(
    readonly segment: number,
    readonly batch: number,
    readonly reason: string,
  ) {
    super(`segment ${segment}, batch ${batch}: ${reason}`, EXIT.CORRUPT);
  }
}

/** The last batch of a segment is incomplete (the recording was killed while writing it). */
export class LogTruncatedError extends LogCorruptError {}

/** A batch read back: its header and its records, decompressed. */
export interface Batch {
  readonly info: BatchInfo;
  readonly records: Uint8Array;
}

/** The largest batch header (bytes): a size prefix above it is damage. */
export const MAX_HEADER = 1024;

/** How batches are read: headers only, or with the TimestampOffset filter left on the records. */
export interface ReadOptions {
  readonly headersOnly?: boolean;
  /**
   * Leave clock_time_get times as the TimestampOffset filter stores them (offsets from their
   * record's timestamp; the batch's `info.filter` says so): for a reader that adds the timestamps
   * back itself, record by record (the replayer), instead of in a pass over every batch.
   */
  readonly keepTimestampOffset?: boolean;
  /**
   * Read stored batches into one buffer, reused from batch to batch: a batch's records are then valid
   * only until the next batch is read. For a reader done with each batch before it takes the next
   * (the replayer): a fresh buffer per batch is zeroed, and then faulted in page by page as the file
   * is read into it (~0.7 ms per MiB here, as much as reading the batch).
   */
  readonly reuseBuffer?: boolean;
}

/**
 * A segment's bytes, however they are held: a file read piece by piece (Node) or a `Uint8Array` in
 * memory (a browser, a `.tcr`). {@link readBatches} reads through it.
 */
export interface SegmentSource {
  /** Bytes in the segment. */
  readonly size: number;
  /**
   * `length` bytes from `position` (fewer at the end). With `into`, copied there (the caller owns and
   * may change them); without, possibly a view of bytes the source keeps, which must not be changed.
   */
  read(position: number, length: number, into?: Uint8Array): Uint8Array;
}

/** A segment held in memory. */
export function bytesSource(bytes: Uint8Array): SegmentSource {
  return {
    size: bytes.length,
    read(position, length, into) {
      const end = Math.min(bytes.length, position + length);
      if (into === undefined) return bytes.subarray(position, end);
      into.set(bytes.subarray(position, end));
      return into.subarray(0, Math.max(0, end - position));
    },
  };
}

/** How batches are checked and inflated. */
export interface Codec {
  /** The CRC-32 of `bytes`. */
  crc32(bytes: Uint8Array): number;
  /** Raw DEFLATE (RFC 1951) `payload` into its `size` bytes (-1: not known); throws on bad data. */
  inflate(payload: Uint8Array, size: number): Uint8Array;
}


/** Where a batch lies in its segment, and its header. */
export interface Frame {
  /** The batch's index in the segment. */
  readonly batch: number;
  /** Byte offset of the frame (its header's size prefix). */
  readonly at: number;
  /** Byte offset of the payload. */
  readonly payloadAt: number;
  /** The header, as read (its segment and batch numbers not checked here). */
  readonly info: BatchInfo;
}

/**
 * The frames of segment `index`, in order: each header read and checked for what locates the next one.
 * Throws {@link LogTruncatedError} when the segment ends inside a frame, {@link LogCorruptError} for a
 * header that cannot be read (nothing after it can be found).
 */
export function* segmentFrames(source: SegmentSource, index: number): Generator<Frame> {
  let pos = 0;
  const prefix = new Uint8Array(4);
  const prefixView = new DataView(prefix.buffer);
  for (let batch = 0; ; batch++) {
    const n = source.read(pos, 4, prefix).length;
    if (n === 0) return;
    if (n < 4) throw new LogTruncatedError(index, batch, 'the segment ends inside a batch header');
    const size = prefixView.getUint32(0, true);
    if (size < 8 || size > MAX_HEADER) throw new LogCorruptError(index, batch, `bad batch header size ${size} at byte ${pos} (the rest of the segment cannot be read)`);
    const hbuf = source.read(pos + 4, size, new Uint8Array(size));
    if (hbuf.length < size) throw new LogTruncatedError(index, batch, 'the segment ends inside a batch header');
    let info: BatchInfo;
    try {
      info = parseBatchHeader(hbuf);
    } catch (e) {
      throw new LogCorruptError(index, batch, `${(e as Error).message} at byte ${pos} (the rest of the segment cannot be read)`);
    }
    const payloadAt = pos + 4 + size;
    if (payloadAt + info.compressedSize > source.size) throw new LogTruncatedError(index, batch, 'the segment ends inside a batch');
    yield { batch, at: pos, payloadAt, info };
    pos = payloadAt + info.compressedSize;
  }
}

/** How {@link unpackBatch} treats the records. */
export interface UnpackOptions extends Pick<ReadOptions, 'keepTimestampOffset' | 'reuseBuffer'> {
  /**
   * Inflate without believing the header's size (a checker reports a wrong one as such; a reader
   * allocates the size it is told, up to the 1 GiB a header may say).
   */
  readonly sizeUnknown?: boolean;
}

/**
 * The records of the batch in frame `f` of segment `index`: the stored bytes checked against the
 * header's CRC-32, inflated, their filter undone (unless `keepTimestampOffset`). `buffer` is reused for
 * stored batches with `reuseBuffer` (its current value in, the one to keep out). Throws
 * {@link LogCorruptError} saying what is wrong.
 */
export function unpackBatch(source: SegmentSource, index: number, f: Frame, options: UnpackOptions, codec: Codec, buffer: { bytes: Uint8Array }): Uint8Array {
  const { info, batch } = f;
  // A stored batch is handed out as it is read, so it is read into a buffer of the reader's own
  // (readers change records in place): unless `reuseBuffer`, a fresh one, so that records kept by a
  // caller stay valid. A deflated one is only read.
  let payload: Uint8Array;
  if (info.compression === Compression.None) {
    if (!options.reuseBuffer || buffer.bytes.length < info.compressedSize) buffer.bytes = new Uint8Array(info.compressedSize);
    payload = source.read(f.payloadAt, info.compressedSize, buffer.bytes.subarray(0, info.compressedSize));
  } else payload = source.read(f.payloadAt, info.compressedSize);
  if (payload.length < info.compressedSize) throw new LogTruncatedError(index, batch, 'the segment ends inside a batch');
  const crc = codec.crc32(payload) >>> 0;
  if (crc !== info.checksum >>> 0) throw new LogCorruptError(index, batch, `checksum mismatch (the header says ${hex(info.checksum)}, the stored bytes give ${hex(crc)})`);
  let records: Uint8Array;
  if (info.compression === Compression.None) records = payload;
  else if (info.compression === Compression.Deflate) {
    try {
      records = codec.inflate(payload, options.sizeUnknown ? -1 : info.uncompressedSize);
    } catch (e) {
      throw new LogCorruptError(index, batch, `cannot decompress: ${(e as Error).message}`);
    }
  } else throw new LogCorruptError(index, batch, `unknown compression ${info.compression}`);
  if (records.length !== info.uncompressedSize) {
    throw new LogCorruptError(index, batch, `uncompressed size mismatch (the header says ${info.uncompressedSize}, the records take ${records.length})`);
  }
  if (!(info.filter === Filter.TimestampOffset && options.keepTimestampOffset)) {
    try {
      undoFilter(info, records);
    } catch (e) {
      throw new LogCorruptError(index, batch, `bad records (${(e as Error).message})`);
    }
  }
  return records;
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Read the batches of segment `index` in order, one at a time (memory stays bounded by the largest
 * batch). Throws {@link LogTruncatedError} when the segment ends inside a batch and
 * {@link LogCorruptError} when a header or checksum is wrong.
 */
export function* readBatches(source: SegmentSource, index: number, options: ReadOptions, codec: Codec): Generator<Batch> {
  const buffer = { bytes: new Uint8Array(0) };
  for (const f of segmentFrames(source, index)) {
    const { info, batch } = f;
    if (info.segment !== index || info.batch !== batch) {
      throw new LogCorruptError(index, batch, `bad batch header (says segment ${info.segment}, batch ${info.batch})`);
    }
    yield { info, records: options.headersOnly ? new Uint8Array(0) : unpackBatch(source, index, f, options, codec, buffer) };
  }
}

/**
 * Undo the filter of a batch (its header checked by {@link parseBatchHeader}) on its decompressed
 * records, in place. Throws RecordDecodeError when the bytes are not records.
 */
export function undoFilter(info: BatchInfo, records: Uint8Array): void {
  if (info.filter === Filter.TimestampOffset) timestampOffset(records, info.firstTimestamp, true);
  else if (info.filter === Filter.TimestampDelta) timestampDelta(records, true);
}

/**
 * Decode a batch header flatbuffer (without its size prefix). Throws an Error saying what is wrong:
 * no `TCB2` or `TCB1` identifier, an unreadable table, implausible sizes, a filter that does not go
 * with the version and the compression.
 */
export function parseBatchHeader(bytes: Uint8Array): BatchInfo {
  const bb = new flatbuffers.ByteBuffer(bytes);
  const v2 = bb.__has_identifier(FRAME_ID);
  if (!v2 && !bb.__has_identifier(FRAME_ID_V1)) throw new Error('not a batch header');
  let info: BatchInfo;
  try {
    const h = BatchHeader.getRootAsBatchHeader(bb);
    info = {
      segment: h.segment(),
      batch: h.batch(),
      firstOffset: Number(h.firstOffset()),
      firstTimestamp: Number(h.firstTimestamp()),
      lastTimestamp: Number(h.lastTimestamp()),
      recordCount: h.recordCount(),
      uncompressedSize: h.uncompressedSize(),
      compressedSize: h.compressedSize(),
      compression: h.compression(),
      checksum: h.checksum(),
      filter: h.filter(),
    };
  } catch (e) {
    throw new Error(`bad batch header (${(e as Error).message})`);
  }
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`bad batch header (${k} unreadable)`);
  }
  if (info.compressedSize > 1 << 30 || info.uncompressedSize > 1 << 30) {
    throw new Error(`bad batch header (implausible sizes: compressed ${info.compressedSize}, uncompressed ${info.uncompressedSize})`);
  }
  if (v2 ? info.filter !== Filter.TimestampOffset : info.filter !== (info.compression === Compression.Deflate ? Filter.TimestampDelta : Filter.None)) {
    throw new Error(`bad batch header (filter ${Filter[info.filter] ?? info.filter} in a ${v2 ? FRAME_ID : FRAME_ID_V1} batch${v2 ? '' : ` with compression ${Compression[info.compression] ?? info.compression}`})`);
  }
  return info;
}
