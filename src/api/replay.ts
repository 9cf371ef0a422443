/**
 * `replay`: re-execute a recorded process from the registry (see src/api/index.ts).
 */
import type { TrapInfo } from '../core/outcome.js';
import { FdStreams, STREAM_NAMES } from '../core/streams.js';
import { Registry, registryDir } from '../registry/registry.js';
import { checkReplay as checkReplayOptions, replayProcess } from '../replay.js';
import { traced, type OutputStream, type TracedRecord } from './records.js';

export interface ReplayOptions {
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc). */
  readonly registry?: string;
  /** What reached the host's stdout and stderr in the recording, in order (default: nothing is printed). */
  readonly onOutput?: (stream: OutputStream, bytes: Uint8Array) => void;
  /** Each record once replayed (replay then takes its general path for every call: slower). */
  readonly onRecord?: (record: TracedRecord) => void;
  /** A warning line (the recording was made by another tc, Node or V8 version). */
  readonly onWarning?: (message: string) => void;
  /**
   * Pause a debugger attached to this process just before record `breakAt`'s call, in the host import,
   * with the guest's WebAssembly frames below (src/core/debug.ts: a `debugger` statement, which does
   * nothing without a debugger). Throws UsageError when the log has no such record.
   */
  readonly breakAt?: number;
  /** Pause a debugger before every call of these functions (`fd_write`, `proc_exit`). Throws UsageError for a name that is not WASI's. */
  readonly breakOn?: readonly string[];
  /** Pause a debugger just before the guest's `_start`, once its module is loaded. */
  readonly breakAtStart?: boolean;
  /**
   * Values of the recording's secrets, by name (`openRegistry().describeProcess(id).secrets` lists
   * them): each is checked against its recorded hash (a wrong one throws TcError, an unknown name
   * UsageError), then the replay goes exactly as the recording did. Without a secret's value, the
   * guest gets its placeholder: a program that only passes it along replays to the end; a
   * divergence names the secrets used before it (ReplayDivergence's `secretsUsed`).
   */
  readonly secrets?: Readonly<Record<string, string | Uint8Array>>;
}

/** How a replay ended: as the recording did. */
export interface ReplayResult {
  readonly id: string;
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records replayed. */
  readonly records: number;
}

/**
 * Re-execute process `id` (or a unique prefix) from the registry against its log: no file is touched,
 * no clock or random source is read. Resolves with the recorded exit code (or the reproduced trap).
 * Throws ReplayDivergence when the guest leaves the log, LogEndedError when a recording that did not
 * finish runs out, LogCorruptError on damage, UnknownIdError for an unknown id, UsageError for a
 * break that is not in the log.
 */
export async function replay(id: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const onOutput = options.onOutput;
  const onRecord = options.onRecord;
  const streams = new FdStreams();
  const r = await replayProcess({
    id,
    registry: options.registry,
    onOutput: onOutput === undefined ? undefined : (stream, bytes) => onOutput(STREAM_NAMES[stream] as OutputStream, bytes),
    onRecord: onRecord === undefined ? undefined : (rec) => onRecord(traced(rec, streams)),
    onWarning: options.onWarning,
    breakAt: options.breakAt,
    breakOn: options.breakOn,
    breakAtStart: options.breakAtStart,
    secrets: options.secrets,
  });
  return { id: r.id, exitCode: r.exitCode, ...(r.trap ? { trap: r.trap } : {}), records: r.records };
}

/**
 * Check what {@link replay} would be asked, without replaying: process `id` (a unique prefix) is in
 * the registry, `breakAt` is a record of its log, `breakOn` names WASI functions. Returns the full id.
 * Throws UnknownIdError, UsageError.
 */
export function checkReplay(id: string, options: Pick<ReplayOptions, 'registry' | 'breakAt' | 'breakOn'> = {}): string {
  return checkReplayOptions({ id, registry: options.registry, breakAt: options.breakAt, breakOn: options.breakOn });
}

/** The full id of process `prefix` (a unique prefix) in the registry. Throws UnknownIdError. */
export function resolveProcess(prefix: string, options: { readonly registry?: string } = {}): string {
  return new Registry(registryDir(options.registry)).resolveProcess(prefix);
}
