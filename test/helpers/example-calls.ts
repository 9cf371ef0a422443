/**
 * One shared table of example WASI preview1 calls, at the memory level (wazero's style, timecraft's
 * `wasi_test.go` table): every function of `SYSCALLS` with, where it means something, a zero case, a
 * typical case, a max/edge case and error cases. The table drives test/calls.test.ts: host calls,
 * record → read, record → replay, trace lines, divergences and the param codec.
 *
 * Each example runs in a fresh {@link CallContext}: guest memory filled with {@link MARKER}, a
 * temporary directory preopened as `/work` (fd 3) holding {@link SEED}, stdin/stdout/stderr backed
 * by temporary files. Setup is split in two so that replay needs nothing of the host:
 * - `hostSetup` prepares host state (files, open fds) through the host alone and runs before the
 *   marker fill; it is never run on replay;
 * - `setup` writes the guest-memory inputs (iovecs, paths, subscriptions) and runs on replay too.
 *
 * Arguments are given as a wasm engine hands them to JS: i32 as a signed number (`0xffffffff` arrives
 * as `-1`), i64 as a signed bigint (u64 max arrives as `-1n`): see {@link U32_MAX} and {@link U64_MAX}.
 *
 * Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createHost, type WasiHost } from '../../src/host/host.js';
import { errno, errnoName } from '../../src/wasi/errno.js';
import { CLOCKID, EVENTTYPE, FDFLAGS, FILETYPE, FSTFLAGS, LOOKUPFLAGS, OFLAGS, RIGHT_FD_READ, RIGHT_FD_WRITE, RIGHTS_ALL, SDFLAGS, SUBCLOCKFLAGS, WHENCE } from '../../src/wasi/layout.js';
import type { SyscallName } from '../../src/wasi/syscalls.js';
import { RESULT_TRAP } from '../../src/core/codec.js';

/** The byte guest memory is filled with before every call. */
export const MARKER = 0xaa;
/** Guest memory: 2 pages. */
export const MEMORY_PAGES = 2;
export const MEMORY_BYTES = MEMORY_PAGES * 65536;

/** Where examples put things in guest memory. */
export const IOVS = 0x100; // (c)iovec arrays
export const RES = 0x200; // u32 / u64 results (nread, nwritten, newoffset, opened_fd, ...)
export const STRUCT = 0x300; // fdstat, filestat, prestat
export const PATH = 0x400;
export const PATH2 = 0x500;
export const SUBS = 0x600; // subscriptions, 48 bytes each
export const EVENTS = 0x800; // events, 32 bytes each
export const BUF = 0x1000;
export const BUF2 = 0x2000;
/** The second page: 65536 bytes ending at the last byte of memory. */
export const BIG = 0x10000;
export const END = MEMORY_BYTES;

/** u32 max as a wasm i32 argument arrives in JS. */
export const U32_MAX = -1;
/** u64 max as a wasm i64 argument arrives in JS. */
export const U64_MAX = -1n;
export const I64_MAX = (1n << 63n) - 1n;
export const I64_MIN = -(1n << 63n);

/** argv, environ and preopen of every context. */
export const ARGS = ['prog', 'a'] as const;
export const ENV = ['A=1'] as const;
export const GUEST_DIR = '/work';
/** The preopen's fd. */
export const PREOPEN_FD = 3;
/** Bytes behind fd 0. */
export const STDIN = 'stdin line\n';
export const HELLO = 'Hello, World!\n';
/** atime and mtime (ns) of every seeded file, directory and symlink. */
export const SEED_TIME_NS = 1_000_000_000_000_000_000n;

/** The preopen's seeded tree. Readdir order (sorted): abs, empty.txt, escape, hello.txt, link, sub. */
export const SEED = {
  files: { 'hello.txt': HELLO, 'empty.txt': '', 'sub/inner.txt': 'inner\n' } as Record<string, string>,
  symlinks: { link: 'hello.txt', escape: '../outside', abs: '/etc/passwd' } as Record<string, string>,
};

const enc = new TextEncoder();
const toBytes = (d: string | ArrayLike<number>): Uint8Array => (typeof d === 'string' ? enc.encode(d) : Uint8Array.from(d));
const hex = (n: number) => `0x${n.toString(16)}`;

/** A deterministic pattern of `n` bytes (not the marker at any position). */
export function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 1) % 251;
  return b;
}

/** The host side of a context: the host, its preopen and stdio files. Absent on replay. */
interface HostSide {
  readonly host: WasiHost;
  readonly root: string;
  readonly dir: string;
  readonly stdin: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdioFds: readonly [number, number, number];
}

/** A clock or fd subscription for poll_oneoff. */
export type Subscription =
  | { userdata: bigint; clock: number; timeout: bigint; abstime?: boolean }
  | { userdata: bigint; fdRead: number }
  | { userdata: bigint; fdWrite: number }
  | { userdata: bigint; tag: number };

/** Options of {@link CallContext.open}. */
export interface OpenOptions {
  oflags?: number;
  rightsBase?: bigint;
  rightsInheriting?: bigint;
  fdflags?: number;
  dirflags?: number;
  /** The directory fd (default the preopen). */
  at?: number;
}

/**
 * One example's world: guest memory plus, when recording or calling the host, a host with its
 * preopen. Also the expectations: `expect*` compares guest memory with exact bytes and marks them as
 * expected; {@link finish} then checks every other byte still holds what setup left (the marker, or
 * the inputs), so bytes just outside each output region are checked too.
 */
export class CallContext {
  /** Guest memory as setup left it, overlaid with the bytes the expectations allow. */
  private image: Uint8Array | null = null;
  /** process.hrtime / Date / cpuUsage readings taken just before the call (for clock outputs). */
  before = { monotonic: 0n, realtime: 0n, cputime: 0n };

  constructor(
    readonly memory: WebAssembly.Memory,
    private readonly side: HostSide | null,
  ) {}

  get u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
  get view(): DataView {
    return new DataView(this.memory.buffer);
  }

  /** Fill guest memory with the marker. */
  fill(): void {
    this.u8.fill(MARKER);
    this.image = null;
  }

  // ---- guest-memory setup ----

  /** Write bytes (or a UTF-8 string) at `ptr`; returns the byte length. */
  put(ptr: number, data: string | ArrayLike<number>): number {
    const b = toBytes(data);
    this.u8.set(b, ptr);
    return b.length;
  }
  putU32(ptr: number, v: number): void {
    this.view.setUint32(ptr, v, true);
  }
  putU64(ptr: number, v: bigint): void {
    this.view.setBigUint64(ptr, BigInt.asUintN(64, v), true);
  }
  /** An iovec array at `at`: (buf, len) pairs. */
  iovecs(at: number, entries: readonly (readonly [buf: number, len: number])[]): void {
    entries.forEach(([buf, len], i) => {
      this.putU32(at + i * 8, buf);
      this.putU32(at + i * 8 + 4, len);
    });
  }
  /** A ciovec array at `at` whose buffers hold `data` (written at each buf). */
  ciovecs(at: number, entries: readonly (readonly [buf: number, data: string | ArrayLike<number>])[]): void {
    this.iovecs(at, entries.map(([buf, data]) => [buf, this.put(buf, data)] as const));
  }
  /** `subscription`s (48 bytes each) at `at`. */
  subscriptions(at: number, subs: readonly Subscription[]): void {
    subs.forEach((s, i) => {
      const p = at + i * 48;
      this.u8.fill(0, p, p + 48);
      this.putU64(p, s.userdata);
      if ('clock' in s) {
        this.u8[p + 8] = EVENTTYPE.CLOCK;
        this.putU32(p + 16, s.clock);
        this.putU64(p + 24, s.timeout);
        this.putU64(p + 32, 0n);
        this.view.setUint16(p + 40, s.abstime ? SUBCLOCKFLAGS.SUBSCRIPTION_CLOCK_ABSTIME : 0, true);
      } else if ('fdRead' in s) {
        this.u8[p + 8] = EVENTTYPE.FD_READ;
        this.putU32(p + 16, s.fdRead);
      } else if ('fdWrite' in s) {
        this.u8[p + 8] = EVENTTYPE.FD_WRITE;
        this.putU32(p + 16, s.fdWrite);
      } else {
        this.u8[p + 8] = s.tag;
      }
    });
  }

  // ---- host side (never on replay) ----

  private get hs(): HostSide {
    if (this.side === null) throw new Error('no host on replay');
    return this.side;
  }
  get host(): WasiHost {
    return this.hs.host;
  }
  /** Host path of the preopen. */
  get dir(): string {
    return this.hs.dir;
  }
  /** Host path of a guest path relative to the preopen ('' is the preopen). */
  hostPath(rel: string): string {
    return rel === '' ? this.dir : join(this.dir, rel);
  }
  read(rel: string): string {
    return fs.readFileSync(this.hostPath(rel), 'latin1');
  }
  stdout(): string {
    return fs.readFileSync(this.hs.stdout, 'latin1');
  }
  stderr(): string {
    return fs.readFileSync(this.hs.stderr, 'latin1');
  }
  /** Host file behind a guest stdio fd. */
  stdioPath(fd: 0 | 1 | 2): string {
    return [this.hs.stdin, this.hs.stdout, this.hs.stderr][fd]!;
  }
  /** Call a host import directly (not recorded). */
  call(fn: SyscallName, ...args: (number | bigint)[]): number {
    return (this.host.imports[fn] as (...a: (number | bigint)[]) => number)(...args);
  }
  /**
   * Open `rel` with path_open on the host and return the fd (default: read+write, all rights; a
   * DIRECTORY all but FD_WRITE).
   * Uses scratch memory: call before the marker fill.
   */
  open(rel: string, o: OpenOptions = {}): number {
    const len = this.put(END - 0x400, rel);
    const rights = o.rightsBase ?? ((o.oflags ?? 0) & OFLAGS.DIRECTORY ? RIGHTS_ALL & ~RIGHT_FD_WRITE : RIGHTS_ALL);
    const r = this.call('path_open', o.at ?? PREOPEN_FD, o.dirflags ?? 0, END - 0x400, len, o.oflags ?? 0, rights, o.rightsInheriting ?? RIGHTS_ALL, o.fdflags ?? 0, END - 0x10);
    expect(r, `open ${rel}`).toBe(0);
    return this.view.getUint32(END - 0x10, true);
  }
  /** Move a file fd's position (host fd_seek). Uses scratch memory. */
  seek(fd: number, offset: bigint, whence: number = WHENCE.SET): void {
    expect(this.call('fd_seek', fd, offset, whence, END - 0x10)).toBe(0);
  }
  /** The host fd_fdstat_get of `fd`: errno and the struct bytes. Uses scratch memory. */
  fdstat(fd: number): { errno: number; filetype: number; flags: number; rightsBase: bigint } {
    const p = END - 0x40;
    const r = this.call('fd_fdstat_get', fd, p);
    return { errno: r, filetype: this.u8[p]!, flags: this.view.getUint16(p + 2, true), rightsBase: this.view.getBigUint64(p + 8, true) };
  }
  /** Node's bigint stat of a guest path (lstat unless `follow`). */
  stat(rel: string, follow = false): fs.BigIntStats {
    return (follow ? fs.statSync : fs.lstatSync)(this.hostPath(rel), { bigint: true });
  }

  // ---- expectations ----

