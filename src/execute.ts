/**
 * Instantiate a WASI command and run `_start` on the current thread: shared by `tc run` with and
 * without recording.
 */
import { Script } from 'node:vm';
import { createHost, WASIProcExit, type Preopen, type WasiHost } from './host/host.js';
import { trappingImports } from './module.js';
import { EXIT, GUEST_EXIT_LIMIT } from './errors.js';
import { MemoryViews } from './timemachine/recorder.js';
import { instantiateWasi } from './timemachine/split.js';
import { WASI_MODULE } from './wasi/syscalls.js';

export interface GuestSpec {
  readonly module: WebAssembly.Module;
  /** argv, argv[0] included. */
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly dirs: readonly Preopen[];
  readonly stdio?: readonly [number, number, number];
}

export interface TrapInfo {
  readonly message: string;
  /** The wasm frames of the stack, innermost first. */
  readonly frames: readonly string[];
}

/** How the guest ended: its exit code, or {@link EXIT.TRAP} with the trap. */
export interface GuestOutcome {
  readonly exitCode: number;
  readonly trap?: TrapInfo;
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
 * How a guest that called proc_exit(`status`) ended: a status under {@link GUEST_EXIT_LIMIT} is its
 * exit code; any other (126 and up, as a u32) is a trap, `proc_exit(N): exit status outside [0, 126)`,
 * as wasmtime refuses it. `tc run` and `tc replay` both decide it here. `e` is what proc_exit threw
 * (for the wasm frames of the trap).
 */
export function exitOutcome(status: number, e?: unknown): GuestOutcome {
  const n = status >>> 0;
  if (n < GUEST_EXIT_LIMIT) return { exitCode: n };
  return { exitCode: EXIT.TRAP, trap: { message: `proc_exit(${n}): exit status outside [0, ${GUEST_EXIT_LIMIT})`, frames: wasmFrames(e) } };
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
    if (e instanceof WASIProcExit) return exitOutcome(e.code, e);
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
