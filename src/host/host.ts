/**
 * The WASI preview1 host for Node: every function of `wasi_snapshot_preview1` over the fds of
 * src/host/fds.ts, with @bjorn3/browser_wasi_shim's `WASI` for args and environ. Where hosts differ,
 * it answers as wasmtime does (docs/RATIONALE.md lists where and why it does not): rights are checked
 * on every call (src/host/rights.ts), and a pointer or length outside linear memory traps the guest
 * (the witx docs: "If an out-of-bounds pointer is passed ... the function shall trap"), writing nothing.
 *
 * Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md
 */
import { isUtf8 } from 'node:buffer';
import { linkSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { WASI } from '@bjorn3/browser_wasi_shim';
import { ProcExit } from '../core/outcome.js';
import type { ImportFn } from '../core/memory.js';
import { errno, errnoFromError } from '../wasi/errno.js';
import { CLOCKID, EVENTTYPE, LOOKUPFLAGS, OFLAGS, SUBCLOCKFLAGS, WHENCE } from '../wasi/layout.js';
import { SIZEOF, type SyscallName } from '../wasi/syscalls.js';
import { DirFd, FileFd, HostFd, SetTimes, StdioFd, sleepMs, writeFilestat } from './fds.js';
import { CLOCK_RESOLUTION, HostClock } from './clock.js';
import { RIGHT, rightsOf } from './rights.js';

export { ProcExit };
export type { ImportFn };

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

/** The error that traps the guest when a call's pointer or length reaches outside linear memory. */
export function outOfBounds(fn: SyscallName): RangeError {
  return new RangeError(`${fn}: out of bounds memory access`);
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
  /** Fill `len` bytes of `dst` from `off`. Throws RangeError when they are not all inside `dst`; nothing is written then. */
  fill(dst: Uint8Array, off: number, len: number): void {
    if (off + len > dst.length) throw outOfBounds('random_get');
    if (len > RANDOM_POOL_BYTES / 4) {
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

/** The functions that check memory bounds themselves, with their own message: the calls made most. */
const OWN_BOUNDS = new Set<SyscallName>(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'clock_time_get', 'random_get', 'proc_exit']);

/** Build a host for one process. Opening a preopen that is not a readable directory throws. */
export function createHost(options: HostOptions): WasiHost {
  const [in0, out1, err2] = options.stdio ?? [0, 1, 2];
  const fds: (HostFd | undefined)[] = [new StdioFd(in0, true), new StdioFd(out1, false), new StdioFd(err2, false)];
  for (const p of options.preopens) fds.push(new DirFd(p.host, [], p.guest));
  const clock = new HostClock();
  const random = new RandomPool();
  const times = new SetTimes();
  const realtime = (): bigint => clock.value(CLOCKID.REALTIME)!;
  // The shim answers args_get, environ_sizes_get and environ_get; everything else is ours.
  const wasi = new WASI([...options.args], [...options.env], [], { debug: false });
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

  /** Guest fd `n` if it has every right in `need`; else the errno (EBADF for no such fd, see HostFd.check). */
  const get = (n: number, need: number): HostFd | number => {
    const f = fds[n];
    if (f === undefined) return errno.BADF;
    const e = f.check(need);
    return e === 0 ? f : e;
  };
  /** A directory fd with `need` (ENOTDIR for another fd). */
  const dir = (n: number, need: number): DirFd | number => {
    const f = get(n, need);
    if (typeof f === 'number') return f;
    return f instanceof DirFd ? f : errno.NOTDIR;
  };
  /** A regular file fd with `need` (EBADF for another fd). */
  const file = (n: number, need: number): FileFd | number => {
    const f = get(n, need);
    if (typeof f === 'number') return f;
    return f instanceof FileFd ? f : errno.BADF;
  };
  /** The path at (ptr, len): a trap when outside memory, EILSEQ (as a number) when not UTF-8. */
  const str = (fn: SyscallName, ptr: number, len: number): string | number => {
    const m = mem();
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > m.length) throw outOfBounds(fn);
    const b = Buffer.from(m.buffer, ptr, len);
    return isUtf8(b) ? b.toString('utf8') : errno.ILSEQ;
  };

  /**
   * Walk an (i)ovec array doing the I/O, and write the byte count at `countPtr`. The iovec array or
   * the first non-empty buffer outside memory traps (nothing can be transferred; wasmtime traps too);
   * a later one ends the transfer there.
   */
  const vectored = (fn: SyscallName, f: HostFd, iovs: number, iovsLen: number, countPtr: number, offset: bigint | null, write: boolean): number => {
    const m = mem();
    const v = view;
    iovs >>>= 0;
    iovsLen >>>= 0;
    countPtr >>>= 0;
    if (iovs + iovsLen * 8 > m.length || countPtr + 4 > m.length) throw outOfBounds(fn);
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
    let first = true;
    for (let i = 0; i < iovsLen; i++) {
      const buf = v.getUint32(iovs + i * 8, true);
      const len = v.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      if (buf + len > m.length) {
        if (first) throw outOfBounds(fn);
        several = 0;
        break;
      }
      first = false;
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
      if (buf + len > m.length) break;
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
  const u64 = (ptr: number, value: bigint): void => dv().setBigUint64(ptr, value, true);
  const validTimes = (fstFlags: number): boolean => !((fstFlags & 1 && fstFlags & 2) || (fstFlags & 4 && fstFlags & 8));

  const own: Record<SyscallName, ImportFn> = {
    args_get: base.args_get,
    environ_get: base.environ_get,
    environ_sizes_get: base.environ_sizes_get,
    args_sizes_get(argc: number, bufSize: number) {
      dv().setUint32(argc, options.args.length, true);
      view.setUint32(bufSize, stringsSize(options.args), true);
      return 0;
    },
    clock_res_get(id: number, ptr: number) {
      const res = CLOCK_RESOLUTION[id];
      if (res === undefined) return errno.INVAL;
      u64(ptr, res);
      return 0;
    },
    clock_time_get(id: number, _precision: bigint, ptr: number) {
      const m = mem();
      return clock.write(m.length, view, ptr >>> 0, id) ? 0 : errno.INVAL;
    },
    fd_advise(n: number, _offset: bigint, _len: bigint, advice: number) {
      if (advice > 5) return errno.INVAL;
      const f = file(n, RIGHT.FD_ADVISE);
      return typeof f === 'number' ? f : 0;
    },
    fd_allocate(n: number, offset: bigint, len: bigint) {
      const f = file(n, RIGHT.FD_ALLOCATE);
      return typeof f === 'number' ? f : f.allocate(offset, len);
    },
    fd_close(n: number) {
      const f = fds[n];
      if (f === undefined) return errno.BADF;
      fds[n] = undefined;
      return f.close();
    },
    fd_datasync(n: number) {
      const f = file(n, RIGHT.FD_DATASYNC);
      return typeof f === 'number' ? f : f.datasync();
    },
    fd_fdstat_get(n: number, ptr: number) {
      const f = fds[n];
      if (f === undefined) return errno.BADF;
      const k = f.fdstat();
      const v = dv();
      // fs_filetype@0, fs_flags@2, fs_rights_base@8, fs_rights_inheriting@16; the last first, so that
      // a struct past the end of memory writes nothing.
      v.setBigUint64(ptr + 16, BigInt(f.inheriting), true);
      v.setUint8(ptr, k.filetype);
      v.setUint8(ptr + 1, 0);
      v.setUint16(ptr + 2, k.flags, true);
      v.setUint32(ptr + 4, 0, true);
      v.setBigUint64(ptr + 8, BigInt(f.rights), true);
      return 0;
    },
    fd_fdstat_set_flags(n: number, flags: number) {
      const f = file(n, RIGHT.FD_FDSTAT_SET_FLAGS);
      return typeof f === 'number' ? f : f.setFlags(flags);
    },
    fd_fdstat_set_rights(n: number, rightsBase: bigint, rightsInheriting: bigint) {
      const f = fds[n];
      return f === undefined ? errno.BADF : f.setRights(rightsOf(rightsBase), rightsOf(rightsInheriting));
    },
    fd_filestat_get(n: number, ptr: number) {
      const f = get(n, RIGHT.FD_FILESTAT_GET);
      if (typeof f === 'number') return f;
      const st = f.stat();
      if (typeof st === 'number') return st;
      writeFilestat(dv(), ptr, st, times);
      return 0;
    },
    fd_filestat_set_size(n: number, size: bigint) {
      const f = file(n, RIGHT.FD_FILESTAT_SET_SIZE);
      return typeof f === 'number' ? f : f.setSize(size);
    },
    fd_filestat_set_times(n: number, atim: bigint, mtim: bigint, fstFlags: number) {
      if (!validTimes(fstFlags)) return errno.INVAL;
      const f = get(n, RIGHT.FD_FILESTAT_SET_TIMES);
      if (typeof f === 'number') return f;
      return f instanceof FileFd || f instanceof DirFd ? f.setTimes(atim, mtim, fstFlags, realtime, times) : errno.BADF;
    },
    fd_pread(n: number, iovs: number, iovsLen: number, offset: bigint, nread: number) {
      const f = get(n, RIGHT.FD_READ | RIGHT.FD_SEEK);
      return typeof f === 'number' ? f : vectored('fd_pread', f, iovs, iovsLen, nread, offset, false);
    },
    fd_prestat_get(n: number, ptr: number) {
      const f = fds[n];
      if (!(f instanceof DirFd) || f.preopenName === null) return errno.BADF;
      const v = dv();
      v.setUint32(ptr + 4, Buffer.byteLength(f.preopenName), true);
      v.setUint32(ptr, 0, true); // tag: dir, then 3 bytes of padding
      return 0;
    },
    fd_prestat_dir_name(n: number, ptr: number, len: number) {
      const f = fds[n];
      if (f === undefined) return errno.BADF;
      if (!(f instanceof DirFd) || f.preopenName === null) return errno.NOTDIR;
      const name = Buffer.from(f.preopenName);
      const m = mem();
      if ((ptr >>> 0) + (len >>> 0) > m.length) throw outOfBounds('fd_prestat_dir_name');
      if (name.length > len >>> 0) return errno.NAMETOOLONG;
      m.set(name, ptr >>> 0);
      return 0;
    },
    fd_pwrite(n: number, iovs: number, iovsLen: number, offset: bigint, nwritten: number) {
      const f = get(n, RIGHT.FD_WRITE | RIGHT.FD_SEEK);
      return typeof f === 'number' ? f : vectored('fd_pwrite', f, iovs, iovsLen, nwritten, offset, true);
    },
    fd_read(n: number, iovs: number, iovsLen: number, nread: number) {
      const f = get(n, RIGHT.FD_READ);
      return typeof f === 'number' ? f : vectored('fd_read', f, iovs, iovsLen, nread, null, false);
    },
    fd_readdir(n: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number) {
      // As wasmtime packs it: each entry's 24-byte head, then its name, as much of each as fits; a
      // buffer that fills up comes back with `bufused` = `buf_len`, the caller then asks again with a
      // larger one. A failure past a valid fd writes `bufused` = 0.
      const f = get(n, RIGHT.FD_READDIR);
      if (typeof f === 'number') return f;
      if (!(f instanceof DirFd)) return errno.BADF;
      const m = mem();
      const v = view;
      buf >>>= 0;
      bufLen >>>= 0;
      if (buf + bufLen > m.length || (bufusedPtr >>> 0) + 4 > m.length) throw outOfBounds('fd_readdir');
      cookie = BigInt.asUintN(64, cookie);
      const entries = f.listing(cookie);
      if (typeof entries === 'number') {
        v.setUint32(bufusedPtr, 0, true);
        return entries;
      }
      const head = new DataView(new ArrayBuffer(SIZEOF.dirent));
      const headBytes = new Uint8Array(head.buffer);
      let used = 0;
      const start = cookie > BigInt(entries.length) ? entries.length : Number(cookie);
      for (let i = start; i < entries.length && used < bufLen; i++) {
        const e = entries[i]!;
        head.setBigUint64(0, BigInt(i + 1), true); // d_next
        head.setBigUint64(8, e.ino, true);
        head.setUint32(16, e.bytes.length, true); // d_namlen
        head.setUint32(20, e.type, true); // d_type, then 3 bytes of padding
        const h = Math.min(SIZEOF.dirent, bufLen - used);
        m.set(h === SIZEOF.dirent ? headBytes : headBytes.subarray(0, h), buf + used);
        used += h;
        const k = Math.min(e.bytes.length, bufLen - used);
        m.set(k === e.bytes.length ? e.bytes : e.bytes.subarray(0, k), buf + used);
        used += k;
      }
      v.setUint32(bufusedPtr, used, true);
      return 0;
    },
    fd_renumber(from: number, to: number) {
      const a = fds[from];
      const b = fds[to];
      if (a === undefined || b === undefined) return errno.BADF;
      if (from === to) return 0;
      b.close();
      fds[to] = a;
      fds[from] = undefined;
      return 0;
    },
    fd_seek(n: number, offset: bigint, whence: number, ptr: number) {
      if (whence > WHENCE.END) return errno.INVAL;
      // A (0, CUR) seek only tells the position.
      const f = file(n, offset === 0n && whence === WHENCE.CUR ? RIGHT.FD_TELL : RIGHT.FD_SEEK);
      if (typeof f === 'number') return f;
      if (ptr + 8 > mem().length) throw outOfBounds('fd_seek');
      const at = f.seek(BigInt.asIntN(64, offset), whence);
      if (at < 0n) return Number(-at);
      u64(ptr, at);
      return 0;
    },
    fd_sync(n: number) {
      const f = file(n, RIGHT.FD_SYNC);
      return typeof f === 'number' ? f : f.sync();
    },
    fd_tell(n: number, ptr: number) {
      const f = file(n, RIGHT.FD_TELL);
      if (typeof f === 'number') return f;
      u64(ptr, BigInt(f.tell()));
      return 0;
    },
    fd_write(n: number, iovs: number, iovsLen: number, nwritten: number) {
      const f = get(n, RIGHT.FD_WRITE);
      return typeof f === 'number' ? f : vectored('fd_write', f, iovs, iovsLen, nwritten, null, true);
    },
    path_create_directory(n: number, pathPtr: number, pathLen: number) {
      const d = dir(n, RIGHT.PATH_CREATE_DIRECTORY);
      if (typeof d === 'number') return d;
      const p = str('path_create_directory', pathPtr, pathLen);
      return typeof p === 'number' ? p : d.createDirectory(p);
    },
    path_filestat_get(n: number, flags: number, pathPtr: number, pathLen: number, ptr: number) {
      const d = dir(n, RIGHT.PATH_FILESTAT_GET);
      if (typeof d === 'number') return d;
      const p = str('path_filestat_get', pathPtr, pathLen);
      if (typeof p === 'number') return p;
      const st = d.pathStat(flags, p);
      if (typeof st === 'number') return st;
      writeFilestat(dv(), ptr, st, times);
      return 0;
    },
    path_filestat_set_times(n: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fstFlags: number) {
      if (!validTimes(fstFlags)) return errno.INVAL;
      const d = dir(n, RIGHT.PATH_FILESTAT_SET_TIMES);
      if (typeof d === 'number') return d;
      const p = str('path_filestat_set_times', pathPtr, pathLen);
      return typeof p === 'number' ? p : d.pathSetTimes(flags, p, atim, mtim, fstFlags, realtime, times);
    },
    path_link(oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const a = dir(oldFd, RIGHT.PATH_LINK_SOURCE);
      if (typeof a === 'number') return a;
      const b = dir(newFd, RIGHT.PATH_LINK_TARGET);
      if (typeof b === 'number') return b;
      const oldPath = str('path_link', oldPtr, oldLen);
      if (typeof oldPath === 'number') return oldPath;
      const newPath = str('path_link', newPtr, newLen);
      if (typeof newPath === 'number') return newPath;
      const from = a.resolve(oldPath, (oldFlags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
      if (!('host' in from)) return from.errno;
      const to = b.resolve(newPath, false);
      if (!('host' in to)) return to.errno;
      try {
        linkSync(from.host, to.host);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    path_open(
      dirfd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, openedPtr: number,
    ) {
      const d = dir(dirfd, oflags & OFLAGS.CREAT ? RIGHT.PATH_OPEN | RIGHT.PATH_CREATE_FILE : RIGHT.PATH_OPEN);
      if (typeof d === 'number') return d;
      const p = str('path_open', pathPtr, pathLen);
      if (typeof p === 'number') return p;
      // No more rights than the directory passes on.
      const rights = rightsOf(rightsBase);
      const inheriting = rightsOf(rightsInheriting);
      if (((rights | inheriting) & ~d.inheriting) !== 0) return errno.NOTCAPABLE;
      if ((openedPtr >>> 0) + 4 > mem().length) throw outOfBounds('path_open');
      const f = d.open(dirflags, p, oflags, rights, inheriting, fdflags);
      if (typeof f === 'number') return f;
      const n = lowestFreeFd();
      fds[n] = f;
      dv().setUint32(openedPtr, n, true);
      return 0;
    },
    path_readlink(dirfd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, bufused: number) {
      const d = dir(dirfd, RIGHT.PATH_READLINK);
      if (typeof d === 'number') return d;
      const p = str('path_readlink', pathPtr, pathLen);
      if (typeof p === 'number') return p;
      const m = mem();
      if ((buf >>> 0) + (bufLen >>> 0) > m.length || (bufused >>> 0) + 4 > m.length) throw outOfBounds('path_readlink');
      const r = d.resolve(p, false);
      if (!('host' in r)) return r.errno;
      try {
        const target = readlinkSync(r.host, { encoding: 'buffer' });
        const n = Math.min(target.byteLength, bufLen >>> 0);
        m.set(target.subarray(0, n), buf >>> 0);
        view.setUint32(bufused, n, true);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    path_remove_directory(n: number, pathPtr: number, pathLen: number) {
      const d = dir(n, RIGHT.PATH_REMOVE_DIRECTORY);
      if (typeof d === 'number') return d;
      const p = str('path_remove_directory', pathPtr, pathLen);
      return typeof p === 'number' ? p : d.removeDirectory(p);
    },
    path_rename(oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      const a = dir(oldFd, RIGHT.PATH_RENAME_SOURCE);
      if (typeof a === 'number') return a;
      const b = dir(newFd, RIGHT.PATH_RENAME_TARGET);
      if (typeof b === 'number') return b;
      const oldPath = str('path_rename', oldPtr, oldLen);
      if (typeof oldPath === 'number') return oldPath;
      const newPath = str('path_rename', newPtr, newLen);
      if (typeof newPath === 'number') return newPath;
      const from = a.resolve(oldPath, false);
      if (!('host' in from)) return from.errno;
      const to = b.resolve(newPath, false);
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
      const d = dir(dirfd, RIGHT.PATH_SYMLINK);
      if (typeof d === 'number') return d;
      const target = str('path_symlink', oldPtr, oldLen);
      if (typeof target === 'number') return target;
      const newPath = str('path_symlink', newPtr, newLen);
      if (typeof newPath === 'number') return newPath;
      const r = d.resolve(newPath, false);
      if (!('host' in r)) return r.errno;
      if (target.includes('\0')) return errno.INVAL;
      if (escapes(r.rel.slice(0, -1), target)) return errno.PERM;
      try {
        symlinkSync(target, r.host);
        return 0;
      } catch (e) {
        return errnoFromError(e);
      }
    },
    path_unlink_file(n: number, pathPtr: number, pathLen: number) {
      const d = dir(n, RIGHT.PATH_UNLINK_FILE);
      if (typeof d === 'number') return d;
      const p = str('path_unlink_file', pathPtr, pathLen);
      return typeof p === 'number' ? p : d.unlinkFile(p);
    },
    poll_oneoff(inPtr: number, outPtr: number, nsubscriptions: number, neventsPtr: number) {
      const m = mem();
      if ((inPtr >>> 0) + (nsubscriptions >>> 0) * SIZEOF.subscription > m.length || (outPtr >>> 0) + (nsubscriptions >>> 0) * SIZEOF.event > m.length || (neventsPtr >>> 0) + 4 > m.length) {
        throw outOfBounds('poll_oneoff');
      }
      return pollOneoff(view, (n) => get(n, RIGHT.POLL_FD_READWRITE), clock, inPtr, outPtr, nsubscriptions, neventsPtr);
    },
    proc_exit(code: number) {
      throw new ProcExit(code);
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
      return fds[n] === undefined ? errno.BADF : errno.NOTSOCK;
    },
    sock_recv(n: number) {
      return fds[n] === undefined ? errno.BADF : errno.NOTSOCK;
    },
    sock_send(n: number) {
      return fds[n] === undefined ? errno.BADF : errno.NOTSOCK;
    },
    sock_shutdown(n: number) {
      return fds[n] === undefined ? errno.BADF : errno.NOTSOCK;
    },
  };

  // A DataView or Buffer outside memory throws a RangeError whose words are V8's: the guest traps with
  // the function's name instead.
  const imports = {} as Record<SyscallName, ImportFn>;
  for (const [name, fn] of Object.entries(own) as [SyscallName, (...a: unknown[]) => number | void][]) {
    imports[name] = OWN_BOUNDS.has(name)
      ? (fn as ImportFn)
      : (function (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown, a8?: unknown) {
          try {
            return fn(a0, a1, a2, a3, a4, a5, a6, a7, a8);
          } catch (e) {
            if (e instanceof RangeError && !e.message.startsWith(`${name}:`)) throw outOfBounds(name);
            throw e;
          }
        } as ImportFn);
  }

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
 * Such links are refused (EPERM, as wasmtime) so the guest leaves nothing on the host that leads out.
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
 * anything else 0; an fd without POLL_FD_READWRITE gets its errno in the event); with none of those,
 * sleep until the earliest clock subscription and report every clock that has expired by then.
 */
function pollOneoff(
  view: DataView,
  fd: (n: number) => HostFd | number,
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
      if (typeof f === 'number') event(userdata, f, tag, 0n);
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
