/**
 * `tc replay`: re-executes a recorded process against its log and ends as the recording did; a
 * divergence prints its report. With `--exit-status-file`, writes how it ended there too.
 */
import { Registry, registryDir } from '../../registry/registry.js';
import { replayProcess } from '../../replay.js';
import { LogEndedError, ReplayDivergence } from '../../core/replayer.js';
import { formatRecord } from '../../core/trace.js';
import { FdStreams } from '../../core/streams.js';
import { stderr, writeFd } from '../io.js';
import { checkExitStatusFile, errorStatus, writeExitStatus, type ExitStatus } from '../exit-status.js';

export interface ReplayCommandOptions {
  registry?: string;
  quiet?: boolean;
  trace?: boolean;
  /** Write an {@link ExitStatus} here at the end. */
  exitStatusFile?: string;
}

/** `tc replay`: returns the exit code to exit with (the recorded one, or a divergence code). */
export async function replayCommand(prefix: string, opts: ReplayCommandOptions): Promise<number> {
  const file = opts.exitStatusFile;
  if (file !== undefined) checkExitStatusFile(file);
  let id: string | null = null;
  let status: ExitStatus;
  // What the trace marks follows its own copy of the fd table (the replayer's moves inside the call).
  const streams = new FdStreams();
  try {
    id = new Registry(registryDir(opts.registry)).resolveProcess(prefix);
    const result = await replayProcess({
      id,
      registry: opts.registry,
      onOutput: opts.quiet ? undefined : (fd, bytes) => writeFd(fd, bytes),
      onRecord: opts.trace ? (rec) => stderr(`${formatRecord(rec, streams.follow(rec))}\n`) : undefined,
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
