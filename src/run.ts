/**
 * `tc run`: run a WASI preview1 command module on the Node host, recording every host call into the
 * registry (unless `record` is false).
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createHost, WASIProcExit, type Preopen } from './host/host.js';
import { describeImports, loadModule, trappingImports } from './module.js';
import { EXIT, ModuleError, TcError, UsageError } from './errors.js';
import { Registry, registryDir, type Manifest } from './registry/registry.js';
import { LogWriter, DEFAULT_LIMITS, type LogLimits } from './timemachine/log.js';
import { MemoryViews, recordImports, type RecordObserver } from './timemachine/recorder.js';
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
  /** Called after every record (for --trace). */
  readonly onRecord?: RecordObserver;
  readonly limits?: LogLimits;
}

/** How the guest ended. */
export interface RunResult {
  /** The process id, when recorded. */
  readonly id?: string;
  /** The guest's exit code; {@link EXIT.TRAP} after a trap. */
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records written. */
  readonly records: number;
}

export interface TrapInfo {
  readonly message: string;
  /** The wasm frames of the stack, innermost first. */
  readonly frames: readonly string[];
}

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

/** The wasm frames of an error's stack. */
export function wasmFrames(e: unknown): string[] {
  const stack = String((e as Error)?.stack ?? '');
  return stack
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('at ') && l.includes('wasm'));
}

/**
 * Run the module. Resolves with the guest's exit code (a trap gives {@link EXIT.TRAP} and `trap`).
 * Throws {@link TcError} before the guest starts when the module, a --dir or the registry is unusable;
 * nothing is written to the registry then.
 */
export async function runModule(options: RunOptions): Promise<RunResult> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(options.module);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TcError(`${options.module}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  const { module, unknownImports } = await loadModule(bytes, options.module);
  let extraImports: WebAssembly.Imports = {};
  if (unknownImports.length > 0) {
    if (!options.trapUnknownImports) {
      throw new ModuleError(`${options.module}: unknown imports: ${describeImports(unknownImports)} (only ${WASI_MODULE} is provided; --trap-unknown-imports stubs them)`);
    }
    extraImports = trappingImports(unknownImports);
  }
  const args = [options.module, ...(options.args ?? [])];
  const env = [...(options.env ?? [])];
  const dirs = [...(options.dirs ?? [])];
  const host = createHost({ args, env, preopens: dirs, stdio: options.stdio });
  const memory = new MemoryViews();

  let registry: Registry | undefined;
  let manifest: Manifest | undefined;
  let writer: LogWriter | undefined;
  let imports: WebAssembly.ModuleImports = host.imports as unknown as WebAssembly.ModuleImports;
  if (options.record !== false) {
    registry = new Registry(registryDir(options.registry));
    const t0 = performance.now();
    try {
      const mod = registry.putModule(bytes, options.module.split('/').pop()!);
      manifest = {
        version: 1,
        id: randomUUID(),
        startTime: new Date().toISOString(),
        module: mod,
        args,
        env,
        dirs,
        runtime: { tc: VERSION, node: process.versions.node, v8: process.versions.v8 },
        pid: process.pid,
        status: 'recording',
        segments: [],
      };
      registry.writeManifest(manifest);
      const m = manifest;
      writer = new LogWriter(registry.logDir(m.id), options.limits ?? DEFAULT_LIMITS, (segments) => {
        m.segments = segments.map((s) => ({ ...s }));
        registry!.writeManifest(m);
      });
    } catch (e) {
      if (e instanceof TcError) throw e;
      throw new TcError(`registry ${registry.root}: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`.replace(/\s+/g, ' '));
    }
    const now = () => Math.round((performance.now() - t0) * 1e6);
    imports = recordImports(host, writer, memory, { now, onRecord: options.onRecord }) as unknown as WebAssembly.ModuleImports;
    options.onStart?.(manifest.id);
  }

  const instance = await WebAssembly.instantiate(module, { ...extraImports, [WASI_MODULE]: imports });
  const mem = instance.exports.memory as WebAssembly.Memory;
  host.bind(mem);
  memory.bind(mem);

  let exitCode = 0;
  let trap: TrapInfo | undefined;
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (e instanceof WASIProcExit) exitCode = e.code;
    else {
      trap = { message: (e as Error)?.message ?? String(e), frames: wasmFrames(e) };
      exitCode = EXIT.TRAP;
    }
  }
  if (writer !== undefined && manifest !== undefined && registry !== undefined) {
    writer.close();
    manifest.segments = writer.segments.map((s) => ({ ...s }));
    manifest.records = writer.recordCount;
    manifest.status = trap ? 'trapped' : 'exited';
    manifest.exitCode = exitCode;
    if (trap) manifest.trap = trap.message;
    manifest.endTime = new Date().toISOString();
    registry.writeManifest(manifest);
  }
  return { id: manifest?.id, exitCode, trap, records: writer?.recordCount ?? 0 };
}
