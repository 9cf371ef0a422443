/**
 * `tc run`: run a WASI preview1 command module on the Node host, recording every host call into the
 * registry (unless `record` is false).
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startGuestThread } from './guest-thread.js';
import type { Preopen } from './host/host.js';
import { describeImports, loadModule, trappingImports } from './module.js';
import { EXIT, ModuleError, TcError, UsageError } from './errors.js';
import { Registry, registryDir, sha256, type Manifest, type ProcessStatus } from './registry/registry.js';
import { LogWriter, DEFAULT_LIMITS, type LogLimits } from './timemachine/log.js';
import type { RecordObserver } from './timemachine/recorder.js';
import { createRing, RingReader } from './timemachine/ring.js';
import { execute, type GuestOutcome, type GuestSpec, type TrapInfo } from './execute.js';
import type { GuestData, GuestMessage } from './guest.js';
import { VERSION } from './version.js';
import { WASI_MODULE } from './wasi/syscalls.js';

export interface RunOptions {
  /** Path of the .wasm file. */
  readonly module: string;
  /** Guest arguments after argv[0] (argv[0] is `module` as given). */
  readonly args?: readonly string[];
  /** Guest environment, `NAME=VALUE`. */
  readonly env?: readonly string[];
  readonly dirs?: readonly Preopen[];
  /** Record into the registry (default true). */
  readonly record?: boolean;
  /** Registry directory (default: $TC_REGISTRY or ~/.tc). */
  readonly registry?: string;
  /** Stub unknown imports with functions that trap when called, instead of refusing to start. */
  readonly trapUnknownImports?: boolean;
  /** Host fds for the guest's 0, 1, 2. */
  readonly stdio?: readonly [number, number, number];
  /** Called with the process id once the process is created, before the guest starts. */
  readonly onStart?: (id: string) => void;
  /** Print trace lines (one per record) on stderr from the guest's thread. */
  readonly onRecord?: RecordObserver;
  /** Called with a one-line message when recording fails or the guest's thread dies. */
  readonly onError?: (message: string) => void;
  readonly limits?: LogLimits;
  /** A guest thread started early with startGuestThread() (else runModule starts one). */
  readonly guestThread?: Worker;
}

/** How the guest ended. */
export interface RunResult {
  /** The process id, when recorded. */
  readonly id?: string;
  /** The guest's exit code; {@link EXIT.TRAP} after a trap, 130/143 after SIGINT/SIGTERM. */
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records written. */
  readonly records: number;
  readonly status: ProcessStatus;
}

export type { TrapInfo };
export { wasmFrames } from './execute.js';

/** Parse `--env` values: `NAME=VALUE`, or `NAME` to pass the host's value (skipped when unset). */
export function parseEnv(values: readonly string[], hostEnv: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (!/^[^=\0]+$/.test(name) || v.includes('\0')) throw new UsageError(`--env ${JSON.stringify(v)}: expected NAME=VALUE or NAME`);
    if (eq >= 0) out.push(v);
    else if (hostEnv[name] !== undefined) out.push(`${name}=${hostEnv[name]}`);
  }
  return out;
}

