/**
 * Every WASI preview1 function at the memory level, driven by one table of example calls
 * (test/helpers/example-calls.ts): the host's errno, exact bytes and untouched marker bytes; the record
 * each call becomes and how it reads back; replay without the host; trace lines; divergences; the
 * param codec.
 */
import * as fs from 'node:fs';
import fsDefault from 'node:fs';
import cryptoDefault from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFs } from '../src/host/fds.js';
import { ProcExit } from '../src/core/outcome.js';
import { ByteReader, ByteWriter, normalizeParam, RESULT_TRAP, type LogRecord } from '../src/core/codec.js';
import { DEFAULT_LIMITS, LogWriter } from '../src/timemachine/log.js';
import { logCursor } from '../src/log/files.js';
import { recordImports } from '../src/timemachine/recorder.js';
import { MemoryViews } from '../src/core/memory.js';
import { LogEndedError, ReplayDivergence, ReplayedTrap, replayImports } from '../src/core/replayer.js';
import { formatCall, formatRecord } from '../src/core/trace.js';
import { errno } from '../src/wasi/errno.js';
import { SIZEOF, SYSCALL, SYSCALL_NAMES, type ScalarType, type Syscall, type SyscallName } from '../src/wasi/syscalls.js';
import { ARGS, CallContext, createCallContext, ENV, EXAMPLE_CALLS, I64_MAX, I64_MIN, MEMORY_BYTES, newMemory, replayContext, U32_MAX, U64_MAX, type ExampleCall } from './helpers/example-calls.js';

type Imports = { readonly [K in SyscallName]: (...args: never[]) => number | void };
type Args = readonly (number | bigint)[];

/** What a call did: returned an errno, exited, or threw. */
type Outcome = { kind: 'errno'; errno: number } | { kind: 'exit'; code: number } | { kind: 'trap'; error: unknown };

function invoke(imports: Imports, fn: SyscallName, args: Args): Outcome {
  try {
    const r = (imports[fn] as (...a: Args) => number | void)(...args);
    return { kind: 'errno', errno: r as number };
  } catch (e) {
    if (e instanceof ProcExit) return { kind: 'exit', code: e.code };
    return { kind: 'trap', error: e };
  }
}

/** The outcome the example expects (a trap's error must be an instance of `trapClass`). */
function expectOutcome(o: Outcome, ex: ExampleCall, trapClass: abstract new (...a: never[]) => Error = Error): void {
  if (ex.exitCode !== undefined) {
    expect(o).toEqual({ kind: 'exit', code: ex.exitCode });
  } else if (ex.trap !== undefined) {
    expect(o.kind).toBe('trap');
    const err = (o as { error: unknown }).error;
    expect(err).toBeInstanceOf(trapClass);
    expect((err as Error).message).toMatch(ex.trap);
  } else {
    if (o.kind === 'trap') throw o.error;
    expect(o).toEqual({ kind: 'errno', errno: ex.expectErrno });
  }
}

const label = (ex: ExampleCall) => `${ex.fn}: ${ex.name}`;
const cases = EXAMPLE_CALLS.map((ex, i) => [label(ex), ex, i] as const);

/** Readings of the host's clocks just before a call (clock_time_get checks its result against them). */
function clocksNow(): CallContext['before'] {
  const u = process.cpuUsage();
  return { monotonic: process.hrtime.bigint(), realtime: BigInt(Date.now()) * 1_000_000n, cputime: BigInt(u.user + u.system) * 1000n };
}

/** The first offset where two memories differ, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

// ---- what the row of a syscall says the record holds, computed from guest memory on its own ----

const u32At = (m: Uint8Array, p: number) => (p >= 0 && p + 4 <= m.length ? new DataView(m.buffer, m.byteOffset).getUint32(p, true) : 0);
const arg = (sc: Syscall, a: Args, name: string) => Number(a[sc.index[name]!]) >>> 0;

/** The bytes of an (c)iovec array at `iovs`, in order, at most `limit`. */
function gathered(m: Uint8Array, iovs: number, n: number, limit = Infinity): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < n && total < limit; i++) {
    const buf = u32At(m, iovs + i * 8);
    const len = u32At(m, iovs + i * 8 + 4);
    const part = m.slice(buf, buf + Math.min(len, limit - total));
    parts.push(part);
    total += part.length;
  }
  return Uint8Array.from(Buffer.concat(parts));
}

