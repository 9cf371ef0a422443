/**
 * The host's shortcuts for calls that programs make often and that cost little on a native host:
 * random_get from a pool of CSPRNG bytes, fd_fdstat_get of stdio without an isatty per call,
 * fd_filestat_get and path_filestat_get written straight into guest memory, one readv/writev for
 * several buffers. Each is checked for what the guest sees and for what it asks of the host.
 */
import * as fs from 'node:fs';
import cryptoDefault from 'node:crypto';
import fsDefault from 'node:fs';
import ttyDefault from 'node:tty';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from '../src/host/host.js';
import { hostFs } from '../src/host/fds.js';
import { errno } from '../src/wasi/errno.js';
import { FDFLAGS, FILETYPE, RIGHTS_ALL } from '../src/wasi/layout.js';
import { tempDir } from './helpers/run.js';

type Fn = (...a: (number | bigint)[]) => number;

const restores: (() => void)[] = [];
afterEach(() => {
  for (const r of restores.splice(0).reverse()) r();
  syncBuiltinESMExports();
});

/** Count the calls of `obj[key]` (each still goes through), with their arguments. */
function watch<T extends object>(obj: T, key: keyof T & string): unknown[][] {
  const calls: unknown[][] = [];
  const original = obj[key] as unknown as (...a: unknown[]) => unknown;
  (obj as Record<string, unknown>)[key] = function (this: unknown, ...a: unknown[]) {
    calls.push(a);
    return original.apply(this, a);
  };
  restores.push(() => ((obj as Record<string, unknown>)[key] = original));
  syncBuiltinESMExports();
  return calls;
}

function setup(stdio?: readonly [number, number, number]) {
  const dir = tempDir();
  fs.writeFileSync(join(dir, 'f.txt'), 'Hello, World!\n');
  const host = createHost({ args: ['x'], env: [], preopens: [{ host: dir, guest: '/work' }], stdio });
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.bind(memory);
  const u8 = new Uint8Array(memory.buffer);
  const dv = new DataView(memory.buffer);
  const call = (name: keyof typeof host.imports, ...a: (number | bigint)[]) => (host.imports[name] as unknown as Fn)(...a);
  return { dir, call, u8, dv };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('random_get', () => {
  it('hands out every byte of a draw once: 600 calls of 16 bytes are all different and take 3 draws of 4 KiB', () => {
    const { call, u8 } = setup();
    const fills = watch(cryptoDefault, 'randomFillSync');
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      expect(call('random_get', 1024, 16)).toBe(0);
      seen.add(hex(u8.subarray(1024, 1040)));
    }
    expect(seen.size).toBe(600);
    // 600 * 16 = 9,600 bytes: the pool is drawn at the 1st, 257th and 513th call.
    expect(fills.length).toBe(3);
    for (const [buf] of fills) expect((buf as Uint8Array).length).toBe(4096);
  });

  it('draws bytes that look uniform', () => {
    const { call, u8 } = setup();
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4096; i++) {
      expect(call('random_get', 2048, 16)).toBe(0);
      for (const b of u8.subarray(2048, 2064)) counts[b]!++;
    }
    // 65,536 bytes: 256 per value on average; a value at 0 or twice the mean means the pool repeats or is not filled.
    expect(Math.min(...counts)).toBeGreaterThan(160);
    expect(Math.max(...counts)).toBeLessThan(360);
  });

  it('fills a call of more than 1 KiB directly, leaving the pool where it was', () => {
    const { call, u8 } = setup();
    const fills = watch(cryptoDefault, 'randomFillSync');
    expect(call('random_get', 1024, 16)).toBe(0);
    expect(call('random_get', 4096, 1025)).toBe(0);
    expect(call('random_get', 1024, 16)).toBe(0);
    expect(fills.map(([buf, off, len]) => [(buf as Uint8Array).length, off, len])).toEqual([
      [4096, undefined, undefined],
      [65536, 4096, 1025],
    ]);
    expect(u8.subarray(4096, 4096 + 1025).filter((b) => b === 0).length).toBeLessThan(30);
  });

  it('0 bytes write nothing; bytes past the end of memory throw a RangeError and write nothing', () => {
    const { call, u8 } = setup();
    u8.fill(0xaa, 65536 - 32);
    expect(call('random_get', 65536 - 32, 0)).toBe(0);
    expect(() => call('random_get', 65536 - 8, 16)).toThrow(RangeError);
    expect(() => call('random_get', 65536 - 8, 2048)).toThrow(RangeError);
    expect(u8.subarray(65536 - 32).every((b) => b === 0xaa)).toBe(true);
    // The pool goes on serving.
    expect(call('random_get', 65536 - 16, 16)).toBe(0);
    expect(u8.subarray(65536 - 16).every((b) => b === 0xaa)).toBe(false);
  });
});

