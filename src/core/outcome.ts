/**
 * How a guest ends, for run and replay alike: `proc_exit`'s exception, exit statuses, traps. Portable.
 */
import { EXIT, GUEST_EXIT_LIMIT } from '../errors.js';

/**
 * What `proc_exit(code)` throws, on the host and on replay, to unwind the guest
 * (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-proc_exitrval-exitcode).
 */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`exit with exit code ${code}`);
  }
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