function expectedInputs(sc: Syscall, a: Args, m: Uint8Array): Uint8Array[] {
  return sc.inputs.map((inp) => {
    switch (inp.kind) {
      case 'string':
        return m.slice(arg(sc, a, inp.ptr), arg(sc, a, inp.ptr) + arg(sc, a, inp.len));
      case 'ciovecs':
        return gathered(m, arg(sc, a, inp.iovs), arg(sc, a, inp.len));
      case 'subscriptions':
        return m.slice(arg(sc, a, inp.ptr), arg(sc, a, inp.ptr) + arg(sc, a, inp.count) * SIZEOF.subscription);
    }
  });
}

const enc = new TextEncoder();
const stringsBytes = (list: readonly string[]) => list.reduce((n, s) => n + enc.encode(s).length + 1, 0);

function expectedOutputs(sc: Syscall, a: Args, m: Uint8Array): Uint8Array[] {
  return sc.outputs.map((out) => {
    switch (out.kind) {
      case 'fixed':
        return m.slice(arg(sc, a, out.ptr), arg(sc, a, out.ptr) + out.size);
      case 'iovecs':
        return gathered(m, arg(sc, a, out.iovs), arg(sc, a, out.len), u32At(m, arg(sc, a, out.used)));
      case 'buffer': {
        const len = arg(sc, a, out.len);
        const used = out.used === undefined ? len : Math.min(len, u32At(m, arg(sc, a, out.used)));
        return m.slice(arg(sc, a, out.ptr), arg(sc, a, out.ptr) + used);
      }
      case 'events':
        // At most one event per subscription, whatever the count says.
        return m.slice(arg(sc, a, out.ptr), arg(sc, a, out.ptr) + Math.min(u32At(m, arg(sc, a, out.count)), arg(sc, a, 'nsubscriptions')) * SIZEOF.event);
      case 'strings': {
        const list = out.source === 'args' ? ARGS : ENV;
        return m.slice(arg(sc, a, out.ptr), arg(sc, a, out.ptr) + (out.part === 'list' ? list.length * 4 : stringsBytes(list)));
      }
    }
  });
}

const normalized = (sc: Syscall, a: Args) => sc.params.map((p, i) => normalizeParam(p.type, a[i]!));

function expectTrace(line: string | null, trace: string | RegExp): void {
  if (typeof trace === 'string') expect(line).toBe(trace);
  else expect(line).toMatch(trace);
}

// ---- a probe of host access: fs, randomness and clocks, counted while replaying ----

const FS_PATH_NAMES = [
  'openSync', 'statSync', 'lstatSync', 'readdirSync', 'readlinkSync', 'mkdirSync', 'rmdirSync', 'unlinkSync', 'renameSync',
  'linkSync', 'symlinkSync', 'utimesSync', 'lutimesSync', 'existsSync', 'readFileSync', 'writeFileSync',
] as const;
const FS_FD_NAMES = ['closeSync', 'readSync', 'writeSync', 'fstatSync', 'ftruncateSync', 'futimesSync', 'fsyncSync', 'fdatasyncSync'] as const;

/**
 * Run `f` and return every host access it made (each still goes through): fs calls, except on paths
 * inside `allowed` (the log being replayed) and on fds opened there; randomness; clocks.
 */
