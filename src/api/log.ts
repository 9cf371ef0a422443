/**
 * A process's records, for analysis (see src/api/index.ts).
 */
import { FdStreams } from '../core/streams.js';
import { Registry, registryDir } from '../registry/registry.js';
import { logCursor } from '../log/files.js';
import { traced, type TracedRecord } from './records.js';
import type { SecretInfo } from '../core/secrets.js';

export interface LogRecordsOptions {
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc). */
  readonly registry?: string;
  /** A log cut short by a killed recording just ends: told how many records it held. */
  readonly onUnfinished?: (records: number) => void;
}

/**
 * The records of process `id` (a unique prefix), decoded, in order, each with the host stream its
 * write reached. Throws UnknownIdError, and LogCorruptError on damage (a finished recording's log cut
 * short is damage).
 */
export function* logRecords(id: string, options: LogRecordsOptions = {}): Generator<TracedRecord> {
  const registry = new Registry(registryDir(options.registry));
  const full = registry.resolveProcess(id);
  const cursor = logCursor(registry.logDir(full));
  const streams = new FdStreams();
  for (let rec = cursor.nextRecord(); rec !== null; rec = cursor.nextRecord()) yield traced(rec, streams);
  if (cursor.truncated) {
    const status = registry.readManifest(full).status;
    // A finished recording whose log is cut short is damaged; an unfinished one just ends there.
    if (status === 'exited' || status === 'trapped') throw cursor.truncated;
    options.onUnfinished?.(cursor.offset + 1);
  }
}

/** The records of process `id`, as {@link logRecords} gives them, for `for await`. */
export async function* readLog(id: string, options: LogRecordsOptions = {}): AsyncGenerator<TracedRecord> {
  yield* logRecords(id, options);
}

/**
 * The secrets kept out of process `id`'s recording (a unique prefix), as its manifest lists them:
 * names, sources, lengths and placeholders, never values (README, "Secrets"). Throws UnknownIdError.
 */
export function processSecrets(id: string, options: { readonly registry?: string } = {}): readonly SecretInfo[] {
  const registry = new Registry(registryDir(options.registry));
  return registry.readManifest(registry.resolveProcess(id)).secrets ?? [];
}
