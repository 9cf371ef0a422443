/**
 * `tc replay`: re-executes a recorded process against its log and ends as the recording did; a
 * divergence prints its report. With `--exit-status-file`, writes how it ended there too.
 */
import { checkReplay, replay } from '../../api/replay.js';
import { streamNumber } from '../../api/records.js';
import { LogEndedError, ReplayDivergence } from '../../core/replayer.js';
import { formatRecord } from '../../core/trace.js';
import { stderr, writeFd } from '../io.js';
import { checkExitStatusFile, errorStatus, writeExitStatus, type ExitStatus } from '../exit-status.js';
import { UsageError } from '../../errors.js';
import { openInspector, parseInspectAddress } from '../inspect.js';

export interface ReplayCommandOptions {
  registry?: string;
  quiet?: boolean;
  trace?: boolean;
  /** Write an {@link ExitStatus} here at the end. */
  exitStatusFile?: string;
  /** Run under Node's inspector (`[HOST:]PORT`, or true / '' for 127.0.0.1:9229). */
  inspect?: string | true;
  /** The same, waiting for a debugger and pausing before the guest starts. */
  inspectBrk?: string | true;
  /** Pause before this record's call (a record offset, as typed). */
  breakAt?: string;
  /** Pause before every call of these functions. */
  breakOn?: string[];
}

/** `--break-at N` as a record offset. Throws UsageError. */
function recordOffset(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--break-at ${text}: expected a record offset (0 or more)`);
  return Number(text);
}

/** `tc replay`: returns the exit code to exit with (the recorded one, or a divergence code). */
export async function replayCommand(prefix: string, opts: ReplayCommandOptions): Promise<number> {
  const file = opts.exitStatusFile;
  if (file !== undefined) checkExitStatusFile(file);
  const breakAt = opts.breakAt === undefined ? undefined : recordOffset(opts.breakAt);
  const breakOn = opts.breakOn ?? [];
  const inspectOption = opts.inspectBrk !== undefined ? '--inspect-brk' : '--inspect';
  const inspect = opts.inspectBrk ?? opts.inspect;
  const address = inspect === undefined ? undefined : parseInspectAddress(inspectOption, inspect);
  let id: string | null = null;
  let status: ExitStatus;
  try {
    // Everything checked before the inspector waits for a debugger.
    id = checkReplay(prefix, { registry: opts.registry, breakAt, breakOn });
    // A pause asked for waits for someone to see it (as Node's --inspect-wait); --inspect alone does not wait.
    if (address !== undefined) openInspector(inspectOption, address, opts.inspectBrk !== undefined || breakAt !== undefined || breakOn.length > 0);
    const result = await replay(id, {
      registry: opts.registry,
      onOutput: opts.quiet ? undefined : (stream, bytes) => writeFd(stream === 'stdout' ? 1 : 2, bytes),
      onRecord: opts.trace ? (rec) => stderr(`${formatRecord(rec, streamNumber(rec))}\n`) : undefined,
      onWarning: (w) => stderr(`tc: warning: ${w}\n`),
      breakAt,
      breakOn,
      breakAtStart: opts.inspectBrk !== undefined,
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
