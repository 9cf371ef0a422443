/**
 * tc replay --inspect, --inspect-brk, --break-at and --break-on, driven as a debugger drives them:
 * through the inspector's protocol (test/helpers/inspector.ts), from outside the replaying process.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectFlags } from '../src/cli/main.js';
import { debugRun, type Cdp, type Paused } from './helpers/inspector.js';
import { splitId, tc, tempDir } from './helpers/run.js';
import { writeWat } from './helpers/wat.js';

/**
 * `$main` calls `$tick` with 0 to 4; `$tick` puts its digit into "tick N\n", reads the clock and
 * writes the line: record 2n is tick n's clock reading, 2n + 1 its write; `_start` returns.
 */
const TICKS = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "tick 0\\n")
  (func $tick (param $n i32)
    (i32.store8 (i32.const 69) (i32.add (i32.const 48) (local.get $n)))
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $main (local $i i32)
    (loop $next
      (call $tick (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 5)))))
  (export "_start" (func $main)))`;

const OUTPUT = 'tick 0\ntick 1\ntick 2\ntick 3\ntick 4\n';

let reg: string;
let id: string;
/** `tc trace`'s lines of the process. */
let traced: string[];

beforeAll(() => {
  const top = tempDir();
  reg = join(top, 'reg');
  const r = tc(['run', '--registry', reg, writeWat(top, 'ticks.wasm', TICKS, { names: true })]);
  expect(r.stdout.toString()).toBe(OUTPUT);
  id = splitId(r.stderr).id;
  traced = tc(['trace', '--registry', reg, id]).stdout.toString().trimEnd().split('\n');
  expect(traced).toHaveLength(10);
});

/** What a pause shows, as data: the frames (function, script, position), the break's locals, the guest's. */
interface Seen {
  frames: string[];
  locals: Record<string, unknown>;
  params?: Record<string, unknown>;
  wasm?: { fn: string; locals: Record<string, unknown> }[];
  /** "tick N\n" in the guest's memory, as the debugger reads it. */
  memory?: string;
}

const urlOf = (f: Paused['callFrames'][number], cdp: Cdp) => f.url || cdp.scripts.get(f.location.scriptId) || '';

/** Read what `paused` shows through the protocol. */
async function see(paused: Paused, cdp: Cdp): Promise<Seen> {
  const frames = paused.callFrames;
  const top = frames[0]!;
  const seen: Seen = {
    frames: frames.map((f) => `${f.functionName} ${urlOf(f, cdp).replace(/^file:.*\//, '')}:${f.location.lineNumber}:${f.location.columnNumber}`),
    locals: await cdp.properties(top.scopeChain[0]!.object.objectId!),
  };
  if (top.functionName !== 'tcBreak') return seen;
  seen.params = await cdp.properties((await cdp.objects(top.scopeChain[0]!.object.objectId!)).params!);
  const wasm = frames.filter((f) => urlOf(f, cdp).startsWith('wasm://'));
  seen.wasm = await Promise.all(wasm.map(async (f) => ({ fn: f.functionName, locals: await cdp.wasmLocals(f.scopeChain.find((s) => s.type === 'local')!.object.objectId!) })));
  // The linear memory, from the module scope of the innermost wasm frame.
  const module = wasm[0]!.scopeChain.find((s) => s.type === 'module')!.object.objectId!;
  const memories = await cdp.objects((await cdp.objects(module)).memories!);
  const memory = Object.values(memories)[0]!;
  const r = await cdp.send<{ result: { value: number[] } }>('Runtime.callFunctionOn', { objectId: memory, functionDeclaration: 'function () { return [...new Uint8Array(this.buffer, 64, 7)]; }', returnByValue: true });
  seen.memory = Buffer.from(r.result.value).toString('latin1');
  return seen;
}

describe('tc replay --break-at', () => {
  it("pauses just before record N's call, in the import, with the guest's wasm frames, locals and memory below; the same every time", async () => {
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const seen: Seen[] = [];
      const r = await debugRun(['replay', '--registry', reg, '--inspect-brk=127.0.0.1:0', '--break-at', '7', id], async (p, cdp) => void seen.push(await see(p, cdp)));
      expect(r.status, r.stderr).toBe(0);
      // The replay went on to its end once resumed.
      expect(r.stdout).toBe(OUTPUT);
      expect(r.stderr).toMatch(/^Debugger listening on ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+\n/);
      expect(r.stderr).toMatch(/\ntc: to debug the replay, attach Chrome \(chrome:\/\/inspect, "Configure\.\.\.": 127\.0\.0\.1:\d+\) or VS Code/);
      runs.push(seen);
    }
    const [first, second] = runs;
    // --inspect-brk: first before the guest starts, then the break.
    expect(first!.map((s) => s.frames[0]!.split(' ')[0])).toEqual(['tcStart', 'tcBreak']);
    expect(first![0]!.locals).toEqual({ guest: expect.stringContaining(`process ${id}, module ticks.wasm`) });
    expect(first![0]!.frames.some((f) => f.includes('wasm://'))).toBe(false);

    const brk = first![1]!;
    expect(brk.locals).toEqual({ record: 7, fn: 'fd_write', params: 'Object', recorded: traced[7] });
    expect(traced[7]).toBe('fd_write(fd=1, iovs=[7 bytes "tick 3\\n"]) = ESUCCESS (nwritten=7) [stdout]');
    expect(brk.params).toEqual({ fd: 1, iovs: 0, iovs_len: 1, nwritten: 8 });
    // Below the break: the import the guest called, then its functions, innermost first.
    expect(brk.wasm!.map((w) => w.fn)).toEqual(['$tick', '$main']);
    expect(brk.frames.findIndex((f) => f.startsWith('$tick wasm://wasm/'))).toBeGreaterThan(0);
    expect(brk.wasm![0]!.locals).toEqual({ $n: 3 });
    expect(brk.wasm![1]!.locals).toEqual({ $i: 3 });
    expect(brk.memory).toBe('tick 3\n');
    // The same state on the second run: frames (function, script, position), locals, memory.
    expect(second).toEqual(first);
  });

  it('without a debugger it is a debugger statement: the replay runs through', () => {
    const r = tc(['replay', '--registry', reg, '--break-at', '7', '--break-on', 'fd_write', id]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(OUTPUT);
    expect(r.stderr.toString()).toBe('');
  });
});

