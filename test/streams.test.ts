/**
 * What reached the terminal: replay, `tc trace` and `--trace` follow the guest's fd table as the log
 * tells it (src/core/streams.ts), never the fd number.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FdStreams, NO_STREAM } from '../src/core/streams.js';
import { SYSCALL, type SyscallName } from '../src/wasi/syscalls.js';
import { ROOT, splitId, tc, tempDir } from './helpers/run.js';

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const rec = (name: SyscallName, params: number[], result = 0, outputs: Uint8Array[] = []) => ({ syscall: SYSCALL[name], params, result, outputs });

describe('FdStreams', () => {
  it('starts with stdin, stdout and stderr on 0, 1 and 2, and nothing else', () => {
    const t = new FdStreams();
    expect([0, 1, 2, 3, 7, 0xffffffff].map((fd) => t.stream(fd))).toEqual([0, 1, 2, NO_STREAM, NO_STREAM, NO_STREAM]);
  });

  it('follows fd_renumber, fd_close, path_open and sock_accept when they succeed', () => {
    const t = new FdStreams();
    const write = (fd: number) => t.follow(rec('fd_write', [fd, 0, 1, 0]));
    expect(write(1)).toBe(1);
    expect(t.follow(rec('fd_renumber', [1, 4]))).toBe(NO_STREAM);
    expect([write(1), write(4)]).toEqual([NO_STREAM, 1]);
    t.follow(rec('path_open', [3, 0, 0, 0, 0, 0, 0, 0, 0], 0, [u32(1)]));
    expect(write(1)).toBe(NO_STREAM);
    t.follow(rec('fd_renumber', [2, 9]));
    expect([write(2), write(9)]).toEqual([NO_STREAM, 2]);
    // A file renumbered onto a stream's fd replaces it.
    t.follow(rec('fd_renumber', [1, 9]));
    expect([write(9), write(1)]).toEqual([NO_STREAM, NO_STREAM]);
    t.follow(rec('fd_renumber', [4, 1]));
    expect(write(1)).toBe(1);
    t.follow(rec('fd_close', [1]));
    expect(write(1)).toBe(NO_STREAM);
    t.follow(rec('sock_accept', [0, 0, 0], 0, [u32(0)]));
    expect(t.stream(0)).toBe(NO_STREAM);
  });

  it('ignores calls that failed, renumbering onto itself, and writes that failed or went to stdin', () => {
    const t = new FdStreams();
    t.follow(rec('fd_renumber', [1, 5], 8));
    t.follow(rec('fd_close', [2], 8));
    t.follow(rec('path_open', [3, 0, 0, 0, 0, 0, 0, 0, 0], 44, [u32(1)]));
    t.follow(rec('fd_renumber', [1, 1]));
    expect([t.stream(1), t.stream(2), t.stream(5)]).toEqual([1, 2, NO_STREAM]);
    expect(t.follow(rec('fd_write', [1, 0, 1, 0], 29))).toBe(NO_STREAM);
    expect(t.follow(rec('fd_write', [0, 0, 1, 0]))).toBe(NO_STREAM);
    expect(t.follow(rec('fd_pwrite', [1, 0, 1, 0, 0]))).toBe(NO_STREAM);
  });
});

describe('replay prints what reached the terminal', () => {
  const RENUMBER = join(ROOT, 'wasm-fixtures/c/renumber.wasm');

  function recordRenumber() {
    const top = tempDir('tc-streams-');
    const reg = join(top, 'reg');
    const dir = join(top, 'work');
    fs.mkdirSync(dir);
    const run = tc(['run', '--registry', reg, '--dir', `${dir}::/work`, RENUMBER, '/work']);
    expect(run.status).toBe(0);
    const { id, rest } = splitId(run.stderr);
    fs.rmSync(dir, { recursive: true });
    return { reg, id, stdout: run.stdout, stderr: rest };
  }

  it('byte for byte on both replay paths, whatever numbers stdout and stderr had', () => {
    const r = recordRenumber();
    expect(r.stdout.toString()).toBe('stdout 1\nstdout via another fd\nstdout back on 1\n');
    expect(r.stderr.toString()).toContain('stderr via another fd\nstderr back on 2\n');
    const fast = tc(['replay', '--registry', r.reg, r.id]);
    expect(fast.status).toBe(0);
    expect(fast.stdout.equals(r.stdout)).toBe(true);
    expect(fast.stderr.equals(r.stderr)).toBe(true);
    // --trace takes the general path; its trace lines are on stderr with the guest's.
    const traced = tc(['replay', '--registry', r.reg, '--trace', r.id]);
    expect(traced.status).toBe(0);
    expect(traced.stdout.equals(r.stdout)).toBe(true);
    const guestErr = traced.stderr.toString().split('\n').filter((l) => !/^[a-z_]+\(/.test(l)).join('\n');
    expect(guestErr).toBe(r.stderr.toString());
  });

  it('tc trace marks the writes that reached stdout and stderr, in text and JSON', () => {
    const r = recordRenumber();
    const text = tc(['trace', '--registry', r.reg, '--function', 'fd_write', r.id]);
    expect(text.status).toBe(0);
    const lines = text.stdout.toString().trimEnd().split('\n');
    const marked = (mark: string) => lines.filter((l) => l.endsWith(` [${mark}]`)).map((l) => /"(.*)"/.exec(l)![1]);
    expect(marked('stdout')).toEqual(['stdout 1\\n', 'stdout via another fd\\n', 'stdout back on 1\\n']);
    expect(marked('stderr').slice(0, 4)).toEqual(['stderr 1\\n', 'stderr between\\n', 'stderr via another fd\\n', 'stderr back on 2\\n']);
    const toFiles = lines.filter((l) => /bytes "(log line|err file|last file) on fd/.test(l));
    expect(toFiles).toHaveLength(5);
    expect(toFiles.every((l) => l.endsWith(')'))).toBe(true);
    const json = tc(['trace', '--registry', r.reg, '-o', 'json', '--function', 'fd_write', r.id]);
    const objs = json.stdout.toString().trimEnd().split('\n').map((l) => JSON.parse(l) as { stream?: string; inputs: { iovs: { preview: string } } });
    expect(objs.filter((o) => o.stream === 'stdout').map((o) => o.inputs.iovs.preview)).toEqual(['[9 bytes "stdout 1\\n"]', '[22 bytes "stdout via another fd\\n"]', '[17 bytes "stdout back on 1\\n"]']);
    const jsonToFiles = objs.filter((o) => /^\[\d+ bytes "(log line|err file|last file) on fd/.test(o.inputs.iovs.preview));
    expect(jsonToFiles).toHaveLength(5);
    expect(jsonToFiles.every((o) => o.stream === undefined)).toBe(true);
  });

  it('tc run --trace marks them as it records', () => {
    const top = tempDir('tc-streams-');
    const dir = join(top, 'work');
    fs.mkdirSync(dir);
    const run = tc(['run', '--no-record', '--trace', '--dir', `${dir}::/work`, RENUMBER, '/work']);
    expect(run.status).toBe(0);
    const trace = run.stderr.toString().split('\n').filter((l) => l.startsWith('fd_write('));
    expect(trace.filter((l) => l.endsWith(' [stdout]'))).toHaveLength(3);
    expect(trace.find((l) => l.includes('log line on fd 1'))).toMatch(/\(nwritten=17\)$/);
  });
});
