/**
 * Which host stream a guest fd refers to, as the log tells it: the one answer to "did this write reach
 * the terminal?" for replay, trace and everything else that shows a program's output.
 *
 * A guest starts with its fds 0, 1 and 2 on the host's stdin, stdout and stderr. Only four calls
 * change what a number refers to (witx: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/wasi_snapshot_preview1.witx):
 * `fd_renumber` moves `fd` onto `to` (closing what `to` was), `fd_close` closes, and `path_open`'s
 * `opened_fd` and `sock_accept`'s `result_fd` are new objects (never a host stream). Following those
 * calls when they succeed, in log order, gives the table the host had at every record: a write to
 * fd 7 after `fd_renumber(1, 7)` reached stdout, a write to a file that took number 1 did not.
 *
 * Portable: no Node API.
 */
import { SYSCALL } from '../wasi/syscalls.js';
import type { LogRecord } from './codec.js';

/** A host stream, by the host's own fd number: 0 stdin, 1 stdout, 2 stderr. */
export type HostStream = 0 | 1 | 2;

/** Names of the host streams, by {@link HostStream}. */
export const STREAM_NAMES = ['stdin', 'stdout', 'stderr'] as const;

/** Not a host stream: a file, a directory, a socket, or no open fd at all. */
export const NO_STREAM = -1;

const FD_CLOSE = SYSCALL.fd_close.id;
const FD_RENUMBER = SYSCALL.fd_renumber.id;
const FD_WRITE = SYSCALL.fd_write.id;
const PATH_OPEN = SYSCALL.path_open.id;
const SOCK_ACCEPT = SYSCALL.sock_accept.id;

/** Function ids after whose success {@link FdStreams.follow} changes the table. */
export const FD_TABLE_CALLS: ReadonlySet<number> = new Set([FD_CLOSE, FD_RENUMBER, PATH_OPEN, SOCK_ACCEPT]);

/** The guest fds that refer to a host stream. */
export class FdStreams {
  /** guest fd -> host stream; every fd not in the map refers to something else. */
  private readonly table = new Map<number, HostStream>([
    [0, 0],
    [1, 1],
    [2, 2],
  ]);

  /** The table now, as [guest fd, host stream] pairs (to start another FdStreams from it: {@link FdStreams.from}). */
  snapshot(): [number, HostStream][] {
    return [...this.table];
  }

  /** A table that starts as `snapshot` says. */
  static from(snapshot: readonly (readonly [number, HostStream])[]): FdStreams {
    const t = new FdStreams();
    t.table.clear();
    for (const [fd, s] of snapshot) t.table.set(fd, s);
    return t;
  }

  /** The host stream guest fd `fd` refers to now, or {@link NO_STREAM}. */
  stream(fd: number): HostStream | typeof NO_STREAM {
    const s = this.table.get(fd);
    return s === undefined ? NO_STREAM : s;
  }

  /** `fd` was given to a new object (`path_open`, `sock_accept`): not a host stream. */
  opened(fd: number): void {
    this.table.delete(fd);
  }

  /** `fd` was closed. */
  closed(fd: number): void {
    this.table.delete(fd);
  }

  /** `fd_renumber(from, to)` succeeded: `to` is what `from` was, and `from` is closed. */
  renumbered(from: number, to: number): void {
    if (from === to) return;
    const s = this.table.get(from);
    this.table.delete(from);
    if (s === undefined) this.table.delete(to);
    else this.table.set(to, s);
  }

  /**
   * Follow one record, in log order. Returns the host stream a successful `fd_write` reached (1 or 2;
   * its bytes are the first `nwritten` of its input), else {@link NO_STREAM}; a successful call that
   * changes the fd table changes this one.
   */
  follow(rec: Pick<LogRecord, 'syscall' | 'params' | 'result' | 'outputs'>): HostStream | typeof NO_STREAM {
    if (rec.result !== 0) return NO_STREAM;
    const id = rec.syscall.id;
    const fd = Number(rec.params[0]) >>> 0;
    if (id === FD_WRITE) {
      const s = this.stream(fd);
      return s === 0 ? NO_STREAM : s;
    }
    if (id === FD_CLOSE) this.closed(fd);
    else if (id === FD_RENUMBER) this.renumbered(fd, Number(rec.params[1]) >>> 0);
    else if (id === PATH_OPEN || id === SOCK_ACCEPT) {
      const out = rec.outputs[0];
      if (out !== undefined && out.length === 4) this.opened((out[0]! | (out[1]! << 8) | (out[2]! << 16) | (out[3]! << 24)) >>> 0);
    }
    return NO_STREAM;
  }
}

/**
 * The bytes a successful `fd_write` record wrote: the first `nwritten` (its output) of the bytes it
 * was given (its input). For a write {@link FdStreams.follow} says reached a host stream, what reached it.
 */
export function writtenBytes(rec: Pick<LogRecord, 'inputs' | 'outputs'>): Uint8Array {
  const input = rec.inputs[0] ?? new Uint8Array(0);
  const out = rec.outputs[0];
  const n = out !== undefined && out.length === 4 ? (out[0]! | (out[1]! << 8) | (out[2]! << 16) | (out[3]! << 24)) >>> 0 : input.length;
  return input.subarray(0, Math.min(n, input.length));
}
