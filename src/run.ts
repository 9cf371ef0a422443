/**
 * `tc run`: run a WASI preview1 command module on the Node host, recording every host call into the
 * registry (unless `record` is false).
 */
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isatty } from 'node:tty';
import type { Worker } from 'node:worker_threads';
import { startWriterThread } from './writer-thread.js';
import type { Preopen } from './host/host.js';
import { describeImports, loadModule, trappingImports } from './core/module.js';
import { EXIT, ModuleError, TcError, UsageError } from './errors.js';
import { ProcessRemovedError, Registry, registryDir, sha256, storeModule, type DeferredModule, type Manifest, type ProcessStatus, type TerminalSize } from './registry/registry.js';
import { DEFAULT_LIMITS, type LogLimits } from './timemachine/log.js';
import { DroppingSink, recordImports, type RecordObserver } from './timemachine/recorder.js';
import { claimLog, createRing, ringSignal, RingWriter, warmUpRing } from './timemachine/ring.js';
import { LogPump, type LogReport } from './timemachine/pump.js';
import { processOrigin, readNs } from './host/clock.js';
import { execute, GuestInterrupted, type GuestOutcome, type GuestSpec, type TrapInfo } from './execute.js';
import type { WriterJob, WriterMessage, WriterModule } from './writer.js';
import { VERSION } from './version.js';
import { WASI_MODULE } from './wasi/syscalls.js';
import { MIN_SECRET_BYTES, SecretScrubber, type SecretInfo, type SecretSpec, type SecretValue } from './core/secrets.js';
import { checkNewSecrets, DEFAULT_SECRET_ENV, makeSecrets, type NewSecret } from './registry/secrets.js';

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
  /** Called with each record as it is made (for --trace). */
  readonly onRecord?: RecordObserver;
  /** Called with a one-line message when recording fails or the log-writing thread dies. */
  readonly onError?: (message: string) => void;
  /** Values to keep out of the recording (see {@link SecretSpec}). */
  readonly secrets?: SecretSpec;
  /** Called with the secrets kept out of the recording (as its manifest has them), before the guest starts. */
  readonly onSecrets?: (secrets: readonly SecretInfo[]) => void;
  /** Called with a one-line note (an `--env` that looks secret but is too short to hide). */
  readonly onNote?: (message: string) => void;
  readonly limits?: LogLimits;
  /** A log-writing thread started early with startWriterThread() (else runModule starts one). */
  readonly writerThread?: Worker;
}

/**
 * How the guest ended: it exited (with `exitCode`), trapped, was interrupted by a signal, or `failed`
 * to start (the module could not be instantiated: a failing start function, a link error).
 */
export type GuestEnd = 'exited' | 'trapped' | 'interrupted' | 'failed';

