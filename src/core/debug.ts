/**
 * Pausing a replay for a debugger (`tc replay --break-at N`, `--break-on FUNCTION`, `--inspect-brk`).
 *
 * A pause is a `debugger` statement in a small function of its own, called from the replay's hooks:
 * {@link tcBreak} from `beforeCall`, inside the import the guest called, so that the guest's
 * WebAssembly frames are below it on the stack (a debugger shows the wasm function, its locals, and the
 * instance's linear memory, and can step out into it); {@link tcStart} from `beforeStart`, just before
 * the guest's `_start`. Their parameters are what the pause is about. Without a debugger attached, a
 * `debugger` statement does nothing: a replay with breaks runs to its end as any other (slower: every
 * call takes the replayer's general path). A replay is deterministic, so a break at record N stops in
 * the same state every time.
 *
 * Portable: a debugger attached to a browser tab stops here as Node's does.
 */
import { SYSCALL, type SyscallName } from '../wasi/syscalls.js';
import type { ReplayOptions } from './replayer.js';

/**
 * Where a replay pauses before a call. Step out (or pick a frame below in the call stack) to reach the
 * guest's WebAssembly function that made it.
 *
 * @param record the offset of the record the call is about to replay
 * @param fn the function called
 * @param params its params by name, as the guest passed them (pointers are addresses in its memory)
 * @param recorded that record as the log has it, in trace format: what the call will answer
 */
export function tcBreak(record: number, fn: SyscallName, params: Readonly<Record<string, number | bigint>>, recorded: string): void {
  // tc: the guest is about to make this call (record `record`: `recorded`); its frames are below.
  debugger; // eslint-disable-line no-debugger
}

/**
 * Where a replay pauses before the guest starts (`--inspect-brk`): the module is compiled and
 * instantiated, its sources are loaded (breakpoints can be set in them); step out and into `_start`
 * to follow the guest from its first instruction.
 *
 * @param guest what is about to run (the process and its module)
 */
export function tcStart(guest: string): void {
  // tc: the guest's _start is next.
  debugger; // eslint-disable-line no-debugger
}

/** Where to pause a replay. */
export interface Breakpoints {
  /** Before the call of the record at this offset. */
  readonly at?: number;
  /** Before every call of these functions. */
  readonly on?: readonly SyscallName[];
  /** The record at `offset` as a trace line, for a pause to show (default: none). */
  readonly recorded?: (offset: number) => string;
}

/**
 * A `beforeCall` hook (src/core/replayer.ts) that calls {@link tcBreak} before the calls `b` names, or
 * undefined when it names none (so that the replay keeps its fast paths).
 */
export function breakBeforeCall(b: Breakpoints): ReplayOptions['beforeCall'] {
  const at = b.at;
  const on = new Set<string>(b.on ?? []);
  if (at === undefined && on.size === 0) return undefined;
  return (offset, name, args) => {
    if (offset !== at && !on.has(name)) return;
    // The arguments are the replayer's, reused from call to call: copied.
    const params = Object.fromEntries(SYSCALL[name].params.map((p, i) => [p.name, args[i]!]));
    tcBreak(offset, name, params, b.recorded?.(offset) ?? '');
  };
}
