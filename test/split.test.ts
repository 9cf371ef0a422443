/**
 * The i64 adapters (src/core/split.ts): the JavaScript side gets every i64 as its two halves,
 * and a guest that imports clock_time_get with another signature than WASI's still links, records
 * and replays (without the adapter).
 */
import { describe, expect, it } from 'vitest';
import { joinI64, splitI64 } from '../src/core/split.js';
import { splitId, tc, tempDir } from './helpers/run.js';
import { writeWat } from './helpers/wat.js';

const VALUES = [0n, 1n, 0xffffffffn, 0x100000000n, 2n ** 53n + 1n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 0x1234567890abcdefn];

describe('splitI64', () => {
  it('hands each i64 over as its low and high halves, around i32 params, and joinI64 rejoins them', () => {
    const seen: number[][] = [];
    const f = splitI64(['i32', 'i64', 'i32', 'i64'], (...a: number[]) => {
      seen.push(a);
      return a[0]! + a[3]!;
    }) as unknown as (a: number, b: bigint, c: number, d: bigint) => number;
    for (const v of VALUES) {
      expect(f(7, v, -3, -v)).toBe(4);
      const [a, lo, hi, c, lo2, hi2] = seen.at(-1)!;
      expect([a, c]).toEqual([7, -3]);
      expect(joinI64(lo!, hi!)).toBe(BigInt.asIntN(64, v));
      expect(joinI64(lo2!, hi2!)).toBe(BigInt.asIntN(64, -v));
      expect(BigInt(lo! >>> 0)).toBe(BigInt.asUintN(64, v) & 0xffffffffn);
    }
  });

  it('makes a function with no result', () => {
    let got = 0n;
    const f = splitI64(['i64'], (lo: number, hi: number) => void (got = joinI64(lo, hi)), false) as unknown as (v: bigint) => unknown;
    expect(f(-5n)).toBeUndefined();
    expect(got).toBe(-5n);
  });
});

describe('a guest whose clock_time_get is not WASI’s signature', () => {
  it('records and replays without the adapter', () => {
    // clock_time_get declared with an i32 precision: it cannot link against the adapter's (i32, i64, i32).
    const dir = tempDir();
    const wasm = writeWat(
      dir,
      'odd.wasm',
      `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $clock (i32.const 1) (i32.const 0) (i32.const 64)))
    (call $exit (i32.wrap_i64 (i64.and (i64.load (i32.const 64)) (i64.const 0)))))
)`,
    );
    const reg = tempDir();
    const run = tc(['run', '--registry', reg, wasm]);
    expect(run.stderr.toString()).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(run.status).toBe(0);
    const { id } = splitId(run.stderr);
    const replay = tc(['replay', '--registry', reg, id]);
    expect(replay.stderr.toString()).toBe('');
    expect(replay.status).toBe(0);
  });
});
