/**
 * tc diff: two processes' calls aligned by signature, where they first part, the hunks, the summary,
 * values that differ between runs compared by kind, and diff(1)'s exit statuses.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DiffResult } from '../src/registry/diff.js';
import { diffProcesses, type DiffRecord } from '../src/registry/diff.js';
import type { Manifest } from '../src/registry/registry.js';
import { SYSCALL } from '../src/wasi/syscalls.js';
import { ROOT, splitId, tc, tempDir } from './helpers/run.js';
import { stepsWat, writeWat, type Step } from './helpers/wat.js';

const C = join(ROOT, 'wasm-fixtures/c');

let top: string;
let reg: string;

beforeAll(() => {
  top = tempDir();
  reg = join(top, 'reg');
});

/** Record `args` (a module and its arguments); the process id. */
function record(args: string[], input?: string): string {
  const r = tc(['run', '--registry', reg, ...args], { input });
  const { id } = splitId(r.stderr);
  return id;
}

/** `tc diff` with `args`, its status and the data of `-o json`. */
function diff(...args: string[]): { status: number; text: string; data: DiffResult } {
  const text = tc(['diff', '--registry', reg, ...args]);
  const json = tc(['diff', '--registry', reg, '-o', 'json', ...args]);
  expect(json.status).toBe(text.status);
  expect(text.stderr.toString()).toBe('');
  return { status: text.status, text: text.stdout.toString(), data: JSON.parse(json.stdout.toString()) as DiffResult };
}

/** The records of process `id` as `tc trace -o json` gives them, and its text lines. */
function trace(id: string): { time: number; function: string }[] & { lines?: string[] } {
  const recs = tc(['trace', '--registry', reg, '-o', 'json', id]).stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
  return Object.assign(recs, { lines: tc(['trace', '--registry', reg, id]).stdout.toString().trimEnd().split('\n') });
}

const steps = (name: string, s: Step[], code = 0, base = 4096) => writeWat(top, name, stepsWat(s, code, base));

