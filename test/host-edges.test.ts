/** Edge values at the host boundary: i64 arguments at and past 2^53 / 2^63, huge counts, the preopen root. */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHost } from '../src/host/host.js';
import { errno } from '../src/wasi/errno.js';
import { OFLAGS, RIGHTS_ALL } from '../src/wasi/layout.js';
import { tempDir } from './helpers/run.js';

type Fn = (...a: (number | bigint)[]) => number;

function setup() {
  const dir = tempDir();
  fs.writeFileSync(join(dir, 'f.txt'), 'Hello, World!\n');
  const host = createHost({ args: ['x'], env: [], preopens: [{ host: dir, guest: '/work' }] });
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.bind(memory);
  const u8 = new Uint8Array(memory.buffer);
  const dv = new DataView(memory.buffer);
  const call = (name: keyof typeof host.imports, ...a: (number | bigint)[]) => (host.imports[name] as unknown as Fn)(...a);
  u8.set(Buffer.from('f.txt'), 100);
  expect(call('path_open', 3, 0, 100, 5, 0, RIGHTS_ALL, RIGHTS_ALL, 0, 200)).toBe(0);
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

  it('an iovec count past the memory is EOVERFLOW', () => {
    const { call } = setup();
    expect(call('fd_write', 1, 300, -1, 500)).toBe(errno.OVERFLOW);
  });

  it('directory operations on a file fd are ENOTDIR; prestat of a file is EBADF', () => {
    const { call, fd } = setup();
    expect(call('path_create_directory', fd, 100, 5)).toBe(errno.NOTDIR);
    expect(call('path_unlink_file', fd, 100, 5)).toBe(errno.NOTDIR);
    expect(call('fd_readdir', fd, 1000, 100, 0n, 500)).toBe(errno.NOTDIR);
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
