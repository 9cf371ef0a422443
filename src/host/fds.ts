/**
 * File descriptors for @bjorn3/browser_wasi_shim backed by Node's fs: stdio, regular files and
 * preopened directories. Every method returns a WASI errno (see src/wasi/errno.ts) and never throws
 * for an fs error.
 */
import {
  type BigIntStats,
  type Dirent,
  type Stats,
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync as fsReadSync,
  readvSync as fsReadvSync,
  rmdirSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync as fsWriteSync,
  writevSync as fsWritevSync,
} from 'node:fs';
import { Fd, wasi as shim } from '@bjorn3/browser_wasi_shim';
import { errno, errnoFromError } from '../wasi/errno.js';
import { Fdstat, FDFLAGS, FILETYPE, FSTFLAGS, LOOKUPFLAGS, OFLAGS, RIGHT_FD_ALLOCATE, RIGHT_FD_FILESTAT_SET_SIZE, RIGHT_FD_WRITE, RIGHTS_ALL, WHENCE } from '../wasi/layout.js';
import { hostPath, resolvePath } from './sandbox.js';

type StatsLike = BigIntStats;

/**
 * The fs functions behind every fd_read and fd_write, taken once. node:fs's exports object is in
 * dictionary mode, so a bundled import of them is a hash lookup at each call that V8 cannot inline
 * (~25 ns; the 200,000 writes of `make bench` took ~15 ms less without it). Tests that watch what
 * touches the host wrap these as they wrap node:fs.
 */
export const hostFs = { readSync: fsReadSync, writeSync: fsWriteSync, readvSync: fsReadvSync, writevSync: fsWritevSync };

/** WASI filetype of a Node stat result. */
export function filetypeOf(st: BigIntStats | Stats | Dirent): number {
  if (st.isFile()) return FILETYPE.REGULAR_FILE;
  if (st.isDirectory()) return FILETYPE.DIRECTORY;
  if (st.isSymbolicLink()) return FILETYPE.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return FILETYPE.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FILETYPE.BLOCK_DEVICE;
  if (st.isSocket()) return FILETYPE.SOCKET_STREAM;
  return FILETYPE.UNKNOWN;
}

/**
 * Write the 64-byte WASI `filestat` (dev@0 ino@8 filetype@16 nlink@24 size@32 atim@40 mtim@48
 * ctim@56, times in ns) of a Node bigint stat result at `ptr` of `view`, field by field: a RangeError
 * at the first field outside the view.
 * Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-filestat-record
 */
export function writeFilestat(view: DataView, ptr: number, st: StatsLike): void {
  view.setBigUint64(ptr, st.dev, true);
  view.setBigUint64(ptr + 8, st.ino, true);
  // filetype, then 7 bytes of padding
  view.setUint32(ptr + 16, filetypeOf(st), true);
  view.setUint32(ptr + 20, 0, true);
  view.setBigUint64(ptr + 24, st.nlink, true);
  view.setBigUint64(ptr + 32, st.size, true);
  view.setBigUint64(ptr + 40, st.atimeNs, true);
  view.setBigUint64(ptr + 48, st.mtimeNs, true);
  view.setBigUint64(ptr + 56, st.ctimeNs, true);
}

/**
 * A timestamp (ns) as the double of seconds Node's utimes takes. libuv keeps microseconds of it: aim at
 * the middle of the microsecond so float rounding cannot move it to the previous one.
 */
function seconds(ns: bigint): number {
  ns = BigInt.asUintN(64, ns);
  return Number(ns / 1_000_000_000n) + (Number((ns % 1_000_000_000n) / 1000n) + 0.5) / 1e6;
}

/**
 * Apply `fd_filestat_set_times` / `path_filestat_set_times` semantics: `fst_flags` picks which of
 * atim/mtim (ns) to set, to the given value or to now; the other keeps its current value.
 * Precision is a microsecond (Node's `utimes` takes a double of seconds; libuv keeps microseconds).
 */
