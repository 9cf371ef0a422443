import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { copyBytes } from '../src/core/bytes.js';
import { sameBytes } from '../src/core/check.js';
import { crc32 } from '../src/log/zlib.js';
import { crc32 as portableCrc32 } from '../src/core/crc32.js';
import { useNativeEqual } from '../src/core/check.js';

const shared = (n: number) => new Uint8Array(new SharedArrayBuffer(n));
const plain = (n: number) => new Uint8Array(n);

describe('copyBytes', () => {
  // Lengths around the scratch threshold and past one chunk (256 KiB); offsets at every alignment.
  const lengths = [0, 1, 7, 1023, 1024, 1025, 65_536 + 3, (1 << 18) + 13, (1 << 19) + 5];
  const kinds = [
    ['plain', 'shared'],
    ['shared', 'plain'],
    ['shared', 'shared'],
    ['plain', 'plain'],
  ] as const;
  for (const [from, to] of kinds) {
    it(`copies ${from} memory to ${to} memory exactly, at any alignment`, () => {
      const data = new Uint8Array(randomBytes((1 << 19) + 64));
      const src = from === 'shared' ? shared(data.length) : plain(data.length);
      src.set(data);
      for (const len of lengths) {
        for (const [s, d] of [[0, 0], [0, 3], [5, 0], [1, 6], [7, 7], [2, 9]]) {
          const dst = to === 'shared' ? shared(len + 32) : plain(len + 32);
          dst.fill(0xee);
          copyBytes(dst, d!, src, s!, len);
          expect(Buffer.from(dst.subarray(d!, d! + len)).equals(Buffer.from(data.subarray(s!, s! + len)))).toBe(true);
          // Nothing outside the destination range is touched.
          expect(dst.subarray(0, d!).every((b) => b === 0xee)).toBe(true);
          expect(dst.subarray(d! + len).every((b) => b === 0xee)).toBe(true);
        }
      }
    });
  }

  it('copies between views that start inside their buffers', () => {
    const data = new Uint8Array(randomBytes(70_000));
    const srcBuf = shared(data.length + 11);
    const src = new Uint8Array(srcBuf.buffer, 3, data.length);
    src.set(data);
    const dst = new Uint8Array(new ArrayBuffer(data.length + 16), 5, data.length + 1);
    copyBytes(dst, 1, src, 0, data.length);
    expect(Buffer.from(dst.subarray(1)).equals(Buffer.from(data))).toBe(true);
  });
});

describe('crc32', () => {
  it("is zlib's CRC-32, before and after it sets zlib up for its fast one (after 4 MiB), and continues a value", () => {
    const data = new Uint8Array(randomBytes(1 << 20));
    for (let i = 0; i < 6; i++) {
      const part = data.subarray(i * 1000);
      expect(crc32(part)).toBe(zlibCrc32(part));
    }
    const sab = shared(data.length);
    sab.set(data);
    expect(crc32(sab.subarray(7))).toBe(zlibCrc32(data.subarray(7)));
    expect(crc32(data.subarray(5000), crc32(data.subarray(0, 5000)))).toBe(zlibCrc32(data));
  });
});

describe('the portable crc32 (src/core/crc32.ts)', () => {
  it("gives zlib's values at every length and alignment, and continues a value", () => {
    const data = new Uint8Array(randomBytes(70_000));
    for (const len of [0, 1, 7, 8, 9, 63, 64, 1000, 65_536]) {
      for (const at of [0, 1, 3, 5]) expect(portableCrc32(data.subarray(at, at + len)), `${len}@${at}`).toBe(zlibCrc32(data.subarray(at, at + len)));
    }
    expect(portableCrc32(data.subarray(12_345), portableCrc32(data.subarray(0, 12_345)))).toBe(zlibCrc32(data));
    expect(portableCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('sameBytes', () => {
  it.each([
    ['with the portable loop', null],
    ['with a native comparison handed over (Node: Buffer.compare)', (x: Uint8Array, y: Uint8Array) => Buffer.compare(x, y) === 0],
  ] as const)('tells equal runs from runs that differ in any one byte, short and long, %s', (_, native) => {
    if (native !== null) useNativeEqual(native);
    const a = new Uint8Array(randomBytes(5000));
    const b = new Uint8Array(6000);
    b.set(a, 700);
    for (const len of [0, 1, 63, 64, 65, 4096]) {
      expect(sameBytes(a, 100, b, 800, len)).toBe(true);
      for (const k of len === 0 ? [] : [0, len >> 1, len - 1]) {
        b[800 + k]! ^= 1;
        expect(sameBytes(a, 100, b, 800, len)).toBe(false);
        b[800 + k]! ^= 1;
      }
    }
    // A run past the end of one side is not equal.
    expect(sameBytes(a, 4990, b, 5690, 100)).toBe(false);
  });
});