/** How the guest ended. */
export interface RunResult {
  /** The process id, when recorded. */
  readonly id?: string;
  readonly ended: GuestEnd;
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

export type { SecretSpec };

/** Bytes of a file given as a secret, at most. */
const SECRET_FILE_MAX = 1 << 20;

const encoder = new TextEncoder();

/** The host path of guest path `path` under one of `dirs`, or null. */
export function hostPathOf(path: string, dirs: readonly Preopen[]): string | null {
  const parts = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');
  const want = parts(path);
  if (want.includes('..')) return null;
  const absolute = path.startsWith('/');
  for (const d of dirs) {
    const base = parts(d.guest);
    if (d.guest.startsWith('/') !== absolute || base.length > want.length || !base.every((c, i) => want[i] === c)) continue;
    return [d.host, ...want.slice(base.length)].join('/');
  }
  return null;
}

/**
 * The secrets `spec` names, with their values, for a guest with `args` (argv[0] included), `env`
 * (`NAME=VALUE`) and `dirs`. Throws UsageError for a name, index or path that is not there, TcError
 * for a file that cannot be read; notes (through `onNote`) an environment variable whose name looks
 * secret but whose value is too short to hide.
 */
export function secretValues(spec: SecretSpec, args: readonly string[], env: readonly string[], dirs: readonly Preopen[], onNote?: (message: string) => void): NewSecret[] {
  const out: NewSecret[] = [];
  const envValue = (name: string): string | undefined => {
    let value: string | undefined;
    for (const e of env) if (e.slice(0, e.indexOf('=')) === name) value = e.slice(e.indexOf('=') + 1);
    return value;
  };
  const explicit = new Set(spec.env ?? []);
  for (const name of spec.env ?? []) {
    const value = envValue(name);
    if (value === undefined) throw new UsageError(`--secret-env ${name}: not in the guest's environment (pass it with --env)`);
    out.push({ name, source: 'env', value: encoder.encode(value), flag: `--secret-env ${name}` });
  }
  if (spec.defaults !== false) {
    for (const e of env) {
      const name = e.slice(0, e.indexOf('='));
      if (explicit.has(name) || !DEFAULT_SECRET_ENV.test(name) || out.some((s) => s.name === name)) continue;
      const value = encoder.encode(envValue(name)!);
      if (value.length === 0) continue;
      if (value.length < MIN_SECRET_BYTES) {
        onNote?.(`--env ${name} looks secret but has ${value.length} byte${value.length === 1 ? '' : 's'}, too few to hide: it is recorded as it is`);
        continue;
      }
      out.push({ name, source: 'env', value, flag: `--env ${name}` });
    }
  }
  for (const i of spec.args ?? []) {
    if (!Number.isSafeInteger(i) || i < 0 || i >= args.length) throw new UsageError(`--secret-arg ${i}: the guest's argv has ${args.length} argument${args.length === 1 ? '' : 's'} (0 to ${args.length - 1}; 0 is the module)`);
    out.push({ name: `argv[${i}]`, source: 'arg', value: encoder.encode(args[i]!), flag: `--secret-arg ${i}` });
  }
  for (const path of spec.files ?? []) {
    const host = hostPathOf(path, dirs);
    if (path.split('/').includes('..')) throw new UsageError(`--secret-file ${path}: give the path without '..'`);
    if (host === null) throw new UsageError(`--secret-file ${path}: not under a directory the guest has (--dir)`);
    let bytes: Uint8Array;
    try {
      if (statSync(host).size > SECRET_FILE_MAX) throw new Error(`larger than ${SECRET_FILE_MAX} bytes`);
      bytes = readFileSync(host);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new TcError(`--secret-file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    // The line ends a key file ends with are not part of the key the program uses.
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
    out.push({ name: path, source: 'file', value: bytes.subarray(0, end), flag: `--secret-file ${path}` });
  }
  (spec.values ?? []).forEach((v, i) => out.push({ name: `secret-${i + 1}`, source: 'value', value: encoder.encode(v), flag: `--secret (secret-${i + 1})` }));
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
      if (!statSync(host).isDirectory()) throw new TcError(`--dir ${host}: not a directory`);
      accessSync(host, constants.R_OK | constants.X_OK);
    } catch (e) {
      if (e instanceof TcError) throw e;
      const code = (e as { code?: string }).code;
      throw new TcError(`--dir ${host}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    }
    return { host: realpathSync(host), guest };
  });
}

/**
 * Run the module. Resolves with the guest's exit code (a trap gives {@link EXIT.TRAP} and `trap`).
 * Throws {@link TcError} before the guest starts when the module, a --dir or the registry is unusable;
 * nothing is written to the registry then.
 *
 * The guest runs on this thread. Recording writes the log on a worker thread: see {@link recordRun}.
 */
export async function runModule(options: RunOptions): Promise<RunResult> {
  // The log-writing thread takes ~30 ms to boot: start it first, while this thread checks the module
  // and prepares the registry; it waits for its job.
  const worker = options.record === false ? null : (options.writerThread ?? startWriterThread());
  try {
    return await runWith(options, worker);
  } catch (e) {
    void worker?.terminate();
    throw e;
  }
}

/**
 * The module's bytes. When recording they are read into shared memory, so that the log-writing thread
 * can store a large module in the registry beside the guest without a copy.
 */
function readModule(path: string, shared: boolean): Uint8Array {
  try {
    if (!shared) return readFileSync(path);
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const bytes = new Uint8Array(new SharedArrayBuffer(st.size));
      let n = 0;
      while (n < bytes.length) {
        const k = readSync(fd, bytes, n, bytes.length - n, n);
        if (k === 0) break;
        n += k;
      }
      return n === bytes.length ? bytes : bytes.slice(0, n);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TcError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

async function runWith(options: RunOptions, worker: Worker | null): Promise<RunResult> {
  const args = [options.module, ...(options.args ?? [])];
  const env = [...(options.env ?? [])];
  const dirs = [...(options.dirs ?? [])];
  // A secret that is not there stops the run before anything is read or written.
  const wanted = secretValues(options.secrets ?? {}, args, env, dirs, options.onNote);
  checkNewSecrets(wanted);
  const bytes = readModule(options.module, worker !== null);
  // A module the log-writing thread will store: it hashes it from now on (once it is up), beside the compile.
  if (worker !== null && deferModule(bytes)) worker.postMessage({ hash: bytes } satisfies WriterModule);
  // The digest, for the registry, unless the module is large enough for the log-writing thread to hash
  // it while the guest runs. V8's compile does not go on while this thread is busy: whatever runs
  // before the await adds its whole time to the compile's (docs/RATIONALE.md, "Start-up").
  const compiling = loadModule(bytes, options.module);
  const digest = worker === null || deferModule(bytes) ? undefined : sha256(bytes);
  // The secrets' hashes are made on libuv's threads, beside the compile; only a recording keeps them.
  const making = wanted.length === 0 ? null : makeSecrets(wanted, [], { hash: worker !== null });
  // Awaited after the compile: until then a failure must not count as unhandled.
  making?.catch(() => {});
  const { module, unknownImports } = await compiling;
  const secrets = making === null ? null : await making;
  if (unknownImports.length > 0) {
    if (!options.trapUnknownImports) {
      throw new ModuleError(`${options.module}: unknown imports: ${describeImports(unknownImports)} (only ${WASI_MODULE} is provided; --trap-unknown-imports stubs them)`);
    }
    trappingImports(unknownImports); // throws for what cannot be stubbed
  }
  const spec: GuestSpec = { module, args, env, dirs, stdio: options.stdio };
  if (secrets !== null) options.onSecrets?.(secrets.infos);
  if (worker === null) {
    // Not recorded: traced through the recorder all the same, into a sink that keeps nothing (and
    // with the secrets hidden from the trace, as a recording's trace has them).
    const onRecord = options.onRecord;
    const scrub = onRecord === undefined || secrets === null ? undefined : scrubber(secrets.values);
    const outcome = onRecord === undefined
      ? await execute(spec)
      : await execute(spec, (host, memory, adapt) => recordImports(host, new DroppingSink(), memory, { onRecord, adapt, scrub }) as unknown as WebAssembly.ModuleImports);
    return { ...outcome, ended: outcome.trap ? 'trapped' : 'exited', records: 0, status: outcome.trap ? 'trapped' : 'exited' };
  }
  return recordRun(options, spec, bytes, digest, worker, secrets);
}

/** What hides `values` in each record on its way to the log (src/core/secrets.ts). */
function scrubber(values: readonly SecretValue[]): (record: Uint8Array) => void {
  const s = new SecretScrubber(values, 'hide');
  return (record) => s.record(record);
}

/**
 * `{ terminal }`, the size of the terminal behind host fd `fd` (the guest's stdout), when it is one
 * and it is this process's stdout or stderr (Node knows the size of those; another fd's is not
 * looked up): what a player of the recording sizes its screen by. Else nothing. The size is the one
 * at the start: a terminal resized during the run is not followed.
 */
function terminalOf(fd: number): { terminal?: TerminalSize } {
  if ((fd !== 1 && fd !== 2) || !isatty(fd)) return {};
  const { columns, rows } = fd === 1 ? process.stdout : process.stderr;
  return columns > 0 && rows > 0 ? { terminal: { columns, rows } } : {};
}

/** The signal number of SIGTERM (POSIX). */
const SIGTERM = 15;

/**
 * Modules from this size up (bytes) are hashed and stored in the registry by the thread that writes
 * the log, with the process's first manifest, before its first batch, instead of before the guest
 * starts (21 MB take ~17 ms to hash and ~10-30 ms to write here). A recording killed before that
 * leaves a process directory without a manifest (listings skip it) and without a log.
 */
const DEFER_MODULE_BYTES = 1 << 20;

/** Whether the thread writing the log hashes and stores the module (see {@link DEFER_MODULE_BYTES}). */
const deferModule = (bytes: Uint8Array): boolean => bytes.length >= DEFER_MODULE_BYTES && bytes.buffer instanceof SharedArrayBuffer;

/** How long the guest waits on a full ring for the log-writing thread to come up before writing the log itself (ms). */
const WRITER_PATIENCE_MS = 2000;

/**
 * Record a run: store the module, create the process, and run the guest on this thread with the
 * recorder appending to a shared ring that the log-writing thread (src/writer.ts) drains into the log.
 * A run that ends before that thread is up (a short one) writes its log from here. SIGINT, and
 * SIGTERM relayed by the log-writing thread, stop the guest (even while it computes), close the log
 * and mark the process interrupted (exit 130/143). A failing log write stops recording (the process is
 * marked incomplete) but not the guest. A process deleted while it is recorded (`tc rm --force`) stays
 * deleted: its log and manifest are not written again, and the guest runs on to its end.
 */
async function recordRun(options: RunOptions, spec: GuestSpec, bytes: Uint8Array, digest: string | undefined, worker: Worker, secrets: { infos: SecretInfo[]; values: SecretValue[] } | null): Promise<RunResult> {
  const registry = new Registry(registryDir(options.registry));
  const limits = options.limits ?? DEFAULT_LIMITS;
  // The manifest holds the placeholders where the guest's argv, environment and paths hold secrets.
  const hide = secrets === null ? null : new SecretScrubber(secrets.values, 'hide');
  const clean = (s: string): string => (hide === null ? s : hide.text(s));
  let manifest: Manifest;
  let logDir: string;
  let deferred: DeferredModule | undefined;
  try {
    const name = options.module.split('/').pop()!;
    const stored = digest === undefined ? undefined : registry.moduleInfo(digest);
    manifest = {
      version: 1,
      id: randomUUID(),
      startTime: new Date().toISOString(),
      // A deferred module's digest is filled in by whoever writes the log, before its first batch.
      module: stored ?? { digest: digest ?? '', name, size: bytes.length },
      args: spec.args.map(clean),
      env: spec.env.map(clean),
      dirs: spec.dirs.map((d) => ({ host: clean(d.host), guest: clean(d.guest) })),
      runtime: { tc: VERSION, node: process.versions.node, v8: process.versions.v8 },
      pid: process.pid,
      ...terminalOf(spec.stdio?.[1] ?? 1),
      status: 'recording',
      segments: [],
      ...(secrets === null ? {} : { secrets: secrets.infos }),
    };
    logDir = registry.logDir(manifest.id);
    if (digest === undefined) {
      // The directory now, so that a registry that cannot take the process fails here.
      mkdirSync(logDir, { recursive: true, mode: 0o700 });
      deferred = { registry: registry.root, bytes, name, manifest: { ...manifest } };
    } else {
      // The manifest first: if the registry cannot take it, nothing has been written.
      registry.writeManifest(manifest);
      if (stored === undefined) registry.putModule(bytes, name, digest);
      mkdirSync(logDir, { recursive: true, mode: 0o700 });
    }
  } catch (e) {
    if (e instanceof TcError) throw e;
    throw new TcError(`registry ${registry.root}: ${(e as Error).message}`);
  }
  options.onStart?.(manifest.id);

  const ring = createRing(1 << 22);
  const job: WriterJob = { ring, logDir, limits, origin: processOrigin(), module: deferred };
  const report = new Promise<WriterMessage | Error>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', resolve);
    worker.once('exit', () => resolve(new Error('the log-writing thread stopped')));
  });

  // Written from here when the guest ends (or the ring fills) before the log-writing thread claims it;
  // whoever writes the log stores a deferred module first.
  let pump: LogPump | null = null;
  let module = manifest.module;
  let moduleError: string | null = null;
  const writeHere = (): LogPump | null => {
    if (pump === null && claimLog(ring, 'guest')) {
      if (deferred !== undefined) {
        const s = storeModule(deferred);
        module = s.module;
        moduleError = s.error;
        deferred = undefined;
      }
      pump = new LogPump(ring, logDir, limits);
    }
    return pump;
  };
  let waitedSince = -1;
  warmUpRing();
  const sink = new RingWriter(ring, () => {
    // The ring is full: drain it here if this thread writes the log, or if the other thread never came up.
    if (pump === null) {
      const now = readNs();
      if (waitedSince < 0) waitedSince = now;
      if (now - waitedSince < WRITER_PATIENCE_MS * 1e6) return;
    }
    writeHere()?.drain(readNs());
  }, limits);

  let signal: 'SIGINT' | 'SIGTERM' | null = null;
  const signalled = () => (ringSignal(ring) === SIGTERM ? 'SIGTERM' : 'SIGINT');
  const onSignal = () => (signal ??= signalled());
  // Before the job goes out: the log-writing thread relays SIGTERM as SIGINT as soon as it has it.
  process.on('SIGINT', onSignal);
  worker.postMessage(job);

  let outcome: GuestOutcome;
  let status: ProcessStatus;
  let ended: GuestEnd;
  try {
    const scrub = secrets === null ? undefined : scrubber(secrets.values);
    outcome = await execute(spec, (host, memory, adapt) => recordImports(host, sink, memory, { onRecord: options.onRecord, adapt, scrub }) as unknown as WebAssembly.ModuleImports, {
      interruptible: true,
      beforeStart: () => {
        if (signal !== null) throw new GuestInterrupted('interrupted');
      },
    });
    status = ended = outcome.trap ? 'trapped' : 'exited';
  } catch (e) {
    if (e instanceof GuestInterrupted) {
      signal ??= signalled();
      outcome = { exitCode: signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM };
      status = ended = 'interrupted';
    } else {
      // The module could not be instantiated (a failing start function, a link error).
      outcome = { exitCode: EXIT.ERROR };
      status = 'incomplete';
      ended = 'failed';
      options.onError?.((e as Error)?.message ?? String(e));
    }
  }
  sink.close();

  let log: LogReport;
  const here = writeHere();
  if (here !== null) {
    void worker.terminate();
    log = here.close();
    if (moduleError !== null) log = { ...log, error: moduleError };
  } else {
    const r = await report;
    log = r instanceof Error ? { records: 0, segments: [], error: r.message } : r;
    if (!(r instanceof Error) && r.module !== undefined) module = r.module;
  }
  // The log-writing thread stopped before it hashed a deferred module: the manifest still names it.
  if (module.digest === '') module = { ...module, digest: sha256(bytes) };
  process.off('SIGINT', onSignal);
  // Deleted with tc rm --force while it was recorded: its log went nowhere, and it stays gone.
  if (!registry.hasProcessDir(manifest.id)) {
    options.onError?.(new ProcessRemovedError(manifest.id).message);
    return { id: manifest.id, ...outcome, ended, records: log.records, status };
  }
  if (log.error !== undefined) {
    status = 'incomplete';
    options.onError?.(`recording stopped: ${log.error}`);
  }
  manifest.segments = log.segments.map((s) => ({ ...s }));
  manifest.records = log.records;
  manifest.status = status;
  manifest.exitCode = outcome.exitCode;
  if (outcome.trap) manifest.trap = clean(outcome.trap.message);
  manifest.endTime = new Date().toISOString();
  try {
    registry.writeManifest({ ...manifest, module }, { update: true });
  } catch (e) {
    options.onError?.(e instanceof ProcessRemovedError ? e.message : `cannot update the manifest: ${(e as Error).message}`);
  }
  return { id: manifest.id, ...outcome, ended, records: log.records, status };
}
