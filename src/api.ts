/**
 * tc as a library, on Node: run a WASI preview1 module and record it, replay a recording, and read the
 * registry as data. The `tc` command is a thin shell over these functions: it formats what they return
 * and prints it; they throw typed errors ({@link TcError} and its kinds, each with the exit code the
 * command uses) and never exit the process.
 *
 * The portable core (replay from bytes, the log reader, the trace format) is `tc-wasm/core`.
 *
 * ```js
 * import { run, replay, openRegistry } from 'tc-wasm';
 * const { id, exitCode } = await run('hello.wasm', { registry: '/tmp/reg' });
 * const again = await replay(id, { registry: '/tmp/reg', onOutput: (stream, bytes) => ... });
 * for (const p of openRegistry('/tmp/reg').processes()) console.log(p.id, p.status);
 * ```
 */
import * as fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { ByteReader, decodeRecord, type LogRecord } from './core/codec.js';
import { FdStreams, STREAM_NAMES } from './core/streams.js';
import type { TrapInfo } from './core/outcome.js';
import { TcError, UsageError } from './errors.js';
import { exportModule, exportProcess, importProcess, type ExportResult, type ImportResult, type Sink } from './registry/archive.js';
import { collectGarbage, type GcOptions, type GcResult } from './registry/gc.js';
import { describeModule, describeProcess, listModules, listProcesses, type ModuleDescription, type ProcessDescription, type ProcessSummary } from './registry/inspect.js';
import { Registry, registryDir, type ModuleInfo, type ProcessStatus } from './registry/registry.js';
import { removeModules, removeProcesses, type DeletedModule, type DeletedProcess } from './registry/remove.js';
import { tempPath } from './registry/store.js';
import { verifyProcess, type VerifyResult } from './registry/verify.js';
import { replayProcess } from './replay.js';
import { parseDirs, runModule } from './run.js';
import { logCursor } from './timemachine/log.js';

export { EXIT, ModuleError, TcError, UsageError } from './errors.js';
export { ReplayDivergence, LogEndedError } from './core/replayer.js';
export { LogCorruptError, LogTruncatedError } from './core/segment.js';
export { ProcessRemovedError, RegistryError, UnknownIdError } from './registry/registry.js';
export type { LogRecord, TrapInfo, ExportResult, ImportResult, GcOptions, GcResult, ModuleInfo, ProcessStatus, ProcessSummary, ProcessDescription, ModuleDescription, DeletedModule, DeletedProcess, VerifyResult };

/** A host stream the guest's output reached. */
export type OutputStream = 'stdout' | 'stderr';

/** A record of the log, and the host stream its write reached, if it is a write that did. */
export interface TracedRecord extends LogRecord {
  readonly stream?: OutputStream;
}

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
    const dir = fs.mkdtempSync(`${(await import('node:os')).tmpdir()}/tc-run-`);
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
      writerThread: options.writerThread,
      onRecord: onRecord === undefined ? undefined : (bytes, offset, prev) => onRecord(traced(decode(bytes, offset, prev), streams)),
    });
    return { ...(r.id === undefined ? {} : { id: r.id }), exitCode: r.exitCode, status: r.status, ended: r.ended, ...(r.trap ? { trap: r.trap } : {}), records: r.records };
  } finally {
    cleanup?.();
  }
}

export interface ReplayOptions {
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc). */
  readonly registry?: string;
  /** What reached the host's stdout and stderr in the recording, in order (default: nothing is printed). */
  readonly onOutput?: (stream: OutputStream, bytes: Uint8Array) => void;
  /** Each record once replayed (replay then takes its general path for every call: slower). */
  readonly onRecord?: (record: TracedRecord) => void;
  /** A warning line (the recording was made by another tc, Node or V8 version). */
  readonly onWarning?: (message: string) => void;
}

/** How a replay ended: as the recording did. */
export interface ReplayResult {
  readonly id: string;
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records replayed. */
  readonly records: number;
}

/**
 * Re-execute process `id` (or a unique prefix) from the registry against its log: no file is touched,
 * no clock or random source is read. Resolves with the recorded exit code (or the reproduced trap).
 * Throws ReplayDivergence when the guest leaves the log, LogEndedError when a recording that did not
 * finish runs out, LogCorruptError on damage, UnknownIdError for an unknown id.
 */
export async function replay(id: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const onOutput = options.onOutput;
  const onRecord = options.onRecord;
  const streams = new FdStreams();
  const r = await replayProcess({
    id,
    registry: options.registry,
    onOutput: onOutput === undefined ? undefined : (stream, bytes) => onOutput(STREAM_NAMES[stream] as OutputStream, bytes),
    onRecord: onRecord === undefined ? undefined : (rec) => onRecord(traced(rec, streams)),
    onWarning: options.onWarning,
  });
  return { id: r.id, exitCode: r.exitCode, ...(r.trap ? { trap: r.trap } : {}), records: r.records };
}

