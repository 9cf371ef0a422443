/**
 * The WASI preview1 host for Node: @bjorn3/browser_wasi_shim's `WASI` with our Node-backed file
 * descriptors, plus our own implementation of the functions the shim leaves out or that need the host
 * (clocks, poll_oneoff, random_get, links/renames/symlinks across directories, direct I/O into guest
 * memory, fdstat and filestat written into it). docs/RATIONALE.md lists what is overridden and why.
 *
 * Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md
 */
import { linkSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { WASI, WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { errno, errnoFromError } from '../wasi/errno.js';
import { CLOCKID, EVENTTYPE, LOOKUPFLAGS, SUBCLOCKFLAGS, type Fdstat } from '../wasi/layout.js';
import { SIZEOF, type SyscallName } from '../wasi/syscalls.js';
import { DirFd, FileFd, HostFd, StdioFd, sleepMs, writeFilestat } from './fds.js';
import { CLOCK_RESOLUTION, HostClock } from './clock.js';

export { WASIProcExit };

/** A host directory made visible to the guest under `guest` (e.g. `/work`). */
export interface Preopen {
  readonly host: string;
  readonly guest: string;
}

export interface HostOptions {
  /** argv as the guest sees it, argv[0] included. */
  readonly args: readonly string[];
  /** Environment entries `NAME=VALUE`. */
  readonly env: readonly string[];
  readonly preopens: readonly Preopen[];
  /** Host fds behind guest fds 0, 1, 2 (default 0, 1, 2). */
  readonly stdio?: readonly [number, number, number];
}

/** A WASI import function: wasm values in, errno (or nothing) out. */
export type ImportFn = (...args: never[]) => number | void;

/** The host: one function per syscall, and the memory binding they need. */
export interface WasiHost {
  readonly imports: { readonly [K in SyscallName]: ImportFn };
  /** Bind to the instance's exported memory before `_start`. */
  bind(memory: WebAssembly.Memory): void;
  /** argv / environ as the guest sees them (for the recorder's sizes). */
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** The clocks: the recorder holds one reading per call for them (see {@link HostClock.hold}). */
  readonly clock: HostClock;
}

const enc = new TextEncoder();

/** Bytes taken by a list of strings in an argv/environ buffer (UTF-8 plus a NUL each). */
export function stringsSize(list: readonly string[]): number {
  let n = 0;
  for (const s of list) n += enc.encode(s).byteLength + 1;
  return n;
}

/** Bytes of the {@link RandomPool}: one `randomFillSync` of 4 KiB costs ~1.7 µs, one of 16 bytes ~1.2 µs. */
const RANDOM_POOL_BYTES = 4096;

/**
 * `random_get`'s bytes (WASI: "random data from a cryptographically secure source"): node:crypto's
 * CSPRNG, drawn 4 KiB at a time and handed out in order, each byte once. A call of 16 bytes (a hash
 * seed) costs ~0.1 µs instead of ~1.2 µs a `randomFillSync` of its own; calls of more than a quarter of
 * the pool are filled directly. Bytes stay in the pool until they are handed out; a recorded call's
 * bytes are in its record anyway.
 */
class RandomPool {
  private readonly pool = new Uint8Array(RANDOM_POOL_BYTES);
  private at = RANDOM_POOL_BYTES;
  /**
   * Fill `len` bytes of `dst` from `off`. Throws RangeError (as `randomFillSync` does) when they are
   * not all inside `dst`; nothing is written then.
   */
  fill(dst: Uint8Array, off: number, len: number): void {
    if (len > RANDOM_POOL_BYTES / 4 || off + len > dst.length) {
      randomFillSync(dst, off, len);
      return;
    }
    if (this.at + len > RANDOM_POOL_BYTES) {
      randomFillSync(this.pool);
      this.at = 0;
    }
    const p = this.pool;
    const at = this.at;
    if (len > 64) dst.set(p.subarray(at, at + len), off);
    else for (let i = 0; i < len; i++) dst[off + i] = p[at + i]!;
    this.at = at + len;
  }
}

/** Build a host for one process. Opening a preopen that is not a readable directory throws. */
export function createHost(options: HostOptions): WasiHost {
  const [in0, out1, err2] = options.stdio ?? [0, 1, 2];
  const fds: (HostFd | undefined)[] = [new StdioFd(in0), new StdioFd(out1), new StdioFd(err2)];
  for (const p of options.preopens) fds.push(new DirFd(p.host, [], p.guest));
  const clock = new HostClock();
  const random = new RandomPool();
  const wasi = new WASI([...options.args], [...options.env], fds as HostFd[], { debug: false });
  const base = wasi.wasiImport as unknown as Record<SyscallName, ImportFn>;

  let memory: WebAssembly.Memory | null = null;
  let u8 = new Uint8Array(0);
  let view = new DataView(new ArrayBuffer(0));
  /** Current views of guest memory (refreshed after memory.grow detaches the old buffer). */
  const mem = (): Uint8Array => {
    if (u8.byteLength === 0 && memory !== null) {
      u8 = new Uint8Array(memory.buffer);
      view = new DataView(memory.buffer);
    }
    return u8;
  };
  const dv = (): DataView => (mem(), view);

  const fd = (n: number): HostFd | undefined => fds[n];
  const dir = (n: number): DirFd | number => {
    const f = fds[n];
    if (f === undefined) return errno.BADF;
    return f instanceof DirFd ? f : errno.NOTDIR;
  };
  const str = (ptr: number, len: number): string => Buffer.from(mem().buffer, ptr, len).toString('utf8');

  /** Walk an (i)ovec array calling `io` per buffer until it returns short; writes the total at `countPtr`. */
  const vectored = (f: HostFd, iovs: number, iovsLen: number, countPtr: number, offset: bigint | null, write: boolean): number => {
    const m = mem();
    const v = view;
    iovsLen >>>= 0;
    if (iovs + iovsLen * 8 > m.length) return errno.OVERFLOW;
    let position: number | null = null;
    if (offset !== null) {
      const o = BigInt.asUintN(64, offset);
      if (o >= 1n << 63n) return errno.INVAL;
      if (o > BigInt(Number.MAX_SAFE_INTEGER)) return errno.FBIG;
      position = Number(o);
    }
    // Two or more buffers, all inside memory: one readv/writev, as a native host makes it (one
    // syscall, and for a pipe as atomic as the kernel makes it); else buffer by buffer (one buffer,
    // the common case, allocates nothing).
    let several = 0;
    for (let i = 0; i < iovsLen; i++) {
      const buf = v.getUint32(iovs + i * 8, true);
      const len = v.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      if (buf + len > m.length) {
        several = 0;
        break;
      }
      several++;
    }
    if (several > 1) {
      const bufs: Uint8Array[] = [];
      for (let i = 0; i < iovsLen; i++) {
        const buf = v.getUint32(iovs + i * 8, true);
        const len = v.getUint32(iovs + i * 8 + 4, true);
        if (len > 0) bufs.push(m.subarray(buf, buf + len));
      }
      const n = write ? f.writevFrom(bufs, position) : f.readvInto(bufs, position);
      if (n !== undefined) {
        if (n < 0) return -n;
        v.setUint32(countPtr, n, true);
        return 0;
      }
    }
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const buf = v.getUint32(iovs + i * 8, true);
      const len = v.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      const pos = position === null ? null : position + total;
      const n = write ? f.writeFrom(m, buf, len, pos) : f.readInto(m, buf, len, pos);
      if (n < 0) {
        if (total > 0) break;
        return -n;
      }
      total += n;
      if (n < len) break;
    }
    v.setUint32(countPtr, total, true);
    return 0;
  };

  const lowestFreeFd = (): number => {
    let i = 0;
    while (fds[i] !== undefined) i++;
    return i;
  };

  const imports: Record<SyscallName, ImportFn> = {
    ...base,
    args_sizes_get(argc: number, bufSize: number) {
      dv().setUint32(argc, options.args.length, true);
      view.setUint32(bufSize, stringsSize(options.args), true);
      return 0;
    },
    clock_res_get(id: number, ptr: number) {
      const res = CLOCK_RESOLUTION[id];
      if (res === undefined) return errno.INVAL;
      dv().setBigUint64(ptr, res, true);
      return 0;
    },
    clock_time_get(id: number, _precision: bigint, ptr: number) {
      const m = mem();
      return clock.write(m.length, view, ptr >>> 0, id) ? 0 : errno.INVAL;
    },
    fd_advise(n: number, _offset: bigint, _len: bigint, advice: number) {
      const f = fd(n);
      if (f === undefined) return errno.BADF;
      if (advice > 5) return errno.INVAL;
      return f instanceof DirFd ? errno.BADF : 0;
    },
    fd_datasync(n: number) {
      const f = fd(n);
      if (f === undefined) return errno.BADF;
      return f instanceof FileFd ? f.datasync() : f.fd_sync();
    },
    fd_fdstat_get(n: number, ptr: number) {
      const f = fd(n);
      if (f === undefined) return errno.BADF;
      const { ret, fdstat } = f.fd_fdstat_get();
      if (fdstat !== null) (fdstat as unknown as Fdstat).write_bytes(dv(), ptr);
      return ret;
    },
    fd_filestat_get(n: number, ptr: number) {
      const f = fd(n);
      if (f === undefined) return errno.BADF;
      const st = f.stat();
      if (typeof st === 'number') return st;
      writeFilestat(dv(), ptr, st);
      return 0;
    },
    fd_read(n: number, iovs: number, iovsLen: number, nread: number) {
      const f = fd(n);
      return f === undefined ? errno.BADF : vectored(f, iovs, iovsLen, nread, null, false);
    },
    fd_write(n: number, iovs: number, iovsLen: number, nwritten: number) {
      const f = fd(n);
      return f === undefined ? errno.BADF : vectored(f, iovs, iovsLen, nwritten, null, true);
    },
    fd_pread(n: number, iovs: number, iovsLen: number, offset: bigint, nread: number) {
      const f = fd(n);
      if (f === undefined) return errno.BADF;
      if (f instanceof StdioFd) return errno.SPIPE;
      return vectored(f, iovs, iovsLen, nread, offset, false);
    },
    fd_pwrite(n: number, iovs: number, iovsLen: number, offset: bigint, nwritten: number) {
      const f = fd(n);
      if (f === undefined) return errno.BADF;
      if (f instanceof StdioFd) return errno.SPIPE;
      return vectored(f, iovs, iovsLen, nwritten, offset, true);
    },
    fd_readdir(n: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number) {
      // Packed as the shim packs it, without its per-entry Dirent, TextEncoder and buffers: an entry
      // whose 24-byte head or name does not fit ends the call with `bufused` = `buf_len`, those bytes
      // unwritten. A failure past a valid fd writes `bufused` = 0.
      const d = dir(n);
      if (d === errno.BADF) return d;
      const entries = typeof d === 'number' ? d : d.listing(cookie);
      const m = mem();
      const v = view;
      if (typeof entries === 'number') {
        v.setUint32(bufusedPtr, 0, true);
        return entries;
      }
      let bufused = 0;
      for (let i = Number(cookie); ; i++) {
        const e = entries[i];
        if (e === undefined) break;
        if (bufLen - bufused < 24) {
          bufused = bufLen;
          break;
        }
        v.setBigUint64(buf, BigInt(i + 1), true); // d_next
        v.setBigUint64(buf + 8, e.ino, true);
        v.setUint32(buf + 16, e.bytes.length, true); // d_namlen
        v.setUint32(buf + 20, e.type, true); // d_type, then 3 bytes of padding
        buf += 24;
        bufused += 24;
        if (bufLen - bufused < e.bytes.length) {
          bufused = bufLen;
          break;
        }
        m.set(e.bytes, buf);
        buf += e.bytes.length;
        bufused += e.bytes.length;
      }
      v.setUint32(bufusedPtr, bufused, true);
      return 0;
    },
    fd_renumber(from: number, to: number) {
      const a = fd(from);
      const b = fd(to);
      if (a === undefined || b === undefined) return errno.BADF;
      if (from === to) return 0;
      b.fd_close();
      fds[to] = a;
      fds[from] = undefined;
      return 0;
    },
    path_open(
      dirfd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, openedPtr: number,
    ) {
      const d = dir(dirfd);
      if (typeof d === 'number') return d;
      const { ret, fd_obj } = d.path_open(dirflags, str(pathPtr, pathLen), oflags, rightsBase, rightsInheriting, fdflags);
      if (ret !== 0 || fd_obj === null) return ret;
      const n = lowestFreeFd();
      fds[n] = fd_obj as HostFd;
      dv().setUint32(openedPtr, n, true);
      return 0;
    },
    path_filestat_get(dirfd: number, flags: number, pathPtr: number, pathLen: number, ptr: number) {
      const d = dir(dirfd);
      if (typeof d === 'number') return d;
      const st = d.pathStat(flags, str(pathPtr, pathLen));
      if (typeof st === 'number') return st;
      writeFilestat(dv(), ptr, st);
      return 0;
    },
    path_readlink(dirfd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, bufused: number) {
      const d = dir(dirfd);
      if (typeof d === 'number') return d;
      const r = d.resolve(str(pathPtr, pathLen), false);
      if (!('host' in r)) return r.errno;
      try {
        const target = readlinkSync(r.host, { encoding: 'buffer' });
        const n = Math.min(target.byteLength, bufLen);
        mem().set(target.subarray(0, n), buf);
        view.setUint32(bufused, n, true);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    path_link(oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const a = dir(oldFd);
      if (typeof a === 'number') return a;
      const b = dir(newFd);
      if (typeof b === 'number') return b;
      const from = a.resolve(str(oldPtr, oldLen), (oldFlags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
      if (!('host' in from)) return from.errno;
      const to = b.resolve(str(newPtr, newLen), false);
      if (!('host' in to)) return to.errno;
      try {
        linkSync(from.host, to.host);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    path_rename(oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const a = dir(oldFd);
      if (typeof a === 'number') return a;
      const b = dir(newFd);
      if (typeof b === 'number') return b;
      const from = a.resolve(str(oldPtr, oldLen), false);
      if (!('host' in from)) return from.errno;
      const to = b.resolve(str(newPtr, newLen), false);
      if (!('host' in to)) return to.errno;
      if (from.rel.length === 0 || to.rel.length === 0) return errno.BUSY;
      try {
        renameSync(from.host, to.host);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    path_symlink(oldPtr: number, oldLen: number, dirfd: number, newPtr: number, newLen: number) {
      const d = dir(dirfd);
      if (typeof d === 'number') return d;
      const target = str(oldPtr, oldLen);
      const r = d.resolve(str(newPtr, newLen), false);
      if (!('host' in r)) return r.errno;
      if (escapes(r.rel.slice(0, -1), target)) return errno.NOTCAPABLE;
      try {
        symlinkSync(target, r.host);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    poll_oneoff(inPtr: number, outPtr: number, nsubscriptions: number, neventsPtr: number) {
      return pollOneoff(dv(), fd, clock, inPtr, outPtr, nsubscriptions, neventsPtr);
    },
    proc_exit(code: number) {
      throw new WASIProcExit(code);
    },
    proc_raise(_sig: number) {
      return errno.NOSYS;
    },
    sched_yield() {
      return 0;
    },
    random_get(buf: number, len: number) {
      random.fill(mem(), buf >>> 0, len >>> 0);
      return 0;
    },
    sock_accept(n: number) {
      return fd(n) === undefined ? errno.BADF : errno.NOTSOCK;
    },
    sock_recv(n: number) {
      return fd(n) === undefined ? errno.BADF : errno.NOTSOCK;
    },
    sock_send(n: number) {
      return fd(n) === undefined ? errno.BADF : errno.NOTSOCK;
    },
    sock_shutdown(n: number) {
      return fd(n) === undefined ? errno.BADF : errno.NOTSOCK;
    },
  };

  return {
    imports,
    args: options.args,
    env: options.env,
    clock,
    bind(m: WebAssembly.Memory) {
      memory = m;
      u8 = new Uint8Array(0);
      (wasi as unknown as { inst: unknown }).inst = { exports: { memory: m } };
    },
  };
}

/**
 * Whether a symlink in directory `dir` (components below the preopen root) with contents `target`
 * would point outside the preopen, read lexically: absolute, or more `..` than there is depth.
 * Such links are refused (ENOTCAPABLE) so the guest leaves nothing on the host that leads out.
 */
export function escapes(dir: readonly string[], target: string): boolean {
  if (target.startsWith('/')) return true;
  let depth = dir.length;
  for (const c of target.split('/')) {
    if (c === '..') {
      if (--depth < 0) return true;
    } else if (c !== '' && c !== '.') depth++;
  }
  return false;
}

/**
 * poll_oneoff: fd_read/fd_write subscriptions are ready at once (regular files report the bytes left,
 * anything else 0); with none of those, sleep until the earliest clock subscription and report every
 * clock that has expired by then.
 */
function pollOneoff(
  view: DataView,
  fd: (n: number) => HostFd | undefined,
  clock: HostClock,
  inPtr: number,
  outPtr: number,
  nsubscriptions: number,
  neventsPtr: number,
): number {
  if (nsubscriptions === 0) return errno.INVAL;
  type Clock = { userdata: bigint; deadline: bigint; id: number };
  const clockNow = (id: number) => clock.value(id);
  const clocks: Clock[] = [];
  let nevents = 0;
  const event = (userdata: bigint, error: number, type: number, nbytes: bigint) => {
    const p = outPtr + nevents * SIZEOF.event;
    view.setBigUint64(p, userdata, true);
    view.setUint16(p + 8, error, true);
    view.setUint8(p + 10, type);
    for (let i = 11; i < 16; i++) view.setUint8(p + i, 0);
    view.setBigUint64(p + 16, nbytes, true);
    view.setBigUint64(p + 24, 0n, true);
    nevents++;
  };
  for (let i = 0; i < nsubscriptions; i++) {
    const s = inPtr + i * SIZEOF.subscription;
    const userdata = view.getBigUint64(s, true);
    const tag = view.getUint8(s + 8);
    if (tag === EVENTTYPE.CLOCK) {
      const id = view.getUint32(s + 16, true);
      const timeout = view.getBigUint64(s + 24, true);
      const flags = view.getUint16(s + 40, true);
      const now = clockNow(id);
      if (now === null) {
        event(userdata, errno.INVAL, EVENTTYPE.CLOCK, 0n);
        continue;
      }
      const deadline = flags & SUBCLOCKFLAGS.SUBSCRIPTION_CLOCK_ABSTIME ? timeout : now + timeout;
      clocks.push({ userdata, deadline, id });
    } else if (tag === EVENTTYPE.FD_READ || tag === EVENTTYPE.FD_WRITE) {
      const f = fd(view.getUint32(s + 16, true));
      if (f === undefined) event(userdata, errno.BADF, tag, 0n);
      else event(userdata, 0, tag, tag === EVENTTYPE.FD_READ ? f.readable() : 0n);
    } else {
      event(userdata, errno.INVAL, tag, 0n);
    }
  }
  if (nevents === 0 && clocks.length > 0) {
    let wait = clocks[0]!.deadline - clockNow(clocks[0]!.id)!;
    for (const c of clocks) {
      const left = c.deadline - clockNow(c.id)!;
      if (left < wait) wait = left;
    }
    // Atomics.wait can wake a little early: sleep until the earliest deadline has really passed.
    while (wait > 0n) {
      sleepMs(Number(wait) / 1e6);
      wait = clocks.reduce((m, c) => {
        const left = c.deadline - clockNow(c.id)!;
        return left < m ? left : m;
      }, clocks[0]!.deadline - clockNow(clocks[0]!.id)!);
    }
    for (const c of clocks) if (clockNow(c.id)! >= c.deadline) event(c.userdata, 0, EVENTTYPE.CLOCK, 0n);
  }
  view.setUint32(neventsPtr, nevents, true);
  return 0;
}