function hostAccesses(allowed: string, f: () => void): string[] {
  const seen: string[] = [];
  const allowedFds = new Set<number>();
  const restore: (() => void)[] = [];
  const wrap = <T extends object>(obj: T, key: keyof T & string, name: string, check: (args: unknown[], result: unknown) => boolean = () => false) => {
    const original = obj[key] as unknown as (...a: unknown[]) => unknown;
    (obj as Record<string, unknown>)[key] = function (this: unknown, ...a: unknown[]) {
      let result: unknown;
      try {
        result = original.apply(this, a);
      } finally {
        if (!check(a, result)) seen.push(name);
      }
      return result;
    };
    restore.push(() => ((obj as Record<string, unknown>)[key] = original));
  };
  const inside = (p: unknown) => (typeof p === 'string' || p instanceof URL) && resolve(String(p)).startsWith(`${allowed}/`) || p === allowed;
  for (const n of FS_PATH_NAMES) {
    wrap(fsDefault, n, `fs.${n}`, ([p], fd) => {
      if (!inside(p)) return false;
      if (n === 'openSync') allowedFds.add(fd as number);
      return true;
    });
  }
  const byFd = (n: string) => ([fd]: unknown[]) => {
    const ok = allowedFds.has(fd as number);
    if (n === 'closeSync') allowedFds.delete(fd as number);
    return ok;
  };
  for (const n of FS_FD_NAMES) wrap(fsDefault, n, `fs.${n}`, byFd(n));
  // The host's fds read and write through their own reference to node:fs's functions.
  for (const n of ['readSync', 'writeSync', 'readvSync', 'writevSync'] as const) wrap(hostFs, n, `fs.${n}`, byFd(n));
  wrap(cryptoDefault, 'randomFillSync', 'crypto.randomFillSync');
  wrap(globalThis.crypto, 'getRandomValues', 'crypto.getRandomValues');
  wrap(process.hrtime, 'bigint', 'process.hrtime.bigint');
  wrap(performance, 'now', 'performance.now');
  wrap(process, 'cpuUsage', 'process.cpuUsage');
  wrap(Date, 'now', 'Date.now');
  wrap(Math, 'random', 'Math.random');
  syncBuiltinESMExports();
  try {
    f();
  } finally {
    for (const r of restore.reverse()) r();
    syncBuiltinESMExports();
  }
  return seen;
}

// =====================================================================================================

describe('the example table', () => {
  it('covers every function of SYSCALLS', () => {
    const covered = new Set(EXAMPLE_CALLS.map((e) => e.fn));
    expect(SYSCALL_NAMES.filter((n) => !covered.has(n))).toEqual([]);
    expect(SYSCALL_NAMES.length).toBe(46);
  });

  it('names every example uniquely', () => {
    const labels = EXAMPLE_CALLS.map(label);
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
  });

  it('has a bad-fd case for every function that takes an fd first, and a success case for every function that can succeed', () => {
    const takesFd = SYSCALL_NAMES.filter((n) => SYSCALL[n].params[0]?.type === 'fd');
    const withBadFd = new Set(EXAMPLE_CALLS.filter((e) => e.expectErrno === errno.BADF).map((e) => e.fn));
    expect(takesFd.filter((n) => !withBadFd.has(n))).toEqual([]);
    const neverSucceed = new Set<SyscallName>(['proc_exit', 'proc_raise', 'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown']);
    const succeed = new Set(EXAMPLE_CALLS.filter((e) => e.expectErrno === 0 && e.exitCode === undefined).map((e) => e.fn));
    expect(SYSCALL_NAMES.filter((n) => !neverSucceed.has(n) && !succeed.has(n))).toEqual([]);
  });

  it('gives as many arguments as each row has params', () => {
    const ctx = replayContext();
    for (const ex of EXAMPLE_CALLS) expect(ex.args(ctx).length, label(ex)).toBe(SYSCALL[ex.fn].params.length);
  });
});

describe('host: errno and exact bytes in guest memory', () => {
  it.each(cases)('%s', (_, ex) => {
    const ctx = createCallContext();
    try {
      ex.hostSetup?.(ctx);
      ctx.fill();
      ex.setup?.(ctx);
      ctx.begin();
      ctx.before = clocksNow();
      const outcome = invoke(ctx.host.imports, ex.fn, ex.args(ctx));
      expectOutcome(outcome, ex);
      ex.expectMemory?.(ctx);
      ctx.finish();
      ex.expectHost?.(ctx);
    } finally {
      ctx.dispose();
    }
  });

  it('finish() notices a stray byte anywhere in memory', () => {
    const ctx = replayContext();
    ctx.fill();
    ctx.begin();
    ctx.u8[MEMORY_BYTES - 1] = 0;
    expect(() => ctx.finish()).toThrow(/changed at 0x1ffff: expected 0xaa \(marker\), got 0x0/);
  });
});

