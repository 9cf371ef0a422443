import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printerWat, writeWat } from './helpers/wat.js';
import { ROOT, splitId, tc, tempDir } from './helpers/run.js';
import { segmentFileName } from '../src/timemachine/log.js';

function record(registry: string, args: string[]) {
  const r = tc(['run', '--registry', registry, ...args]);
  const { id, rest } = splitId(r.stderr);
  return { ...r, id, stderr: rest };
}

function manifestPath(registry: string, id: string) {
  return join(registry, 'processes', id, 'manifest.json');
}

/** Make process `id` replay with the module process `other` was recorded with. */
function useModuleOf(registry: string, id: string, other: string) {
  const m = JSON.parse(fs.readFileSync(manifestPath(registry, id), 'utf8'));
  m.module = JSON.parse(fs.readFileSync(manifestPath(registry, other), 'utf8')).module;
  fs.writeFileSync(manifestPath(registry, id), JSON.stringify(m));
}

describe('tc replay', () => {
  it('reproduces stdout and the exit code from the registry alone', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const mod = writeWat(dir, 'p.wasm', printerWat('tick\n', 3, 7));
    const run = record(reg, [mod]);
    expect(run.status).toBe(7);
    expect(run.stdout.toString()).toBe('tick\ntick\ntick\n');
    fs.rmSync(mod);
    const rep = tc(['replay', '--registry', reg, run.id.slice(0, 8)]);
    expect(rep.stdout.toString()).toBe('tick\ntick\ntick\n');
    expect(rep.stderr.toString()).toBe('');
    expect(rep.status).toBe(7);
    const quiet = tc(['replay', '--registry', reg, '--quiet', run.id]);
    expect(quiet.stdout.length).toBe(0);
    expect(quiet.status).toBe(7);
  });

  it('gives the guest the same clock values, bit for bit, across batches, traced or not', () => {
    // 40,000 clock_time_get calls (two batches), alternating realtime and monotonic, then all the
    // values on stdout: replay must print the same bytes (the times are stored as offsets from the
    // records' timestamps, and added back on both replay paths).
    const n = 40_000;
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const mod = writeWat(
      dir,
      'times.wasm',
      `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 8)
  (func (export "_start") (local $i i32)
    (loop $l
      (drop (call $clock (i32.and (local.get $i) (i32.const 1)) (i64.const 1) (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const ${n}))))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const ${8 * n}))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`,
    );
    const run = record(reg, [mod]);
    expect(run.status).toBe(0);
    expect(run.stdout.length).toBe(8 * n);
    const values = Array.from({ length: n }, (_, i) => run.stdout.readBigUInt64LE(8 * i));
    expect(values.filter((_, i) => i % 2 === 0).every((v) => v > 1_577_836_800_000_000_000n)).toBe(true);
    const mono = values.filter((_, i) => i % 2 === 1);
    expect(mono.every((v, i) => i === 0 || v >= mono[i - 1]!)).toBe(true);
    const rep = tc(['replay', '--registry', reg, run.id]);
    expect(rep.status).toBe(0);
    expect(rep.stdout.equals(run.stdout)).toBe(true);
    const traced = tc(['replay', '--registry', reg, '--trace', run.id]);
    expect(traced.status).toBe(0);
    expect(traced.stdout.equals(run.stdout)).toBe(true);
  });

  it('uses no file, clock or random source of the host', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const work = join(dir, 'work');
    fs.mkdirSync(work);
    const run = record(reg, ['--dir', `${work}::/work`, join(ROOT, 'wasm-fixtures/c/files.wasm'), '/work']);
    expect(run.status).toBe(0);
    fs.rmSync(work, { recursive: true });
    const rep = tc(['replay', '--registry', reg, run.id], {
      nodeArgs: ['--import', join(ROOT, 'test/helpers/no-host.mjs')],
      env: { TC_NO_HOST_REGISTRY: reg },
    });
    expect(rep.stderr.toString()).toBe(run.stderr.toString());
    expect(rep.stdout.equals(run.stdout)).toBe(true);
    expect(rep.status).toBe(0);
    expect(fs.existsSync(work)).toBe(false);
  });

  it('the no-host preload really denies host access', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const r = tc(['run', '--registry', reg, join(ROOT, 'wasm-fixtures/c/hello.wasm')], {
      nodeArgs: ['--import', join(ROOT, 'test/helpers/no-host.mjs')],
      env: { TC_NO_HOST_REGISTRY: join(dir, 'elsewhere') },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.toString()).toContain('host access during replay');
  });

  /** Record a module printing `recorded` `times` times, and replay it with one printing `replayed` instead. */
  function replayChanged(recorded: string, replayed: string, times: number) {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const a = writeWat(dir, 'a.wasm', printerWat(recorded, times));
    const b = writeWat(dir, 'b.wasm', printerWat(replayed, times));
    const run = record(reg, [a]);
    const other = record(reg, [b]);
    // Point the recording at the slightly changed module.
    useModuleOf(reg, run.id, other.id);
    return tc(['replay', '--registry', reg, run.id]);
  }

  it('reports a divergence with the record offset, the expected and the actual call', () => {
    const rep = replayChanged('Hello, World!\n', 'Hello, Werld!\n', 2);
    expect(rep.status).toBe(252);
    expect(rep.stdout.toString()).toBe('');
    expect(rep.stderr.toString()).toBe(
      'tc: replay diverged at record 0: unexpected bytes iovs\n' +
        '  expected: fd_write(fd=1, iovs=[14 bytes "Hello, World!\\n"]) = ESUCCESS (nwritten=14)\n' +
        '  actual:   fd_write(fd=1, iovs=[14 bytes "Hello, Werld!\\n"])\n',
    );
  });

  it('reports a divergence in the last byte of a long write', () => {
    const text = 'x'.repeat(99);
    const rep = replayChanged(`${text}\n`, `${text}!`, 1);
    expect(rep.status).toBe(252);
    expect(rep.stdout.toString()).toBe('');
    expect(rep.stderr.toString().split('\n')[0]).toBe('tc: replay diverged at record 0: unexpected bytes iovs');
  });

  it('reports a call past the end of a finished log', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const run = record(reg, [writeWat(dir, 'a.wasm', printerWat('x\n', 2, null))]);
    const other = record(reg, [writeWat(dir, 'b.wasm', printerWat('x\n', 3, null))]);
    useModuleOf(reg, run.id, other.id);
    const rep = tc(['replay', '--registry', reg, run.id]);
    expect(rep.status).toBe(252);
    expect(rep.stdout.toString()).toBe('x\nx\n');
    expect(rep.stderr.toString()).toBe(
      'tc: replay diverged at record 2: end of log (the guest called fd_write after the last record)\n' +
        '  actual:   fd_write(fd=1, iovs=[2 bytes "x\\n"])\n',
    );
  });

  it('runs a log cut short by a killed recording to its last complete batch, then says so', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const run = record(reg, [writeWat(dir, 'a.wasm', printerWat('line\n', 5000))]);
    expect(run.status).toBe(0);
    const seg = join(reg, 'processes', run.id, 'log', segmentFileName(0));
    const full = fs.readFileSync(seg);
    fs.writeFileSync(seg, full.subarray(0, full.length - 10));
    const m = JSON.parse(fs.readFileSync(manifestPath(reg, run.id), 'utf8'));
    m.status = 'recording';
    delete m.exitCode;
    fs.writeFileSync(manifestPath(reg, run.id), JSON.stringify(m));
    const rep = tc(['replay', '--registry', reg, run.id]);
    expect(rep.status).toBe(253);
    const lines = rep.stdout.toString().split('\n').filter(Boolean);
    expect(lines.every((l) => l === 'line')).toBe(true);
    expect(lines.length).toBeLessThan(5000);
    expect(rep.stderr.toString()).toBe(`tc: log ends at record ${lines.length}: the recording did not finish\n`);
  });

  it('warns when the recording was made by another runtime version and proceeds', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const run = record(reg, [writeWat(dir, 'a.wasm', printerWat('v\n'))]);
    const m = JSON.parse(fs.readFileSync(manifestPath(reg, run.id), 'utf8'));
    m.runtime.node = '0.0.1';
    fs.writeFileSync(manifestPath(reg, run.id), JSON.stringify(m));
    const rep = tc(['replay', '--registry', reg, run.id]);
    expect(rep.status).toBe(0);
    expect(rep.stdout.toString()).toBe('v\n');
    expect(rep.stderr.toString()).toBe(`tc: warning: recorded with node 0.0.1 (now ${process.versions.node}); replaying anyway\n`);
  });

  it('reproduces a trap', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const run = record(reg, [join(ROOT, 'wasm-fixtures/wat/trap.wasm')]);
    expect(run.status).toBe(134);
    const rep = tc(['replay', '--registry', reg, run.id]);
    expect(rep.status).toBe(134);
    expect(rep.stdout.equals(run.stdout)).toBe(true);
    expect(rep.stderr.toString().split('\n')[0]).toBe(run.stderr.toString().split('\n')[0]);
    expect(rep.stderr.toString()).toMatch(/^tc: trap: unreachable/);
  });

  it('prints trace lines during replay', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const run = record(reg, [writeWat(dir, 'a.wasm', printerWat('Hello, World!\n', 1, 3))]);
    const rep = tc(['replay', '--registry', reg, '--trace', '--quiet', run.id]);
    expect(rep.stderr.toString()).toBe(
      'fd_write(fd=1, iovs=[14 bytes "Hello, World!\\n"]) = ESUCCESS (nwritten=14) [stdout]\nproc_exit(rval=3)\n',
    );
    expect(rep.status).toBe(3);
    const t = tc(['trace', '--registry', reg, run.id]);
    expect(t.stdout.toString()).toBe(rep.stderr.toString());
    const j = tc(['trace', '--registry', reg, '-o', 'json', '--function', 'proc_exit', run.id]);
    const objs = j.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
    expect(objs).toHaveLength(1);
    expect(objs[0]).toMatchObject({ offset: 1, function: 'proc_exit', params: { rval: 3 }, result: 'ESUCCESS' });
  });

  it('trace -o json gives a failed call no outputs, as the text trace shows none', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // fd_prestat_get of fd 3 without --dir: EBADF; then of fd 3 with one: its prestat.
    const mod = writeWat(
      dir,
      'prestat.wasm',
      `(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $fd_prestat_get (i32.const 3) (i32.const 8)))))`,
    );
    const failed = record(reg, [mod]);
    const ok = record(reg, ['--dir', `${dir}::/d`, mod]);
    const text = tc(['trace', '--registry', reg, failed.id]).stdout.toString();
    expect(text).toBe('fd_prestat_get(fd=3) = EBADF\n');
    const json = JSON.parse(tc(['trace', '--registry', reg, '-o', 'json', failed.id]).stdout.toString());
    expect(json).toMatchObject({ function: 'fd_prestat_get', params: { fd: 3 }, result: 'EBADF', inputs: {} });
    expect(json).not.toHaveProperty('outputs');
    expect(tc(['trace', '--registry', reg, ok.id]).stdout.toString()).toBe('fd_prestat_get(fd=3) = ESUCCESS (buf={tag=dir, pr_name_len=2})\n');
    const success = JSON.parse(tc(['trace', '--registry', reg, '-o', 'json', ok.id]).stdout.toString());
    expect(success.outputs).toEqual({ buf: { size: 8, preview: '{tag=dir, pr_name_len=2}' } });
  });
});
