/**
 * Instantiate a WASI command and run `_start` on the current thread: shared by `tc run` with and
 * without recording.
 */
import { Script } from 'node:vm';
import { createHost, type Preopen, type WasiHost } from './host/host.js';
import { trappingImports } from './core/module.js';
import { EXIT } from './errors.js';
import { exitOutcome, ProcExit, wasmFrames, type GuestOutcome } from './core/outcome.js';
import { MemoryViews } from './core/memory.js';
import { instantiateWasi } from './core/split.js';
import { WASI_MODULE } from './wasi/syscalls.js';

export { exitOutcome, wasmFrames, type GuestOutcome, type TrapInfo } from './core/outcome.js';

export interface GuestSpec {
  readonly module: WebAssembly.Module;
  /** argv, argv[0] included. */
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly dirs: readonly Preopen[];
  readonly stdio?: readonly [number, number, number];
}

/** `_start` was stopped by SIGINT (see {@link StartOptions.interruptible}). */
export class GuestInterrupted extends Error {}

export interface StartOptions {
  /**
   * Run `_start` so that SIGINT stops it even while it computes (Node's `breakOnSigint`): the
   * call then throws {@link GuestInterrupted}.
   */
  readonly interruptible?: boolean;
}

const GUEST = Symbol.for('tc.guest');
const interruptibleCall = new Script('globalThis[Symbol.for("tc.guest")]()', { filename: 'tc:guest' });

/** Run `_start`, turning proc_exit into an exit code and anything thrown into a trap. */
export function start(instance: WebAssembly.Instance, options: StartOptions = {}): GuestOutcome {
  const run = instance.exports._start as () => void;
  try {
    if (options.interruptible) {
      (globalThis as Record<symbol, unknown>)[GUEST] = run;
      try {
        interruptibleCall.runInThisContext({ breakOnSigint: true });
      } finally {
        delete (globalThis as Record<symbol, unknown>)[GUEST];
      }
    } else run();
    return { exitCode: 0 };
  } catch (e) {
    if (e instanceof ProcExit) return exitOutcome(e.code, e);
    if ((e as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new GuestInterrupted('interrupted');
    return { exitCode: EXIT.TRAP, trap: { message: (e as Error)?.message ?? String(e), frames: wasmFrames(e) } };
  }
}

/**
 * Build the host, let `wrap` replace its imports (the recorder; `adapt` as in
 * {@link instantiateWasi}), instantiate and run. Unknown imports are stubbed to trap (the caller
 * decided to allow them). `beforeStart` runs just before `_start` (and may throw to not start it).
 */
export async function execute(
  spec: GuestSpec,
  wrap: (host: WasiHost, memory: MemoryViews, adapt: boolean) => WebAssembly.ModuleImports = (host) => host.imports as unknown as WebAssembly.ModuleImports,
  options: StartOptions & { readonly beforeStart?: () => void } = {},
): Promise<GuestOutcome> {
  const host = createHost({ args: spec.args, env: spec.env, preopens: spec.dirs, stdio: spec.stdio });
  const memory = new MemoryViews();
  const unknown = WebAssembly.Module.imports(spec.module).filter((i) => i.module !== WASI_MODULE);
  const stubs = trappingImports(unknown);
  const instance = instantiateWasi(spec.module, (adapt) => ({ ...stubs, [WASI_MODULE]: wrap(host, memory, adapt) }));
  const mem = instance.exports.memory as WebAssembly.Memory;
  host.bind(mem);
  memory.bind(mem);
  options.beforeStart?.();
  return start(instance, options);
}
