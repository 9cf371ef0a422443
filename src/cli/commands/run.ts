/**
 * `tc run`: prints the process id first on stderr, runs the guest, and ends with the guest's exit
 * status (or 134, 130/143); with `--exit-status-file`, writes how it ended there too.
 */
import type { Worker } from 'node:worker_threads';
import { EXIT } from '../../errors.js';
import { run, type RunResult } from '../../api/run.js';
import { streamNumber } from '../../api/records.js';
import { parseEnv } from '../../run.js';
import { formatRecord } from '../../core/trace.js';
import { SecretMarks } from '../../core/secrets.js';
import { UsageError } from '../../errors.js';
import { stderr } from '../io.js';
import { checkExitStatusFile, errorStatus, writeExitStatus, type ExitStatus } from '../exit-status.js';

export interface RunCommandOptions {
  dir: string[];
  env: string[];
  registry?: string;
  record: boolean;
  trapUnknownImports?: boolean;
  trace?: boolean;
  /** Write an {@link ExitStatus} here at the end. */
  exitStatusFile?: string;
  /** A note for stderr, after the process id (`tc: note: ...`): tc's own options given after the module. */
  note?: string;
  secretEnv?: string[];
  secretArg?: string[];
  secretFile?: string[];
  secret?: string[];
  /** false with --no-default-secrets. */
  defaultSecrets?: boolean;
  writerThread?: Worker;
}

/** What `tc run` ended with, as `--exit-status-file` writes it. `problem`: the last recording problem reported. */
export function runStatus(result: RunResult, problem: string | null): ExitStatus {
  const base = { id: result.id ?? null, tcExitCode: result.exitCode, records: result.id === undefined ? null : result.records };
  switch (result.ended) {
    case 'exited':
      return { ...base, outcome: 'exited', exitCode: result.exitCode, message: problem };
    case 'trapped':
      return { ...base, outcome: 'trapped', exitCode: null, message: result.trap?.message ?? null };
    case 'interrupted':
      return { ...base, outcome: 'interrupted', exitCode: null, message: `interrupted by ${result.exitCode === EXIT.SIGTERM ? 'SIGTERM' : 'SIGINT'}` };
    case 'failed':
      return { ...base, outcome: 'error', exitCode: null, message: problem };
  }
}

/** `tc run`: prints the process id first on stderr, runs, returns the exit code to exit with. */
export async function runCommand(module: string, args: string[], opts: RunCommandOptions): Promise<number> {
  const file = opts.exitStatusFile;
  if (file !== undefined) checkExitStatusFile(file);
  let id: string | null = null;
  let problem: string | null = null;
  let result: RunResult;
  const note = () => {
    if (opts.note !== undefined) stderr(`tc: note: ${opts.note}\n`);
  };
  if (!opts.record) note();
  const secretArgs = (opts.secretArg ?? []).map((v) => {
    if (!/^\d+$/.test(v)) throw new UsageError(`--secret-arg ${v}: expected an index into the guest's argv (0 is the module)`);
    return Number(v);
  });
  let marks: SecretMarks | undefined;
  // Notes come after the process id, which is the first line on stderr.
  const notes: string[] = [];
  const say = (message: string) => stderr(`tc: note: ${message}\n`);
  try {
    result = await run(module, {
      args,
      env: parseEnv(opts.env),
      dirs: opts.dir,
      record: opts.record,
      registry: opts.registry,
      trapUnknownImports: opts.trapUnknownImports,
      writerThread: opts.writerThread,
      onStart: (started) => {
        id = started;
        stderr(`${started}\n`);
        note();
        for (const n of notes.splice(0)) say(n);
      },
      onWarning: (message) => {
        problem = message;
        stderr(`tc: ${message}\n`);
      },
      secrets: { env: opts.secretEnv, args: secretArgs, files: opts.secretFile, values: opts.secret, defaults: opts.defaultSecrets !== false },
      onSecrets: (secrets) => (marks = new SecretMarks(secrets)),
      onNote: (message) => (opts.record && id === null ? notes.push(message) : say(message)),
      onRecord: opts.trace ? (rec) => stderr(`${formatRecord(rec, streamNumber(rec), marks)}\n`) : undefined,
    });
  } catch (e) {
    if (file !== undefined) writeExitStatus(file, errorStatus(e, id));
    throw e;
  }
  if (result.trap) {
    stderr(`tc: trap: ${result.trap.message}\n${result.trap.frames.map((f) => `    ${f}\n`).join('')}`);
  }
  if (file !== undefined) writeExitStatus(file, runStatus(result, problem));
  return result.exitCode;
}
