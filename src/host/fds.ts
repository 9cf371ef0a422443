/**
 * File descriptors of the Node host: stdio, regular files and directories inside a preopen. Every
 * method returns a WASI errno (see src/wasi/errno.ts) or a value, and never throws for an fs error.
 * Each fd has its rights (src/host/rights.ts): the host checks them before it calls a method.
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
  writeSync as fsWriteSync,
  writevSync as fsWritevSync,
} from 'node:fs';
import { isatty } from 'node:tty';
import { errno, errnoFromError } from '../wasi/errno.js';
import { FDFLAGS, FILETYPE, FSTFLAGS, LOOKUPFLAGS, OFLAGS } from '../wasi/layout.js';
import { ALL_RIGHTS, DIRECTORY_RIGHTS, fileRights, RIGHT, STDIN_RIGHTS, STDOUT_RIGHTS } from './rights.js';
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
 * The times the guest set, to the nanosecond, for as long as the file keeps them. Node's utimes keeps
 * microseconds (libuv truncates the timespec it is given), so the host remembers, per file (device
 * and inode), the exact times it set and the times the host then stored; a stat that still shows the
 * stored time reports the exact one. A file changed since (a write moves mtim) shows its own times.
 * Per host, so per process: another program reading the file sees microseconds.
 */
export class SetTimes {
  private readonly byFile = new Map<string, { atim: bigint; mtim: bigint; storedA: bigint; storedM: bigint }>();
  /** Remember that `atim`/`mtim` (ns) were set on the file whose stat after the set is `after`. */
  remember(after: StatsLike, atim: bigint, mtim: bigint): void {
    this.byFile.set(`${after.dev}:${after.ino}`, { atim, mtim, storedA: after.atimeNs, storedM: after.mtimeNs });
  }
  /** atim and mtim (ns) as the guest sees them for stat result `st`. */
  times(st: StatsLike): { atim: bigint; mtim: bigint } {
    const set = this.byFile.size === 0 ? undefined : this.byFile.get(`${st.dev}:${st.ino}`);
    if (set === undefined) return { atim: st.atimeNs, mtim: st.mtimeNs };
    return { atim: st.atimeNs === set.storedA ? set.atim : st.atimeNs, mtim: st.mtimeNs === set.storedM ? set.mtim : st.mtimeNs };
  }
}

/**
 * Write the 64-byte WASI `filestat` (dev@0 ino@8 filetype@16 nlink@24 size@32 atim@40 mtim@48
 * ctim@56, times in ns) of a Node bigint stat result at `ptr` of `view`, field by field: a RangeError
 * at the first field outside the view. Times the guest set come from `times` (see {@link SetTimes}).
 * Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-filestat-record
 */