describe('fd_fdstat_get of stdio', () => {
  it('looks at each host fd once: not a terminal is UNKNOWN, with the rights of its direction and no FD_SEEK or FD_TELL', () => {
    const dir = tempDir();
    const file = fs.openSync(join(dir, 'out.txt'), 'w');
    const dev = fs.openSync('/dev/null', 'r');
    try {
      const { call, dv } = setup([dev, file, file]);
      const ttys = watch(ttyDefault, 'isatty');
      for (let i = 0; i < 3; i++) {
        // stdin: FD_READ | FD_FILESTAT_GET | POLL_FD_READWRITE; stdout, stderr: FD_WRITE | ...
        for (const [n, rights] of [[0, 0x08200002n], [1, 0x08200040n], [2, 0x08200040n]] as const) {
          new Uint8Array(dv.buffer).fill(0xaa, 512, 536);
          expect(call('fd_fdstat_get', n, 512)).toBe(0);
          expect(dv.getUint8(512)).toBe(FILETYPE.UNKNOWN);
          expect(dv.getUint8(513)).toBe(0);
          expect(dv.getUint16(514, true)).toBe(0); // fs_flags
          expect(dv.getUint32(516, true)).toBe(0);
          expect(dv.getBigUint64(520, true)).toBe(rights);
          expect(dv.getBigUint64(528, true)).toBe(rights);
        }
      }
      expect(ttys.map(([fd]) => fd)).toEqual([dev, file, file]);
    } finally {
      fs.closeSync(file);
      fs.closeSync(dev);
    }
  });

  it('a closed host fd is not a terminal', () => {
    const dir = tempDir();
    const closed = fs.openSync(join(dir, 'gone.txt'), 'w');
    fs.closeSync(closed);
    const { call, dv } = setup([closed, closed, closed]);
    expect(call('fd_fdstat_get', 1, 512)).toBe(0);
    expect(dv.getUint8(512)).toBe(FILETYPE.UNKNOWN);
  });
});

describe('fd_filestat_get and path_filestat_get', () => {
  // The exact structs, for every kind of fd and path, are in the example table (test/calls.test.ts).
  it('a bad fd writes nothing; a struct past the end of memory throws a RangeError', () => {
    const { call, u8 } = setup();
    u8.fill(0xaa, 1024, 1088);
    u8.set(Buffer.from('f.txt'), 100);
    expect(call('fd_filestat_get', 99, 1024)).toBe(errno.BADF);
    expect(call('path_filestat_get', 99, 0, 100, 5, 1024)).toBe(errno.BADF);
    expect(call('path_filestat_get', 1, 0, 100, 5, 1024)).toBe(errno.BADF);
    expect(u8.subarray(1024, 1088).every((b) => b === 0xaa)).toBe(true);
    expect(() => call('fd_filestat_get', 3, 65536 - 32)).toThrow(RangeError);
    expect(() => call('path_filestat_get', 3, 0, 100, 5, 65536 - 32)).toThrow(RangeError);
  });

  it('reports the errno of a host fd that cannot be looked at', () => {
    const dir = tempDir();
    const closed = fs.openSync(join(dir, 'gone.txt'), 'w');
    fs.closeSync(closed);
    const { call, u8 } = setup([closed, closed, closed]);
    u8.fill(0xaa, 1024, 1088);
    expect(call('fd_filestat_get', 1, 1024)).toBe(errno.BADF);
    expect(u8.subarray(1024, 1088).every((b) => b === 0xaa)).toBe(true);
  });
});

