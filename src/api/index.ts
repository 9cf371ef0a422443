/**
 * tc as a library, on Node: run a WASI preview1 module and record it, replay a recording, read the
 * registry as data, and share recordings through S3-compatible storage (push, pull, a bucket as
 * data). The `tc` command is a thin shell over these functions: it formats what they return and
 * prints it; they throw typed errors ({@link TcError} and its kinds, each with the exit code the
 * command uses) and never exit the process.
 *
 * The portable core (replay from bytes, the log reader, the trace format) is `tc-wasm/core`.
 *
 * ```js
 * import { run, replay, openRegistry } from 'tc-wasm';
 * const { id, exitCode } = await run('hello.wasm', { registry: '/tmp/reg' });
 * const again = await replay(id, { registry: '/tmp/reg', onOutput: (stream, bytes) => ... });
 * for (const p of openRegistry('/tmp/reg').processes()) console.log(p.id, p.status);
 * ```
 */
export { run, type RunOptions, type RunResult } from './run.js';
export { checkReplay, replay, resolveProcess, type ReplayOptions, type ReplayResult } from './replay.js';
export { redact, type RedactOptions, type RedactResult } from './redact.js';
export { openRegistry, TcRegistry, type AsciicastExport } from './registry.js';
export { logRecords, processSecrets, readLog, type LogRecordsOptions } from './log.js';
export type { SecretInfo, SecretSource } from '../core/secrets.js';
export { addRemote, openRemote, pull, push, remotes, removeRemote, TcRemote, type PushOptions, type RemoteOptions, type TransferOptions } from './remote.js';
export type { OutputStream, TracedRecord } from './records.js';
export { EXIT, ModuleError, TcError, UsageError } from '../errors.js';
export { ReplayDivergence, LogEndedError } from '../core/replayer.js';
export { LogCorruptError, LogTruncatedError } from '../core/segment.js';
export { ProcessRemovedError, RegistryError, UnknownIdError } from '../registry/registry.js';
export type { LogRecord } from '../core/codec.js';
export type { TrapInfo } from '../core/outcome.js';
export type { ExportResult, ImportResult, Sink } from '../registry/archive.js';
export type { Asciicast, AsciicastEvent, AsciicastHeader, AsciicastMarker, AsciicastOptions } from '../registry/asciicast.js';
export type { DiffCall, DiffEntry, DiffHunk, DiffOptions, DiffProcess, DiffResult, StreamDiff } from '../registry/diff.js';
export type { GcOptions, GcResult } from '../registry/gc.js';
export type { ModuleDescription, ProcessDescription, ProcessSummary } from '../registry/inspect.js';
export type { ModuleInfo, ProcessStatus, Redaction } from '../registry/registry.js';
export type { DeletedModule, DeletedProcess } from '../registry/remove.js';
export type { VerifyResult } from '../registry/verify.js';
export { AnnotationError, type Annotation } from '../registry/annotations.js';
export { RemoteError, type Remote, type RemoteConfig } from '../remote/remotes.js';
export { PullDamageError, type PulledProcess } from '../remote/pull.js';
export { StillRecordingError, TooLargeError, type PushedProcess, type PushResult } from '../remote/push.js';
export type { TransferProgress } from '../remote/s3.js';
