/**
 * `redact`: take secrets out of a recording already made (see src/api/index.ts).
 */
import { redactProcess, type RedactResult } from '../redact.js';

export type { RedactResult };

export interface RedactOptions {
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc). */
  readonly registry?: string;
  /** Names of the recording's environment variables whose values are secrets. */
  readonly env?: readonly string[];
  /** Secrets given as they are. */
  readonly values?: readonly string[];
  /** Guest paths of files the recorded program read: their contents (without final line ends) are secrets. */
  readonly files?: readonly string[];
}

/**
 * Write a new process (a new id) that is process `id` (a unique prefix) with every occurrence of the
 * secrets replaced by same-length placeholders, in its log and its manifest, leaving `id` as it is;
 * then replay the new one without the secrets and keep the verdict in its manifest (`redaction`:
 * `replays`, or `diverges` at a record). Throws UnknownIdError, UsageError (nothing given, a variable
 * or a file the recording does not have, a value under 4 bytes), TcError (a process still being
 * recorded), LogCorruptError (a damaged log).
 */
export function redact(id: string, options: RedactOptions = {}): Promise<RedactResult> {
  return redactProcess({ id, ...options });
}
