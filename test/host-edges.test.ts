/** Edge values at the host boundary: i64 arguments at and past 2^53 / 2^63, huge counts, the preopen root. */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost } from '../src/host/host.js';
import { errno } from '../src/wasi/errno.js';
import { FDFLAGS, OFLAGS, RIGHTS_ALL, WHENCE } from '../src/wasi/layout.js';
import { tempDir } from './helpers/run.js';

type Fn = (...a: (number | bigint)[]) => number;

function setup(fdflags = 0) {
  const dir = tempDir();
  fs.writeFileSync(join(dir, 'f.txt'), 'Hello, World!\n');
  const host = createHost({ args: ['x'], env: [], preopens: [{ host: dir, guest: '/work' }] });
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.bind(memory);
  const u8 = new Uint8Array(memory.buffer);
  const dv = new DataView(memory.buffer);
  const call = (name: keyof typeof host.imports, ...a: (number | bigint)[]) => (host.imports[name] as unknown as Fn)(...a);
  u8.set(Buffer.from('f.txt'), 100);
  expect(call('path_open', 3, 0, 100, 5, 0, RIGHTS_ALL, RIGHTS_ALL, fdflags, 200)).toBe(0);
  const fd = dv.getUint32(200, true);
  dv.setUint32(300, 400, true); // iovec: buf 400, len 5
  dv.setUint32(304, 5, true);
  return { dir, call, fd, u8, dv };
}

