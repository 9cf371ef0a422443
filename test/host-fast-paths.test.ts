/**
 * The host's shortcuts for calls that programs make often and that cost little on a native host:
 * random_get from a pool of CSPRNG bytes. Each is checked for what the guest sees and for what it asks
 * of the host.
 */
import * as fs from 'node:fs';
import cryptoDefault from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from '../src/host/host.js';
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

function setup() {
  const dir = tempDir();
  fs.writeFileSync(join(dir, 'f.txt'), 'Hello, World!\n');
  const host = createHost({ args: ['x'], env: [], preopens: [{ host: dir, guest: '/work' }] });
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
