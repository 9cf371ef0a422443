/**
 * `run`: a WASI preview1 command on Node, recorded into the registry (see src/api/index.ts).
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { TrapInfo } from '../core/outcome.js';
import { FdStreams } from '../core/streams.js';
import { UsageError } from '../errors.js';
import type { ProcessStatus } from '../registry/registry.js';
import { parseDirs, runModule } from '../run.js';
import type { SecretInfo, SecretSpec } from '../core/secrets.js';
import { decode, traced, type TracedRecord } from './records.js';

export interface RunOptions {
  /** Arguments after argv[0] (which is the module's path, or `name` for bytes). */
  readonly args?: readonly string[];
  /** The guest's environment: `{ NAME: 'value' }` or `['NAME=value']`. Nothing of the host's is passed otherwise. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /**
   * Host directories the guest may use: `'HOST'`, `'HOST::GUEST'` or `{ host, guest }` (GUEST defaults
   * to HOST). Throws TcError when one is not a readable directory.
   */
  readonly dirs?: readonly (string | { readonly host: string; readonly guest?: string })[];
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc). */
  readonly registry?: string;
  /** Record the run (default true). Without, nothing is written to the registry and there is no id. */
  readonly record?: boolean;
  /** Host fds behind the guest's stdin, stdout and stderr (default: this process's 0, 1, 2). */
  readonly stdin?: number;
  readonly stdout?: number;
  readonly stderr?: number;
  /** Start a module that imports functions besides WASI's: they trap when called (default: refuse it). */
  readonly trapUnknownImports?: boolean;
  /** The module's name when `module` is bytes (default `module.wasm`). */
  readonly name?: string;
  /**
   * Values to keep out of the recording (README, "Secrets"): each occurrence in the log is replaced
   * by a placeholder of its length. `env`: names of guest environment variables; `args`: indexes
   * into argv (0 is the module); `files`: guest paths under one of `dirs`, whose contents (without
   * their final line ends) are the secret; `values`: the values themselves. Environment variables
   * named like `*TOKEN*`, `*PASSWORD*`, `*SECRET*`, `*AUTHORIZATION*`, `*API_KEY*`, `*PRIVATE_KEY*`
   * are secrets too unless `defaults` is false. Throws UsageError for a name, index or path that is
   * not there, or a secret of fewer than 4 bytes.
   */
  readonly secrets?: SecretSpec;
  /** The secrets kept out of the recording (names, lengths, placeholders: never values), before the guest starts. */
  readonly onSecrets?: (secrets: readonly SecretInfo[]) => void;
  /** A note that does not stop anything (an environment variable that looks secret but is too short to hide). */
  readonly onNote?: (message: string) => void;
  /** Each record as it is made, and the host stream its write reached. */
  readonly onRecord?: (record: TracedRecord) => void;
  /** A problem that does not stop the guest (the log could not be written on, say), as one line. */
  readonly onWarning?: (message: string) => void;
  /** The process id, once the process is created, before the guest starts. */
  readonly onStart?: (id: string) => void;
  /** @internal A log-writing thread started earlier (bin/tc.js starts it before loading anything). */
  readonly writerThread?: Worker;
}

/** How a run ended. */
export interface RunResult {
  /** The process id, when recorded. */
  readonly id?: string;
  /** The guest's exit status (0-125), or 134 after a trap, 130/143 after SIGINT/SIGTERM. */
  readonly exitCode: number;
  /** As the registry keeps it: `exited`, `trapped`, `interrupted`, `incomplete`. */
  readonly status: ProcessStatus;
  /** How the guest ended: it exited, trapped, was interrupted, or `failed` to start (its module did not instantiate). */
  readonly ended: 'exited' | 'trapped' | 'interrupted' | 'failed';
  readonly trap?: TrapInfo;
  /** Records written. */
  readonly records: number;
}

/**
 * Run WASI command `module` (a path, or its bytes) with the files, environment, clocks and randomness
 * given, recording every host call into the registry. Resolves when the guest ends. Throws
 * {@link TcError} (ModuleError, UsageError) before the guest starts when the module, a directory or
 * the registry is unusable; nothing is written to the registry then.
 */
export async function run(module: string | Uint8Array, options: RunOptions = {}): Promise<RunResult> {
  let path: string;
  let cleanup: (() => void) | undefined;
  if (typeof module === 'string') path = module;
  else {
    // The runner reads a file: bytes go through a private temporary one.
    const dir = fs.mkdtempSync(`${tmpdir()}/tc-run-`);
    path = `${dir}/${(options.name ?? 'module.wasm').replace(/[/\\]/g, '_')}`;
    fs.writeFileSync(path, module, { mode: 0o600 });
    cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const env = Array.isArray(options.env) ? [...(options.env as readonly string[])] : Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of env) if (!/^[^=\0]+=[^\0]*$/.test(e)) throw new UsageError(`env ${JSON.stringify(e)}: expected NAME=VALUE`);
  const dirs = parseDirs((options.dirs ?? []).map((d) => (typeof d === 'string' ? d : `${d.host}::${d.guest ?? d.host}`)));
  const streams = new FdStreams();
  const onRecord = options.onRecord;
  try {
    const r = await runModule({
      module: path,
      args: options.args,
      env,
      dirs,
      record: options.record !== false,
      registry: options.registry,
      trapUnknownImports: options.trapUnknownImports,
      stdio: [options.stdin ?? 0, options.stdout ?? 1, options.stderr ?? 2],
      onError: options.onWarning,
      onStart: options.onStart,
      secrets: options.secrets,
      onSecrets: options.onSecrets,
      onNote: options.onNote,
      writerThread: options.writerThread,
      onRecord: onRecord === undefined ? undefined : (bytes, offset, prev) => onRecord(traced(decode(bytes, offset, prev), streams)),
    });
    return { ...(r.id === undefined ? {} : { id: r.id }), exitCode: r.exitCode, status: r.status, ended: r.ended, ...(r.trap ? { trap: r.trap } : {}), records: r.records };
  } finally {
    cleanup?.();
  }
}