  /** Remember memory as setup left it: what every byte not named by an expectation must still hold. */
  begin(): void {
    this.image = this.u8.slice();
  }
  private allow(ptr: number, bytes: Uint8Array): void {
    if (this.image === null) throw new Error('begin() was not called');
    this.image.set(bytes, ptr);
  }
  /** Exactly these bytes at `ptr`. */
  expectBytes(ptr: number, data: string | ArrayLike<number>): void {
    const want = toBytes(data);
    const got = this.u8.slice(ptr, ptr + want.length);
    expect(Buffer.from(got).toString('hex'), `bytes at ${hex(ptr)}`).toBe(Buffer.from(want).toString('hex'));
    this.allow(ptr, want);
  }
  expectU32(ptr: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.expectBytes(ptr, b);
  }
  expectU64(ptr: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.expectBytes(ptr, b);
  }
  /** `len` host-dependent bytes at `ptr` (returned, and allowed by {@link finish}). */
  take(ptr: number, len: number): Uint8Array {
    const got = this.u8.slice(ptr, ptr + len);
    this.allow(ptr, got);
    return got;
  }
  takeU64(ptr: number): bigint {
    return new DataView(this.take(ptr, 8).buffer).getBigUint64(0, true);
  }
  /** A 64-byte filestat at `ptr` equal to Node's stat of `rel` (or of a stdio file). */
  expectFilestat(ptr: number, st: fs.BigIntStats, filetype: number): void {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, st.dev, true);
    v.setBigUint64(8, st.ino, true);
    v.setUint8(16, filetype);
    v.setBigUint64(24, st.nlink, true);
    v.setBigUint64(32, st.size, true);
    v.setBigUint64(40, st.atimeNs, true);
    v.setBigUint64(48, st.mtimeNs, true);
    v.setBigUint64(56, st.ctimeNs, true);
    this.expectBytes(ptr, b);
  }
  /** A 24-byte fdstat at `ptr`. */
  expectFdstat(ptr: number, filetype: number, flags: number, rightsBase: bigint, rightsInheriting: bigint): void {
    const b = new Uint8Array(24);
    const v = new DataView(b.buffer);
    v.setUint8(0, filetype);
    v.setUint16(2, flags, true);
    v.setBigUint64(8, rightsBase, true);
    v.setBigUint64(16, rightsInheriting, true);
    this.expectBytes(ptr, b);
  }
  /**
   * Dirents at `ptr` for `names` (entries of directory `dirRel`, listed from index `first`), cut at
   * `limit` bytes; returns the bytes expected.
   */
  expectDirents(ptr: number, dirRel: string, names: readonly string[], first: number, limit = Infinity): number {
    const parts: number[] = [];
    names.forEach((name, i) => {
      // `..` has the directory's own inode, as wasmtime gives it.
      const st = this.stat(name === '..' ? dirRel : join(dirRel, name));
      const nb = enc.encode(name);
      const h = new Uint8Array(24);
      const v = new DataView(h.buffer);
      v.setBigUint64(0, BigInt(first + i + 1), true);
      v.setBigUint64(8, st.ino, true);
      v.setUint32(16, nb.length, true);
      v.setUint8(20, st.isSymbolicLink() ? FILETYPE.SYMBOLIC_LINK : st.isDirectory() ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE);
      parts.push(...h, ...nb);
    });
    const bytes = parts.slice(0, Math.min(parts.length, limit));
    this.expectBytes(ptr, bytes);
    return bytes.length;
  }
  /** An `event` (32 bytes) at `ptr`. */
  expectEvent(ptr: number, userdata: bigint, error: number, type: number, nbytes = 0n): void {
    const b = new Uint8Array(32);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt.asUintN(64, userdata), true);
    v.setUint16(8, error, true);
    v.setUint8(10, type);
    v.setBigUint64(16, nbytes, true);
    this.expectBytes(ptr, b);
  }

  /** Every byte that no expectation named still holds what setup left there (the marker or an input). */
  finish(): void {
    if (this.image === null) throw new Error('begin() was not called');
    const got = this.u8;
    const want = this.image;
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want[i]) {
        expect.fail(`guest memory changed at ${hex(i)}: expected ${hex(want[i]!)}${want[i] === MARKER ? ' (marker)' : ''}, got ${hex(got[i]!)}`);
      }
    }
  }

  /** Close what the host opened and remove the temporary files. Idempotent. */
  dispose(): void {
    const s = this.side;
    if (s === null) return;
    for (let fd = 0; fd < 64; fd++) this.call('fd_close', fd);
    for (const fd of s.stdioFds) {
      try {
        fs.closeSync(fd);
      } catch {
        /* closed already */
      }
    }
    fs.rmSync(s.root, { recursive: true, force: true });
  }

  /** Whether the temporary files still exist. */
  hostFilesExist(): boolean {
    return this.side !== null && fs.existsSync(this.side.root);
  }
}

/** A fresh guest memory of {@link MEMORY_PAGES} pages. */
export const newMemory = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });

const seconds = (ns: bigint) => Number(ns / 1_000_000_000n);

/** Seed `dir` with {@link SEED}, every time set to {@link SEED_TIME_NS}. */
export function seedPreopen(dir: string): void {
  for (const [rel, content] of Object.entries(SEED.files)) {
    fs.mkdirSync(join(dir, rel, '..'), { recursive: true });
    fs.writeFileSync(join(dir, rel), content);
  }
  for (const [rel, target] of Object.entries(SEED.symlinks)) fs.symlinkSync(target, join(dir, rel));
  const t = seconds(SEED_TIME_NS);
  for (const rel of Object.keys(SEED.files)) fs.utimesSync(join(dir, rel), t, t);
  for (const rel of Object.keys(SEED.symlinks)) fs.lutimesSync(join(dir, rel), t, t);
  fs.utimesSync(join(dir, 'sub'), t, t);
  fs.utimesSync(dir, t, t);
}

/**
 * A context with a host: a temporary directory seeded and preopened as `/work`, stdio on temporary
 * files (stdin holds {@link STDIN}), `createHost` bound to `memory` (a fresh one by default).
 */
export function createCallContext(memory: WebAssembly.Memory = newMemory()): CallContext {
  const root = fs.mkdtempSync(join(tmpdir(), 'tc-calls-'));
  const dir = join(root, 'work');
  fs.mkdirSync(dir);
  seedPreopen(dir);
  const stdin = join(root, 'stdin');
  const stdout = join(root, 'stdout');
  const stderr = join(root, 'stderr');
  fs.writeFileSync(stdin, STDIN);
  const stdioFds = [fs.openSync(stdin, 'r'), fs.openSync(stdout, 'w'), fs.openSync(stderr, 'w')] as const;
  const host = createHost({ args: [...ARGS], env: [...ENV], preopens: [{ host: dir, guest: GUEST_DIR }], stdio: stdioFds });
  host.bind(memory);
  return new CallContext(memory, { host, root, dir, stdin, stdout, stderr, stdioFds });
}

/** A context without a host, for replay. */
export const replayContext = (memory: WebAssembly.Memory = newMemory()): CallContext => new CallContext(memory, null);

/** One example call. */
export interface ExampleCall {
  readonly name: string;
  readonly fn: SyscallName;
  /** Host state the call needs (files, open fds), through the host only; before the marker fill; never on replay. */
  readonly hostSetup?: (ctx: CallContext) => void;
  /** The guest-memory inputs (iovecs, paths, subscriptions); after the marker fill; on replay too. */
  readonly setup?: (ctx: CallContext) => void;
  /** The wasm arguments, as a wasm engine hands them to JS. */
  readonly args: (ctx: CallContext) => readonly (number | bigint)[];
  /** The errno returned; {@link RESULT_TRAP} when the host throws (see `trap`); 0 for proc_exit. */
  readonly expectErrno: number;
  /** The host throws an error whose message matches (the call is recorded as a trap). */
  readonly trap?: RegExp;
  /** proc_exit: the code of the ProcExit thrown. */
  readonly exitCode?: number;
  /** The exact bytes written into guest memory (anything not named must be untouched). */
  readonly expectMemory?: (ctx: CallContext) => void;
  /** The host's files and fds after the call. */
  readonly expectHost?: (ctx: CallContext) => void;
  /** The exact trace line, or a pattern where a value depends on the host. */
  readonly trace: string | RegExp;
}

/**
 * A trace pattern: the text is literal except `{n}` (digits) and `{bytes:N}` (the escaped preview of
 * N bytes, as trace.ts prints it).
 */
export function traceLike(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const src = escaped
    .replace(/\\\{n\\\}/g, '\\d+')
    .replace(/\\\{bytes:(\d+)\\\}/g, (_, n: string) => {
      const count = Number(n);
      return `"(?:[^"\\\\]|\\\\["\\\\nrt]|\\\\x[0-9a-f]{2}){${Math.min(count, 32)}}"${count > 32 ? '\\.\\.\\.' : ''}`;
    });
  return new RegExp(`^${src}$`);
}

const len = (s: string) => enc.encode(s).length;
/** Escape a string as a trace prints it (for expected trace lines). */
const q = (s: string) => JSON.stringify(s).replace(/\\u0000/g, '\\x00');
const FILESTAT = (filetype: string, nlink: string, size: string | number, times = `atim=${SEED_TIME_NS}, mtim=${SEED_TIME_NS}, ctim={n}`) =>
  `{dev={n}, ino={n}, filetype=${filetype}, nlink=${nlink}, size=${size}, ${times}}`;
/** RIGHTS_ALL as printed. */
const ALL = `0x${RIGHTS_ALL.toString(16)}`;

/** The errno as a trace prints it. */
const errName = (v: number) => errnoName(v);

/** hostSetup: open hello.txt read+write as fd 4. */
const openHello = (c: CallContext) => expect(c.open('hello.txt')).toBe(4);
/** hostSetup: a 65536-byte file `big.bin` ({@link pattern}) open as fd 4. */
const openBig = (c: CallContext) => {
  fs.writeFileSync(c.hostPath('big.bin'), pattern(65536));
  expect(c.open('big.bin')).toBe(4);
};

/** Examples of a path-only call (path_create_directory, path_remove_directory, path_unlink_file). */
function pathCall(fn: SyscallName, name: string, path: string, expectErrno: number, more: Partial<ExampleCall> = {}, fd = PREOPEN_FD): ExampleCall {
  return {
    name,
    fn,
    setup: (c) => c.put(PATH, path),
    args: () => [fd, PATH, len(path)],
    expectErrno,
    trace: `${fn}(fd=${fd >>> 0}, path=${q(path)}) = ${errName(expectErrno)}`,
    ...more,
  };
}


/** Examples of a call that only takes an fd and returns an errno (fd_close, fd_datasync, fd_sync). */
const fdOnly = (fn: SyscallName, name: string, fd: number, expectErrno: number, more: Partial<ExampleCall> = {}): ExampleCall => ({
  name,
  fn,
  args: () => [fd],
  expectErrno,
  trace: `${fn}(fd=${fd >>> 0}) = ${errName(expectErrno)}`,
  ...more,
});

/** path_open with the usual pointers: path at PATH, opened fd at RES. */
function open(name: string, path: string, o: { dirflags?: number; oflags?: number; base?: bigint; inheriting?: bigint; fdflags?: number; fd?: number }, expectErrno: number, more: Partial<ExampleCall> & { trace: string | RegExp }): ExampleCall {
  return {
    name,
    fn: 'path_open',
    setup: (c) => c.put(PATH, path),
    args: () => [o.fd ?? PREOPEN_FD, o.dirflags ?? 0, PATH, len(path), o.oflags ?? 0, o.base ?? RIGHT_FD_READ, o.inheriting ?? 0n, o.fdflags ?? 0, RES],
    expectErrno,
    ...more,
  };
}

/** Two-path calls (path_link, path_rename): old at PATH, new at PATH2. */
function twoPaths(fn: 'path_link' | 'path_rename', name: string, from: string, to: string, expectErrno: number, more: Partial<ExampleCall> = {}, fds: [number, number] = [PREOPEN_FD, PREOPEN_FD]): ExampleCall {
  const args =
    fn === 'path_link'
      ? () => [fds[0], 0, PATH, len(from), fds[1], PATH2, len(to)]
      : () => [fds[0], PATH, len(from), fds[1], PATH2, len(to)];
  const params = fn === 'path_link' ? `old_fd=${fds[0]}, old_flags=0, new_fd=${fds[1]}` : `fd=${fds[0]}, new_fd=${fds[1]}`;
  return {
    name,
    fn,
    setup: (c) => {
      c.put(PATH, from);
      c.put(PATH2, to);
    },
    args,
    expectErrno,
    trace: `${fn}(${params}, old_path=${q(from)}, new_path=${q(to)}) = ${errName(expectErrno)}`,
    ...more,
  };
}

/** The preopen's listing: `.` and `..` first (as wasmtime lists them), then the entries sorted by name. */
const dirents = ['.', '..', 'abs', 'empty.txt', 'escape', 'hello.txt', 'link', 'sub'];
const direntBytes = (names: readonly string[]) => names.reduce((n, s) => n + 24 + len(s), 0);