describe('tc replay --break-on', () => {
  it('pauses before each call of the function, and the debugger waits for --inspect without -brk', async () => {
    const seen: Seen[] = [];
    const r = await debugRun(['replay', '--registry', reg, '--inspect=127.0.0.1:0', '--break-on', 'fd_write', id], async (p, cdp) => void seen.push(await see(p, cdp)));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(OUTPUT);
    expect(r.stderr).toContain('tc: waiting for the debugger\n');
    // No pause before the guest starts without -brk; one before each write, records 1, 3, 5, 7, 9.
    expect(seen.map((s) => s.locals.record)).toEqual([1, 3, 5, 7, 9]);
    expect(seen.map((s) => s.locals.fn)).toEqual(Array(5).fill('fd_write'));
    expect(seen.map((s) => s.memory)).toEqual(['tick 0\n', 'tick 1\n', 'tick 2\n', 'tick 3\n', 'tick 4\n']);
    expect(seen.map((s) => s.locals.recorded)).toEqual([1, 3, 5, 7, 9].map((n) => traced[n]));
  });

  it('with --break-at: a record both name pauses once', async () => {
    const records: unknown[] = [];
    const r = await debugRun(['replay', '--registry', reg, '--inspect=127.0.0.1:0', '--break-on', 'clock_time_get', '--break-at', '2', id], async (p, cdp) => void records.push((await see(p, cdp)).locals.record));
    expect(r.status).toBe(0);
    expect(records).toEqual([0, 2, 4, 6, 8]);
  });
});

describe('bad input', () => {
  it('is one line and a non-zero exit, before anything runs', () => {
    const cases: [string[], number, RegExp][] = [
      [['--break-at', '10', id], 251, new RegExp(`^tc: --break-at 10: process ${id} has 10 records \\(0 to 9\\)\\n$`)],
      [['--break-at', '-1', id], 251, /^tc: --break-at -1: expected a record offset \(0 or more\)\n$/],
      [['--break-at', 'end', id], 251, /^tc: --break-at end: expected a record offset \(0 or more\)\n$/],
      [['--break-on', 'write', id], 251, /^tc: --break-on write: not a wasi_snapshot_preview1 function\n$/],
      [['--inspect=localhost:99999', id], 251, /^tc: --inspect=localhost:99999: expected \[HOST:\]PORT, as 127\.0\.0\.1:9229\n$/],
      [['--inspect-brk=a:b:1', id], 251, /^tc: --inspect-brk=a:b:1: expected \[HOST:\]PORT, as 127\.0\.0\.1:9229\n$/],
      [['--break-at', '1', 'ffffffff'], 250, /^tc: no process matches 'ffffffff'\n$/],
      // Checked before the inspector opens and waits for a debugger.
      [['--inspect-brk=127.0.0.1:0', '--break-at', '10', id], 251, /^tc: --break-at 10: process [0-9a-f-]{36} has 10 records \(0 to 9\)\n$/],
      [['--inspect=127.0.0.1:0', '--break-on', 'exit', id], 251, /^tc: --break-on exit: not a wasi_snapshot_preview1 function\n$/],
    ];
    for (const [args, status, message] of cases) {
      const r = tc(['replay', '--registry', reg, ...args]);
      expect(r.status, args.join(' ')).toBe(status);
      expect(r.stderr.toString(), args.join(' ')).toMatch(message);
      expect(r.stdout.toString(), args.join(' ')).toBe('');
    }
  });

  it('--inspect and --inspect-brk alone take no value: the next word is the process id', () => {
    expect(inspectFlags(['replay', '--inspect', id])).toEqual(['replay', '--inspect=', id]);
    expect(inspectFlags(['replay', '--inspect-brk', '--break-at', '1', id])).toEqual(['replay', '--inspect-brk=', '--break-at', '1', id]);
    expect(inspectFlags(['replay', '--inspect=0', id])).toEqual(['replay', '--inspect=0', id]);
    expect(inspectFlags(['run', 'app.wasm', '--inspect'])).toEqual(['run', 'app.wasm', '--inspect']);
    // On Node's default port, 9229: it replays, or (the port taken) says it could not listen there.
    const r = tc(['replay', '--registry', reg, '--inspect', id]);
    if (r.status === 0) expect(r.stdout.toString()).toBe(OUTPUT);
    else expect([r.status, r.stderr.toString()]).toEqual([250, expect.stringMatching(/\ntc: --inspect: the inspector could not listen on 127\.0\.0\.1:9229\n$/)]);
  });
});