export function setTimes(current: () => StatsLike, apply: (atime: number, mtime: number) => void, atim: bigint, mtim: bigint, fstFlags: number): number {
  if ((fstFlags & FSTFLAGS.ATIM && fstFlags & FSTFLAGS.ATIM_NOW) || (fstFlags & FSTFLAGS.MTIM && fstFlags & FSTFLAGS.MTIM_NOW)) {
    return errno.INVAL;
  }
  try {
    const st = current();
    const now = Date.now() / 1000;
    const pick = (set: number, setNow: number, value: bigint, cur: bigint) =>
      fstFlags & set ? seconds(value) : fstFlags & setNow ? now : seconds(cur);
    apply(pick(FSTFLAGS.ATIM, FSTFLAGS.ATIM_NOW, atim, st.atimeNs), pick(FSTFLAGS.MTIM, FSTFLAGS.MTIM_NOW, mtim, st.mtimeNs));
    return 0;
  } catch (e) {
    return errnoFromError(e);
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Block the thread for `ms` milliseconds (fractions allowed). */
export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Our file descriptors add direct I/O into guest memory (no intermediate copy) to the shim's `Fd`.
 * `readInto` / `writeFrom` return the byte count, or a negative errno.
 */
export abstract class HostFd extends Fd {
  /** Read up to `len` bytes into `mem` at `off`; at `position` when given (pread). */
  readInto(_mem: Uint8Array, _off: number, _len: number, _position: number | null): number {
    return -errno.BADF;
  }
  /** Write `len` bytes from `mem` at `off`; at `position` when given (pwrite). */
  writeFrom(_mem: Uint8Array, _off: number, _len: number, _position: number | null): number {
    return -errno.BADF;
  }
  /**
   * Read into several buffers in one call (readv; preadv at `position`), as a native host does for an
   * iovec array; returns the byte count or a negative errno. Undefined where the fd has no such call:
   * the caller then goes buffer by buffer with {@link readInto}.
   */
  readvInto(_bufs: Uint8Array[], _position: number | null): number | undefined {
    return undefined;
  }
  /** Write several buffers in one call (writev; pwritev at `position`): see {@link readvInto}. */
  writevFrom(_bufs: Uint8Array[], _position: number | null): number | undefined {
    return undefined;
  }
  /** Bytes available to read without blocking, for poll_oneoff (0 when unknown). */
  readable(): bigint {
    return 0n;
  }
  /** The host fd, when there is one. */
  hostFd(): number | undefined {
    return undefined;
  }
  /** What `fd_filestat_get` answers: a bigint stat of what the fd refers to, or an errno. */
  stat(): StatsLike | number {
    return errno.BADF;
  }
  // Directory operations on something that is not a directory (DirFd overrides them).
  override fd_prestat_get(): { ret: number; prestat: shim.Prestat | null } {
    return { ret: errno.BADF, prestat: null };
  }
  override path_create_directory(_path: string): number {
    return errno.NOTDIR;
  }
  override path_remove_directory(_path: string): number {
    return errno.NOTDIR;
  }
  override path_unlink_file(_path: string): number {
    return errno.NOTDIR;
  }
  override path_filestat_set_times(_flags: number, _path: string, _atim: bigint, _mtim: bigint, _fstFlags: number): number {
    return errno.NOTDIR;
  }
  override fd_fdstat_set_rights(_base: bigint, _inheriting: bigint): number {
    return 0;
  }
}

/** What is left of `bufs` once their first `n` bytes are written. */
function unwritten(bufs: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (n >= bufs[i]!.length) n -= bufs[i++]!.length;
  return [bufs[i]!.subarray(n), ...bufs.slice(i + 1)];
}

/** Retry a synchronous fs call while it reports EAGAIN (a non-blocking stdio pipe). */
function retryAgain<T>(f: () => T): T {
  for (;;) {
    try {
      return f();
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      sleepMs(1);
    }
  }
}

/** What `fd_fdstat_get` of a directory answers (a directory's flags and rights do not change here). */
const DIR_FDSTAT = new Fdstat(FILETYPE.DIRECTORY, 0);

/** stdin, stdout or stderr: the process's own fd 0, 1 or 2, unbuffered. Not seekable. */
export class StdioFd extends HostFd {
  constructor(private readonly fd: number) {
    super();
  }
  override hostFd(): number {
    return this.fd;
  }
  override readInto(mem: Uint8Array, off: number, len: number, position: number | null): number {
    if (position !== null) return -errno.SPIPE;
    try {
      return retryAgain(() => hostFs.readSync(this.fd, mem, off, len, null));
    } catch (e) {
      if ((e as { code?: string }).code === 'EOF') return 0;
      return -errnoFromError(e);
    }
  }
  /**
   * All `len` bytes: a short write goes on where it stopped. An error after some bytes were written
   * returns their count (as write(2) does); the error is then the next call's.
   */
  override writeFrom(mem: Uint8Array, off: number, len: number, position: number | null): number {
    if (position !== null) return -errno.SPIPE;
    let done = 0;
    try {
      while (done < len) done += retryAgain(() => hostFs.writeSync(this.fd, mem, off + done, len - done));
      return done;
    } catch (e) {
      return done > 0 ? done : -errnoFromError(e);
    }
  }
  override readvInto(bufs: Uint8Array[], position: number | null): number {
    if (position !== null) return -errno.SPIPE;
    try {
      return retryAgain(() => hostFs.readvSync(this.fd, bufs));
    } catch (e) {
      if ((e as { code?: string }).code === 'EOF') return 0;
      return -errnoFromError(e);
    }
  }
  /** All of the buffers, as {@link writeFrom} writes all of one. */
  override writevFrom(bufs: Uint8Array[], position: number | null): number {
    if (position !== null) return -errno.SPIPE;
    let total = 0;
    for (const b of bufs) total += b.length;
    let done = 0;
    try {
      let rest = bufs;
      for (;;) {
        const n = retryAgain(() => hostFs.writevSync(this.fd, rest));
        done += n;
        if (done >= total) return done;
        rest = unwritten(rest, n);
      }
    } catch (e) {
      return done > 0 ? done : -errnoFromError(e);
    }
  }
  /**
   * What `fd_fdstat_get` answers, once the host fd could be looked at: the type of what an open fd
   * refers to never changes, and a guest cannot change this fd's flags or rights (an `fstat` per call
   * was ~0.55 µs, most of the call).
   */
  private fdstat: Fdstat | null = null;
  override fd_fdstat_get() {
    if (this.fdstat !== null) return { ret: 0, fdstat: this.fdstat as never };
    let filetype: number;
    try {
      filetype = filetypeOf(fstatSync(this.fd));
      if (filetype === FILETYPE.UNKNOWN) filetype = FILETYPE.CHARACTER_DEVICE; // a pipe
    } catch {
      // Closed: a character device, looked at again next time.
      return { ret: 0, fdstat: new Fdstat(FILETYPE.CHARACTER_DEVICE, 0) as never };
    }
    this.fdstat = new Fdstat(filetype, 0);
    return { ret: 0, fdstat: this.fdstat as never };
  }
  override stat(): StatsLike | number {
    try {
      return fstatSync(this.fd, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override fd_fdstat_set_flags(_flags: number): number {
    return 0;
  }
  override fd_seek(_offset: bigint, _whence: number) {
    return { ret: errno.SPIPE, offset: 0n };
  }
  override fd_tell() {
    return { ret: errno.SPIPE, offset: 0n };
  }
  override fd_close(): number {
    return 0;
  }
  override fd_sync(): number {
    return 0;
  }
}

/**
 * A regular file opened on the host. The position is kept here (a number of bytes: offsets past 2^53
 * are refused by fd_seek and the positional calls); all I/O is positional, except appends.
 */
export class FileFd extends HostFd {
  /**
   * The position, or -1 after an append: the end of the file then, read (fstat) when the position is
   * next needed, or before this fd changes the file's size otherwise (pwrite, truncate, allocate),
   * rather than after every append, which doubled the cost of an appending write (~1 µs each). A
   * change made in between through another fd or by another process moves that end with it.
   */
  private position = 0;
  constructor(
    private fd: number,
    private flags: number,
    private rightsBase: bigint,
    private rightsInheriting: bigint,
  ) {
    super();
  }
  override hostFd(): number {
    return this.fd;
  }
  /**
   * The position (bytes). After an append, the file's `size` when the caller has just read it, else
   * read here; throws when it cannot be read.
   */
  private at(size?: number): number {
    if (this.position < 0) this.position = size ?? fstatSync(this.fd).size;
    return this.position;
  }
  override readInto(mem: Uint8Array, off: number, len: number, position: number | null): number {
    try {
      const n = hostFs.readSync(this.fd, mem, off, len, position ?? this.at());
      if (position === null) this.position += n;
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  /**
   * Where a write at `position` (null: at the fd's own) goes: null to append (a file opened with
   * APPEND), else the offset. Taken before the write, which may grow the file (Linux appends even a
   * pwrite to a file opened to append): the position stays where the last append left it.
   */
  private writeOffset(position: number | null): number | null {
    if (position === null && this.flags & FDFLAGS.APPEND) return null;
    const at = this.at();
    return position ?? at;
  }
  /** After `n` bytes written at `position` (null: at the fd's own), move the fd's own position past them. */
  private wrote(position: number | null, n: number): void {
    if (position !== null) return;
    if (this.flags & FDFLAGS.APPEND) this.position = -1;
    else this.position += n;
  }
  override writeFrom(mem: Uint8Array, off: number, len: number, position: number | null): number {
    try {
      const n = hostFs.writeSync(this.fd, mem, off, len, this.writeOffset(position));
      this.wrote(position, n);
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  override readvInto(bufs: Uint8Array[], position: number | null): number {
    try {
      const n = hostFs.readvSync(this.fd, bufs, position ?? this.at());
      if (position === null) this.position += n;
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  override writevFrom(bufs: Uint8Array[], position: number | null): number {
    try {
      const n = hostFs.writevSync(this.fd, bufs, this.writeOffset(position) ?? undefined);
      this.wrote(position, n);
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  override readable(): bigint {
    try {
      const size = fstatSync(this.fd).size;
      const at = this.position < 0 ? size : this.position;
      return size > at ? BigInt(size - at) : 0n;
    } catch {
      return 0n;
    }
  }
  override fd_seek(offset: bigint, whence: number) {
    let base: bigint;
    try {
      if (whence === WHENCE.SET) base = 0n;
      else if (whence === WHENCE.CUR) base = BigInt(this.at());
      else if (whence === WHENCE.END) base = fstatSync(this.fd, { bigint: true }).size;
      else return { ret: errno.INVAL, offset: 0n };
    } catch (e) {
      return { ret: errnoFromError(e), offset: 0n };
    }
    const next = base + offset;
    if (next < 0n || next > BigInt(Number.MAX_SAFE_INTEGER)) return { ret: errno.INVAL, offset: 0n };
    this.position = Number(next);
    return { ret: 0, offset: next };
  }
  override fd_tell() {
    try {
      return { ret: 0, offset: BigInt(this.at()) };
    } catch (e) {
      return { ret: errnoFromError(e), offset: 0n };
    }
  }
  override fd_fdstat_get() {
    return { ret: 0, fdstat: new Fdstat(FILETYPE.REGULAR_FILE, this.flags, this.rightsBase, this.rightsInheriting) as never };
  }
  override fd_fdstat_set_flags(flags: number): number {
    this.flags = flags & (FDFLAGS.APPEND | FDFLAGS.NONBLOCK | FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC);
    return 0;
  }
  /** Rights can only be dropped (ENOTCAPABLE when asking for more). */
  override fd_fdstat_set_rights(base: bigint, inheriting: bigint): number {
    if ((base & ~this.rightsBase) !== 0n || (inheriting & ~this.rightsInheriting) !== 0n) return errno.NOTCAPABLE;
    this.rightsBase = base;
    this.rightsInheriting = inheriting;
    return 0;
  }
  override stat(): StatsLike | number {
    try {
      return fstatSync(this.fd, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override fd_filestat_set_size(size: bigint): number {
    if (!(this.rightsBase & RIGHT_FD_FILESTAT_SET_SIZE)) return errno.NOTCAPABLE;
    size = BigInt.asUintN(64, size);
    if (size >= 1n << 63n) return errno.INVAL;
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return errno.FBIG;
    try {
      this.at();
      ftruncateSync(this.fd, Number(size));
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    return setTimes(() => fstatSync(this.fd, { bigint: true }), (a, m) => futimesSync(this.fd, a, m), atim, mtim, fstFlags);
  }
  /** Node has no fallocate: grow the file with ftruncate when offset+len passes its end (as node:wasi). */
  override fd_allocate(offset: bigint, len: bigint): number {
    if (!(this.rightsBase & RIGHT_FD_ALLOCATE)) return errno.NOTCAPABLE;
    offset = BigInt.asUintN(64, offset);
    len = BigInt.asUintN(64, len);
    if (offset + len > BigInt(Number.MAX_SAFE_INTEGER)) return errno.FBIG;
    try {
      const size = fstatSync(this.fd, { bigint: true }).size;
      this.at(Number(size));
      if (offset + len > size) ftruncateSync(this.fd, Number(offset + len));
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override fd_sync(): number {
    try {
      fsyncSync(this.fd);
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
  datasync(): number {
    try {
      fdatasyncSync(this.fd);
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override fd_close(): number {
    try {
      closeSync(this.fd);
      this.fd = -1;
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
}

/** One entry of a directory listing: its name (also as UTF-8, as the dirent carries it), WASI filetype and inode. */
export interface DirEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly type: number;
  readonly ino: bigint;
}

/** A directory inside a preopen: the preopen's host root and the components below it. */
export class DirFd extends HostFd {
  private entries: DirEntry[] | null = null;

  /**
   * @param root host path of the preopen this directory lies in
   * @param rel components of this directory below `root`
   * @param preopenName the guest name when this fd is a preopen itself (fd_prestat_get), else null
   */
  constructor(
    readonly root: string,
    readonly rel: readonly string[],
    readonly preopenName: string | null,
  ) {
    super();
  }

  get path(): string {
    return hostPath(this.root, this.rel);
  }

  /** Resolve a guest path relative to this directory; see {@link resolvePath}. */
  resolve(path: string, follow: boolean) {
    return resolvePath(this.root, this.rel, path, follow);
  }

  override fd_prestat_get() {
    if (this.preopenName === null) return { ret: errno.BADF, prestat: null };
    return { ret: 0, prestat: shim.Prestat.dir(this.preopenName) };
  }
  override fd_fdstat_get() {
    return { ret: 0, fdstat: DIR_FDSTAT as never };
  }
  override fd_fdstat_set_flags(_flags: number): number {
    return 0;
  }
  override fd_fdstat_set_rights(_base: bigint, _inheriting: bigint): number {
    return 0;
  }
  override stat(): StatsLike | number {
    try {
      return statSync(this.path, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override fd_filestat_set_times(atim: bigint, mtim: bigint, fstFlags: number): number {
    const p = this.path;
    return setTimes(() => statSync(p, { bigint: true }), (a, m) => utimesSync(p, a, m), atim, mtim, fstFlags);
  }
  override fd_seek(_offset: bigint, _whence: number) {
    return { ret: errno.ISDIR, offset: 0n };
  }
  override fd_tell() {
    return { ret: errno.ISDIR, offset: 0n };
  }
  override readInto(): number {
    return -errno.BADF;
  }
  override fd_sync(): number {
    return 0;
  }
  override fd_close(): number {
    return 0;
  }

  /**
   * The listing `fd_readdir` reads from at `cookie` (the index of the entry it starts at), or the
   * errno of reading it. `.` and `..` are not listed (as node:wasi). The directory is read at cookie
   * 0 (and at the first call), sorted by name so that the listing is the same on every host; later
   * cookies read on from that listing. The inode is the entry's own (`lstat`: Node's readdir does not
   * give `d_ino`).
   */
  listing(cookie: bigint): readonly DirEntry[] | number {
    try {
      if (cookie === 0n || this.entries === null) {
        const dir = this.path;
        this.entries = readdirSync(dir, { withFileTypes: true })
          .map((d) => {
            const st = lstatSync(`${dir}/${d.name}`, { bigint: true, throwIfNoEntry: false });
            return { name: d.name, bytes: Buffer.from(d.name), type: filetypeOf(d), ino: st?.ino ?? 0n };
          })
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }
      return this.entries;
    } catch (err) {
      return errnoFromError(err);
    }
  }

  override path_create_directory(path: string): number {
    return this.onPath(path, false, (p) => mkdirSync(p));
  }
  override path_remove_directory(path: string): number {
    const r = this.resolve(path, false);
    if ('rel' in r && r.rel.length === 0) return errno.INVAL; // the preopen itself, as rmdir(".")
    return this.onPath(path, false, (p) => {
      if (!lstatSync(p).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      rmdirSync(p);
    });
  }
  override path_unlink_file(path: string): number {
    return this.onPath(path, false, (p) => {
      if (p.endsWith('/')) throw Object.assign(new Error('is a directory'), { code: lstatSync(p).isDirectory() ? 'EISDIR' : 'ENOTDIR' });
      if (lstatSync(p).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      unlinkSync(p);
    });
  }
  /** What `path_filestat_get` answers: a bigint stat of `path` (its target with SYMLINK_FOLLOW in `flags`), or an errno. */
  pathStat(flags: number, path: string): StatsLike | number {
    const r = this.resolve(path, (flags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
    if (!('host' in r)) return r.errno;
    try {
      return r.stat ?? lstatSync(r.host, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
  override path_filestat_set_times(flags: number, path: string, atim: bigint, mtim: bigint, fstFlags: number): number {
    const r = this.resolve(path, (flags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
    if (!('host' in r)) return r.errno;
    const p = r.host;
    return setTimes(() => lstatSync(p, { bigint: true }), (a, m) => lutimesSync(p, a, m), atim, mtim, fstFlags);
  }

  /**
   * path_open: a directory opens as a {@link DirFd}, anything else through `open(2)` with the flags the
   * rights and oflags ask for. The symlink in the last component is followed only with SYMLINK_FOLLOW.
   */
  override path_open(dirflags: number, path: string, oflags: number, rightsBase: bigint, rightsInheriting: bigint, fdflags: number) {
    const follow = (dirflags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0;
    const r = this.resolve(path, follow);
    if (!('host' in r)) return { ret: r.errno, fd_obj: null };
    const st = r.stat ?? (follow ? statSync : lstatSync)(r.host, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      if (oflags & OFLAGS.CREAT && oflags & OFLAGS.EXCL) return { ret: errno.EXIST, fd_obj: null };
      if (oflags & OFLAGS.TRUNC || (!(oflags & OFLAGS.DIRECTORY) && rightsBase & RIGHT_FD_WRITE)) return { ret: errno.ISDIR, fd_obj: null };
      return { ret: 0, fd_obj: new DirFd(this.root, r.rel, null) };
    }
    if (oflags & OFLAGS.DIRECTORY) return { ret: st === undefined ? errno.NOENT : errno.NOTDIR, fd_obj: null };
    const write = (rightsBase & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)) !== 0n || (oflags & OFLAGS.TRUNC) !== 0;
    const read = (rightsBase & ((1n << 1n) | (1n << 14n))) !== 0n || !write;
    const c = constants;
    let flags = read && write ? c.O_RDWR : write ? c.O_WRONLY : c.O_RDONLY;
    if (oflags & OFLAGS.CREAT) flags |= c.O_CREAT;
    if (oflags & OFLAGS.EXCL) flags |= c.O_EXCL;
    if (oflags & OFLAGS.TRUNC) flags |= c.O_TRUNC;
    if (fdflags & FDFLAGS.APPEND) flags |= c.O_APPEND;
    if (fdflags & FDFLAGS.DSYNC) flags |= c.O_DSYNC;
    if (fdflags & FDFLAGS.SYNC) flags |= c.O_SYNC;
    if (!follow) flags |= c.O_NOFOLLOW;
    try {
      const fd = openSync(r.host, flags, 0o666);
      return { ret: 0, fd_obj: new FileFd(fd, fdflags, rightsBase & RIGHTS_ALL, rightsInheriting & RIGHTS_ALL) };
    } catch (e) {
      return { ret: errnoFromError(e), fd_obj: null };
    }
  }

  private onPath(path: string, follow: boolean, op: (host: string) => void): number {
    const r = this.resolve(path, follow);
    if (!('host' in r)) return r.errno;
    try {
      op(r.host);
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
}
