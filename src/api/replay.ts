/**
 * `replay`: re-execute a recorded process from the registry (see src/api/index.ts).
 */
import { FdStreams, STREAM_NAMES } from '../core/streams.js';
import { Registry, registryDir } from '../registry/registry.js';
import { checkReplay as checkReplayOptions, replayProcess, type ReplayProcessOptions, type ReplayResult } from '../replay.js';
import { traced, type OutputStream, type TracedRecord } from './records.js';

export interface ReplayOptions extends Pick<ReplayProcessOptions, 'registry' | 'onWarning' | 'breakAt' | 'breakOn' | 'breakAtStart' | 'secrets'> {
  /** What reached the host's stdout and stderr in the recording, in order (default: nothing is printed). */
  readonly onOutput?: (stream: OutputStream, bytes: Uint8Array) => void;
  /** Each record once replayed (replay then takes its general path for every call: slower). */
  readonly onRecord?: (record: TracedRecord) => void;
}

export type { ReplayResult };

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