export function writeFilestat(view: DataView, ptr: number, st: StatsLike, times?: SetTimes): void {
  view.setBigUint64(ptr, st.dev, true);
  view.setBigUint64(ptr + 8, st.ino, true);
  // filetype, then 7 bytes of padding
  view.setUint32(ptr + 16, filetypeOf(st), true);
  view.setUint32(ptr + 20, 0, true);
  view.setBigUint64(ptr + 24, st.nlink, true);
  view.setBigUint64(ptr + 32, st.size, true);
  if (times === undefined) {
    view.setBigUint64(ptr + 40, st.atimeNs, true);
    view.setBigUint64(ptr + 48, st.mtimeNs, true);
  } else {
    const t = times.times(st);
    view.setBigUint64(ptr + 40, t.atim, true);
    view.setBigUint64(ptr + 48, t.mtim, true);
  }
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
 * atim/mtim (ns) to set, to the given value or to `now()` (ns); the other keeps its current value.
 * The host stores microseconds; `times` remembers the nanoseconds (see {@link SetTimes}).
 * EINVAL for a time both given and asked to be now.
 */
export function setTimes(
  current: () => StatsLike,
  apply: (atime: number, mtime: number) => void,
  atim: bigint,
  mtim: bigint,
  fstFlags: number,
  now: () => bigint,
  times: SetTimes,
): number {
  if ((fstFlags & FSTFLAGS.ATIM && fstFlags & FSTFLAGS.ATIM_NOW) || (fstFlags & FSTFLAGS.MTIM && fstFlags & FSTFLAGS.MTIM_NOW)) {
    return errno.INVAL;
  }
  try {
    const st = current();
    const was = times.times(st);
    const at = fstFlags & FSTFLAGS.ATIM_NOW || fstFlags & FSTFLAGS.MTIM_NOW ? now() : 0n;
    const pick = (set: number, setNow: number, value: bigint, cur: bigint) => (fstFlags & set ? BigInt.asUintN(64, value) : fstFlags & setNow ? at : cur);
    const a = pick(FSTFLAGS.ATIM, FSTFLAGS.ATIM_NOW, atim, was.atim);
    const m = pick(FSTFLAGS.MTIM, FSTFLAGS.MTIM_NOW, mtim, was.mtim);
    apply(seconds(a), seconds(m));
    times.remember(current(), a, m);
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

/** An fd's answer to `fd_fdstat_get`: fs_filetype and fs_flags (the rights are the fd's own). */
export interface FdKind {
  readonly filetype: number;
  readonly flags: number;
}

/**
 * A guest file descriptor. Data calls go straight between the host and guest memory (no copy):
 * `readInto` / `writeFrom` return the byte count, or a negative errno. Rights: {@link rights} (the
 * fd's rights_base), {@link inheriting}; {@link kind} is every right this kind of fd can have.
 */
export abstract class HostFd {
  /**
   * @param rights rights_base (a number: src/host/rights.ts)
   * @param inheriting rights_inheriting
   * @param kind every right this kind of fd can ever have
   */
  constructor(
    public rights: number,
    public inheriting: number,
    protected readonly kind: number,
  ) {}
  /**
   * 0 when this fd has every right in `need`; else ENOTCAPABLE for a right it gave up, or the errno
   * of this kind of fd for one it never has ({@link refusal}).
   */
  check(need: number): number {
    const missing = need & ~this.rights;
    if (missing === 0) return 0;
    return (missing & ~this.kind) !== 0 ? this.refusal(missing & ~this.kind) : errno.NOTCAPABLE;
  }
  /** The errno for a call needing `missing`, rights this kind of fd never has: EBADF (wasmtime's answer). */
  protected refusal(_missing: number): number {
    return errno.BADF;
  }
  /** `fd_fdstat_set_rights`: rights can only be dropped (ENOTCAPABLE when asking for more). */
  setRights(base: number, inheriting: number): number {
    if ((base & ~this.rights) !== 0 || (inheriting & ~this.inheriting) !== 0) return errno.NOTCAPABLE;
    this.rights = base;
    this.inheriting = inheriting;
    return 0;
  }
  /** fs_filetype and fs_flags for `fd_fdstat_get`. */
  abstract fdstat(): FdKind;
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
  /** What `fd_filestat_get` answers: a bigint stat of what the fd refers to, or an errno. */
  stat(): StatsLike | number {
    return errno.BADF;
  }
  /** `fd_close`: release what the host holds. */
  close(): number {
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

/**
 * stdin, stdout or stderr: the process's own fd 0, 1 or 2 (or those given for them), unbuffered. As
 * wasmtime: a terminal is a character device and anything else (a pipe, a file) UNKNOWN, with FD_READ
 * (stdin) or FD_WRITE (stdout, stderr) and never FD_SEEK or FD_TELL, so that wasi-libc's `isatty` is
 * true exactly on a terminal; seeking is ESPIPE, the other direction and the file calls EBADF.
 */
export class StdioFd extends HostFd {
  /**
   * @param fd the host fd
   * @param input true for stdin
   */
  constructor(
    private readonly fd: number,
    input: boolean,
  ) {
    const r = input ? STDIN_RIGHTS : STDOUT_RIGHTS;
    super(r, r, r);
  }
  protected override refusal(missing: number): number {
    return missing & (RIGHT.FD_SEEK | RIGHT.FD_TELL) ? errno.SPIPE : errno.BADF;
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
  /** Whether the host fd is a terminal, looked at once: what an open fd refers to never changes. */
  private kindOf: FdKind | null = null;
  override fdstat(): FdKind {
    return (this.kindOf ??= { filetype: isatty(this.fd) ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN, flags: 0 });
  }
  override stat(): StatsLike | number {
    try {
      return fstatSync(this.fd, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
}

/** The fdflags `fd_fdstat_set_flags` changes: APPEND and NONBLOCK (wasmtime; the others are EINVAL). */
const SETTABLE_FLAGS = FDFLAGS.APPEND | FDFLAGS.NONBLOCK;
/** The fdflags a file keeps as it was opened with them. */
const SYNC_FLAGS = FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC;

/**
 * A regular file opened on the host. The position is kept here (a number of bytes: offsets past 2^53
 * are refused by fd_seek and the positional calls), and all I/O is positional. APPEND is the fd's own
 * flag, not the host's (`fd_fdstat_set_flags` can change it, and Node has no fcntl): a write then goes
 * to the end of the file as it is at that moment, a pwrite too (as Linux and wasmtime do), and the
 * position moves past it (not after a pwrite).
 */
export class FileFd extends HostFd {
  private position = 0;
  /**
   * @param fd the host fd, opened without O_APPEND
   * @param flags fdflags
   * @param readable writable: the access it was opened with (see {@link fileRights})
   */
  constructor(
    private fd: number,
    private flags: number,
    readable: boolean,
    writable: boolean,
    rights: number,
    inheriting: number,
  ) {
    const kind = fileRights(readable, writable);
    super(rights & kind, inheriting, kind);
  }
  override fdstat(): FdKind {
    return { filetype: FILETYPE.REGULAR_FILE, flags: this.flags };
  }
  /** `fd_fdstat_set_flags`: APPEND and NONBLOCK are set or cleared; the sync flags stay as opened (EINVAL to change them). */
  setFlags(flags: number): number {
    if ((flags & SYNC_FLAGS) !== (this.flags & SYNC_FLAGS) || flags & ~(SETTABLE_FLAGS | SYNC_FLAGS)) return errno.INVAL;
    this.flags = flags;
    return 0;
  }
  override readInto(mem: Uint8Array, off: number, len: number, position: number | null): number {
    try {
      const n = hostFs.readSync(this.fd, mem, off, len, position ?? this.position);
      if (position === null) this.position += n;
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  /** Where a write at `position` (null: at the fd's own) goes: the end of the file with APPEND (one fstat). */
  private writeOffset(position: number | null): number {
    return this.flags & FDFLAGS.APPEND ? fstatSync(this.fd).size : (position ?? this.position);
  }
  override writeFrom(mem: Uint8Array, off: number, len: number, position: number | null): number {
    try {
      const at = this.writeOffset(position);
      const n = hostFs.writeSync(this.fd, mem, off, len, at);
      if (position === null) this.position = at + n;
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  override readvInto(bufs: Uint8Array[], position: number | null): number {
    try {
      const n = hostFs.readvSync(this.fd, bufs, position ?? this.position);
      if (position === null) this.position += n;
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  override writevFrom(bufs: Uint8Array[], position: number | null): number {
    try {
      const at = this.writeOffset(position);
      const n = hostFs.writevSync(this.fd, bufs, at);
      if (position === null) this.position = at + n;
      return n;
    } catch (e) {
      return -errnoFromError(e);
    }
  }
  override readable(): bigint {
    try {
      const size = fstatSync(this.fd).size;
      return size > this.position ? BigInt(size - this.position) : 0n;
    } catch {
      return 0n;
    }
  }
  /** `fd_seek`: the new position (bytes), or an errno as a negative bigint. */
  seek(offset: bigint, whence: number): bigint {
    let base: bigint;
    try {
      if (whence === 0) base = 0n;
      else if (whence === 1) base = BigInt(this.position);
      else if (whence === 2) base = fstatSync(this.fd, { bigint: true }).size;
      else return BigInt(-errno.INVAL);
    } catch (e) {
      return BigInt(-errnoFromError(e));
    }
    const next = base + offset;
    if (next < 0n || next > BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(-errno.INVAL);
    this.position = Number(next);
    return next;
  }
  /** `fd_tell`: the position (bytes). */
  tell(): number {
    return this.position;
  }
  override stat(): StatsLike | number {
    try {
      return fstatSync(this.fd, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
  setSize(size: bigint): number {
    size = BigInt.asUintN(64, size);
    if (size >= 1n << 63n) return errno.INVAL;
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return errno.FBIG;
    try {
      ftruncateSync(this.fd, Number(size));
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
  setTimes(atim: bigint, mtim: bigint, fstFlags: number, now: () => bigint, times: SetTimes): number {
    return setTimes(() => fstatSync(this.fd, { bigint: true }), (a, m) => futimesSync(this.fd, a, m), atim, mtim, fstFlags, now, times);
  }
  /** Node has no fallocate: grow the file with ftruncate when offset+len passes its end (as node:wasi). */
  allocate(offset: bigint, len: bigint): number {
    offset = BigInt.asUintN(64, offset);
    len = BigInt.asUintN(64, len);
    if (offset + len > BigInt(Number.MAX_SAFE_INTEGER)) return errno.FBIG;
    try {
      const size = fstatSync(this.fd, { bigint: true }).size;
      if (offset + len > size) ftruncateSync(this.fd, Number(offset + len));
      return 0;
    } catch (e) {
      return errnoFromError(e);
    }
  }
  sync(): number {
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
  override close(): number {
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

const DOT = new Uint8Array([0x2e]);
const DOTDOT = new Uint8Array([0x2e, 0x2e]);

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
    rights = DIRECTORY_RIGHTS,
    inheriting = ALL_RIGHTS,
  ) {
    super(rights & DIRECTORY_RIGHTS, inheriting, DIRECTORY_RIGHTS);
  }

  get path(): string {
    return hostPath(this.root, this.rel);
  }

  /** Resolve a guest path relative to this directory; see {@link resolvePath}. */
  resolve(path: string, follow: boolean) {
    return resolvePath(this.root, this.rel, path, follow);
  }

  override fdstat(): FdKind {
    return DIR_KIND;
  }
  override stat(): StatsLike | number {
    try {
      return statSync(this.path, { bigint: true });
    } catch (e) {
      return errnoFromError(e);
    }
  }
  setTimes(atim: bigint, mtim: bigint, fstFlags: number, now: () => bigint, times: SetTimes): number {
    const p = this.path;
    return setTimes(() => statSync(p, { bigint: true }), (a, m) => lutimesSync(p, a, m), atim, mtim, fstFlags, now, times);
  }

  /**
   * The listing `fd_readdir` reads from at `cookie` (the index of the entry it starts at), or the
   * errno of reading it. As wasmtime: `.` and `..` first (both with this directory's own inode, as
   * wasmtime gives them), then the entries. The directory is read at cookie 0 (and at the first call),
   * sorted by name so that the listing is the same on every host; later cookies read on from that
   * listing. The inode is the entry's own (`lstat`: Node's readdir does not give `d_ino`).
   */
  listing(cookie: bigint): readonly DirEntry[] | number {
    try {
      if (cookie === 0n || this.entries === null) {
        const dir = this.path;
        const self = statSync(dir, { bigint: true }).ino;
        const found = readdirSync(dir, { withFileTypes: true })
          .map((d) => {
            const st = lstatSync(`${dir}/${d.name}`, { bigint: true, throwIfNoEntry: false });
            return { name: d.name, bytes: Buffer.from(d.name), type: filetypeOf(d), ino: st?.ino ?? 0n };
          })
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        this.entries = [
          { name: '.', bytes: DOT, type: FILETYPE.DIRECTORY, ino: self },
          { name: '..', bytes: DOTDOT, type: FILETYPE.DIRECTORY, ino: self },
          ...found,
        ];
      }
      return this.entries;
    } catch (err) {
      return errnoFromError(err);
    }
  }

  createDirectory(path: string): number {
    return this.onPath(path, false, (p) => mkdirSync(p));
  }
  removeDirectory(path: string): number {
    const r = this.resolve(path, false);
    if ('rel' in r && r.rel.length === 0) return errno.INVAL; // the preopen itself, as rmdir(".")
    return this.onPath(path, false, (p) => {
      if (!lstatSync(p).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      rmdirSync(p);
    });
  }
  unlinkFile(path: string): number {
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
  /** `path_filestat_set_times`: without SYMLINK_FOLLOW a symlink's own times (lutimes). */
  pathSetTimes(flags: number, path: string, atim: bigint, mtim: bigint, fstFlags: number, now: () => bigint, times: SetTimes): number {
    const r = this.resolve(path, (flags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0);
    if (!('host' in r)) return r.errno;
    const p = r.host;
    return setTimes(() => lstatSync(p, { bigint: true }), (a, m) => lutimesSync(p, a, m), atim, mtim, fstFlags, now, times);
  }

  /**
   * path_open, with the rights asked for already checked against this directory's: a directory opens
   * as a {@link DirFd} (its rights those asked for that a directory can have), anything else through
   * `open(2)` with the access the rights and oflags ask for, never O_APPEND (see {@link FileFd}). The
   * symlink in the last component is followed only with SYMLINK_FOLLOW. As wasmtime: DIRECTORY with
   * CREAT, EXCL or TRUNC is EINVAL; a directory asked for FD_WRITE, TRUNC or CREAT is EISDIR.
   */
  open(dirflags: number, path: string, oflags: number, rights: number, inheriting: number, fdflags: number): HostFd | number {
    if (oflags & OFLAGS.DIRECTORY && oflags & (OFLAGS.CREAT | OFLAGS.EXCL | OFLAGS.TRUNC)) return errno.INVAL;
    const follow = (dirflags & LOOKUPFLAGS.SYMLINK_FOLLOW) !== 0;
    const r = this.resolve(path, follow);
    if (!('host' in r)) return r.errno;
    let st: Stats | BigIntStats | undefined;
    try {
      st = r.stat ?? (follow ? statSync : lstatSync)(r.host, { throwIfNoEntry: false });
    } catch (e) {
      return errnoFromError(e);
    }
    if (st?.isDirectory()) {
      if (oflags & OFLAGS.CREAT && oflags & OFLAGS.EXCL) return errno.EXIST;
      if (oflags & (OFLAGS.TRUNC | OFLAGS.CREAT) || rights & RIGHT.FD_WRITE) return errno.ISDIR;
      return new DirFd(this.root, r.rel, null, rights, inheriting);
    }
    if (oflags & OFLAGS.DIRECTORY) return st === undefined ? errno.NOENT : errno.NOTDIR;
    // The access, as wasmtime takes it from the rights: writable with FD_WRITE or CREAT, readable
    // with FD_READ or without FD_WRITE; TRUNC needs the host's write access besides.
    const writable = (rights & RIGHT.FD_WRITE) !== 0 || (oflags & OFLAGS.CREAT) !== 0;
    const readable = (rights & RIGHT.FD_READ) !== 0 || (rights & RIGHT.FD_WRITE) === 0;
    const write = writable || (oflags & OFLAGS.TRUNC) !== 0;
    const c = constants;
    let flags = readable && write ? c.O_RDWR : write ? c.O_WRONLY : c.O_RDONLY;
    if (oflags & OFLAGS.CREAT) flags |= c.O_CREAT;
    if (oflags & OFLAGS.EXCL) flags |= c.O_EXCL;
    if (oflags & OFLAGS.TRUNC) flags |= c.O_TRUNC;
    if (fdflags & FDFLAGS.DSYNC) flags |= c.O_DSYNC;
    if (fdflags & FDFLAGS.SYNC) flags |= c.O_SYNC;
    if (!follow) flags |= c.O_NOFOLLOW;
    try {
      const fd = openSync(r.host, flags, 0o666);
      return new FileFd(fd, fdflags & (SETTABLE_FLAGS | SYNC_FLAGS), readable, writable, rights, inheriting);
    } catch (e) {
      return errnoFromError(e);
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

/** What `fd_fdstat_get` of a directory answers (a directory's flags do not change). */
const DIR_KIND: FdKind = { filetype: FILETYPE.DIRECTORY, flags: 0 };
