/**
 * `tc replay`: re-executes a recorded process against its log and ends as the recording did; a
 * divergence prints its report. With `--exit-status-file`, writes how it ended there too.
 */
import { replay, resolveProcess } from '../../api/replay.js';
import { streamNumber } from '../../api/records.js';
import { LogEndedError, ReplayDivergence } from '../../core/replayer.js';
import { formatRecord } from '../../core/trace.js';
import { stderr, writeFd } from '../io.js';
import { checkExitStatusFile, errorStatus, writeExitStatus, type ExitStatus } from '../exit-status.js';

export interface ReplayCommandOptions {
  registry?: string;
  quiet?: boolean;
  trace?: boolean;
  /** Write an {@link ExitStatus} here at the end. */
  exitStatusFile?: string;
  /**
   * With `--remote`: get process `prefix` from the bucket into the registry (unless it is there) and
   * give its full id (see `pullForReplay` in src/cli/commands/pull.ts, loaded only then).
   */
  fetch?: (prefix: string) => Promise<string>;
}

/** `tc replay`: returns the exit code to exit with (the recorded one, or a divergence code). */
export async function replayCommand(prefix: string, opts: ReplayCommandOptions): Promise<number> {
  const file = opts.exitStatusFile;
  if (file !== undefined) checkExitStatusFile(file);
  let id: string | null = null;
  let status: ExitStatus;
  try {
    id = opts.fetch === undefined ? resolveProcess(prefix, { registry: opts.registry }) : await opts.fetch(prefix);
    const result = await replay(id, {
      registry: opts.registry,
      onOutput: opts.quiet ? undefined : (stream, bytes) => writeFd(stream === 'stdout' ? 1 : 2, bytes),
      onRecord: opts.trace ? (rec) => stderr(`${formatRecord(rec, streamNumber(rec))}\n`) : undefined,
      onWarning: (w) => stderr(`tc: warning: ${w}\n`),
    });
    if (result.trap) stderr(`tc: trap: ${result.trap.message}\n${result.trap.frames.map((f) => `    ${f}\n`).join('')}`);
    const trapped = result.trap !== undefined;
    status = {
      id,
      outcome: trapped ? 'trapped' : 'exited',
      exitCode: trapped ? null : result.exitCode,
      tcExitCode: result.exitCode,
      records: result.records,
      message: result.trap?.message ?? null,
    };
  } catch (e) {
    if (!(e instanceof ReplayDivergence)) {
      if (file !== undefined) writeExitStatus(file, errorStatus(e, id, e instanceof LogEndedError ? e.offset : null));
      throw e;
    }
    stderr(e.report());
    status = errorStatus(e, id, e.offset);
  }
  if (file !== undefined) writeExitStatus(file, status);
  return status.tcExitCode;
}