/** A registry: modules by sha256 and processes by uuid (docs/registry.md), as data. */
export class TcRegistry {
  /** @internal */
  readonly registry: Registry;
  constructor(readonly dir: string) {
    this.registry = new Registry(dir);
  }
  /** The processes, newest first (a recording whose tc is gone shows as `incomplete`). */
  processes(): ProcessSummary[] {
    return listProcesses(this.registry);
  }
  /** The modules. */
  modules(): ModuleInfo[] {
    return listModules(this.registry);
  }
  /** Everything about process `id` (a unique prefix): manifest, log statistics (with `verbose`, every batch). */
  describeProcess(id: string, options: { readonly verbose?: boolean } = {}): ProcessDescription {
    return describeProcess(this.registry, id, options);
  }
  /** Module `id` (a unique prefix of its digest) and its interface. */
  describeModule(id: string): ModuleDescription {
    return describeModule(this.registry, id);
  }
  /** The full process id of a unique prefix. Throws UnknownIdError. */
  resolveProcess(prefix: string): string {
    return this.registry.resolveProcess(prefix);
  }
  /**
   * Export process `id` as one `.tcr` recording (docs/registry.md) to `dest`: a file (written under a
   * temporary name, then renamed) or a function given the bytes in order.
   */
  exportProcess(id: string, dest: string | Sink): ExportResult {
    return exportTo(dest, (sink) => exportProcess(this.registry, id, sink));
  }
  /** Export module `id`'s exact bytes to `dest` (a file or a function). */
  exportModule(id: string, dest: string | Sink): ExportResult {
    return exportTo(dest, (sink) => exportModule(this.registry, id, sink));
  }
  /**
   * Add an exported recording (a `.tcr` file's path, or its bytes), after checking the module's digest
   * and every batch's checksum. Importing one twice changes nothing. Throws TcError (ArchiveError),
   * naming `name` for bytes.
   */
  importRecording(source: string | Uint8Array, name = 'the recording'): ImportResult {
    if (typeof source !== 'string') return importProcess(this.registry, source, name);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(source);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new TcError(`${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    return importProcess(this.registry, bytes, source);
  }
  /** Delete processes; one that is being recorded only with `force`. One bad id deletes nothing. */
  removeProcesses(ids: readonly string[], options: { readonly force?: boolean } = {}): DeletedProcess[] {
    return removeProcesses(this.registry, ids, options);
  }
  /** Delete modules no process uses; one a process uses is refused (TcError), and nothing is deleted. */
  removeModules(ids: readonly string[]): DeletedModule[] {
    return removeModules(this.registry, ids);
  }
  /** Delete processes older than `olderThan` beyond the `keep` newest, then every module no process uses. */
  gc(options: GcOptions = {}): GcResult {
    return collectGarbage(this.registry, options);
  }
  /** Check process `id` from end to end: manifest, module, every batch and record of its log. */
  verify(id: string): VerifyResult {
    return verifyProcess(this.registry, id);
  }
  /**
   * The records of process `id`, decoded, in order, each with the host stream its write reached.
   * Throws LogCorruptError on damage; a log cut short by a killed recording just ends, and
   * `onUnfinished` is told how many records it held.
   */
  *records(id: string, options: { readonly onUnfinished?: (records: number) => void } = {}): Generator<TracedRecord> {
    const full = this.registry.resolveProcess(id);
    // Each record is decoded before the next is read (reuseBuffer) but handed out whole.
    const cursor = logCursor(this.registry.logDir(full));
    const streams = new FdStreams();
    for (let rec = cursor.nextRecord(); rec !== null; rec = cursor.nextRecord()) yield traced(rec, streams);
    if (cursor.truncated) {
      const status = this.registry.readManifest(full).status;
      // A finished recording whose log is cut short is damaged; an unfinished one just ends there.
      if (status === 'exited' || status === 'trapped') throw cursor.truncated;
      options.onUnfinished?.(cursor.offset + 1);
    }
  }
}

/** The registry in `dir` (default: $TC_REGISTRY, else ~/.tc). It is created when something is written to it. */
export function openRegistry(dir?: string): TcRegistry {
  return new TcRegistry(registryDir(dir));
}

/** The records of process `id`, as {@link TcRegistry.records} gives them, for `for await`. */
export async function* readLog(id: string, options: { readonly registry?: string } = {}): AsyncGenerator<TracedRecord> {
  yield* openRegistry(options.registry).records(id);
}

/** A record the recorder encoded (`bytes`), decoded. */
function decode(bytes: Uint8Array, offset: number, previousTimestamp: number): LogRecord {
  return decodeRecord(new ByteReader(bytes), offset, previousTimestamp);
}

/** `rec` with the host stream its write reached, following the fd table in `streams`. */
function traced(rec: LogRecord, streams: FdStreams): TracedRecord {
  const s = streams.follow(rec);
  return s === 1 || s === 2 ? { ...rec, stream: STREAM_NAMES[s] as OutputStream } : rec;
}

/** Export through `write` to a function, or to a file written under a temporary name then renamed. */
function exportTo(dest: string | Sink, write: (sink: Sink) => ExportResult): ExportResult {
  if (typeof dest === 'function') return write(dest);
  const tmp = tempPath(dest);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw new TcError(`${dest}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  try {
    const result = write((chunk) => {
      for (let done = 0; done < chunk.length; ) done += fs.writeSync(fd, chunk, done, chunk.length - done);
    });
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, dest);
    return result;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
  }
}
