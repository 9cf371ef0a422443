/**
 * Reading helpers of the generated replay functions (src/core/replayer.ts): each reads the
 * record at `b[p]` (the batch ends at `end`) and returns the position after what it read, or -1 when
 * the bytes are not what the call needs (another value, truncated bytes). A -1 sends the call down
 * the general path, which names the divergence or the damage.
 *
 * Layout of a record: src/core/codec.ts and docs/log-format.md.
 */
import type { GuestMemory } from './capture.js';
import { clamp } from './emit.js';

/** Where the helpers leave what they read besides the position. */
export const read = { value: 0, at: 0 };

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A native comparison of two byte arrays of the same length, where the platform has one. */
let nativeEqual: ((a: Uint8Array, b: Uint8Array) => boolean) | null = null;

/**
 * Compare long runs of bytes with `equal` (on Node, `Buffer.compare`): a byte loop runs interpreted in
 * a call made a few times only (flite's 88 KB of WAV written in a few calls took ~4 ms of its replay
 * to check that way). Without it, a portable loop compares them.
 */
export function useNativeEqual(equal: (a: Uint8Array, b: Uint8Array) => boolean): void {
  nativeEqual = equal;
}

/** Whether `len` bytes of `a` at `i` equal those of `b` at `j`. */
export function sameBytes(a: Uint8Array, i: number, b: Uint8Array, j: number, len: number): boolean {
  if (len >= 64 && nativeEqual !== null) return nativeEqual(a.subarray(i, i + len), b.subarray(j, j + len));
  for (let k = 0; k < len; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/** A varint: its value goes to `read.value`. */
export function rv(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (p >= end) return -1;
    const c = b[p++]!;
    v += (c & 0x7f) * mul;
    if (c < 0x80) break;
    mul *= 0x80;
    if (mul > 2 ** 56) return -1;
  }
  read.value = v;
  return p;
}

/** A varint equal to `x` (a u32 param). */
export function eqU32(b: Uint8Array, p: number, end: number, x: number): number {
  if (p < end && b[p]! < 0x80) return b[p] === x ? p + 1 : -1;
  p = rv(b, p, end);
  return p >= 0 && read.value === x ? p : -1;
}

/** A varint equal to the u64 param `x` below 2^53 (larger values take the general path). */
export function eqU64(b: Uint8Array, p: number, end: number, x: bigint | number): number {
  const n = Number(x);
  if (!(n >= 0 && n <= MAX_SAFE)) return -1;
  return eqU32(b, p, end, n);
}

/** A varint equal to the u64 param of halves `lo`, `hi` (see src/core/split.ts) below 2^53. */
export function eqU64Halves(b: Uint8Array, p: number, end: number, lo: number, hi: number): number {
  const h = hi >>> 0;
  if (h >= 0x200000) return -1;
  return eqU32(b, p, end, h * 4294967296 + (lo >>> 0));
}

/** A zigzag varint equal to the `filedelta` param `x` (small values; others take the general path). */
export function eqZigzag(b: Uint8Array, p: number, end: number, x: bigint | number): number {
  const n = Number(x);
  if (!(n >= -(2 ** 51) && n <= 2 ** 51)) return -1;
  return eqU32(b, p, end, n >= 0 ? 2 * n : -2 * n - 1);
}

/** A blob holding exactly the `len` bytes of `u8` at `ptr`. */
export function eqBlob(b: Uint8Array, p: number, end: number, u8: Uint8Array, ptr: number, len: number): number {
  p = rv(b, p, end);
  if (p < 0 || read.value !== len || p + len > end) return -1;
  return sameBytes(b, p, u8, ptr, len) ? p + len : -1;
}

/** A blob holding exactly the bytes of an iovec array (as the recorder gathers them); its data starts at `read.at`, `read.value` long. */
export function eqGather(b: Uint8Array, p: number, end: number, m: GuestMemory, iovs: number, n: number, total: number): number {
  p = rv(b, p, end);
  if (p < 0 || read.value !== total || p + total > end) return -1;
  const at = p;
  const size = m.u8.length;
  const v = m.view;
  const u8 = m.u8;
  let left = total;
  for (let i = 0; i < n && left > 0; i++) {
    const e = iovs + i * 8;
    const ptr = v.getUint32(e, true);
    let k = clamp(size, ptr, v.getUint32(e + 4, true));
    if (k > left) k = left;
    if (!sameBytes(b, p, u8, ptr, k)) return -1;
    p += k;
    left -= k;
  }
  read.at = at;
  read.value = total;
  return p;
}

/** Any blob: its data starts at `read.at`, `read.value` long. */
export function blob(b: Uint8Array, p: number, end: number): number {
  p = rv(b, p, end);
  if (p < 0 || p + read.value > end) return -1;
  read.at = p;
  return p + read.value;
}