describe('several iovecs', () => {
  /** A file `f.txt` in the preopen opened read-write (with `fdflags`), and iovecs of `parts` at 0x200 (array) and 0x400 on. */
  function withFile(parts: readonly string[], fdflags = 0, initial = 'Hello, World!\n') {
    const h = setup();
    fs.writeFileSync(join(h.dir, 'f.txt'), initial);
    h.u8.set(Buffer.from('f.txt'), 100);
    expect(h.call('path_open', 3, 0, 100, 5, 0, RIGHTS_ALL, RIGHTS_ALL, fdflags, 200)).toBe(0);
    const fd = h.dv.getUint32(200, true);
    let at = 0x400;
    parts.forEach((p, i) => {
      h.u8.set(Buffer.from(p), at);
      h.dv.setUint32(0x200 + i * 8, at, true);
      h.dv.setUint32(0x200 + i * 8 + 4, p.length, true);
      at += p.length + 16;
    });
    return { ...h, fd, file: join(h.dir, 'f.txt') };
  }
  const watchIo = () => ({
    write: watch(hostFs, 'writeSync'),
    writev: watch(hostFs, 'writevSync'),
    read: watch(hostFs, 'readSync'),
    readv: watch(hostFs, 'readvSync'),
  });

  it('fd_write of two buffers is one writev at the position, which then moves on', () => {
    const h = withFile(['abc', 'defg']);
    const io = watchIo();
    expect(h.call('fd_write', h.fd, 0x200, 2, 0x300)).toBe(0);
    expect(h.dv.getUint32(0x300, true)).toBe(7);
    expect(io.writev.length).toBe(1);
    expect(io.write.length).toBe(0);
    expect(h.call('fd_write', h.fd, 0x200, 1, 0x300)).toBe(0);
    expect(fs.readFileSync(h.file, 'utf8')).toBe('abcdefgabcld!\n');
  });

  it('fd_pwrite of two buffers writes at the offset and leaves the position; with APPEND fd_write appends', () => {
    const h = withFile(['XY', 'Z'], 0);
    const io = watchIo();
    expect(h.call('fd_pwrite', h.fd, 0x200, 2, 5n, 0x300)).toBe(0);
    expect(h.dv.getUint32(0x300, true)).toBe(3);
    expect(h.call('fd_tell', h.fd, 0x308)).toBe(0);
    expect(h.dv.getBigUint64(0x308, true)).toBe(0n);
    expect(fs.readFileSync(h.file, 'utf8')).toBe('HelloXYZorld!\n');
    const a = withFile(['++', '--'], FDFLAGS.APPEND);
    expect(a.call('fd_write', a.fd, 0x200, 2, 0x300)).toBe(0);
    expect(a.call('fd_tell', a.fd, 0x308)).toBe(0);
    expect(a.dv.getBigUint64(0x308, true)).toBe(18n);
    expect(fs.readFileSync(a.file, 'utf8')).toBe('Hello, World!\n++--');
    expect(io.writev.length).toBe(2);
    expect(io.write.length).toBe(0);
  });

  it('fd_read into two buffers is one readv: the bytes run on from the first buffer into the second', () => {
    const h = withFile(['.....', '..........']);
    const io = watchIo();
    expect(h.call('fd_read', h.fd, 0x200, 2, 0x300)).toBe(0);
    expect(h.dv.getUint32(0x300, true)).toBe(14);
    expect(Buffer.from(h.u8.subarray(0x400, 0x405)).toString()).toBe('Hello');
    expect(Buffer.from(h.u8.subarray(0x415, 0x41f)).toString()).toBe(', World!\n.');
    expect(h.call('fd_tell', h.fd, 0x308)).toBe(0);
    expect(h.dv.getBigUint64(0x308, true)).toBe(14n);
    expect(io.readv.length).toBe(1);
    expect(io.read.length).toBe(0);
  });

  it('one buffer, or a buffer past the end of memory, goes buffer by buffer as before', () => {
    const h = withFile(['abc', '', 'de']);
    h.dv.setUint32(0x218 + 0, 65536 - 1, true); // a fourth iovec, 4 bytes from the last byte of memory
    h.dv.setUint32(0x218 + 4, 4, true);
    const io = watchIo();
    // abc, an empty one, de: two buffers.
    expect(h.call('fd_write', h.fd, 0x200, 3, 0x300)).toBe(0);
    expect(io.writev.length).toBe(1);
    // abc alone (the empty one skipped): one write.
    expect(h.call('fd_write', h.fd, 0x200, 2, 0x300)).toBe(0);
    expect(io.write.length).toBe(1);
    // abc, '', de, then one outside memory: written up to it, one buffer at a time, and no further.
    expect(h.call('fd_write', h.fd, 0x200, 4, 0x300)).toBe(0);
    expect(h.dv.getUint32(0x300, true)).toBe(5);
    expect(io.writev.length).toBe(1);
    expect(io.write.length).toBe(3);
    expect(fs.readFileSync(h.file, 'utf8')).toBe('abcdeabcabcde\n');
  });

  it('stdio writes all of the buffers when the host takes them a few bytes at a time', () => {
    const dir = tempDir();
    const out = fs.openSync(join(dir, 'out.txt'), 'w');
    try {
      const h = setup([0, out, out]);
      const parts = ['Hello', ', ', 'World', '!\n'];
      let at = 0x400;
      parts.forEach((p, i) => {
        h.u8.set(Buffer.from(p), at);
        h.dv.setUint32(0x200 + i * 8, at, true);
        h.dv.setUint32(0x200 + i * 8 + 4, p.length, true);
        at += 32;
      });
      // A host that writes at most 3 bytes a call, as a full pipe may.
      const original = hostFs.writevSync;
      const calls: number[] = [];
      hostFs.writevSync = (fd: number, bufs: readonly NodeJS.ArrayBufferView[]) => {
        const left: Uint8Array[] = [];
        let room = 3;
        for (const b of bufs as Uint8Array[]) {
          if (room === 0) break;
          left.push(b.subarray(0, room));
          room -= Math.min(room, b.length);
        }
        const n = original(fd, left);
        calls.push(n);
        return n;
      };
      restores.push(() => (hostFs.writevSync = original));
      expect(h.call('fd_write', 1, 0x200, 4, 0x300)).toBe(0);
      expect(h.dv.getUint32(0x300, true)).toBe(14);
      expect(calls).toEqual([3, 3, 3, 3, 2]);
      expect(fs.readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('Hello, World!\n');
    } finally {
      fs.closeSync(out);
    }
  });
});

describe('a stdio write that fails part way', () => {
  it('returns the bytes written before the error, as write(2) does; the next call gets the error', () => {
    const dir = tempDir();
    const out = fs.openSync(join(dir, 'out.txt'), 'w');
    try {
      const h = setup([0, out, out]);
      h.u8.set(Buffer.from('Hello, World!\n'), 0x400);
      h.dv.setUint32(0x200, 0x400, true);
      h.dv.setUint32(0x204, 7, true);
      h.dv.setUint32(0x208, 0x407, true);
      h.dv.setUint32(0x20c, 7, true);
      // A host that takes 3 bytes, then fails as a full disk does.
      let left = 3;
      const full = () => Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      const take = <T extends unknown[]>(original: (fd: number, ...a: T) => number, cut: (n: number, ...a: T) => T) => (fd: number, ...a: T) => {
        if (left === 0) throw full();
        const n = original(fd, ...cut(left, ...a));
        left -= n;
        return n;
      };
      const { writeSync, writevSync } = hostFs;
      restores.push(() => Object.assign(hostFs, { writeSync, writevSync }));
      hostFs.writeSync = take(writeSync as (fd: number, b: Uint8Array, off: number, len: number) => number, (n, b, off, len) => [b, off, Math.min(n, len)]) as typeof writeSync;
      hostFs.writevSync = take(writevSync as (fd: number, bufs: Uint8Array[]) => number, (n, bufs) => [[bufs[0]!.subarray(0, n)]]) as typeof writevSync;
      // One buffer, then two.
      expect(h.call('fd_write', 1, 0x200, 1, 0x300)).toBe(0);
      expect(h.dv.getUint32(0x300, true)).toBe(3);
      expect(h.call('fd_write', 1, 0x200, 1, 0x300)).toBe(errno.NOSPC);
      left = 5;
      expect(h.call('fd_write', 1, 0x200, 2, 0x300)).toBe(0);
      expect(h.dv.getUint32(0x300, true)).toBe(5);
      expect(h.call('fd_write', 1, 0x200, 2, 0x300)).toBe(errno.NOSPC);
      expect(fs.readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('HelHello');
    } finally {
      fs.closeSync(out);
    }
  });
});
