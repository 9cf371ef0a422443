/** A real recording read back record by record: the log holds exactly the calls the guest made. */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../src/core/codec.js';
import { SYSCALL_NAMES } from '../src/wasi/syscalls.js';
import { ROOT, splitId, tc, tempDir } from './helpers/run.js';
import { logCursor } from '../src/log/files.js';

describe('the log of all_calls.wasm', () => {
  const dir = tempDir();
  const work = join(dir, 'work');
  fs.mkdirSync(work);
  const reg = join(dir, 'reg');
  const run = tc(['run', '--registry', reg, '--env', 'A=1', '--dir', `${work}::/work`, join(ROOT, 'wasm-fixtures/c/all_calls.wasm'), '/work']);
  const { id } = splitId(run.stderr);
  const records: LogRecord[] = [];
  const cursor = logCursor(join(reg, 'processes', id, 'log'));
  for (let r = cursor.nextRecord(); r !== null; r = cursor.nextRecord()) records.push(r);
  const manifest = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));

  it('holds one record per call, in order, with every one of the 46 functions', () => {
    expect(run.status).toBe(0);
    expect(records.length).toBe(manifest.records);
    expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
    expect(new Set(records.map((r) => r.syscall.name))).toEqual(new Set(SYSCALL_NAMES));
    const ts = records.map((r) => r.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(records.at(-1)!.syscall.name).toBe('proc_exit');
  });

  it('the bytes written to fd 1 are exactly stdout', () => {
    const writes = records.filter((r) => r.syscall.name === 'fd_write' && r.params[0] === 1);
    expect(Buffer.concat(writes.map((r) => r.inputs[0]!)).equals(run.stdout)).toBe(true);
    for (const w of writes) expect(new DataView(w.outputs[0]!.buffer, w.outputs[0]!.byteOffset).getUint32(0, true)).toBe(w.inputs[0]!.length);
  });

  it('records params, paths, results and outputs as the guest saw them', () => {
    const argsGet = records.find((r) => r.syscall.name === 'args_get')!;
    expect(Buffer.from(argsGet.outputs[1]!).toString()).toBe(`${join(ROOT, 'wasm-fixtures/c/all_calls.wasm')}\0/work\0`);
    const environ = records.find((r) => r.syscall.name === 'environ_get')!;
    expect(Buffer.from(environ.outputs[1]!).toString()).toBe('A=1\0');
    const prestat = records.find((r) => r.syscall.name === 'fd_prestat_dir_name' && r.result === 0)!;
    expect(prestat.params[0]).toBe(3);
    expect(Buffer.from(prestat.outputs[0]!).toString()).toBe('/work');
    const opens = records.filter((r) => r.syscall.name === 'path_open');
    expect(opens.length).toBeGreaterThan(0);
    for (const o of opens) {
      expect(o.params[0]).toBe(3);
      expect(Buffer.from(o.inputs[0]!).toString()).not.toContain('\0');
      if (o.result === 0) expect(o.outputs[0]!.length).toBe(4);
    }
    const random = records.filter((r) => r.syscall.name === 'random_get');
    for (const r of random) expect(r.outputs[0]!.length).toBe(r.params[1]);
    const exit = records.at(-1)!;
    expect(exit.params).toEqual([0]);
  });
});
