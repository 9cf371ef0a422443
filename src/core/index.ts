/**
 * tc's portable core (`tc-wasm/core`): everything that reads a recording, with web-standard APIs only
 * (no Node module, no Buffer, no code made at run time), so that it runs in a browser page with a
 * strict Content-Security-Policy as it runs on Node. Replay a recording from its module and its log's
 * segment bytes, read and decode its records, and format them as `tc trace` does.
 *
 * ```js
 * import { loadModule, replayLog } from 'tc-wasm/core';
 * const { module, unknownImports } = await loadModule(moduleBytes, 'app.wasm');
 * const outcome = replayLog(module, { segments: [segment0Bytes], finished: true, unknownImports,
 *   onOutput: (stream, bytes) => (stream === 1 ? out : err).push(bytes) });
 * ```
 *
 * Log format: docs/log-format.md. Registry layout (where segments live): docs/registry.md.
 */
import { decodeRecord, type LogRecord } from './codec.js';
import { RecordCursor, segmentBatches } from './cursor.js';
import { PORTABLE_CODEC } from './portable-codec.js';
import { replayLog as replay, type ReplayLogOptions, type ReplayOutcome } from './replay.js';
import type { Codec, SegmentSource } from './segment.js';
import { FdStreams, STREAM_NAMES } from './streams.js';

export { type ReplayLogOptions, type ReplayOutcome } from './replay.js';
export { PORTABLE_CODEC } from './portable-codec.js';
export { loadModule, describeImports, type LoadedModule } from './module.js';
export { ReplayDivergence, LogEndedError, ReplayedTrap, ReplayPaused, type DivergenceKind, type ReplayOptions } from './replayer.js';
export { ProcExit, exitOutcome, type TrapInfo, type GuestOutcome } from './outcome.js';
export { breakBeforeCall, tcBreak, tcStart, type Breakpoints } from './debug.js';
export {
  bytesSource,
  LogCorruptError,
  LogTruncatedError,
  readBatches,
  segmentFileName,
  segmentFrames,
  unpackBatch,
  type Batch,
  type BatchInfo,
  type Codec,
  type Frame,
  type ReadOptions,
  type SegmentSource,
} from './segment.js';
export { RecordCursor, segmentBatches } from './cursor.js';
export { ByteReader, decodeRecord, RecordDecodeError, RESULT_TRAP, type LogRecord } from './codec.js';
export { FdStreams, NO_STREAM, STREAM_NAMES, writtenBytes, type HostStream } from './streams.js';
export { escapeBytes, formatCall, formatRecord, formatResult, recordJson } from './trace.js';
export { SecretMarks, SecretScrubber, secretLabel, secretUses, type SecretInfo, type SecretRun, type SecretSource, type SecretValue } from './secrets.js';
export { crc32 } from './crc32.js';
export { SYSCALL, SYSCALL_NAMES, SYSCALLS, WASI_MODULE, type Syscall, type SyscallName } from '../wasi/syscalls.js';
export { errno, errnoName, ERRNO_NAMES } from '../wasi/errno.js';
export { EXIT, isTcError, ModuleError, TcError } from '../errors.js';

/**
 * Replay `module` (compiled) against its log: see src/core/replay.ts. `codec` defaults to the
 * portable one ({@link PORTABLE_CODEC}).
 */
export function replayLog(module: WebAssembly.Module, options: Omit<ReplayLogOptions, 'codec'> & { readonly codec?: Codec }): ReplayOutcome {
  return replay(module, { ...options, codec: options.codec ?? PORTABLE_CODEC });
}

/** A record, and the host stream its write reached (`stdout`, `stderr`), if it is a write that did. */
export interface TracedRecord extends LogRecord {
  readonly stream?: 'stdout' | 'stderr';
}

/**
 * The records of a log, given its segments in order, decoded, each with the host stream its write
 * reached (see {@link FdStreams}). A log cut short inside a batch (a recording that was killed) ends
 * there: LogTruncatedError is thrown only when `finished` says the recording ended normally. Throws
 * LogCorruptError on damage.
 */
export function* readRecords(
  segments: readonly (Uint8Array | SegmentSource)[],
  options: { readonly finished?: boolean; readonly codec?: Codec } = {},
): Generator<TracedRecord> {
  const cursor = new RecordCursor(segmentBatches(segments, {}, options.codec ?? PORTABLE_CODEC));
  const streams = new FdStreams();
  for (let r = cursor.next(); r !== null; r = cursor.next()) {
    let rec: LogRecord;
    try {
      rec = decodeRecord(r, cursor.offset, cursor.previousTimestamp);
    } catch (e) {
      throw cursor.damaged(e);
    }
    const s = streams.follow(rec);
    yield s === 1 || s === 2 ? { ...rec, stream: STREAM_NAMES[s] as 'stdout' | 'stderr' } : rec;
  }
  if (cursor.truncated && options.finished) throw cursor.truncated;
}
