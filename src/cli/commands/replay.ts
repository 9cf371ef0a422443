/**
 * `tc replay`: re-executes a recorded process against its log and ends as the recording did; a
 * divergence prints its report. With `--exit-status-file`, writes how it ended there too.
 */
import { checkReplay, replay } from '../../api/replay.js';
import { streamNumber } from '../../api/records.js';
import { LogEndedError, ReplayDivergence } from '../../core/replayer.js';
import { formatRecord } from '../../core/trace.js';
import { SecretMarks } from '../../core/secrets.js';
import { processSecrets } from '../../api/log.js';
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
  /** `NAME=VALUE`. */
  secret?: string[];
  /** `NAME` (from tc's environment variable NAME) or `NAME=VAR`. */
  secretEnv?: string[];
  /**
   * With `--remote`: get process `prefix` from the bucket into the registry (unless it is there) and
   * give its full id (see `pullForReplay` in src/cli/commands/pull.ts, loaded only then).
   */
  fetch?: (prefix: string) => Promise<string>;
}

/** `--break-at N` as a record offset. Throws UsageError. */
function recordOffset(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--break-at ${text}: expected a record offset (0 or more)`);
  return Number(text);
}

/**
 * The secrets' values given on the command line: `--secret NAME=VALUE` (split at the first `=`) and
 * `--secret-env NAME` or `NAME=VAR` (the value of tc's own environment variable VAR, default NAME;
 * split at the last `=`). Throws UsageError for a malformed one or an unset variable.
 */
export function givenSecrets(opts: Pick<ReplayCommandOptions, 'secret' | 'secretEnv'>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of opts.secret ?? []) {
    const eq = v.indexOf('=');
    // The value is not repeated: it may be the secret.
    if (eq <= 0) throw new UsageError('--secret: expected NAME=VALUE');
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  for (const v of opts.secretEnv ?? []) {
    const eq = v.lastIndexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    const variable = eq < 0 ? v : v.slice(eq + 1);
    if (name === '' || variable === '') throw new UsageError(`--secret-env ${v}: expected NAME or NAME=VARIABLE`);
    const value = env[variable];
    if (value === undefined) throw new UsageError(`--secret-env ${v}: tc's environment has no ${variable}`);
    out[name] = value;
  }
  return out;
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
    // With --remote, the process comes from the bucket first (unless the registry has it).
    id = checkReplay(opts.fetch === undefined ? prefix : await opts.fetch(prefix), { registry: opts.registry, breakAt, breakOn });
    const secrets = givenSecrets(opts);
    const marks = opts.trace ? new SecretMarks(processSecrets(id, { registry: opts.registry })) : undefined;
    // A pause asked for waits for someone to see it (as Node's --inspect-wait); --inspect alone does not wait.
    if (address !== undefined) openInspector(inspectOption, address, opts.inspectBrk !== undefined || breakAt !== undefined || breakOn.length > 0);
    const result = await replay(id, {
      registry: opts.registry,
      onOutput: opts.quiet ? undefined : (stream, bytes) => writeFd(stream === 'stdout' ? 1 : 2, bytes),
      onRecord: opts.trace ? (rec) => stderr(`${formatRecord(rec, streamNumber(rec), marks)}\n`) : undefined,
      onWarning: (w) => stderr(`tc: warning: ${w}\n`),
      breakAt,
      breakOn,
      breakAtStart: opts.inspectBrk !== undefined,
      secrets,
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