describe('tc diff', () => {
  it('the same program run twice: no difference, exit 0; its clock readings differ by value only (--exact: exit 1)', () => {
    const a = record([join(C, 'clocks.wasm')]);
    const b = record([join(C, 'clocks.wasm')]);
    const r = diff(a, b);
    expect(r.status).toBe(0);
    expect(r.data).toMatchObject({ same: true, exact: false, alignment: 'calls', firstDifference: null, hunks: [] });
    expect(r.text).toContain('\nno difference\n');
    expect(r.data.summary.exitCode).toEqual({ a: 0, b: 0 });
    expect(r.data.summary.calls.find((c) => c.function === 'clock_time_get')).toEqual({ function: 'clock_time_get', a: 1010, b: 1010 });

    const exact = diff(a, b, '--exact');
    expect(exact.status).toBe(1);
    expect(exact.data.same).toBe(false);
    // The first clock reading whose value the guest sees: a realtime one, at record 1 of each.
    const first = exact.data.firstDifference!;
    expect([first.a!.offset, first.b!.offset]).toEqual([1, 1]);
    expect(first.a!.call).toMatch(/^clock_time_get\(id=REALTIME, precision=1\) = ESUCCESS \(time=\d+\)$/);
    expect(first.a!.call).toBe(trace(a).lines![1]);
    expect(first.b!.call).toBe(trace(b).lines![1]);
    expect(exact.data.hunks.flatMap((h) => h.entries).filter((e) => e.op === 'changed').every((e) => /^clock_time_get/.test(e.a!.call))).toBe(true);
  });

  it('a sleep until an absolute time: the deadline (a clock value) is compared by kind, unless --exact', () => {
    const a = record([join(C, 'sleep_until.wasm')]);
    const b = record([join(C, 'sleep_until.wasm')]);
    const abstime = trace(a).lines!.filter((l) => l.startsWith('poll_oneoff(') && l.includes('ABSTIME'));
    expect(abstime).toHaveLength(1);
    const r = diff(a, b);
    expect(r.data.hunks, r.text).toEqual([]);
    expect(r.status).toBe(0);
    const exact = diff(a, b, '--exact', '--context', '0');
    expect(exact.status).toBe(1);
    const polls = exact.data.hunks.flatMap((h) => h.entries).filter((e) => e.a?.call.startsWith('poll_oneoff(') || e.b?.call.startsWith('poll_oneoff('));
    expect(polls.map((e) => e.a?.call ?? e.b!.call).every((c) => c.includes('ABSTIME'))).toBe(true);
    expect(polls.length).toBeGreaterThan(0);
  });

  it('random bytes and a file\'s host identities and times are compared by kind, unless --exact', () => {
    const r1 = [record([join(C, 'random.wasm')]), record([join(C, 'random.wasm')])];
    expect(diff(...r1).status).toBe(0);
    const exact = diff(...r1, '--exact', '--context', '0');
    expect(exact.status).toBe(1);
    expect(new Set(exact.data.hunks.flatMap((h) => h.entries).map((e) => e.a?.call.split('(')[0]))).toEqual(new Set(['random_get']));

    const dirs = [join(top, 'w1'), join(top, 'w2')];
    const runs = dirs.map((d) => {
      fs.mkdirSync(d);
      fs.writeFileSync(join(d, 'seed.txt'), 'seeded content\n');
      return record(['--dir', `${d}::/work`, join(C, 'files.wasm'), '/work']);
    });
    expect(diff(...runs).status).toBe(0);
    const files = diff(...runs, '--exact', '--context', '0');
    expect(files.status).toBe(1);
    const changed = new Set(files.data.hunks.flatMap((h) => h.entries).map((e) => e.a?.call.split('(')[0]));
    expect([...changed].every((f) => ['fd_filestat_get', 'path_filestat_get', 'fd_readdir'].includes(f!))).toBe(true);
    expect(changed).toContain('fd_readdir');
    expect(changed).toContain('path_filestat_get');
  });

  it('one extra call shifts what follows instead of making it differ; hunks with --context calls around them', () => {
    const w = (text: string): Step => ({ write: 1, bytes: `${text}\n` });
    const a = record([steps('a.wasm', [w('one'), { clock: 1 }, w('two'), w('three'), w('3.5'), w('four'), { clock: 0 }, w('five')])]);
    const b = record([steps('b.wasm', [w('one'), { clock: 1 }, { clock: 1 }, w('two'), w('three'), w('3.5'), w('FOUR'), { clock: 0 }, w('five')])]);
    const ta = trace(a);
    const tb = trace(b);
    const r = diff(a, b, '--context', '1');
    expect(r.status).toBe(1);
    // Where they first part: a's write of "two" against b's second clock reading, at their times.
    expect(r.data.firstDifference).toEqual({
      a: { offset: 2, time: ta[2]!.time, call: ta.lines![2] },
      b: { offset: 2, time: tb[2]!.time, call: tb.lines![2] },
    });
    const ops = (h: DiffResult['hunks'][number]) => h.entries.map((e) => `${e.op} ${e.a?.offset ?? '-'} ${e.b?.offset ?? '-'}`);
    expect(r.data.hunks.map((h) => [h.a, h.b, ops(h)])).toEqual([
      [{ start: 1, count: 2 }, { start: 1, count: 3 }, ['same 1 1', 'added - 2', 'same 2 3']],
      [{ start: 4, count: 3 }, { start: 5, count: 3 }, ['same 4 5', 'removed 5 -', 'added - 6', 'same 6 7']],
    ]);
    expect(r.text).toContain(`first difference: a record 2 (`);
    expect(r.text).toContain(`@@ -1,2 +1,3 @@\n  1 1  ${ta.lines![1]}\n+   2  ${tb.lines![2]}\n  2 3  ${ta.lines![2]}\n`);
    expect(r.text).toContain(`@@ -4,3 +5,3 @@\n  4 5  ${ta.lines![4]}\n- 5    ${ta.lines![5]}\n+   6  ${tb.lines![6]}\n  6 7  ${ta.lines![6]}\n`);
    // With the default context (3) the two hunks are one.
    expect(diff(a, b).data.hunks).toHaveLength(1);
    // The summary: calls per function, the output bytes that differ, the exit codes.
    expect(r.data.summary.calls).toEqual([
      { function: 'clock_time_get', a: 2, b: 3 },
      { function: 'fd_write', a: 6, b: 6 },
      { function: 'proc_exit', a: 1, b: 1 },
    ]);
    expect(r.data.summary.output.stdout).toEqual({ a: 28, b: 28, differing: 4, firstDifference: 18 });
    expect(r.data.summary.output.stderr).toEqual({ a: 0, b: 0, differing: 0, firstDifference: null });
    expect(r.text).toMatch(/summary:\n {2}FUNCTION +A +B\n {2}clock_time_get +2 +3\n {2}fd_write +6 +6\n {2}proc_exit +1 +1\n {2}stdout: a 28 B, b 28 B, 4 bytes differ \(from byte 18\)\n {2}stderr: a 0 B, b 0 B, the same\n {2}exit: a 0, b 0\n$/);

    // --function limits the comparison to those calls (the summary's output stays the whole process's).
    const clocks = diff(a, b, '--function', 'clock_time_get', '--context', '0');
    expect(clocks.status).toBe(1);
    expect(clocks.data.functions).toEqual(['clock_time_get']);
    expect(clocks.data.hunks.map(ops)).toEqual([['added - 2']]);
    expect(clocks.data.summary.calls).toEqual([{ function: 'clock_time_get', a: 2, b: 3 }]);
    expect(clocks.data.summary.output.stdout.differing).toBe(4);
    expect(diff(a, b, '--function', 'proc_exit').status).toBe(0);
  });

  it('a call answered otherwise is changed; different exit codes show in the summary', () => {
    const a = record([join(C, 'stdin_cat.wasm')], 'hello\n');
    const b = record([join(C, 'stdin_cat.wasm')], 'hallo\n');
    const r = diff(a, b, '--context', '0');
    expect(r.status).toBe(1);
    const entries = r.data.hunks.flatMap((h) => h.entries);
    expect(entries.map((e) => [e.op, e.a?.call.split('(')[0] ?? null, e.b?.call.split('(')[0] ?? null])).toEqual([
      ['changed', 'fd_read', 'fd_read'],
      ['removed', 'fd_write', null],
      ['added', null, 'fd_write'],
    ]);
    expect(r.text).toMatch(/\n- +\d+ +fd_read\(fd=0\) = ESUCCESS \(iovs=\[6 bytes "hello\\n"\], nread=6\)\n\+ +\d+ +fd_read\(fd=0\) = ESUCCESS \(iovs=\[6 bytes "hallo\\n"\], nread=6\)\n/);
    expect(r.data.summary.output.stdout).toEqual({ a: 6, b: 6, differing: 1, firstDifference: 1 });

    const e3 = record([join(C, 'exit_code.wasm'), '3']);
    const e4 = record([join(C, 'exit_code.wasm'), '4']);
    const exits = diff(e3, e4);
    expect(exits.status).toBe(1);
    expect(exits.data.summary.exitCode).toEqual({ a: 3, b: 4 });
    expect(exits.text).toContain('\n  exit: a 3, b 4\n');
    expect(exits.text).toMatch(/^a: [0-9a-f-]{36} {2}exit_code\.wasm \([0-9a-f]{12}\) {2}exited 3 {2}\d+ calls\n/);
  });

  it('two builds of a program (its bytes elsewhere in memory) make the same calls', () => {
    const prog: Step[] = [{ write: 1, bytes: 'same\n' }, { clock: 1 }, { random: 8 }, { write: 2, bytes: 'bytes\n' }];
    const a = record([steps('build1.wasm', prog, 0, 4096)]);
    const b = record([steps('build2.wasm', prog, 0, 20000)]);
    const r = diff(a, b);
    expect(r.data.a.module.digest).not.toBe(r.data.b.module.digest);
    expect(r.status).toBe(0);
    expect(r.data.same).toBe(true);
  });

  it('-o yaml gives the same data', () => {
    const a = record([join(C, 'hello.wasm')]);
    const b = record([join(C, 'exit_code.wasm'), '1']);
    const json = diff(a, b).data;
    const yaml = tc(['diff', '--registry', reg, '-o', 'yaml', a, b]);
    expect(yaml.status).toBe(1);
    expect(YAML.parse(yaml.stdout.toString())).toEqual(json);
  });

  it('exits 2 on trouble, with one line: unknown ids, bad options, a bad command line', () => {
    const a = record([join(C, 'hello.wasm')]);
    const cases: [string[], RegExp][] = [
      [[a, 'ffffffff'], /^tc: no process matches 'ffffffff'\n$/],
      [['ffffffff', a], /^tc: no process matches 'ffffffff'\n$/],
      [[a, a, '--function', 'write'], /^tc: --function write: not a wasi_snapshot_preview1 function\n$/],
      [[a, a, '--context', '-1'], /^tc: --context -1: expected a number of calls \(0 or more\)\n$/],
      [[a, a, '--context', 'some'], /^tc: --context some: expected a number of calls \(0 or more\)\n$/],
      [[a, a, '-o', 'xml'], /^tc: option '-o, --output <format>' argument 'xml' is invalid/],
      [[a, a, '--colour'], /^tc: unknown option '--colour'\n$/],
      [[a], /^tc: missing required argument 'id-b'\n$/],
    ];
    for (const [args, message] of cases) {
      const r = tc(['diff', '--registry', reg, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString(), args.join(' ')).toMatch(message);
      expect(r.stdout.toString(), args.join(' ')).toBe('');
    }
    expect(tc(['diff', '--help']).status).toBe(0);
  });
});

describe('the alignment', () => {
  const m = { module: { name: 'm.wasm', digest: 'sha256:00' }, status: 'exited', exitCode: 0 } as unknown as Manifest;
  const write = (offset: number, text: string): DiffRecord => ({ offset, timestamp: offset * 1000, syscall: SYSCALL.fd_write, params: [1, 0, 1, 8], result: 0, inputs: [Buffer.from(text)], outputs: [Buffer.from([text.length, 0, 0, 0])] }) as never;
  const side = (id: string, texts: string[]) => ({ id, manifest: m, records: () => texts.map((t, i) => write(i, t)) });

  it('too many differences for its budget: position by position, still exact about what differs', () => {
    const a = Array.from({ length: 200 }, (_, i) => `line ${i}\n`);
    const b = a.map((t, i) => (i % 4 === 1 ? `other ${i}\n` : t));
    const aligned = diffProcesses(side('a', a), side('b', b), { context: 0 });
    const positions = diffProcesses(side('a', a), side('b', b), { context: 0, alignBudget: 100 });
    expect(aligned.alignment).toBe('calls');
    expect(positions.alignment).toBe('positions');
    // Both find the 50 replaced writes, each a removed and an added call.
    for (const r of [aligned, positions]) {
      expect(r.hunks).toHaveLength(50);
      expect(r.hunks.every((h) => h.entries.map((e) => e.op).join() === 'removed,added')).toBe(true);
      expect(r.hunks.map((h) => h.a.start)).toEqual(Array.from({ length: 50 }, (_, k) => 4 * k + 1));
    }
    // One call more besides: aligned, it is one call added; position by position, what follows it differs.
    const c = [...b.slice(0, 10), 'inserted\n', ...b.slice(10)];
    const ops = (r: DiffResult) => r.hunks.flatMap((h) => h.entries.map((e) => e.op));
    const count = (r: DiffResult, op: string) => ops(r).filter((o) => o === op).length;
    const shifted = diffProcesses(side('a', a), side('c', c), { context: 0 });
    expect([shifted.alignment, count(shifted, 'removed'), count(shifted, 'added')]).toEqual(['calls', 50, 51]);
    const unshifted = diffProcesses(side('a', a), side('c', c), { context: 0, alignBudget: 100 });
    expect(unshifted.alignment).toBe('positions');
    expect(count(unshifted, 'removed')).toBeGreaterThan(150);
  });
});
