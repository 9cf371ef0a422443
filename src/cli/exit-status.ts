/**
 * `--exit-status-file FILE` of `tc run` and `tc replay`: how the command ended, as one JSON object a
 * script can read instead of decoding the exit code (README.md, "Exit codes", lists the keys):
 *
 *   {"id": "6f1c...", "outcome": "exited", "exitCode": 3, "tcExitCode": 3, "records": 12, "message": null}
 */
import { writeFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorReport, EXIT, TcError, UsageError } from '../errors.js';
import { tempPath } from '../registry/store.js';

/** How a run or a replay ended. */
export type Outcome = 'exited' | 'trapped' | 'interrupted' | 'diverged' | 'log-ended' | 'damaged' | 'error';

export interface ExitStatus {
  /** The process id; null without recording, or when tc failed before it had one. */
  readonly id: string | null;
  readonly outcome: Outcome;
  /** The guest's exit status when it exited (0-125), else null. */
  readonly exitCode: number | null;
  /** The code tc exits with. */
  readonly tcExitCode: number;
  /** Records recorded, or replayed before replay stopped; null without recording, or when tc did not count them. */
  readonly records: number | null;
  /** One line: the trap, the divergence, the error, or what went wrong with the recording; else null. */
  readonly message: string | null;
}

/** The outcomes named by tc's exit code (252-254); any other code of an error is `error` (250, 251, 141). */
const OUTCOMES: Partial<Record<number, Outcome>> = {
  [EXIT.DIVERGED]: 'diverged',
  [EXIT.LOG_ENDED]: 'log-ended',
  [EXIT.CORRUPT]: 'damaged',
};

/** The status of a command that ended with error `e` (thrown, or a divergence), with what was known of it. */
export function errorStatus(e: unknown, id: string | null = null, records: number | null = null): ExitStatus {
  const { message, exitCode } = errorReport(e);
  return { id, outcome: OUTCOMES[exitCode] ?? 'error', exitCode: null, tcExitCode: exitCode, records, message };
}

/** Check before anything runs that `file` can be written: its directory exists. Throws UsageError. */
export function checkExitStatusFile(file: string): void {
  if (file === '') throw new UsageError('--exit-status-file: expected a file name');
  const dir = statSync(dirname(file), { throwIfNoEntry: false });
  if (dir === undefined || !dir.isDirectory()) throw new UsageError(`--exit-status-file ${file}: no such directory`);
}

/** Write `status` to `file` as one line of JSON: under a temporary name, then renamed into place. Throws TcError. */
export function writeExitStatus(file: string, status: ExitStatus): void {
  const tmp = tempPath(file);
  try {
    const { id, outcome, exitCode, tcExitCode, records, message } = status; // in this order
    writeFileSync(tmp, `${JSON.stringify({ id, outcome, exitCode, tcExitCode, records, message })}\n`);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new TcError(`--exit-status-file ${file}: ${errorReport(e).message}`);
  }
}