/** Parse `--dir HOST[::GUEST]` values; the host directory must exist and be readable. */
export function parseDirs(values: readonly string[]): Preopen[] {
  return values.map((v) => {
    const sep = v.indexOf('::');
    const host = sep < 0 ? v : v.slice(0, sep);
    const guest = sep < 0 ? v : v.slice(sep + 2);
    if (host === '' || guest === '') throw new UsageError(`--dir ${JSON.stringify(v)}: expected HOST[::GUEST]`);
    try {
      if (!fs.statSync(host).isDirectory()) throw new TcError(`--dir ${host}: not a directory`);
      fs.accessSync(host, fs.constants.R_OK | fs.constants.X_OK);
    } catch (e) {
      if (e instanceof TcError) throw e;
      const code = (e as { code?: string }).code;
      throw new TcError(`--dir ${host}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    }
    return { host: fs.realpathSync(host), guest };
  });
}

/**
 * Run the module. Resolves with the guest's exit code (a trap gives {@link EXIT.TRAP} and `trap`).
 * Throws {@link TcError} before the guest starts when the module, a --dir or the registry is unusable;
 * nothing is written to the registry then.
 *
 * Recording runs the guest on a worker thread (src/guest.ts) and writes the log on this one: see
 * {@link recordRun}. Without recording the guest runs here.
 */
export async function runModule(options: RunOptions): Promise<RunResult> {
  // The guest's thread takes ~100 ms to boot: start it first, while this thread checks the module and
  // prepares the registry; it waits for its job.
  const worker = options.record === false ? null : (options.guestThread ?? startGuestThread());
  try {
    return await runWith(options, worker);
  } catch (e) {
    void worker?.terminate();
    throw e;
  }
}

async function runWith(options: RunOptions, worker: Worker | null): Promise<RunResult> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(options.module);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TcError(`${options.module}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  const { module, unknownImports } = await loadModule(bytes, options.module);
  if (unknownImports.length > 0) {
    if (!options.trapUnknownImports) {
      throw new ModuleError(`${options.module}: unknown imports: ${describeImports(unknownImports)} (only ${WASI_MODULE} is provided; --trap-unknown-imports stubs them)`);
    }
    trappingImports(unknownImports); // throws for what cannot be stubbed
  }
  const spec: GuestSpec = {
    module,
    args: [options.module, ...(options.args ?? [])],
    env: [...(options.env ?? [])],
    dirs: [...(options.dirs ?? [])],
    stdio: options.stdio,
  };
  if (worker === null) {
    const outcome = await execute(spec);
    return { ...outcome, records: 0, status: outcome.trap ? 'trapped' : 'exited' };
  }
  return recordRun(options, spec, bytes, worker);
}

/** Process start as the guest thread reckons it (ms, performance.timeOrigin-based). */
const absoluteNow = () => performance.timeOrigin + performance.now();

/**
 * Record a run: store the module, create the process, start the guest thread, and write the log from
 * the ring until the guest ends. SIGINT/SIGTERM stop the guest, close the log and mark the process
 * interrupted (exit 130/143). A failing log write stops recording (the process is marked incomplete)
 * but not the guest.
 */
async function recordRun(options: RunOptions, spec: GuestSpec, bytes: Uint8Array, worker: Worker): Promise<RunResult> {
  const registry = new Registry(registryDir(options.registry));
  const t0 = absoluteNow();
  const now = () => Math.round((absoluteNow() - t0) * 1e6);
  let manifest: Manifest;
  let writer: LogWriter;
  try {
    // The manifest first: if the registry cannot take it, nothing has been written.
    const mod = registry.moduleInfo(sha256(bytes)) ?? { digest: sha256(bytes), name: options.module.split('/').pop()!, size: bytes.length };
    manifest = {
      version: 1,
      id: randomUUID(),
      startTime: new Date().toISOString(),
      module: mod,
      args: spec.args,
      env: spec.env,
      dirs: spec.dirs,
      runtime: { tc: VERSION, node: process.versions.node, v8: process.versions.v8 },
      pid: process.pid,
      status: 'recording',
      segments: [],
    };
    registry.writeManifest(manifest);
    registry.putModule(bytes, mod.name);
    const m = manifest;
    writer = new LogWriter(registry.logDir(m.id), options.limits ?? DEFAULT_LIMITS, (segments) => {
      m.segments = segments.map((s) => ({ ...s }));
      registry.writeManifest(m);
    });
  } catch (e) {
    if (e instanceof TcError) throw e;
    throw new TcError(`registry ${registry.root}: ${(e as Error).message}`);
  }
  options.onStart?.(manifest.id);

  const ring = createRing();
  const reader = new RingReader(ring);
  const data: GuestData = { ...spec, ring, t0, trace: options.onRecord !== undefined };
  worker.postMessage(data);
  let message: GuestMessage | null = null;
  let workerError: Error | null = null;
  let exited = false;
  worker.on('message', (m: GuestMessage) => (message = m));
  worker.on('error', (e) => (workerError = e));
  worker.on('exit', () => (exited = true));

  let signal: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (s: 'SIGINT' | 'SIGTERM') => {
    signal ??= s;
    void worker.terminate();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  let writeError: Error | null = null;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const append = (buf: Uint8Array, start: number, end: number, count: number, firstTs: number, lastTs: number) => {
    if (writeError !== null) return;
    try {
      writer.appendRecords(buf, start, end, count, firstTs, lastTs);
    } catch (e) {
      writeError = e as Error;
    }
  };
  const drain = () => reader.drain(append, limits.batchBytes, limits.batchRecords);
  const exitedP = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    for (;;) {
      if (reader.closed) await exitedP;
      const done = exited;
      await reader.wait(10);
      drain();
      if (writeError === null) {
        try {
          writer.flushIfDue(now());
        } catch (e) {
          writeError = e as Error;
        }
      }
      if (done) break;
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  if (writeError === null) {
    try {
      writer.close();
    } catch (e) {
      writeError = e as Error;
    }
  }

  const msg = message as GuestMessage | null;
  let outcome: GuestOutcome;
  let status: ProcessStatus;
  if (signal !== null) {
    outcome = { exitCode: signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM };
    status = 'interrupted';
  } else if (msg !== null && 'exitCode' in msg) {
    outcome = msg;
    status = msg.trap ? 'trapped' : 'exited';
  } else {
    const why = msg !== null && 'error' in msg ? msg.error : ((workerError as Error | null)?.message ?? 'the guest thread stopped');
    outcome = { exitCode: EXIT.ERROR, trap: undefined };
    status = 'incomplete';
    options.onError?.(why);
  }
  if (writeError !== null) {
    status = 'incomplete';
    options.onError?.(`recording stopped: ${(writeError as Error).message}`);
  }
  manifest.segments = writer.segments.map((s) => ({ ...s }));
  manifest.records = writer.recordCount;
  manifest.status = status;
  manifest.exitCode = outcome.exitCode;
  if (outcome.trap) manifest.trap = outcome.trap.message;
  manifest.endTime = new Date().toISOString();
  try {
    registry.writeManifest(manifest);
  } catch (e) {
    options.onError?.(`cannot update the manifest: ${(e as Error).message}`);
  }
  return { id: manifest.id, ...outcome, records: writer.recordCount, status };
}
