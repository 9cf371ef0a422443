import { replayProcess } from '../../replay.js';
import { ReplayDivergence } from '../../timemachine/replayer.js';
import { formatRecord } from '../../timemachine/trace.js';
import { FdStreams } from '../../timemachine/streams.js';
import { stderr, writeFd } from '../io.js';

export interface ReplayCommandOptions {
  registry?: string;
  quiet?: boolean;
  trace?: boolean;
}

/** `tc replay`: returns the exit code to exit with (the recorded one, or a divergence code). */
export async function replayCommand(id: string, opts: ReplayCommandOptions): Promise<number> {
  // What the trace marks follows its own copy of the fd table (the replayer's moves inside the call).
  const streams = new FdStreams();
  try {
    const result = await replayProcess({
      id,
      registry: opts.registry,
      onOutput: opts.quiet ? undefined : (fd, bytes) => writeFd(fd, bytes),
      onRecord: opts.trace ? (rec) => stderr(`${formatRecord(rec, streams.follow(rec))}\n`) : undefined,
      onWarning: (w) => stderr(`tc: warning: ${w}\n`),
    });
    if (result.trap) stderr(`tc: trap: ${result.trap.message}\n${result.trap.frames.map((f) => `    ${f}\n`).join('')}`);
    return result.exitCode;
  } catch (e) {
    if (e instanceof ReplayDivergence) {
      stderr(e.report());
      return e.exitCode;
    }
    throw e;
  }
}
