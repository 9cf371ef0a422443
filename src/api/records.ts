/**
 * Records as the library hands them out: with the host stream a write reached.
 */
import { ByteReader, decodeRecord, type LogRecord } from '../core/codec.js';
import { FdStreams, STREAM_NAMES } from '../core/streams.js';

/** A host stream the guest's output reached. */
export type OutputStream = 'stdout' | 'stderr';

/** A record of the log, and the host stream its write reached, if it is a write that did. */
export interface TracedRecord extends LogRecord {
  readonly stream?: OutputStream;
}

/** A record the recorder encoded (`bytes`), decoded. */
export function decode(bytes: Uint8Array, offset: number, previousTimestamp: number): LogRecord {
  return decodeRecord(new ByteReader(bytes), offset, previousTimestamp);
}

/** `rec` with the host stream its write reached, following the fd table in `streams`. */
export function traced(rec: LogRecord, streams: FdStreams): TracedRecord {
  const s = streams.follow(rec);
  return s === 1 || s === 2 ? { ...rec, stream: STREAM_NAMES[s] as OutputStream } : rec;
}

/** The host stream as the trace format numbers it: 1 stdout, 2 stderr, else -1. */
export const streamNumber = (rec: TracedRecord): number => (rec.stream === 'stdout' ? 1 : rec.stream === 'stderr' ? 2 : -1);