/** The table. Order matters only for the record/replay tests (they run it in order, as one process would). */
export const EXAMPLE_CALLS: readonly ExampleCall[] = [
  // ---- args_get ----
  {
    name: 'argv pointers and NUL-terminated strings',
    fn: 'args_get',
    args: () => [RES, BUF],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(RES, BUF);
      c.expectU32(RES + 4, BUF + 5);
      c.expectBytes(BUF, 'prog\0a\0');
    },
    trace: 'args_get() = ESUCCESS (argv=[2 pointers], argv_buf="prog\\x00a\\x00")',
  },
  {
    name: 'strings ending at the last byte of memory',
    fn: 'args_get',
    args: () => [END - 15, END - 7],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(END - 15, END - 7);
      c.expectU32(END - 11, END - 2);
      c.expectBytes(END - 7, 'prog\0a\0');
    },
    trace: 'args_get() = ESUCCESS (argv=[2 pointers], argv_buf="prog\\x00a\\x00")',
  },
  {
    name: 'argv_buf past the end of memory traps after the first pointer',
    fn: 'args_get',
    args: () => [RES, END],
    expectErrno: RESULT_TRAP,
    trap: /out of bounds/,
    expectMemory: (c) => c.expectU32(RES, END),
    trace: /^args_get\(\) = trap: .*out of bounds.*$/,
  },

  // ---- args_sizes_get ----
  {
    name: 'argc and the UTF-8 size with NULs',
    fn: 'args_sizes_get',
    args: () => [RES, RES + 8],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(RES, 2);
      c.expectU32(RES + 8, 7);
    },
    trace: 'args_sizes_get() = ESUCCESS (argc=2, argv_buf_size=7)',
  },
  {
    name: 'both sizes in the last 8 bytes of memory',
    fn: 'args_sizes_get',
    args: () => [END - 8, END - 4],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(END - 8, 2);
      c.expectU32(END - 4, 7);
    },
    trace: 'args_sizes_get() = ESUCCESS (argc=2, argv_buf_size=7)',
  },
  {
    name: 'argc straddling the end of memory traps',
    fn: 'args_sizes_get',
    args: () => [END - 2, RES],
    expectErrno: RESULT_TRAP,
    trap: /^args_sizes_get: out of bounds memory access$/,
    trace: 'args_sizes_get() = trap: args_sizes_get: out of bounds memory access',
  },

  // ---- environ_get ----
  {
    name: 'one entry',
    fn: 'environ_get',
    args: () => [RES, BUF],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(RES, BUF);
      c.expectBytes(BUF, 'A=1\0');
    },
    trace: 'environ_get() = ESUCCESS (environ=[1 pointers], environ_buf="A=1\\x00")',
  },
  {
    name: 'pointer and string in the last 8 bytes of memory',
    fn: 'environ_get',
    args: () => [END - 8, END - 4],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(END - 8, END - 4);
      c.expectBytes(END - 4, 'A=1\0');
    },
    trace: 'environ_get() = ESUCCESS (environ=[1 pointers], environ_buf="A=1\\x00")',
  },
  {
    name: 'environ pointer at the end of memory traps',
    fn: 'environ_get',
    args: () => [END, BUF],
    expectErrno: RESULT_TRAP,
    trap: /^environ_get: out of bounds memory access$/,
    trace: 'environ_get() = trap: environ_get: out of bounds memory access',
  },

  // ---- environ_sizes_get ----
  {
    name: 'count and size',
    fn: 'environ_sizes_get',
    args: () => [RES, RES + 8],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectU32(RES, 1);
      c.expectU32(RES + 8, 4);
    },
    trace: 'environ_sizes_get() = ESUCCESS (environ_count=1, environ_buf_size=4)',
  },
  {
    name: 'both results at the same address: the size wins',
    fn: 'environ_sizes_get',
    args: () => [RES, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 4),
    trace: 'environ_sizes_get() = ESUCCESS (environ_count=4, environ_buf_size=4)',
  },
  {
    name: 'size pointer past the end traps after the count',
    fn: 'environ_sizes_get',
    args: () => [RES, END],
    expectErrno: RESULT_TRAP,
    trap: /^environ_sizes_get: out of bounds memory access$/,
    expectMemory: (c) => c.expectU32(RES, 1),
    trace: 'environ_sizes_get() = trap: environ_sizes_get: out of bounds memory access',
  },

  // ---- clock_res_get ----
  ...(
    [
      ['REALTIME', CLOCKID.REALTIME, 1000n],
      ['MONOTONIC', CLOCKID.MONOTONIC, 1n],
      ['PROCESS_CPUTIME_ID', CLOCKID.PROCESS_CPUTIME_ID, 1000n],
      ['THREAD_CPUTIME_ID', CLOCKID.THREAD_CPUTIME_ID, 1000n],
    ] as const
  ).map(
    ([name, id, res]): ExampleCall => ({
      name: `${name} resolution`,
      fn: 'clock_res_get',
      args: () => [id, RES],
      expectErrno: 0,
      expectMemory: (c) => c.expectU64(RES, res),
      trace: `clock_res_get(id=${name}) = ESUCCESS (resolution=${res})`,
    }),
  ),
  {
    name: 'resolution in the last 8 bytes of memory',
    fn: 'clock_res_get',
    args: () => [CLOCKID.MONOTONIC, END - 8],
    expectErrno: 0,
    expectMemory: (c) => c.expectU64(END - 8, 1n),
    trace: 'clock_res_get(id=MONOTONIC) = ESUCCESS (resolution=1)',
  },
  {
    name: 'unknown clock id',
    fn: 'clock_res_get',
    args: () => [4, RES],
    expectErrno: errno.INVAL,
    trace: 'clock_res_get(id=4) = EINVAL',
  },
  {
    name: 'clock id u32 max',
    fn: 'clock_res_get',
    args: () => [U32_MAX, RES],
    expectErrno: errno.INVAL,
    trace: 'clock_res_get(id=4294967295) = EINVAL',
  },

  // ---- clock_time_get ----
  {
    name: 'MONOTONIC, precision 0',
    fn: 'clock_time_get',
    args: () => [CLOCKID.MONOTONIC, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      const t = c.takeU64(RES);
      expect(t).toBeGreaterThanOrEqual(c.before.monotonic);
      expect(t).toBeLessThanOrEqual(process.hrtime.bigint());
    },
    trace: traceLike('clock_time_get(id=MONOTONIC, precision=0) = ESUCCESS (time={n})'),
  },
  {
    name: 'REALTIME, precision 1 µs',
    fn: 'clock_time_get',
    args: () => [CLOCKID.REALTIME, 1000n, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      const t = c.takeU64(RES);
      // The host's realtime clock is Date.now() anchored to hrtime: allow a second either side.
      expect(t).toBeGreaterThanOrEqual(c.before.realtime - 1_000_000_000n);
      expect(t).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n + 1_000_000_000n);
    },
    trace: traceLike('clock_time_get(id=REALTIME, precision=1000) = ESUCCESS (time={n})'),
  },
  {
    name: 'PROCESS_CPUTIME_ID, precision u64 max',
    fn: 'clock_time_get',
    args: () => [CLOCKID.PROCESS_CPUTIME_ID, U64_MAX, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      const t = c.takeU64(RES);
      const u = process.cpuUsage();
      expect(t).toBeGreaterThanOrEqual(c.before.cputime);
      expect(t).toBeLessThanOrEqual(BigInt(u.user + u.system) * 1000n);
    },
    trace: traceLike('clock_time_get(id=PROCESS_CPUTIME_ID, precision=18446744073709551615) = ESUCCESS (time={n})'),
  },
  {
    name: 'unknown clock id',
    fn: 'clock_time_get',
    args: () => [9, 0n, RES],
    expectErrno: errno.INVAL,
    trace: 'clock_time_get(id=9, precision=0) = EINVAL',
  },

  // ---- fd_advise ----
  {
    name: 'NORMAL over the whole file (len 0)',
    fn: 'fd_advise',
    hostSetup: openHello,
    args: () => [4, 0n, 0n, 0],
    expectErrno: 0,
    trace: 'fd_advise(fd=4, offset=0, len=0, advice=NORMAL) = ESUCCESS',
  },
  {
    name: 'DONTNEED over the contents',
    fn: 'fd_advise',
    hostSetup: openHello,
    args: () => [4, 0n, 14n, 4],
    expectErrno: 0,
    trace: 'fd_advise(fd=4, offset=0, len=14, advice=DONTNEED) = ESUCCESS',
  },
  {
    name: 'NOREUSE at u64 max offset and len',
    fn: 'fd_advise',
    hostSetup: openHello,
    args: () => [4, U64_MAX, U64_MAX, 5],
    expectErrno: 0,
    trace: 'fd_advise(fd=4, offset=18446744073709551615, len=18446744073709551615, advice=NOREUSE) = ESUCCESS',
  },
  {
    name: 'unknown advice',
    fn: 'fd_advise',
    hostSetup: openHello,
    args: () => [4, 0n, 0n, 6],
    expectErrno: errno.INVAL,
    trace: 'fd_advise(fd=4, offset=0, len=0, advice=6) = EINVAL',
  },
  {
    name: 'bad fd',
    fn: 'fd_advise',
    args: () => [99, 0n, 0n, 0],
    expectErrno: errno.BADF,
    trace: 'fd_advise(fd=99, offset=0, len=0, advice=NORMAL) = EBADF',
  },

  // ---- fd_allocate ----
  {
    name: 'len 0 changes nothing',
    fn: 'fd_allocate',
    hostSetup: openHello,
    args: () => [4, 0n, 0n],
    expectErrno: 0,
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO),
    trace: 'fd_allocate(fd=4, offset=0, len=0) = ESUCCESS',
  },
  {
    name: 'a range inside the file changes nothing',
    fn: 'fd_allocate',
    hostSetup: openHello,
    args: () => [4, 2n, 5n],
    expectErrno: 0,
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO),
    trace: 'fd_allocate(fd=4, offset=2, len=5) = ESUCCESS',
  },
  {
    name: 'a range past the end grows the file with zeros',
    fn: 'fd_allocate',
    hostSetup: openHello,
    args: () => [4, 10n, 90n],
    expectErrno: 0,
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO + '\0'.repeat(86)),
    trace: 'fd_allocate(fd=4, offset=10, len=90) = ESUCCESS',
  },
  {
    name: 'without the FD_ALLOCATE right',
    fn: 'fd_allocate',
    hostSetup: (c) => expect(c.open('hello.txt', { rightsBase: RIGHT_FD_READ | RIGHT_FD_WRITE })).toBe(4),
    args: () => [4, 0n, 100n],
    expectErrno: errno.NOTCAPABLE,
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO),
    trace: 'fd_allocate(fd=4, offset=0, len=100) = ENOTCAPABLE',
  },
  {
    name: 'bad fd',
    fn: 'fd_allocate',
    args: () => [99, 0n, 1n],
    expectErrno: errno.BADF,
    trace: 'fd_allocate(fd=99, offset=0, len=1) = EBADF',
  },

  // ---- fd_close ----
  fdOnly('fd_close', 'an open file', 4, 0, {
    hostSetup: openHello,
    expectHost: (c) => expect(c.fdstat(4).errno).toBe(errno.BADF),
  }),
  fdOnly('fd_close', 'the preopen', PREOPEN_FD, 0, {
    expectHost: (c) => expect(c.call('fd_prestat_get', PREOPEN_FD, END - 8)).toBe(errno.BADF),
  }),
  fdOnly('fd_close', 'stdout: later writes fail', 1, 0, {
    expectHost: (c) => expect(c.fdstat(1).errno).toBe(errno.BADF),
  }),
  fdOnly('fd_close', 'bad fd', 99, errno.BADF),
  fdOnly('fd_close', 'fd u32 max', U32_MAX, errno.BADF),

  // ---- fd_datasync ----
  fdOnly('fd_datasync', 'an open file', 4, 0, { hostSetup: openHello }),
  fdOnly('fd_datasync', 'stdout is not a file: EBADF', 1, errno.BADF),
  fdOnly('fd_datasync', 'bad fd', 99, errno.BADF),

  // ---- fd_fdstat_get ----
  {
    name: 'the preopen directory: the rights of a directory, every right to pass on',
    fn: 'fd_fdstat_get',
    args: () => [PREOPEN_FD, STRUCT],
    expectErrno: 0,
    expectMemory: (c) => c.expectFdstat(STRUCT, FILETYPE.DIRECTORY, 0, 0x07b7fe00n, RIGHTS_ALL),
    trace: `fd_fdstat_get(fd=3) = ESUCCESS (stat={filetype=DIRECTORY, flags=0, rights_base=0x7b7fe00, rights_inheriting=${ALL}})`,
  },
  {
    name: 'a file opened with APPEND and read/write rights',
    fn: 'fd_fdstat_get',
    hostSetup: (c) => expect(c.open('hello.txt', { fdflags: FDFLAGS.APPEND, rightsBase: RIGHT_FD_READ | RIGHT_FD_WRITE, rightsInheriting: 0n })).toBe(4),
    args: () => [4, STRUCT],
    expectErrno: 0,
    expectMemory: (c) => c.expectFdstat(STRUCT, FILETYPE.REGULAR_FILE, FDFLAGS.APPEND, RIGHT_FD_READ | RIGHT_FD_WRITE, 0n),
    trace: 'fd_fdstat_get(fd=4) = ESUCCESS (stat={filetype=REGULAR_FILE, flags=APPEND, rights_base=0x42, rights_inheriting=0x0})',
  },
  {
    name: 'stdout on a regular file (not a terminal: UNKNOWN, no FD_SEEK or FD_TELL), struct in the last 24 bytes of memory',
    fn: 'fd_fdstat_get',
    args: () => [1, END - 24],
    expectErrno: 0,
    // FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE
    expectMemory: (c) => c.expectFdstat(END - 24, FILETYPE.UNKNOWN, 0, 0x08200040n, 0x08200040n),
    trace: 'fd_fdstat_get(fd=1) = ESUCCESS (stat={filetype=UNKNOWN, flags=0, rights_base=0x8200040, rights_inheriting=0x8200040})',
  },
  {
    name: 'bad fd writes nothing',
    fn: 'fd_fdstat_get',
    args: () => [99, STRUCT],
    expectErrno: errno.BADF,
    trace: 'fd_fdstat_get(fd=99) = EBADF',
  },

  // ---- fd_fdstat_set_flags ----
  {
    name: 'APPEND on a file',
    fn: 'fd_fdstat_set_flags',
    hostSetup: openHello,
    args: () => [4, FDFLAGS.APPEND],
    expectErrno: 0,
    expectHost: (c) => expect(c.fdstat(4).flags).toBe(FDFLAGS.APPEND),
    trace: 'fd_fdstat_set_flags(fd=4, flags=APPEND) = ESUCCESS',
  },
  {
    name: 'no flags',
    fn: 'fd_fdstat_set_flags',
    hostSetup: (c) => expect(c.open('hello.txt', { fdflags: FDFLAGS.APPEND })).toBe(4),
    args: () => [4, 0],
    expectErrno: 0,
    expectHost: (c) => expect(c.fdstat(4).flags).toBe(0),
    trace: 'fd_fdstat_set_flags(fd=4, flags=0) = ESUCCESS',
  },
  {
    name: 'bad fd',
    fn: 'fd_fdstat_set_flags',
    args: () => [99, FDFLAGS.APPEND],
    expectErrno: errno.BADF,
    trace: 'fd_fdstat_set_flags(fd=99, flags=APPEND) = EBADF',
  },

  // ---- fd_fdstat_set_rights ----
  {
    name: 'drop to FD_READ',
    fn: 'fd_fdstat_set_rights',
    hostSetup: openHello,
    args: () => [4, RIGHT_FD_READ, 0n],
    expectErrno: 0,
    expectHost: (c) => expect(c.fdstat(4).rightsBase).toBe(RIGHT_FD_READ),
    trace: 'fd_fdstat_set_rights(fd=4, fs_rights_base=0x2, fs_rights_inheriting=0x0) = ESUCCESS',
  },
  {
    name: 'rights can only be dropped',
    fn: 'fd_fdstat_set_rights',
    hostSetup: (c) => expect(c.open('hello.txt', { rightsBase: RIGHT_FD_READ, rightsInheriting: 0n })).toBe(4),
    args: () => [4, RIGHT_FD_READ | RIGHT_FD_WRITE, 0n],
    expectErrno: errno.NOTCAPABLE,
    expectHost: (c) => expect(c.fdstat(4).rightsBase).toBe(RIGHT_FD_READ),
    trace: 'fd_fdstat_set_rights(fd=4, fs_rights_base=0x42, fs_rights_inheriting=0x0) = ENOTCAPABLE',
  },
  {
    name: 'no rights',
    fn: 'fd_fdstat_set_rights',
    args: () => [PREOPEN_FD, 0n, 0n],
    expectErrno: 0,
    trace: 'fd_fdstat_set_rights(fd=3, fs_rights_base=0x0, fs_rights_inheriting=0x0) = ESUCCESS',
  },
  {
    name: 'bad fd',
    fn: 'fd_fdstat_set_rights',
    args: () => [99, U64_MAX, U64_MAX],
    expectErrno: errno.BADF,
    trace: 'fd_fdstat_set_rights(fd=99, fs_rights_base=0xffffffffffffffff, fs_rights_inheriting=0xffffffffffffffff) = EBADF',
  },

  // ---- fd_filestat_get ----
  {
    name: 'an open file',
    fn: 'fd_filestat_get',
    hostSetup: openHello,
    args: () => [4, STRUCT],
    expectErrno: 0,
    expectMemory: (c) => c.expectFilestat(STRUCT, c.stat('hello.txt'), FILETYPE.REGULAR_FILE),
    trace: traceLike(`fd_filestat_get(fd=4) = ESUCCESS (buf=${FILESTAT('REGULAR_FILE', '1', 14)})`),
  },
  {
    name: 'the preopen directory',
    fn: 'fd_filestat_get',
    args: () => [PREOPEN_FD, STRUCT],
    expectErrno: 0,
    expectMemory: (c) => c.expectFilestat(STRUCT, c.stat(''), FILETYPE.DIRECTORY),
    trace: traceLike(`fd_filestat_get(fd=3) = ESUCCESS (buf=${FILESTAT('DIRECTORY', '3', '{n}')})`),
  },
  {
    name: 'stdin on a regular file, struct in the last 64 bytes of memory',
    fn: 'fd_filestat_get',
    args: () => [0, END - 64],
    expectErrno: 0,
    expectMemory: (c) => c.expectFilestat(END - 64, fs.statSync(c.stdioPath(0), { bigint: true }), FILETYPE.REGULAR_FILE),
    trace: traceLike(`fd_filestat_get(fd=0) = ESUCCESS (buf=${FILESTAT('REGULAR_FILE', '1', STDIN.length, 'atim={n}, mtim={n}, ctim={n}')})`),
  },
  {
    name: 'bad fd writes nothing',
    fn: 'fd_filestat_get',
    args: () => [99, STRUCT],
    expectErrno: errno.BADF,
    trace: 'fd_filestat_get(fd=99) = EBADF',
  },

  // ---- fd_filestat_set_size ----
  ...(
    [
      ['truncate to 0', 0n, ''],
      ['truncate to 5', 5n, 'Hello'],
      ['grow with zeros', 20n, HELLO + '\0'.repeat(6)],
    ] as const
  ).map(
    ([name, size, content]): ExampleCall => ({
      name,
      fn: 'fd_filestat_set_size',
      hostSetup: openHello,
      args: () => [4, size],
      expectErrno: 0,
      expectHost: (c) => expect(c.read('hello.txt')).toBe(content),
      trace: `fd_filestat_set_size(fd=4, size=${size}) = ESUCCESS`,
    }),
  ),
  {
    name: 'without the FD_FILESTAT_SET_SIZE right',
    fn: 'fd_filestat_set_size',
    hostSetup: (c) => expect(c.open('hello.txt', { rightsBase: RIGHT_FD_READ | RIGHT_FD_WRITE })).toBe(4),
    args: () => [4, 0n],
    expectErrno: errno.NOTCAPABLE,
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO),
    trace: 'fd_filestat_set_size(fd=4, size=0) = ENOTCAPABLE',
  },
  {
    name: 'bad fd',
    fn: 'fd_filestat_set_size',
    args: () => [99, 0n],
    expectErrno: errno.BADF,
    trace: 'fd_filestat_set_size(fd=99, size=0) = EBADF',
  },

  // ---- fd_filestat_set_times ----
  {
    name: 'set both times',
    fn: 'fd_filestat_set_times',
    hostSetup: openHello,
    args: () => [4, 1_600_000_000_000_000_000n, 1_700_000_000_000_000_000n, FSTFLAGS.ATIM | FSTFLAGS.MTIM],
    expectErrno: 0,
    expectHost: (c) => {
      const st = c.stat('hello.txt');
      expect([st.atimeNs, st.mtimeNs]).toEqual([1_600_000_000_000_000_000n, 1_700_000_000_000_000_000n]);
    },
    trace: 'fd_filestat_set_times(fd=4, atim=1600000000000000000, mtim=1700000000000000000, fst_flags=ATIM|MTIM) = ESUCCESS',
  },
  {
    name: 'nanoseconds are kept to the microsecond',
    fn: 'fd_filestat_set_times',
    hostSetup: openHello,
    args: () => [4, 1_600_000_000_999_999_999n, 1_600_000_000_123_456_789n, FSTFLAGS.ATIM | FSTFLAGS.MTIM],
    expectErrno: 0,
    expectHost: (c) => {
      const st = c.stat('hello.txt');
      expect([st.atimeNs, st.mtimeNs]).toEqual([1_600_000_000_999_999_000n, 1_600_000_000_123_456_000n]);
    },
    trace: 'fd_filestat_set_times(fd=4, atim=1600000000999999999, mtim=1600000000123456789, fst_flags=ATIM|MTIM) = ESUCCESS',
  },
  {
    name: 'no flags changes nothing',
    fn: 'fd_filestat_set_times',
    hostSetup: openHello,
    args: () => [4, 5n, 5n, 0],
    expectErrno: 0,
    expectHost: (c) => {
      const st = c.stat('hello.txt');
      expect([st.atimeNs, st.mtimeNs]).toEqual([SEED_TIME_NS, SEED_TIME_NS]);
    },
    trace: 'fd_filestat_set_times(fd=4, atim=5, mtim=5, fst_flags=0) = ESUCCESS',
  },
  {
    name: 'MTIM_NOW moves mtime only',
    fn: 'fd_filestat_set_times',
    hostSetup: openHello,
    args: () => [4, 0n, 0n, FSTFLAGS.MTIM_NOW],
    expectErrno: 0,
    expectHost: (c) => {
      const st = c.stat('hello.txt');
      expect(st.atimeNs).toBe(SEED_TIME_NS);
      expect(st.mtimeNs).toBeGreaterThan(SEED_TIME_NS);
    },
    trace: 'fd_filestat_set_times(fd=4, atim=0, mtim=0, fst_flags=MTIM_NOW) = ESUCCESS',
  },
  {
    name: 'ATIM with ATIM_NOW',
    fn: 'fd_filestat_set_times',
    hostSetup: openHello,
    args: () => [4, 0n, 0n, FSTFLAGS.ATIM | FSTFLAGS.ATIM_NOW],
    expectErrno: errno.INVAL,
    expectHost: (c) => expect(c.stat('hello.txt').atimeNs).toBe(SEED_TIME_NS),
    trace: 'fd_filestat_set_times(fd=4, atim=0, mtim=0, fst_flags=ATIM|ATIM_NOW) = EINVAL',
  },
  {
    name: 'bad fd',
    fn: 'fd_filestat_set_times',
    args: () => [99, 0n, 0n, 0],
    expectErrno: errno.BADF,
    trace: 'fd_filestat_set_times(fd=99, atim=0, mtim=0, fst_flags=0) = EBADF',
  },

  // ---- fd_pread ----
  {
    name: 'two iovecs from offset 7, the second one short',
    fn: 'fd_pread',
    hostSetup: openHello,
    setup: (c) => c.iovecs(IOVS, [[BUF, 5], [BUF2, 100]]),
    args: () => [4, IOVS, 2, 7n, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BUF, 'World');
      c.expectBytes(BUF2, '!\n');
      c.expectU32(RES, 7);
    },
    expectHost: (c) => {
      expect(c.call('fd_tell', 4, END - 8)).toBe(0);
      expect(c.view.getBigUint64(END - 8, true)).toBe(0n);
    },
    trace: 'fd_pread(fd=4, offset=7) = ESUCCESS (iovs=[7 bytes "World!\\n"], nread=7)',
  },
  {
    name: 'no iovecs',
    fn: 'fd_pread',
    hostSetup: openHello,
    args: () => [4, IOVS, 0, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'fd_pread(fd=4, offset=0) = ESUCCESS (iovs=[0 bytes ""], nread=0)',
  },
  {
    name: 'a zero-length iovec is skipped',
    fn: 'fd_pread',
    hostSetup: openHello,
    setup: (c) => c.iovecs(IOVS, [[BUF, 0], [BUF2, 3]]),
    args: () => [4, IOVS, 2, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BUF2, 'Hel');
      c.expectU32(RES, 3);
    },
    trace: 'fd_pread(fd=4, offset=0) = ESUCCESS (iovs=[3 bytes "Hel"], nread=3)',
  },
  {
    name: 'offset past the end reads nothing',
    fn: 'fd_pread',
    hostSetup: openHello,
    setup: (c) => c.iovecs(IOVS, [[BUF, 16]]),
    args: () => [4, IOVS, 1, 100n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'fd_pread(fd=4, offset=100) = ESUCCESS (iovs=[0 bytes ""], nread=0)',
  },
  {
    name: '65536 bytes into the last page of memory',
    fn: 'fd_pread',
    hostSetup: openBig,
    setup: (c) => c.iovecs(IOVS, [[BIG, 65536]]),
    args: () => [4, IOVS, 1, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BIG, pattern(65536));
      c.expectU32(RES, 65536);
    },
    trace: traceLike('fd_pread(fd=4, offset=0) = ESUCCESS (iovs=[65536 bytes {bytes:65536}], nread=65536)'),
  },
  {
    name: 'stdin is not seekable',
    fn: 'fd_pread',
    setup: (c) => c.iovecs(IOVS, [[BUF, 4]]),
    args: () => [0, IOVS, 1, 0n, RES],
    expectErrno: errno.SPIPE,
    trace: 'fd_pread(fd=0, offset=0) = ESPIPE',
  },
  {
    name: 'a directory',
    fn: 'fd_pread',
    setup: (c) => c.iovecs(IOVS, [[BUF, 4]]),
    args: () => [PREOPEN_FD, IOVS, 1, 0n, RES],
    expectErrno: errno.BADF,
    trace: 'fd_pread(fd=3, offset=0) = EBADF',
  },
  {
    name: 'bad fd',
    fn: 'fd_pread',
    setup: (c) => c.iovecs(IOVS, [[BUF, 4]]),
    args: () => [99, IOVS, 1, 0n, RES],
    expectErrno: errno.BADF,
    trace: 'fd_pread(fd=99, offset=0) = EBADF',
  },

  // ---- fd_prestat_get ----
  {
    name: 'the preopen',
    fn: 'fd_prestat_get',
    args: () => [PREOPEN_FD, STRUCT],
    expectErrno: 0,
    expectMemory: (c) => c.expectBytes(STRUCT, [0, 0, 0, 0, 5, 0, 0, 0]),
    trace: 'fd_prestat_get(fd=3) = ESUCCESS (buf={tag=dir, pr_name_len=5})',
  },
  {
    name: 'the first fd after the preopens ends the scan',
    fn: 'fd_prestat_get',
    args: () => [4, STRUCT],
    expectErrno: errno.BADF,
    trace: 'fd_prestat_get(fd=4) = EBADF',
  },
  {
    name: 'a directory opened below the preopen is not a preopen',
    fn: 'fd_prestat_get',
    hostSetup: (c) => expect(c.open('sub', { oflags: OFLAGS.DIRECTORY })).toBe(4),
    args: () => [4, STRUCT],
    expectErrno: errno.BADF,
    trace: 'fd_prestat_get(fd=4) = EBADF',
  },
  {
    name: 'fd u32 max',
    fn: 'fd_prestat_get',
    args: () => [U32_MAX, STRUCT],
    expectErrno: errno.BADF,
    trace: 'fd_prestat_get(fd=4294967295) = EBADF',
  },

  // ---- fd_prestat_dir_name ----
  {
    name: 'the guest path, exactly pr_name_len bytes',
    fn: 'fd_prestat_dir_name',
    args: () => [PREOPEN_FD, BUF, 5],
    expectErrno: 0,
    expectMemory: (c) => c.expectBytes(BUF, GUEST_DIR),
    trace: 'fd_prestat_dir_name(fd=3) = ESUCCESS (path="/work")',
  },
  {
    name: 'in the last 5 bytes of memory',
    fn: 'fd_prestat_dir_name',
    args: () => [PREOPEN_FD, END - 5, 5],
    expectErrno: 0,
    expectMemory: (c) => c.expectBytes(END - 5, GUEST_DIR),
    trace: 'fd_prestat_dir_name(fd=3) = ESUCCESS (path="/work")',
  },
  {
    name: 'not a preopen: ENOTDIR, as wasmtime',
    fn: 'fd_prestat_dir_name',
    hostSetup: (c) => expect(c.open('sub', { oflags: OFLAGS.DIRECTORY })).toBe(4),
    args: () => [4, BUF, 5],
    expectErrno: errno.NOTDIR,
    trace: 'fd_prestat_dir_name(fd=4) = ENOTDIR',
  },
  {
    name: 'bad fd',
    fn: 'fd_prestat_dir_name',
    args: () => [99, BUF, 5],
    expectErrno: errno.BADF,
    trace: 'fd_prestat_dir_name(fd=99) = EBADF',
  },

  // ---- fd_pwrite ----
  {
    name: 'overwrite at offset 7',
    fn: 'fd_pwrite',
    hostSetup: openHello,
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'abc']]),
    args: () => [4, IOVS, 1, 7n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 3),
    expectHost: (c) => {
      expect(c.read('hello.txt')).toBe('Hello, abcld!\n');
      expect(c.call('fd_tell', 4, END - 8)).toBe(0);
      expect(c.view.getBigUint64(END - 8, true)).toBe(0n);
    },
    trace: 'fd_pwrite(fd=4, offset=7, iovs=[3 bytes "abc"]) = ESUCCESS (nwritten=3)',
  },
  {
    name: 'two ciovecs past the end leave a hole of zeros',
    fn: 'fd_pwrite',
    hostSetup: openHello,
    setup: (c) => c.ciovecs(IOVS, [[BUF, '<'], [BUF2, '>']]),
    args: () => [4, IOVS, 2, 16n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 2),
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO + '\0\0<>'),
    trace: 'fd_pwrite(fd=4, offset=16, iovs=[2 bytes "<>"]) = ESUCCESS (nwritten=2)',
  },
  {
    name: 'no ciovecs',
    fn: 'fd_pwrite',
    hostSetup: openHello,
    args: () => [4, IOVS, 0, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO),
    trace: 'fd_pwrite(fd=4, offset=0, iovs=[0 bytes ""]) = ESUCCESS (nwritten=0)',
  },
  {
    name: '65536 bytes from the last page of memory',
    fn: 'fd_pwrite',
    hostSetup: openHello,
    setup: (c) => {
      c.put(BIG, pattern(65536));
      c.iovecs(IOVS, [[BIG, 65536]]);
    },
    args: () => [4, IOVS, 1, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 65536),
    expectHost: (c) => expect(fs.readFileSync(c.hostPath('hello.txt')).equals(pattern(65536))).toBe(true),
    trace: traceLike('fd_pwrite(fd=4, offset=0, iovs=[65536 bytes {bytes:65536}]) = ESUCCESS (nwritten=65536)'),
  },
  {
    name: 'stdout is not seekable',
    fn: 'fd_pwrite',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'x']]),
    args: () => [1, IOVS, 1, 0n, RES],
    expectErrno: errno.SPIPE,
    expectHost: (c) => expect(c.stdout()).toBe(''),
    trace: 'fd_pwrite(fd=1, offset=0, iovs=[1 bytes "x"]) = ESPIPE',
  },
  {
    name: 'bad fd',
    fn: 'fd_pwrite',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'x']]),
    args: () => [99, IOVS, 1, 0n, RES],
    expectErrno: errno.BADF,
    trace: 'fd_pwrite(fd=99, offset=0, iovs=[1 bytes "x"]) = EBADF',
  },

  // ---- fd_read ----
  {
    name: 'stdin into two iovecs, the second one short',
    fn: 'fd_read',
    setup: (c) => c.iovecs(IOVS, [[BUF, 4], [BUF2, 100]]),
    args: () => [0, IOVS, 2, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BUF, 'stdi');
      c.expectBytes(BUF2, 'n line\n');
      c.expectU32(RES, 11);
    },
    trace: 'fd_read(fd=0) = ESUCCESS (iovs=[11 bytes "stdin line\\n"], nread=11)',
  },
  {
    name: 'no iovecs',
    fn: 'fd_read',
    args: () => [0, IOVS, 0, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'fd_read(fd=0) = ESUCCESS (iovs=[0 bytes ""], nread=0)',
  },
  {
    name: 'a file, advancing its position',
    fn: 'fd_read',
    hostSetup: openHello,
    setup: (c) => c.iovecs(IOVS, [[BUF, 5]]),
    args: () => [4, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BUF, 'Hello');
      c.expectU32(RES, 5);
    },
    expectHost: (c) => {
      expect(c.call('fd_tell', 4, END - 8)).toBe(0);
      expect(c.view.getBigUint64(END - 8, true)).toBe(5n);
    },
    trace: 'fd_read(fd=4) = ESUCCESS (iovs=[5 bytes "Hello"], nread=5)',
  },
  {
    name: 'at the end of the file',
    fn: 'fd_read',
    hostSetup: (c) => {
      openHello(c);
      c.seek(4, 0n, WHENCE.END);
    },
    setup: (c) => c.iovecs(IOVS, [[BUF, 5]]),
    args: () => [4, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'fd_read(fd=4) = ESUCCESS (iovs=[0 bytes ""], nread=0)',
  },
  {
    name: '65536 bytes into the last page of memory',
    fn: 'fd_read',
    hostSetup: openBig,
    setup: (c) => c.iovecs(IOVS, [[BIG, 65536]]),
    args: () => [4, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BIG, pattern(65536));
      c.expectU32(RES, 65536);
    },
    trace: traceLike('fd_read(fd=4) = ESUCCESS (iovs=[65536 bytes {bytes:65536}], nread=65536)'),
  },
  {
    name: 'a directory',
    fn: 'fd_read',
    setup: (c) => c.iovecs(IOVS, [[BUF, 4]]),
    args: () => [PREOPEN_FD, IOVS, 1, RES],
    expectErrno: errno.BADF,
    trace: 'fd_read(fd=3) = EBADF',
  },
  {
    name: 'bad fd',
    fn: 'fd_read',
    setup: (c) => c.iovecs(IOVS, [[BUF, 4]]),
    args: () => [99, IOVS, 1, RES],
    expectErrno: errno.BADF,
    trace: 'fd_read(fd=99) = EBADF',
  },

  // ---- fd_readdir ----
  {
    name: 'every entry: . and .., then the others sorted by name',
    fn: 'fd_readdir',
    args: () => [PREOPEN_FD, BUF, 4096, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, c.expectDirents(BUF, '', dirents, 0)),
    trace: `fd_readdir(fd=3, cookie=0) = ESUCCESS (buf=[${direntBytes(dirents)} bytes: ${dirents.map(q).join(', ')}], bufused=${direntBytes(dirents)})`,
  },
  {
    name: 'from cookie 6',
    fn: 'fd_readdir',
    args: () => [PREOPEN_FD, BUF, 4096, 6n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, c.expectDirents(BUF, '', dirents.slice(6), 6)),
    trace: 'fd_readdir(fd=3, cookie=6) = ESUCCESS (buf=[55 bytes: "link", "sub"], bufused=55)',
  },
  {
    name: 'a buffer that ends inside the second header: as much of it as fits, bufused == buf_len',
    fn: 'fd_readdir',
    args: () => [PREOPEN_FD, BUF, 30, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, c.expectDirents(BUF, '', dirents, 0, 30)),
    trace: 'fd_readdir(fd=3, cookie=0) = ESUCCESS (buf=[30 bytes: "."], bufused=30)',
  },
  {
    name: 'a buffer that holds exactly one header: bufused == buf_len',
    fn: 'fd_readdir',
    args: () => [PREOPEN_FD, BUF, 24, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, c.expectDirents(BUF, '', dirents, 0, 24)),
    trace: 'fd_readdir(fd=3, cookie=0) = ESUCCESS (buf=[24 bytes: ""], bufused=24)',
  },
  {
    name: 'an empty buffer',
    fn: 'fd_readdir',
    args: () => [PREOPEN_FD, BUF, 0, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'fd_readdir(fd=3, cookie=0) = ESUCCESS (buf=[0 bytes: ], bufused=0)',
  },
  {
    name: 'cookie u64 max: past the end',
    fn: 'fd_readdir',
    args: () => [PREOPEN_FD, BUF, 4096, U64_MAX, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'fd_readdir(fd=3, cookie=18446744073709551615) = ESUCCESS (buf=[0 bytes: ], bufused=0)',
  },
  {
    name: 'a directory opened below the preopen',
    fn: 'fd_readdir',
    hostSetup: (c) => expect(c.open('sub', { oflags: OFLAGS.DIRECTORY })).toBe(4),
    args: () => [4, BUF, 4096, 0n, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, c.expectDirents(BUF, 'sub', ['.', '..', 'inner.txt'], 0)),
    trace: 'fd_readdir(fd=4, cookie=0) = ESUCCESS (buf=[84 bytes: ".", "..", "inner.txt"], bufused=84)',
  },
  {
    name: 'bad fd',
    fn: 'fd_readdir',
    args: () => [99, BUF, 4096, 0n, RES],
    expectErrno: errno.BADF,
    trace: 'fd_readdir(fd=99, cookie=0) = EBADF',
  },

  // ---- fd_renumber ----
  {
    name: 'onto another open fd, closing it',
    fn: 'fd_renumber',
    hostSetup: (c) => {
      openHello(c);
      expect(c.open('empty.txt')).toBe(5);
    },
    args: () => [4, 5],
    expectErrno: 0,
    expectHost: (c) => {
      expect(c.fdstat(4).errno).toBe(errno.BADF);
      expect(c.call('fd_filestat_get', 5, END - 64)).toBe(0);
      expect(c.view.getBigUint64(END - 64 + 32, true)).toBe(BigInt(HELLO.length));
    },
    trace: 'fd_renumber(fd=4, to=5) = ESUCCESS',
  },
  {
    name: 'onto itself',
    fn: 'fd_renumber',
    hostSetup: openHello,
    args: () => [4, 4],
    expectErrno: 0,
    expectHost: (c) => expect(c.fdstat(4).errno).toBe(0),
    trace: 'fd_renumber(fd=4, to=4) = ESUCCESS',
  },
  {
    name: 'onto an fd that is not open',
    fn: 'fd_renumber',
    hostSetup: openHello,
    args: () => [4, 9],
    expectErrno: errno.BADF,
    expectHost: (c) => expect(c.fdstat(4).errno).toBe(0),
    trace: 'fd_renumber(fd=4, to=9) = EBADF',
  },
  {
    name: 'from a bad fd',
    fn: 'fd_renumber',
    args: () => [99, PREOPEN_FD],
    expectErrno: errno.BADF,
    expectHost: (c) => expect(c.fdstat(PREOPEN_FD).errno).toBe(0),
    trace: 'fd_renumber(fd=99, to=3) = EBADF',
  },

  // ---- fd_seek ----
  ...(
    [
      ['SET 5', 5n, WHENCE.SET, 5n, 'SET'],
      ['CUR 0 (tell)', 0n, WHENCE.CUR, 0n, 'CUR'],
      ['END with a negative delta', -1n, WHENCE.END, 13n, 'END'],
      ['END 0', 0n, WHENCE.END, 14n, 'END'],
      ['SET past the end', 1000n, WHENCE.SET, 1000n, 'SET'],
    ] as const
  ).map(
    ([name, offset, whence, result, w]): ExampleCall => ({
      name,
      fn: 'fd_seek',
      hostSetup: openHello,
      args: () => [4, offset, whence, RES],
      expectErrno: 0,
      expectMemory: (c) => c.expectU64(RES, result),
      expectHost: (c) => {
        expect(c.call('fd_tell', 4, END - 8)).toBe(0);
        expect(c.view.getBigUint64(END - 8, true)).toBe(result);
      },
      trace: `fd_seek(fd=4, offset=${offset}, whence=${w}) = ESUCCESS (newoffset=${result})`,
    }),
  ),
  {
    name: 'CUR to before the start: EINVAL, and nothing written',
    fn: 'fd_seek',
    hostSetup: openHello,
    args: () => [4, -1n, WHENCE.CUR, RES],
    expectErrno: errno.INVAL,
    trace: 'fd_seek(fd=4, offset=-1, whence=CUR) = EINVAL',
  },
  {
    name: 'SET to filedelta min',
    fn: 'fd_seek',
    hostSetup: openHello,
    args: () => [4, I64_MIN, WHENCE.SET, RES],
    expectErrno: errno.INVAL,
    trace: 'fd_seek(fd=4, offset=-9223372036854775808, whence=SET) = EINVAL',
  },
  {
    name: 'unknown whence',
    fn: 'fd_seek',
    hostSetup: openHello,
    args: () => [4, 0n, 3, RES],
    expectErrno: errno.INVAL,
    trace: 'fd_seek(fd=4, offset=0, whence=3) = EINVAL',
  },
  {
    name: 'stdin is not seekable',
    fn: 'fd_seek',
    args: () => [0, 0n, WHENCE.CUR, RES],
    expectErrno: errno.SPIPE,
    trace: 'fd_seek(fd=0, offset=0, whence=CUR) = ESPIPE',
  },
  {
    name: 'bad fd writes nothing',
    fn: 'fd_seek',
    args: () => [99, 0n, WHENCE.SET, RES],
    expectErrno: errno.BADF,
    trace: 'fd_seek(fd=99, offset=0, whence=SET) = EBADF',
  },

  // ---- fd_sync ----
  fdOnly('fd_sync', 'an open file', 4, 0, { hostSetup: openHello }),
  fdOnly('fd_sync', 'the preopen directory is not a file: EBADF', PREOPEN_FD, errno.BADF),
  fdOnly('fd_sync', 'bad fd', 99, errno.BADF),

  // ---- fd_tell ----
  {
    name: 'a fresh file is at 0',
    fn: 'fd_tell',
    hostSetup: openHello,
    args: () => [4, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU64(RES, 0n),
    trace: 'fd_tell(fd=4) = ESUCCESS (offset=0)',
  },
  {
    name: 'after a seek, in the last 8 bytes of memory',
    fn: 'fd_tell',
    hostSetup: (c) => {
      openHello(c);
      c.seek(4, 9n);
    },
    args: () => [4, END - 8],
    expectErrno: 0,
    expectMemory: (c) => c.expectU64(END - 8, 9n),
    trace: 'fd_tell(fd=4) = ESUCCESS (offset=9)',
  },
  {
    name: 'stdin is not seekable: ESPIPE, and nothing written',
    fn: 'fd_tell',
    args: () => [0, RES],
    expectErrno: errno.SPIPE,
    trace: 'fd_tell(fd=0) = ESPIPE',
  },
  {
    name: 'bad fd writes nothing',
    fn: 'fd_tell',
    args: () => [99, RES],
    expectErrno: errno.BADF,
    trace: 'fd_tell(fd=99) = EBADF',
  },

  // ---- fd_write ----
  {
    name: 'hello to stdout',
    fn: 'fd_write',
    setup: (c) => c.ciovecs(IOVS, [[BUF, HELLO]]),
    args: () => [1, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 14),
    expectHost: (c) => expect(c.stdout()).toBe(HELLO),
    trace: 'fd_write(fd=1, iovs=[14 bytes "Hello, World!\\n"]) = ESUCCESS (nwritten=14)',
  },
  {
    name: 'three ciovecs to stderr, the middle one empty',
    fn: 'fd_write',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'ab'], [BUF + 2, ''], [BUF2, 'c\t"\\\xff']]),
    args: () => [2, IOVS, 3, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 8),
    expectHost: (c) => {
      expect(c.stderr()).toBe('abc\t"\\\xc3\xbf');
      expect(c.stdout()).toBe('');
    },
    trace: 'fd_write(fd=2, iovs=[8 bytes "abc\\t\\"\\\\\\xc3\\xbf"]) = ESUCCESS (nwritten=8)',
  },
  {
    name: 'three non-empty ciovecs to stdout, far apart',
    fn: 'fd_write',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'one '], [BUF2, 'two '], [BIG + 0x100, 'three\n']]),
    args: () => [1, IOVS, 3, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 14),
    expectHost: (c) => expect(c.stdout()).toBe('one two three\n'),
    trace: 'fd_write(fd=1, iovs=[14 bytes "one two three\\n"]) = ESUCCESS (nwritten=14)',
  },
  {
    name: 'no ciovecs',
    fn: 'fd_write',
    args: () => [1, IOVS, 0, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    expectHost: (c) => expect(c.stdout()).toBe(''),
    trace: 'fd_write(fd=1, iovs=[0 bytes ""]) = ESUCCESS (nwritten=0)',
  },
  {
    name: '65536 bytes ending at the last byte of memory',
    fn: 'fd_write',
    setup: (c) => {
      c.put(BIG, pattern(65536));
      c.iovecs(IOVS, [[BIG, 65536]]);
    },
    args: () => [1, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 65536),
    expectHost: (c) => expect(fs.readFileSync(c.stdioPath(1)).equals(pattern(65536))).toBe(true),
    trace: traceLike('fd_write(fd=1, iovs=[65536 bytes {bytes:65536}]) = ESUCCESS (nwritten=65536)'),
  },
  {
    name: 'a file, at its position',
    fn: 'fd_write',
    hostSetup: (c) => {
      openHello(c);
      c.seek(4, 7n);
    },
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'There']]),
    args: () => [4, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 5),
    expectHost: (c) => {
      expect(c.read('hello.txt')).toBe('Hello, There!\n');
      expect(c.call('fd_tell', 4, END - 8)).toBe(0);
      expect(c.view.getBigUint64(END - 8, true)).toBe(12n);
    },
    trace: 'fd_write(fd=4, iovs=[5 bytes "There"]) = ESUCCESS (nwritten=5)',
  },
  {
    name: 'a file opened with APPEND writes at the end',
    fn: 'fd_write',
    hostSetup: (c) => expect(c.open('hello.txt', { fdflags: FDFLAGS.APPEND })).toBe(4),
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'Bye\n']]),
    args: () => [4, IOVS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 4),
    expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO + 'Bye\n'),
    trace: 'fd_write(fd=4, iovs=[4 bytes "Bye\\n"]) = ESUCCESS (nwritten=4)',
  },
  {
    name: 'stdin is read-only',
    fn: 'fd_write',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'x']]),
    args: () => [0, IOVS, 1, RES],
    expectErrno: errno.BADF,
    trace: 'fd_write(fd=0, iovs=[1 bytes "x"]) = EBADF',
  },
  {
    name: 'a directory',
    fn: 'fd_write',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'x']]),
    args: () => [PREOPEN_FD, IOVS, 1, RES],
    expectErrno: errno.BADF,
    trace: 'fd_write(fd=3, iovs=[1 bytes "x"]) = EBADF',
  },
  {
    name: 'bad fd',
    fn: 'fd_write',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'x']]),
    args: () => [99, IOVS, 1, RES],
    expectErrno: errno.BADF,
    trace: 'fd_write(fd=99, iovs=[1 bytes "x"]) = EBADF',
  },

  // ---- path_create_directory ----
  pathCall('path_create_directory', 'a new directory', 'newdir', 0, { expectHost: (c) => expect(c.stat('newdir').isDirectory()).toBe(true) }),
  pathCall('path_create_directory', 'inside a subdirectory', 'sub/deeper', 0, { expectHost: (c) => expect(c.stat('sub/deeper').isDirectory()).toBe(true) }),
  pathCall('path_create_directory', 'a 255-byte name', 'd'.repeat(255), 0, { expectHost: (c) => expect(c.stat('d'.repeat(255)).isDirectory()).toBe(true) }),
  pathCall('path_create_directory', 'a 256-byte name', 'd'.repeat(256), errno.NAMETOOLONG),
  pathCall('path_create_directory', 'already exists', 'sub', errno.EXIST),
  pathCall('path_create_directory', 'missing parent', 'missing/x', errno.NOENT),
  pathCall('path_create_directory', 'empty path', '', errno.NOENT),
  pathCall('path_create_directory', 'escape with ..', '../x', errno.PERM, { expectHost: (c) => expect(fs.existsSync(join(c.dir, '../x'))).toBe(false) }),
  pathCall('path_create_directory', 'absolute path', '/x', errno.PERM),
  pathCall('path_create_directory', 'bad fd', 'x', errno.BADF, {}, 99),

  // ---- path_filestat_get ----
  ...(
    [
      ['a file', 'hello.txt', 0, 'REGULAR_FILE', FILETYPE.REGULAR_FILE, HELLO.length, false],
      ['a symlink itself', 'link', 0, 'SYMBOLIC_LINK', FILETYPE.SYMBOLIC_LINK, 'hello.txt'.length, false],
      ['through a symlink with SYMLINK_FOLLOW', 'link', LOOKUPFLAGS.SYMLINK_FOLLOW, 'REGULAR_FILE', FILETYPE.REGULAR_FILE, HELLO.length, true],
      ['a file in a subdirectory', 'sub/inner.txt', 0, 'REGULAR_FILE', FILETYPE.REGULAR_FILE, 6, false],
    ] as const
  ).map(
    ([name, path, flags, type, filetype, size, follow]): ExampleCall => ({
      name,
      fn: 'path_filestat_get',
      setup: (c) => c.put(PATH, path),
      args: () => [PREOPEN_FD, flags, PATH, len(path), STRUCT],
      expectErrno: 0,
      expectMemory: (c) => c.expectFilestat(STRUCT, c.stat(path, follow), filetype),
      trace: traceLike(`path_filestat_get(fd=3, flags=${flags ? 'SYMLINK_FOLLOW' : '0'}, path=${q(path)}) = ESUCCESS (buf=${FILESTAT(type, '1', size)})`),
    }),
  ),
  {
    name: 'the preopen itself (.), struct in the last 64 bytes of memory',
    fn: 'path_filestat_get',
    setup: (c) => c.put(PATH, '.'),
    args: () => [PREOPEN_FD, 0, PATH, 1, END - 64],
    expectErrno: 0,
    expectMemory: (c) => c.expectFilestat(END - 64, c.stat(''), FILETYPE.DIRECTORY),
    trace: traceLike(`path_filestat_get(fd=3, flags=0, path=".") = ESUCCESS (buf=${FILESTAT('DIRECTORY', '3', '{n}')})`),
  },
  ...(
    [
      ['missing', 'nope', 0, errno.NOENT],
      ['escape with ..', '../work/hello.txt', 0, errno.PERM],
      ['a relative symlink out of the preopen', 'escape', LOOKUPFLAGS.SYMLINK_FOLLOW, errno.PERM],
      ['an absolute symlink', 'abs', LOOKUPFLAGS.SYMLINK_FOLLOW, errno.PERM],
      ['a file used as a directory', 'hello.txt/', 0, errno.NOTDIR],
    ] as const
  ).map(
    ([name, path, flags, e]): ExampleCall => ({
      name: `${name} writes nothing`,
      fn: 'path_filestat_get',
      setup: (c) => c.put(PATH, path),
      args: () => [PREOPEN_FD, flags, PATH, len(path), STRUCT],
      expectErrno: e,
      trace: `path_filestat_get(fd=3, flags=${flags ? 'SYMLINK_FOLLOW' : '0'}, path=${q(path)}) = ${errName(e)}`,
    }),
  ),
  {
    name: 'bad fd',
    fn: 'path_filestat_get',
    setup: (c) => c.put(PATH, 'hello.txt'),
    args: () => [99, 0, PATH, 9, STRUCT],
    expectErrno: errno.BADF,
    trace: 'path_filestat_get(fd=99, flags=0, path="hello.txt") = EBADF',
  },

  // ---- path_filestat_set_times ----
  {
    name: 'set both times of a file',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, 'hello.txt'),
    args: () => [PREOPEN_FD, 0, PATH, 9, 1_600_000_000_000_000_000n, 1_700_000_000_000_000_000n, FSTFLAGS.ATIM | FSTFLAGS.MTIM],
    expectErrno: 0,
    expectHost: (c) => {
      const st = c.stat('hello.txt');
      expect([st.atimeNs, st.mtimeNs]).toEqual([1_600_000_000_000_000_000n, 1_700_000_000_000_000_000n]);
    },
    trace: 'path_filestat_set_times(fd=3, flags=0, atim=1600000000000000000, mtim=1700000000000000000, fst_flags=ATIM|MTIM, path="hello.txt") = ESUCCESS',
  },
  {
    name: 'a symlink itself, not its target',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, 'link'),
    args: () => [PREOPEN_FD, 0, PATH, 4, 0n, 1_700_000_000_000_000_000n, FSTFLAGS.MTIM],
    expectErrno: 0,
    expectHost: (c) => {
      expect(c.stat('link').mtimeNs).toBe(1_700_000_000_000_000_000n);
      expect(c.stat('hello.txt').mtimeNs).toBe(SEED_TIME_NS);
    },
    trace: 'path_filestat_set_times(fd=3, flags=0, atim=0, mtim=1700000000000000000, fst_flags=MTIM, path="link") = ESUCCESS',
  },
  {
    name: 'through a symlink with SYMLINK_FOLLOW',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, 'link'),
    args: () => [PREOPEN_FD, LOOKUPFLAGS.SYMLINK_FOLLOW, PATH, 4, 0n, 1_700_000_000_000_000_000n, FSTFLAGS.MTIM],
    expectErrno: 0,
    expectHost: (c) => {
      expect(c.stat('link').mtimeNs).toBe(SEED_TIME_NS);
      expect(c.stat('hello.txt').mtimeNs).toBe(1_700_000_000_000_000_000n);
    },
    trace: 'path_filestat_set_times(fd=3, flags=SYMLINK_FOLLOW, atim=0, mtim=1700000000000000000, fst_flags=MTIM, path="link") = ESUCCESS',
  },
  {
    name: 'MTIM with MTIM_NOW',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, 'hello.txt'),
    args: () => [PREOPEN_FD, 0, PATH, 9, 0n, 0n, FSTFLAGS.MTIM | FSTFLAGS.MTIM_NOW],
    expectErrno: errno.INVAL,
    trace: 'path_filestat_set_times(fd=3, flags=0, atim=0, mtim=0, fst_flags=MTIM|MTIM_NOW, path="hello.txt") = EINVAL',
  },
  {
    name: 'missing',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, 'nope'),
    args: () => [PREOPEN_FD, 0, PATH, 4, 0n, 0n, FSTFLAGS.ATIM_NOW],
    expectErrno: errno.NOENT,
    trace: 'path_filestat_set_times(fd=3, flags=0, atim=0, mtim=0, fst_flags=ATIM_NOW, path="nope") = ENOENT',
  },
  {
    name: 'bad fd',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, 'hello.txt'),
    args: () => [99, 0, PATH, 9, U64_MAX, U64_MAX, FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM_NOW],
    expectErrno: errno.BADF,
    trace: 'path_filestat_set_times(fd=99, flags=0, atim=18446744073709551615, mtim=18446744073709551615, fst_flags=ATIM_NOW|MTIM_NOW, path="hello.txt") = EBADF',
  },
  {
    name: 'escape with ..',
    fn: 'path_filestat_set_times',
    setup: (c) => c.put(PATH, '../x'),
    args: () => [PREOPEN_FD, 0, PATH, 4, 0n, 0n, FSTFLAGS.ATIM_NOW],
    expectErrno: errno.PERM,
    trace: 'path_filestat_set_times(fd=3, flags=0, atim=0, mtim=0, fst_flags=ATIM_NOW, path="../x") = EPERM',
  },

  // ---- path_link ----
  twoPaths('path_link', 'a hard link', 'hello.txt', 'hard.txt', 0, {
    expectHost: (c) => {
      expect(c.stat('hard.txt').ino).toBe(c.stat('hello.txt').ino);
      expect(c.stat('hello.txt').nlink).toBe(2n);
    },
  }),
  twoPaths('path_link', 'from a subdirectory, through a directory fd', 'inner.txt', 'inner-link', 0, {
    hostSetup: (c) => expect(c.open('sub', { oflags: OFLAGS.DIRECTORY })).toBe(4),
    expectHost: (c) => expect(c.read('inner-link')).toBe('inner\n'),
  }, [4, PREOPEN_FD]),
  twoPaths('path_link', 'the target exists', 'hello.txt', 'empty.txt', errno.EXIST),
  twoPaths('path_link', 'missing source', 'nope', 'x', errno.NOENT),
  twoPaths('path_link', 'a directory', 'sub', 'x', errno.PERM),
  twoPaths('path_link', 'target escapes with ..', 'hello.txt', '../x', errno.PERM),
  twoPaths('path_link', 'bad fd', 'hello.txt', 'x', errno.BADF, {}, [99, PREOPEN_FD]),

  // ---- path_open ----
  open('a file, read-only', 'hello.txt', {}, 0, {
    expectMemory: (c) => c.expectU32(RES, 4),
    expectHost: (c) => expect(c.fdstat(4)).toEqual({ errno: 0, filetype: FILETYPE.REGULAR_FILE, flags: 0, rightsBase: RIGHT_FD_READ }),
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="hello.txt") = ESUCCESS (opened_fd=4)',
  }),
  open('the lowest free fd', 'empty.txt', {}, 0, {
    hostSetup: (c) => {
      openHello(c);
      expect(c.open('hello.txt')).toBe(5);
      expect(c.call('fd_close', 4)).toBe(0);
    },
    expectMemory: (c) => c.expectU32(RES, 4),
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="empty.txt") = ESUCCESS (opened_fd=4)',
  }),
  open('create a new file', 'new.txt', { oflags: OFLAGS.CREAT | OFLAGS.EXCL, base: RIGHT_FD_WRITE }, 0, {
    expectMemory: (c) => c.expectU32(RES, 4),
    expectHost: (c) => expect(c.read('new.txt')).toBe(''),
    trace: 'path_open(fd=3, dirflags=0, oflags=CREAT|EXCL, fs_rights_base=0x40, fs_rights_inheriting=0x0, fdflags=0, path="new.txt") = ESUCCESS (opened_fd=4)',
  }),
  open('truncate', 'hello.txt', { oflags: OFLAGS.TRUNC, base: RIGHT_FD_WRITE }, 0, {
    expectMemory: (c) => c.expectU32(RES, 4),
    expectHost: (c) => expect(c.read('hello.txt')).toBe(''),
    trace: 'path_open(fd=3, dirflags=0, oflags=TRUNC, fs_rights_base=0x40, fs_rights_inheriting=0x0, fdflags=0, path="hello.txt") = ESUCCESS (opened_fd=4)',
  }),
  open('a directory', 'sub', { oflags: OFLAGS.DIRECTORY }, 0, {
    expectMemory: (c) => c.expectU32(RES, 4),
    expectHost: (c) => expect(c.fdstat(4).filetype).toBe(FILETYPE.DIRECTORY),
    trace: 'path_open(fd=3, dirflags=0, oflags=DIRECTORY, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="sub") = ESUCCESS (opened_fd=4)',
  }),
  open('through a symlink with SYMLINK_FOLLOW', 'link', { dirflags: LOOKUPFLAGS.SYMLINK_FOLLOW }, 0, {
    expectMemory: (c) => c.expectU32(RES, 4),
    trace: 'path_open(fd=3, dirflags=SYMLINK_FOLLOW, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="link") = ESUCCESS (opened_fd=4)',
  }),
  open('all rights (u64 max), kept to the known ones', 'hello.txt', { base: U64_MAX, inheriting: U64_MAX, fdflags: FDFLAGS.APPEND }, 0, {
    expectMemory: (c) => c.expectU32(RES, 4),
    expectHost: (c) => expect(c.fdstat(4)).toEqual({ errno: 0, filetype: FILETYPE.REGULAR_FILE, flags: FDFLAGS.APPEND, rightsBase: RIGHTS_ALL }),
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0xffffffffffffffff, fs_rights_inheriting=0xffffffffffffffff, fdflags=APPEND, path="hello.txt") = ESUCCESS (opened_fd=4)',
  }),
  open('opened fd in the last 4 bytes of memory', 'hello.txt', {}, 0, {
    args: () => [PREOPEN_FD, 0, PATH, 9, 0, RIGHT_FD_READ, 0n, 0, END - 4],
    expectMemory: (c) => c.expectU32(END - 4, 4),
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="hello.txt") = ESUCCESS (opened_fd=4)',
  }),
  open('CREAT|EXCL on an existing file', 'hello.txt', { oflags: OFLAGS.CREAT | OFLAGS.EXCL, base: RIGHT_FD_WRITE }, errno.EXIST, {
    trace: 'path_open(fd=3, dirflags=0, oflags=CREAT|EXCL, fs_rights_base=0x40, fs_rights_inheriting=0x0, fdflags=0, path="hello.txt") = EEXIST',
  }),
  open('a directory for writing', 'sub', { base: RIGHT_FD_WRITE }, errno.ISDIR, {
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x40, fs_rights_inheriting=0x0, fdflags=0, path="sub") = EISDIR',
  }),
  open('DIRECTORY on a file', 'hello.txt', { oflags: OFLAGS.DIRECTORY }, errno.NOTDIR, {
    trace: 'path_open(fd=3, dirflags=0, oflags=DIRECTORY, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="hello.txt") = ENOTDIR',
  }),
  open('a symlink without SYMLINK_FOLLOW', 'link', {}, errno.LOOP, {
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="link") = ELOOP',
  }),
  open('missing', 'nope', {}, errno.NOENT, {
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="nope") = ENOENT',
  }),
  open('escape with ..', '../work/hello.txt', {}, errno.PERM, {
    trace: 'path_open(fd=3, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="../work/hello.txt") = EPERM',
  }),
  open('CREAT through a symlink out of the preopen', 'escape', { dirflags: LOOKUPFLAGS.SYMLINK_FOLLOW, oflags: OFLAGS.CREAT, base: RIGHT_FD_WRITE }, errno.PERM, {
    trace: 'path_open(fd=3, dirflags=SYMLINK_FOLLOW, oflags=CREAT, fs_rights_base=0x40, fs_rights_inheriting=0x0, fdflags=0, path="escape") = EPERM',
  }),
  open('from stdout: EBADF, as wasmtime', 'x', { fd: 1 }, errno.BADF, {
    trace: 'path_open(fd=1, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="x") = EBADF',
  }),
  open('from a regular file fd', 'x', { fd: 4 }, errno.NOTDIR, {
    hostSetup: openHello,
    trace: 'path_open(fd=4, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="x") = ENOTDIR',
  }),
  open('bad fd', 'hello.txt', { fd: 99 }, errno.BADF, {
    trace: 'path_open(fd=99, dirflags=0, oflags=0, fs_rights_base=0x2, fs_rights_inheriting=0x0, fdflags=0, path="hello.txt") = EBADF',
  }),

  // ---- path_readlink ----
  {
    name: 'a symlink',
    fn: 'path_readlink',
    setup: (c) => c.put(PATH, 'link'),
    args: () => [PREOPEN_FD, PATH, 4, BUF, 64, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(BUF, 'hello.txt');
      c.expectU32(RES, 9);
    },
    trace: 'path_readlink(fd=3, path="link") = ESUCCESS (buf="hello.txt", bufused=9)',
  },
  {
    name: 'a symlink pointing out of the preopen reads its target',
    fn: 'path_readlink',
    setup: (c) => c.put(PATH, 'escape'),
    args: () => [PREOPEN_FD, PATH, 6, END - 10, 10, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectBytes(END - 10, '../outside');
      c.expectU32(RES, 10);
    },
    trace: 'path_readlink(fd=3, path="escape") = ESUCCESS (buf="../outside", bufused=10)',
  },
  {
    name: 'a buffer of 0 bytes',
    fn: 'path_readlink',
    setup: (c) => c.put(PATH, 'link'),
    args: () => [PREOPEN_FD, PATH, 4, BUF, 0, RES],
    expectErrno: 0,
    expectMemory: (c) => c.expectU32(RES, 0),
    trace: 'path_readlink(fd=3, path="link") = ESUCCESS (buf="", bufused=0)',
  },
  ...(
    [
      ['not a symlink', 'hello.txt', errno.INVAL],
      ['missing', 'nope', errno.NOENT],
      ['escape with ..', '../x', errno.PERM],
      ['a file used as a directory', 'hello.txt/x', errno.NOTDIR],
      ['bad fd', 'link', errno.BADF],
    ] as const
  ).map(
    ([name, path, e]): ExampleCall => ({
      name,
      fn: 'path_readlink',
      setup: (c) => c.put(PATH, path),
      args: () => [e === errno.BADF ? 99 : PREOPEN_FD, PATH, len(path), BUF, 64, RES],
      expectErrno: e,
      trace: `path_readlink(fd=${e === errno.BADF ? 99 : 3}, path=${q(path)}) = ${errName(e)}`,
    }),
  ),

  // ---- path_remove_directory ----
  pathCall('path_remove_directory', 'an empty directory', 'emptydir', 0, {
    hostSetup: (c) => fs.mkdirSync(c.hostPath('emptydir')),
    expectHost: (c) => expect(fs.existsSync(c.hostPath('emptydir'))).toBe(false),
  }),
  pathCall('path_remove_directory', 'not empty', 'sub', errno.NOTEMPTY, { expectHost: (c) => expect(c.read('sub/inner.txt')).toBe('inner\n') }),
  pathCall('path_remove_directory', 'a file', 'hello.txt', errno.NOTDIR, { expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO) }),
  pathCall('path_remove_directory', 'a symlink to a file', 'link', errno.NOTDIR),
  pathCall('path_remove_directory', 'missing', 'nope', errno.NOENT),
  pathCall('path_remove_directory', 'escape with ..', '../work', errno.PERM, { expectHost: (c) => expect(fs.existsSync(c.dir)).toBe(true) }),
  pathCall('path_remove_directory', 'bad fd', 'sub', errno.BADF, {}, 99),

  // ---- path_rename ----
  twoPaths('path_rename', 'a file', 'hello.txt', 'moved.txt', 0, {
    expectHost: (c) => {
      expect(c.read('moved.txt')).toBe(HELLO);
      expect(fs.existsSync(c.hostPath('hello.txt'))).toBe(false);
    },
  }),
  twoPaths('path_rename', 'into a subdirectory through its fd', 'hello.txt', 'hello.txt', 0, {
    hostSetup: (c) => expect(c.open('sub', { oflags: OFLAGS.DIRECTORY })).toBe(4),
    expectHost: (c) => expect(c.read('sub/hello.txt')).toBe(HELLO),
  }, [PREOPEN_FD, 4]),
  twoPaths('path_rename', 'over an existing file', 'hello.txt', 'empty.txt', 0, { expectHost: (c) => expect(c.read('empty.txt')).toBe(HELLO) }),
  twoPaths('path_rename', 'a directory', 'sub', 'sub2', 0, { expectHost: (c) => expect(c.read('sub2/inner.txt')).toBe('inner\n') }),
  twoPaths('path_rename', 'missing source', 'nope', 'x', errno.NOENT),
  twoPaths('path_rename', 'a directory over a file', 'sub', 'hello.txt', errno.NOTDIR),
  twoPaths('path_rename', 'a file over a directory', 'hello.txt', 'sub', errno.ISDIR),
  twoPaths('path_rename', 'the preopen itself', '.', 'x', errno.BUSY),
  twoPaths('path_rename', 'target escapes with ..', 'hello.txt', '../x', errno.PERM, { expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO) }),
  twoPaths('path_rename', 'bad fd', 'hello.txt', 'x', errno.BADF, {}, [PREOPEN_FD, 99]),

  // ---- path_symlink ----
  ...(
    [
      ['a symlink to a file', 'hello.txt', 'sym', 0],
      ['a dangling symlink', 'nope', 'dangling', 0],
      ['a relative target that climbs but stays inside', '../hello.txt', 'sub/up', 0],
      ['a relative target out of the preopen', '../outside', 'out', errno.PERM],
      ['a relative target out of the preopen from a subdirectory', '../../x', 'sub/out', errno.PERM],
      ['an absolute target', '/etc/passwd', 'sym', errno.PERM],
      ['the link exists', 'hello.txt', 'empty.txt', errno.EXIST],
      ['the link escapes with ..', 'hello.txt', '../x', errno.PERM],
    ] as const
  ).map(
    ([name, target, link, e]): ExampleCall => ({
      name,
      fn: 'path_symlink',
      setup: (c) => {
        c.put(PATH, target);
        c.put(PATH2, link);
      },
      args: () => [PATH, len(target), PREOPEN_FD, PATH2, len(link)],
      expectErrno: e,
      ...(e === 0 ? { expectHost: (c: CallContext) => expect(fs.readlinkSync(c.hostPath(link))).toBe(target) } : {}),
      trace: `path_symlink(fd=3, old_path=${q(target)}, new_path=${q(link)}) = ${errName(e)}`,
    }),
  ),
  {
    name: 'bad fd',
    fn: 'path_symlink',
    setup: (c) => {
      c.put(PATH, 'hello.txt');
      c.put(PATH2, 'sym');
    },
    args: () => [PATH, 9, 99, PATH2, 3],
    expectErrno: errno.BADF,
    trace: 'path_symlink(fd=99, old_path="hello.txt", new_path="sym") = EBADF',
  },

  // ---- path_unlink_file ----
  pathCall('path_unlink_file', 'a file', 'hello.txt', 0, { expectHost: (c) => expect(fs.existsSync(c.hostPath('hello.txt'))).toBe(false) }),
  pathCall('path_unlink_file', 'a symlink, not its target', 'link', 0, {
    expectHost: (c) => {
      expect(fs.existsSync(c.hostPath('link'))).toBe(false);
      expect(c.read('hello.txt')).toBe(HELLO);
    },
  }),
  pathCall('path_unlink_file', 'a directory', 'sub', errno.ISDIR, { expectHost: (c) => expect(c.stat('sub').isDirectory()).toBe(true) }),
  pathCall('path_unlink_file', 'a directory with a trailing slash', 'sub/', errno.ISDIR),
  pathCall('path_unlink_file', 'a file with a trailing slash', 'hello.txt/', errno.NOTDIR, { expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO) }),
  pathCall('path_unlink_file', 'missing', 'nope', errno.NOENT),
  pathCall('path_unlink_file', 'escape with ..', '../work/hello.txt', errno.PERM, { expectHost: (c) => expect(c.read('hello.txt')).toBe(HELLO) }),
  pathCall('path_unlink_file', 'bad fd', 'hello.txt', errno.BADF, {}, 99),

  // ---- poll_oneoff ----
  {
    name: 'no subscriptions',
    fn: 'poll_oneoff',
    args: () => [SUBS, EVENTS, 0, RES],
    expectErrno: errno.INVAL,
    trace: 'poll_oneoff(in=[]) = EINVAL',
  },
  {
    name: 'a relative MONOTONIC clock that expires at once',
    fn: 'poll_oneoff',
    setup: (c) => c.subscriptions(SUBS, [{ userdata: 42n, clock: CLOCKID.MONOTONIC, timeout: 0n }]),
    args: () => [SUBS, EVENTS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectEvent(EVENTS, 42n, 0, EVENTTYPE.CLOCK);
      c.expectU32(RES, 1);
    },
    trace: 'poll_oneoff(in=[clock(userdata=42, id=MONOTONIC, timeout=0)]) = ESUCCESS (out=[{userdata=42, error=ESUCCESS, type=CLOCK}], nevents=1)',
  },
  {
    name: 'an absolute REALTIME clock in the past, userdata u64 max',
    fn: 'poll_oneoff',
    setup: (c) => c.subscriptions(SUBS, [{ userdata: U64_MAX, clock: CLOCKID.REALTIME, timeout: 1n, abstime: true }]),
    args: () => [SUBS, EVENTS, 1, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectEvent(EVENTS, U64_MAX, 0, EVENTTYPE.CLOCK);
      c.expectU32(RES, 1);
    },
    trace: 'poll_oneoff(in=[clock(userdata=18446744073709551615, id=REALTIME, timeout=1, ABSTIME)]) = ESUCCESS (out=[{userdata=18446744073709551615, error=ESUCCESS, type=CLOCK}], nevents=1)',
  },
  {
    name: 'fd_read on a file reports the bytes left, fd_write on stdout is ready',
    fn: 'poll_oneoff',
    hostSetup: (c) => {
      openHello(c);
      c.seek(4, 4n);
    },
    setup: (c) => c.subscriptions(SUBS, [{ userdata: 1n, fdRead: 4 }, { userdata: 2n, fdWrite: 1 }]),
    args: () => [SUBS, EVENTS, 2, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectEvent(EVENTS, 1n, 0, EVENTTYPE.FD_READ, 10n);
      c.expectEvent(EVENTS + 32, 2n, 0, EVENTTYPE.FD_WRITE, 0n);
      c.expectU32(RES, 2);
    },
    trace:
      'poll_oneoff(in=[fd_read(userdata=1, fd=4), fd_write(userdata=2, fd=1)]) = ESUCCESS (out=[{userdata=1, error=ESUCCESS, type=FD_READ, nbytes=10}, {userdata=2, error=ESUCCESS, type=FD_WRITE, nbytes=0}], nevents=2)',
  },
  {
    name: 'a ready fd wins over a clock of u64 max timeout',
    fn: 'poll_oneoff',
    setup: (c) => c.subscriptions(SUBS, [{ userdata: 7n, clock: CLOCKID.MONOTONIC, timeout: U64_MAX }, { userdata: 8n, fdWrite: 2 }]),
    args: () => [SUBS, EVENTS, 2, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectEvent(EVENTS, 8n, 0, EVENTTYPE.FD_WRITE);
      c.expectU32(RES, 1);
    },
    trace:
      'poll_oneoff(in=[clock(userdata=7, id=MONOTONIC, timeout=18446744073709551615), fd_write(userdata=8, fd=2)]) = ESUCCESS (out=[{userdata=8, error=ESUCCESS, type=FD_WRITE, nbytes=0}], nevents=1)',
  },
  {
    name: 'errors are reported per event: bad fd, unknown clock, unknown tag',
    fn: 'poll_oneoff',
    setup: (c) => c.subscriptions(SUBS, [{ userdata: 1n, fdRead: 99 }, { userdata: 2n, clock: 9, timeout: 0n }, { userdata: 3n, tag: 3 }]),
    args: () => [SUBS, EVENTS, 3, RES],
    expectErrno: 0,
    expectMemory: (c) => {
      c.expectEvent(EVENTS, 1n, errno.BADF, EVENTTYPE.FD_READ);
      c.expectEvent(EVENTS + 32, 2n, errno.INVAL, EVENTTYPE.CLOCK);
      c.expectEvent(EVENTS + 64, 3n, errno.INVAL, 3);
      c.expectU32(RES, 3);
    },
    trace:
      'poll_oneoff(in=[fd_read(userdata=1, fd=99), clock(userdata=2, id=9, timeout=0), tag3(userdata=3, fd=0)]) = ESUCCESS (out=[{userdata=1, error=EBADF, type=FD_READ, nbytes=0}, {userdata=2, error=EINVAL, type=CLOCK}, {userdata=3, error=EINVAL, type=3, nbytes=0}], nevents=3)',
  },

  // ---- proc_exit ----
  ...([0, 3, U32_MAX] as const).map(
    (code): ExampleCall => ({
      name: `exit code ${code >>> 0}`,
      fn: 'proc_exit',
      args: () => [code],
      expectErrno: 0,
      exitCode: code,
      trace: `proc_exit(rval=${code >>> 0})`,
    }),
  ),

  // ---- proc_raise ----
  {
    name: 'SIGABRT is not supported',
    fn: 'proc_raise',
    args: () => [6],
    expectErrno: errno.NOSYS,
    trace: 'proc_raise(sig=6) = ENOSYS',
  },
  {
    name: 'signal 0',
    fn: 'proc_raise',
    args: () => [0],
    expectErrno: errno.NOSYS,
    trace: 'proc_raise(sig=0) = ENOSYS',
  },

  // ---- sched_yield ----
  { name: 'yield', fn: 'sched_yield', args: () => [], expectErrno: 0, trace: 'sched_yield() = ESUCCESS' },

  // ---- random_get ----
  {
    name: '16 bytes',
    fn: 'random_get',
    args: () => [BUF, 16],
    expectErrno: 0,
    expectMemory: (c) => expect(c.take(BUF, 16).every((b) => b === MARKER)).toBe(false),
    trace: traceLike('random_get() = ESUCCESS (buf=[16 bytes {bytes:16}])'),
  },
  {
    name: '0 bytes',
    fn: 'random_get',
    args: () => [BUF, 0],
    expectErrno: 0,
    trace: 'random_get() = ESUCCESS (buf=[0 bytes ""])',
  },
  {
    name: '65536 bytes ending at the last byte of memory',
    fn: 'random_get',
    args: () => [BIG, 65536],
    expectErrno: 0,
    expectMemory: (c) => expect(c.take(BIG, 65536).filter((b) => b === MARKER).length).toBeLessThan(1024),
    trace: traceLike('random_get() = ESUCCESS (buf=[65536 bytes {bytes:65536}])'),
  },
  {
    name: 'a buffer crossing the end of memory traps',
    fn: 'random_get',
    args: () => [END - 16, 32],
    expectErrno: RESULT_TRAP,
    trap: /^random_get: out of bounds memory access$/,
    trace: 'random_get() = trap: random_get: out of bounds memory access',
  },

  // ---- sock_accept ----
  {
    name: 'a directory is not a socket',
    fn: 'sock_accept',
    args: () => [PREOPEN_FD, 0, RES],
    expectErrno: errno.NOTSOCK,
    trace: 'sock_accept(fd=3, flags=0) = ENOTSOCK',
  },
  {
    name: 'bad fd',
    fn: 'sock_accept',
    args: () => [99, FDFLAGS.NONBLOCK, RES],
    expectErrno: errno.BADF,
    trace: 'sock_accept(fd=99, flags=NONBLOCK) = EBADF',
  },

  // ---- sock_recv ----
  {
    name: 'stdin is not a socket',
    fn: 'sock_recv',
    setup: (c) => c.iovecs(IOVS, [[BUF, 16]]),
    args: () => [0, IOVS, 1, 0, RES, RES + 8],
    expectErrno: errno.NOTSOCK,
    trace: 'sock_recv(fd=0, ri_flags=0) = ENOTSOCK',
  },
  {
    name: 'bad fd',
    fn: 'sock_recv',
    setup: (c) => c.iovecs(IOVS, [[BUF, 16]]),
    args: () => [99, IOVS, 1, 3, RES, RES + 8],
    expectErrno: errno.BADF,
    trace: 'sock_recv(fd=99, ri_flags=RECV_PEEK|RECV_WAITALL) = EBADF',
  },

  // ---- sock_send ----
  {
    name: 'stdout is not a socket',
    fn: 'sock_send',
    setup: (c) => c.ciovecs(IOVS, [[BUF, 'x']]),
    args: () => [1, IOVS, 1, 0, RES],
    expectErrno: errno.NOTSOCK,
    expectHost: (c) => expect(c.stdout()).toBe(''),
    trace: 'sock_send(fd=1, si_flags=0, si_data=[1 bytes "x"]) = ENOTSOCK',
  },
  {
    name: 'bad fd, no data',
    fn: 'sock_send',
    args: () => [99, IOVS, 0, 0, RES],
    expectErrno: errno.BADF,
    trace: 'sock_send(fd=99, si_flags=0, si_data=[0 bytes ""]) = EBADF',
  },

  // ---- sock_shutdown ----
  {
    name: 'a directory is not a socket',
    fn: 'sock_shutdown',
    args: () => [PREOPEN_FD, SDFLAGS.RD | SDFLAGS.WR],
    expectErrno: errno.NOTSOCK,
    trace: 'sock_shutdown(fd=3, how=RD|WR) = ENOTSOCK',
  },
  {
    name: 'bad fd',
    fn: 'sock_shutdown',
    args: () => [99, SDFLAGS.WR],
    expectErrno: errno.BADF,
    trace: 'sock_shutdown(fd=99, how=WR) = EBADF',
  },
];
