/**
 * `tc replay`: re-execute a recorded process from the registry against its log, with no host at all.
 */
import { ProcExit } from './core/outcome.js';
import { useNativeEqual } from './core/check.js';
import { loadModule, trappingImports } from './core/module.js';
import { EXIT, TcError } from './errors.js';
import { Registry, registryDir, type Manifest } from './registry/registry.js';
import { MemoryViews } from './core/memory.js';
import { LogEndedError, ReplayDivergence, replayImports, ReplayedTrap, type ReplayOptions } from './core/replayer.js';
import { instantiateWasi } from './core/split.js';
import { VERSION } from './version.js';
import { WASI_MODULE } from './wasi/syscalls.js';
import { exitOutcome, wasmFrames, type TrapInfo } from './execute.js';
import type { LogRecord } from './core/codec.js';
import { logCursor } from './timemachine/log.js';

// Long runs of bytes are compared natively (see useNativeEqual).
useNativeEqual((a, b) => Buffer.compare(a, b) === 0);

export interface ReplayProcessOptions {
  /** Process id or unique prefix. */
  readonly id: string;
  readonly registry?: string;
  readonly onOutput?: ReplayOptions['onOutput'];
  readonly onRecord?: (record: LogRecord) => void;
  /** Called with a warning line (e.g. recorded by another tc/Node/V8 version). */
  readonly onWarning?: (message: string) => void;
}

export interface ReplayResult {
  readonly id: string;
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records replayed. */
  readonly records: number;
}

/** Differences between the recording's runtime and this one, as warning lines. */
export function runtimeWarnings(m: Manifest): string[] {
  const now = { tc: VERSION, node: process.versions.node, v8: process.versions.v8 };
  const rec = m.runtime ?? { tc: '?', node: '?', v8: '?' };
  const diffs = (['tc', 'node', 'v8'] as const).filter((k) => rec[k] !== now[k]).map((k) => `${k} ${rec[k]} (now ${now[k]})`);
  return diffs.length ? [`recorded with ${diffs.join(', ')}; replaying anyway`] : [];
}

/**
 * Replay process `id`. Resolves with the recorded exit code (or the reproduced trap).
 * Throws {@link ReplayDivergence} (exit 252) when the guest leaves the log, {@link LogEndedError}
 * (exit 253) when a recording that did not finish runs out of records, LogCorruptError on damage, and
 * TcError for an unknown id or a missing module.
 */
export async function replayProcess(options: ReplayProcessOptions): Promise<ReplayResult> {
  const registry = new Registry(registryDir(options.registry));
  const id = registry.resolveProcess(options.id);
  const manifest = registry.readManifest(id);
  for (const w of runtimeWarnings(manifest)) options.onWarning?.(w);
  const bytes = registry.getModule(manifest.module.digest);
  // The size is checked here; the full digest (a sha256 of the whole module, ~60 ms for flite's 21 MB)
  // is checked by tc verify and tc import.
  if (bytes.length !== manifest.module.size) throw new TcError(`module ${manifest.module.digest}: stored ${bytes.length} bytes, the manifest says ${manifest.module.size}`, EXIT.CORRUPT);
  const { module, unknownImports } = await loadModule(bytes, manifest.module.name);
  // Records are used during the call that reads them, except by an onRecord observer, which may keep them.
  const cursor = logCursor(registry.logDir(id), { keepTimestampOffset: true, reuseBuffer: options.onRecord === undefined });
  const memory = new MemoryViews();
  const finished = manifest.status === 'exited' || manifest.status === 'trapped';
  const stubs = trappingImports(unknownImports);
  const instance = instantiateWasi(module, (adapt) => ({
    ...stubs,
    [WASI_MODULE]: replayImports(cursor, memory, { finished, onOutput: options.onOutput, onRecord: options.onRecord, adapt }) as unknown as WebAssembly.ModuleImports,
  }));
  memory.bind(instance.exports.memory as WebAssembly.Memory);
  let exitCode = 0;
  let trap: TrapInfo | undefined;
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (e instanceof ProcExit) ({ exitCode, trap } = exitOutcome(e.code, e));
    else if (e instanceof ReplayDivergence || e instanceof LogEndedError || e instanceof TcError) throw e;
    else {
      trap = { message: e instanceof ReplayedTrap ? e.message : ((e as Error)?.message ?? String(e)), frames: wasmFrames(e) };
      exitCode = EXIT.TRAP;
    }
  }
  const records = cursor.offset + 1;
  if (finished && cursor.next() !== null) {
    throw new ReplayDivergence('unconsumed records', cursor.offset, null, null, `(the guest ended but the log goes on)`);
  }
  return { id, exitCode, trap, records };
}