describe('host edge values', () => {
  it('fd_pread/fd_pwrite at offset u64 max are EINVAL and touch nothing', () => {
    const { dir, call, fd } = setup();
    expect(call('fd_pread', fd, 300, 1, -1n, 500)).toBe(errno.INVAL);
    expect(call('fd_pwrite', fd, 300, 1, -1n, 500)).toBe(errno.INVAL);
    expect(call('fd_pwrite', fd, 300, 1, 1n << 60n, 500)).toBe(errno.FBIG);
    expect(fs.readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('Hello, World!\n');
  });

  it('fd_filestat_set_size past 2^63 is EINVAL and keeps the file', () => {
    const { dir, call, fd } = setup();
    expect(call('fd_filestat_set_size', fd, -1n)).toBe(errno.INVAL);
    expect(call('fd_filestat_set_size', fd, 1n << 62n)).toBe(errno.FBIG);
    expect(fs.statSync(join(dir, 'f.txt')).size).toBe(14);
  });

  it('fd_seek past 2^53 is EINVAL', () => {
    const { call, fd, dv } = setup();
    expect(call('fd_seek', fd, 1n << 60n, 0, 600)).toBe(errno.INVAL);
    expect(call('fd_seek', fd, 3n, 0, 600)).toBe(0);
    expect(dv.getBigUint64(600, true)).toBe(3n);
  });

  it('an iovec count past the memory traps, as under wasmtime, and writes nothing', () => {
    const { call } = setup();
    expect(() => call('fd_write', 1, 300, -1, 500)).toThrow('fd_write: out of bounds memory access');
  });

  it('path calls on a file fd are ENOTDIR; fd_readdir and prestat of a file are EBADF (wasmtime)', () => {
    const { call, fd } = setup();
    expect(call('path_create_directory', fd, 100, 5)).toBe(errno.NOTDIR);
    expect(call('path_unlink_file', fd, 100, 5)).toBe(errno.NOTDIR);
    expect(call('fd_readdir', fd, 1000, 100, 0n, 500)).toBe(errno.BADF);
    expect(call('fd_prestat_get', fd, 500)).toBe(errno.BADF);
    expect(call('fd_prestat_get', 1, 500)).toBe(errno.BADF);
  });

  it('path_remove_directory of the preopen itself is EINVAL and keeps it', () => {
    const { dir, call, u8 } = setup();
    fs.rmSync(join(dir, 'f.txt'));
    u8.set(Buffer.from('.'), 700);
    expect(call('path_remove_directory', 3, 700, 1)).toBe(errno.INVAL);
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('O_DIRECTORY on a file is ENOTDIR', () => {
    const { call } = setup();
    expect(call('path_open', 3, 0, 100, 5, OFLAGS.DIRECTORY, RIGHTS_ALL, RIGHTS_ALL, 0, 200)).toBe(errno.NOTDIR);
  });
});

describe('positions of a file opened with APPEND', () => {
  /** f.txt ("Hello, World!\n", 14 bytes) opened with APPEND; the iovec at 300 covers "abcde" at 400. */
  function appending() {
    const s = setup(FDFLAGS.APPEND);
    s.u8.set(Buffer.from('abcde'), 400);
    const tell = (): bigint => {
      expect(s.call('fd_tell', s.fd, 600)).toBe(0);
      return s.dv.getBigUint64(600, true);
    };
    const write = (): number => {
      expect(s.call('fd_write', s.fd, 300, 1, 500)).toBe(0);
      return s.dv.getUint32(500, true);
    };
    const content = () => fs.readFileSync(join(s.dir, 'f.txt'), 'utf8');
    return { ...s, tell, write, content };
  }

  it('a write goes to the end and leaves the position there: fd_tell, fd_seek from it and fd_read see it', () => {
    const { call, fd, dv, u8, tell, write, content } = appending();
    expect(write()).toBe(5);
    expect(content()).toBe('Hello, World!\nabcde');
    expect(tell()).toBe(19n);
    expect(call('fd_seek', fd, -2n, WHENCE.CUR, 600)).toBe(0);
    expect(dv.getBigUint64(600, true)).toBe(17n);
    u8.fill(0, 400, 405);
    expect(call('fd_read', fd, 300, 1, 500)).toBe(0);
    expect(dv.getUint32(500, true)).toBe(2);
    expect(Buffer.from(u8.subarray(400, 402)).toString()).toBe('de');
    expect(tell()).toBe(19n);
  });

  it('a write after a seek still goes to the end; an fd_read at the end reads nothing', () => {
    const { call, fd, dv, tell, write, content } = appending();
    expect(write()).toBe(5);
    expect(call('fd_seek', fd, 0n, WHENCE.SET, 600)).toBe(0);
    expect(tell()).toBe(0n);
    expect(write()).toBe(5);
    expect(content()).toBe('Hello, World!\nabcdeabcde');
    expect(tell()).toBe(24n);
    expect(call('fd_read', fd, 300, 1, 500)).toBe(0);
    expect(dv.getUint32(500, true)).toBe(0);
  });

  it('with APPEND cleared, a write goes on from the position the append left', () => {
    const { call, fd, tell, write, content } = appending();
    expect(write()).toBe(5);
    expect(call('fd_fdstat_set_flags', fd, 0)).toBe(0);
    expect(write()).toBe(5);
    expect(content()).toBe('Hello, World!\nabcdeabcde');
    expect(tell()).toBe(24n);
  });

  it('fd_pwrite leaves the position at the end the append left (and Linux appends it too)', () => {
    const { call, fd, tell, write, content } = appending();
    expect(write()).toBe(5);
    expect(call('fd_pwrite', fd, 300, 1, 0n, 500)).toBe(0);
    // Linux appends a pwrite on an O_APPEND file descriptor: pwrite(2), BUGS.
    expect(content()).toBe('Hello, World!\nabcdeabcde');
    expect(tell()).toBe(19n);
  });

  it('fd_filestat_set_size and fd_allocate leave the position at the end an append left', () => {
    const { call, fd, dir, tell, write } = appending();
    expect(write()).toBe(5);
    expect(call('fd_filestat_set_size', fd, 4n)).toBe(0);
    expect(tell()).toBe(19n);
    expect(write()).toBe(5);
    expect(call('fd_allocate', fd, 0n, 100n)).toBe(0);
    expect(fs.statSync(join(dir, 'f.txt')).size).toBe(100);
    expect(tell()).toBe(9n);
  });
});