describe('record', () => {
  const logDir = fs.mkdtempSync(join(tmpdir(), 'tc-calls-log-'));
  const memory = newMemory();
  const views = new MemoryViews();
  views.bind(memory);
  let clock = 0;
  /** Fake ns since process start: 1000, 2000, ... */
  const now = () => (clock += 1000);

  interface Recorded {
    readonly ctx: CallContext;
    readonly args: Args;
    readonly timestamp: number;
    readonly outcome: Outcome;
    /** Guest memory before and after the call. */
    readonly before: Uint8Array;
    readonly after: Uint8Array;
  }
  const recorded: Recorded[] = [];
  /** The records read back, copied out of their batches. */
  const records: LogRecord[] = [];
  let writer: LogWriter;

  beforeAll(() => {
    // Small batches, so that reading crosses batch boundaries.
    writer = new LogWriter(logDir, { ...DEFAULT_LIMITS, batchRecords: 16 });
    for (const ex of EXAMPLE_CALLS) {
      const ctx = createCallContext(memory);
      ex.hostSetup?.(ctx);
      ctx.fill();
      ex.setup?.(ctx);
      const before = ctx.u8.slice();
      const imports = recordImports(ctx.host, writer, views, { now });
      const args = ex.args(ctx);
      const outcome = invoke(imports, ex.fn, args);
      recorded.push({ ctx, args, timestamp: clock, outcome, before, after: ctx.u8.slice() });
    }
    writer.close();
    const cursor = logCursor(logDir);
    for (let rec = cursor.nextRecord(); rec !== null; rec = cursor.nextRecord()) {
      records.push({ ...rec, inputs: rec.inputs.map((b) => b.slice()), outputs: rec.outputs.map((b) => b.slice()) });
    }
    expect(cursor.truncated).toBeNull();
  });

  afterAll(() => {
    for (const r of recorded) r.ctx.dispose();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  describe('→ read', () => {
    it('has one record per call, in order, over several batches', () => {
      expect(writer.recordCount).toBe(EXAMPLE_CALLS.length);
      expect(records.length).toBe(EXAMPLE_CALLS.length);
      expect(writer.segments.reduce((n, s) => n + s.batches, 0)).toBe(Math.ceil(EXAMPLE_CALLS.length / 16));
    });

    it.each(cases)('%s', (_, ex, i) => {
      const r = recorded[i]!;
      expectOutcome(r.outcome, ex);
      const rec = records[i]!;
      const sc = SYSCALL[ex.fn];
      expect(rec.offset).toBe(i);
      expect(rec.timestamp).toBe(r.timestamp);
      expect(rec.syscall.name).toBe(ex.fn);
      expect(rec.syscall.id).toBe(SYSCALL_NAMES.indexOf(ex.fn));
      expect(rec.params).toEqual(normalized(sc, r.args));
      if (ex.trap !== undefined) {
        expect(rec.result).toBe(RESULT_TRAP);
        expect(rec.trap).toBe(((r.outcome as { error: Error }).error).message);
      } else {
        expect(rec.result).toBe(ex.expectErrno);
        expect(rec.trap).toBeUndefined();
      }
      expect(rec.inputs).toEqual(expectedInputs(sc, r.args, r.before));
      expect(rec.outputs).toEqual(expectedOutputs(sc, r.args, r.after));
    });
  });

  describe('→ trace', () => {
    it.each(cases)('%s', (_, ex, i) => {
      expectTrace(formatRecord(records[i]!), ex.trace);
    });
  });

  describe('→ replay, without the host', () => {
    const memory2 = newMemory();
    const views2 = new MemoryViews();
    views2.bind(memory2);
    const replayed: { outcome: Outcome; after: Uint8Array }[] = [];
    let accesses: string[] = [];
    let imports: Imports;

    beforeAll(() => {
      for (const r of recorded) r.ctx.dispose();
      expect(recorded.some((r) => r.ctx.hostFilesExist())).toBe(false);
      imports = replayImports(logCursor(logDir), views2, { finished: true });
      const ctx = replayContext(memory2);
      accesses = hostAccesses(logDir, () => {
        for (let i = 0; i < EXAMPLE_CALLS.length; i++) {
          const ex = EXAMPLE_CALLS[i]!;
          ctx.fill();
          ex.setup?.(ctx);
          const outcome = invoke(imports, ex.fn, ex.args(ctx));
          replayed.push({ outcome, after: ctx.u8.slice() });
        }
      });
    });

    it.each(cases)('%s', (_, ex, i) => {
      const { outcome, after } = replayed[i]!;
      expectOutcome(outcome, ex, ReplayedTrap);
      if (ex.trap !== undefined) expect((outcome as { error: Error }).error.message).toBe(records[i]!.trap);
      const diff = firstDifference(after, recorded[i]!.after);
      expect(diff, diff < 0 ? '' : `replayed memory differs at 0x${diff.toString(16)}`).toBe(-1);
    });

    it('touches no file, clock or random source of the host', () => {
      expect(accesses).toEqual([]);
      expect(recorded.some((r) => r.ctx.hostFilesExist())).toBe(false);
    });

    it('the host-access probe does see the host', () => {
      const ctx = createCallContext();
      try {
        const seen = hostAccesses(logDir, () => {
          ctx.fill();
          ctx.iovecs(0x100, [[0x1000, 4]]);
          ctx.call('fd_filestat_get', 3, 0x300);
          ctx.call('fd_read', 0, 0x100, 1, 0x200);
          ctx.call('random_get', 0x1000, 4);
          ctx.call('clock_time_get', 1, 0n, 0x200);
        });
        expect([...new Set(seen)].sort()).toEqual(['crypto.randomFillSync', 'fs.readSync', 'fs.statSync', 'performance.now']);
      } finally {
        ctx.dispose();
      }
    });

    it('then reports the end of the log', () => {
      const ctx = replayContext(memory2);
      ctx.fill();
      let err: unknown;
      try {
        (imports.sched_yield as () => number)();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ReplayDivergence);
      const d = err as ReplayDivergence;
      expect([d.kind, d.offset, d.expected, d.actual]).toEqual(['end of log', EXAMPLE_CALLS.length, null, 'sched_yield()']);
      expect(d.message).toBe(`replay diverged at record ${EXAMPLE_CALLS.length}: end of log (the guest called sched_yield after the last record)`);
    });

    it('reports a log that ends early when the recording did not finish', () => {
      const cursor = logCursor(logDir);
      for (let i = 0; i < EXAMPLE_CALLS.length; i++) cursor.nextRecord();
      const early = replayImports(cursor, views2, { finished: false });
      expect(() => (early.sched_yield as () => number)()).toThrow(LogEndedError);
    });
  });

  describe('→ divergence', () => {
    /** Replay imports positioned at record `i`, and a fresh memory with example i's guest setup. */
    function replayAt(i: number) {
      const cursor = logCursor(logDir);
      for (let k = 0; k < i; k++) expect(cursor.nextRecord()).not.toBeNull();
      const memory3 = newMemory();
      const v = new MemoryViews();
      v.bind(memory3);
      const ctx = replayContext(memory3);
      ctx.fill();
      EXAMPLE_CALLS[i]!.setup?.(ctx);
      return { imports: replayImports(cursor, v, { finished: true }), ctx };
    }

    function divergence(imports: Imports, fn: SyscallName, args: Args): ReplayDivergence {
      const o = invoke(imports, fn, args);
      expect(o.kind).toBe('trap');
      const e = (o as { error: unknown }).error;
      expect(e).toBeInstanceOf(ReplayDivergence);
      return e as ReplayDivergence;
    }

    /** The same value changed: another number or bigint. */
    const changed = (v: number | bigint) => (typeof v === 'bigint' ? v ^ 1n : v ^ 1);

    it.each(cases)('%s: each param changed alone', (_, ex, i) => {
      const sc = SYSCALL[ex.fn];
      if (sc.params.length === 0) {
        // Nothing to change: a call without params diverges only by function (tested below).
        expect(ex.args(replayContext())).toEqual([]);
        return;
      }
      sc.params.forEach((p, j) => {
        const { imports, ctx } = replayAt(i);
        const args = [...ex.args(ctx)];
        args[j] = changed(args[j]!);
        const d = divergence(imports, ex.fn, args);
        expect(d.kind, p.name).toBe('unexpected param');
        expect(d.offset).toBe(i);
        expect(d.message).toBe(`replay diverged at record ${i}: unexpected param ${p.name}`);
        expectTrace(d.expected, ex.trace);
        expect(d.actual).toBe(formatCall(sc, normalized(sc, args), expectedInputs(sc, args, ctx.u8)));
      });
    });

    /** A replay context with example `ex`'s guest setup done. */
    function replayContextWithSetup(ex: (typeof EXAMPLE_CALLS)[number]) {
      const ctx = replayContext();
      ctx.fill();
      ex.setup?.(ctx);
      return ctx;
    }

    const withInput = cases.filter(([, ex]) => {
      const ctx = replayContextWithSetup(ex);
      return expectedInputs(SYSCALL[ex.fn], ex.args(ctx), ctx.u8).some((b) => b.length > 0);
    });

    /**
     * Addresses of input bytes to flip, one at a time: for an iovec array the first byte of its first
     * non-empty buffer, the middle byte of a buffer in the middle and the last byte of its last one;
     * for a string or subscriptions the first and the last byte.
     */
    function flips(sc: Syscall, args: Args, u8: Uint8Array, k: number, size: number): number[] {
      const inp = sc.inputs[k]!;
      if (inp.kind !== 'ciovecs') {
        const at = arg(sc, args, inp.ptr);
        return [...new Set([at, at + size - 1])];
      }
      const iovs = arg(sc, args, inp.iovs);
      const bufs: [number, number][] = [];
      for (let e = 0; e < arg(sc, args, inp.len); e++) {
        const len = u32At(u8, iovs + e * 8 + 4);
        if (len > 0) bufs.push([u32At(u8, iovs + e * 8), len]);
      }
      const [first, mid, last] = [bufs[0]!, bufs[Math.floor(bufs.length / 2)]!, bufs[bufs.length - 1]!];
      return [...new Set([first[0], mid[0] + Math.floor(mid[1] / 2), last[0] + last[1] - 1])];
    }

    it.each(withInput)('%s: changed input bytes (first, middle and last buffer)', (_, ex, i) => {
      const sc = SYSCALL[ex.fn];
      const inputs = expectedInputs(sc, ex.args(replayContextWithSetup(ex)), replayContextWithSetup(ex).u8);
      sc.inputs.forEach((inp, k) => {
        if (inputs[k]!.length === 0) return;
        const places = flips(sc, ex.args(replayContextWithSetup(ex)), replayContextWithSetup(ex).u8, k, inputs[k]!.length);
        for (const at of places) {
          const { imports, ctx } = replayAt(i);
          const args = ex.args(ctx);
          const before = expectedInputs(sc, args, ctx.u8);
          ctx.u8[at]! ^= 0xff;
          const d = divergence(imports, ex.fn, args);
          expect(d.kind, `${inp.name} at 0x${at.toString(16)}`).toBe('unexpected bytes');
          expect(d.offset).toBe(i);
          // The first input that differs is named.
          const now = expectedInputs(sc, args, ctx.u8);
          const first = now.findIndex((b, n) => !Buffer.from(b).equals(Buffer.from(before[n]!)));
          expect(d.message).toBe(`replay diverged at record ${i}: unexpected bytes ${sc.inputs[first]!.name}`);
          expectTrace(d.expected, ex.trace);
          expect(d.actual).toBe(formatCall(sc, normalized(sc, args), now));
        }
      });
    });

    it.each(cases)('%s: another function', (_, ex, i) => {
      const { imports } = replayAt(i);
      const other: SyscallName = ex.fn === 'sched_yield' ? 'proc_raise' : 'sched_yield';
      const args = other === 'sched_yield' ? [] : [6];
      const d = divergence(imports, other, args);
      expect(d.kind).toBe('unexpected syscall');
      expect(d.offset).toBe(i);
      expect(d.message).toBe(`replay diverged at record ${i}: unexpected syscall (expected ${ex.fn}, got ${other})`);
      expectTrace(d.expected, ex.trace);
      expect(d.actual).toBe(other === 'sched_yield' ? 'sched_yield()' : 'proc_raise(sig=6)');
    });

    it('prints both calls in its report', () => {
      const i = EXAMPLE_CALLS.findIndex((e) => e.fn === 'fd_write' && e.name === 'hello to stdout');
      const { imports, ctx } = replayAt(i);
      ctx.u8[0x1000 + 7] = 'w'.charCodeAt(0);
      const d = divergence(imports, 'fd_write', EXAMPLE_CALLS[i]!.args(ctx));
      expect(d.report()).toBe(
        `tc: replay diverged at record ${i}: unexpected bytes iovs\n` +
          '  expected: fd_write(fd=1, iovs=[14 bytes "Hello, World!\\n"]) = ESUCCESS (nwritten=14)\n' +
          '  actual:   fd_write(fd=1, iovs=[14 bytes "Hello, world!\\n"])\n',
      );
    });
  });
});

describe('param codec: ByteWriter.param → ByteReader.param', () => {
  /** Every ScalarType (a missing one is a compile error). */
  const TYPES: Record<ScalarType, 'u32' | 'u64' | 's64'> = {
    fd: 'u32', ptr: 'u32', size: 'u32', u8: 'u32', exitcode: 'u32', clockid: 'u32', advice: 'u32', fdflags: 'u32',
    fstflags: 'u32', whence: 'u32', lookupflags: 'u32', oflags: 'u32', signal: 'u32', riflags: 'u32', siflags: 'u32',
    sdflags: 'u32', timestamp: 'u64', filesize: 'u64', rights: 'u64', dircookie: 'u64', filedelta: 's64',
  };
  const U64 = (1n << 64n) - 1n;
  /** [value as a wasm engine hands it over, value decoded, LEB128 bytes (hex)]. */
  const VALUES = {
    u32: [
      [0, 0, '00'],
      [127, 127, '7f'],
      [128, 128, '8001'],
      [0x12345, 0x12345, 'c5c604'],
      [0x7fffffff, 0x7fffffff, 'ffffffff07'],
      [U32_MAX, 0xffffffff, 'ffffffff0f'],
    ],
    u64: [
      [0n, 0n, '00'],
      [1_000_000_000n, 1_000_000_000n, '8094ebdc03'],
      [(1n << 53n) - 1n, (1n << 53n) - 1n, 'ffffffffffffff0f'],
      [1n << 53n, 1n << 53n, '8080808080808010'],
      [I64_MAX, I64_MAX, 'ffffffffffffffff7f'],
      [I64_MIN, 1n << 63n, '80808080808080808001'],
      [U64_MAX, U64, 'ffffffffffffffffff01'],
    ],
    s64: [
      [0n, 0n, '00'],
      [-1n, -1n, '01'],
      [1n, 1n, '02'],
      [-1000n, -1000n, 'cf0f'],
      [I64_MAX, I64_MAX, 'feffffffffffffffff01'],
      [I64_MIN, I64_MIN, 'ffffffffffffffffff01'],
      [U64, -1n, '01'],
    ],
  } as const;

  const cases6 = Object.entries(TYPES).flatMap(([type, kind]) =>
    VALUES[kind].map(([v, want, hex]) => [`${type} ${String(v)}`, type as ScalarType, v as number | bigint, want as number | bigint, hex] as const),
  );

  it.each(cases6)('%s', (_, type, v, want, hex) => {
    const w = new ByteWriter(16);
    w.param(type, v);
    expect(Buffer.from(w.buf.subarray(0, w.pos)).toString('hex')).toBe(hex);
    expect(w.pos).toBeLessThanOrEqual(10);
    const r = new ByteReader(w.buf.subarray(0, w.pos));
    expect(r.param(type)).toBe(want);
    expect(r.done).toBe(true);
    expect(normalizeParam(type, v)).toBe(want);
  });

  it('round-trips the params of every example, back to back in one buffer', () => {
    const ctx = replayContext();
    const w = new ByteWriter(16);
    for (const ex of EXAMPLE_CALLS) {
      const sc = SYSCALL[ex.fn];
      const a = ex.args(ctx);
      w.ensure(10 * a.length);
      sc.params.forEach((p, i) => w.param(p.type, a[i]!));
    }
    const r = new ByteReader(w.buf.subarray(0, w.pos));
    for (const ex of EXAMPLE_CALLS) {
      const sc = SYSCALL[ex.fn];
      expect(sc.params.map((p) => r.param(p.type)), label(ex)).toEqual(normalized(sc, ex.args(ctx)));
    }
    expect(r.done).toBe(true);
  });
});

describe("clock_time_get's own recorder", () => {
  // clock_time_get has a hand-written recorder for realtime and monotonic (src/timemachine/recorder.ts);
  // the generated one still records everything else, and every call while a trace observer is set.
  const calls: readonly Args[] = [
    [1, 0n, 0x200],
    [0, 1000n, 0x208],
    [1, 1n, 0x7f],
    [1, 123_456_789n, 0x4000],
    [0, -1n, 0x210], // precision u64 max, as a signed i64
    [1, I64_MIN, MEMORY_BYTES - 8], // the last 8 bytes of memory
    [1, 0n, MEMORY_BYTES - 4], // the output overruns memory: a trap
    [1, 0n, -1], // ptr 0xffffffff
    [2, 0n, 0x220], // process cputime
    [7, 0n, 0x228], // no such clock
  ];

  interface Recording {
    readonly records: LogRecord[];
    readonly outcomes: Outcome[];
    /** Guest memory after the calls. */
    readonly memory: Uint8Array;
  }

  /**
   * Record `calls` twice on one host, with its own clock: through the hand-written recorder, then
   * through the generated one.
   */
  function recordBoth(): { own: Recording; gen: Recording } {
    const ctx = createCallContext();
    const views = new MemoryViews();
    views.bind(ctx.memory);
    const once = (generated: boolean): Recording => {
      const dir = fs.mkdtempSync(join(tmpdir(), 'tc-clock-rec-'));
      try {
        const writer = new LogWriter(dir);
        const imports = recordImports(ctx.host, writer, views, generated ? { onRecord: () => {} } : {});
        const outcomes = calls.map((args) => invoke(imports, 'clock_time_get', args));
        writer.close();
        const cursor = logCursor(dir);
        const records: LogRecord[] = [];
        for (let rec = cursor.nextRecord(); rec !== null; rec = cursor.nextRecord()) {
          records.push({ ...rec, outputs: rec.outputs.map((b) => b.slice()) });
        }
        return { records, outcomes, memory: ctx.u8.slice() };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    try {
      return { own: once(false), gen: once(true) };
    } finally {
      ctx.dispose();
    }
  }

  const u64 = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);

  const { own, gen } = recordBoth();

  it('makes the same records as the generated recorder', () => {
    expect(own.records.length).toBe(calls.length);
    expect(own.outcomes.map((o) => o.kind)).toEqual(gen.outcomes.map((o) => o.kind));
    for (let i = 0; i < calls.length; i++) {
      const a = own.records[i]!;
      const b = gen.records[i]!;
      expect(a.syscall.name).toBe('clock_time_get');
      expect(a.params, `call ${i}`).toEqual(b.params);
      expect(a.result, `call ${i}`).toBe(b.result);
      expect(a.trap, `call ${i}`).toBe(b.trap);
      expect(a.outputs.map((o) => o.length), `call ${i}`).toEqual(b.outputs.map((o) => o.length));
      // The value written is the host clock's base plus the record's own reading, in both.
      if (a.result === 0 && calls[i]![0]! <= 1) {
        const base = (r: LogRecord) => BigInt.asUintN(64, u64(r.outputs[0]!) - BigInt(r.timestamp));
        expect(base(a), `call ${i}`).toBe(base(b));
      }
    }
    expect(own.records.map((r) => r.result)).toEqual([0, 0, 0, 0, 0, 0, RESULT_TRAP, RESULT_TRAP, 0, errno.INVAL]);
  });

  it('writes the value into guest memory that it records', () => {
    for (let i = 0; i < 6; i++) {
      const ptr = (calls[i]![2] as number) >>> 0;
      expect(own.records[i]!.outputs[0]).toEqual(own.memory.subarray(ptr, ptr + 8));
    }
    // Monotonic values follow the record timestamps: one base for every monotonic record.
    const mono = own.records.filter((r, i) => i < 6 && calls[i]![0] === 1);
    const bases = new Set(mono.map((r) => BigInt.asUintN(64, u64(r.outputs[0]!) - BigInt(r.timestamp))));
    expect(bases.size).toBe(1);
  });
});
