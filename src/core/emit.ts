/**
 * Encoding helpers shared by the generated recorder functions (src/timemachine/recorder.ts): each
 * writes at `b[p]` and returns the new end. Callers reserve the room first (see {@link RecordSink}):
 * a varint takes at most 10 bytes, a blob its length plus 5.
 *
 * Layout of a record: src/core/codec.ts and docs/log-format.md.
 */
import type { GuestMemory } from './capture.js';
import { copyBytes } from './bytes.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Unsigned LEB128 of an integer in [0, 2^53). */
export function vu(b: Uint8Array, p: number, v: number): number {
  while (v > 0x7f) {
    b[p++] = (v & 0x7f) | 0x80;
    v = v > 0xffffffff ? Math.floor(v / 128) : v >>> 7;
  }
  b[p++] = v;
  return p;
}

/** Unsigned LEB128 of a bigint in [0, 2^64). */
function vbig(b: Uint8Array, p: number, v: bigint): number {
  while (v > 0x7fn) {
    b[p++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  b[p++] = Number(v);
  return p;
}

/** An i64 param other than `filedelta`: as a u64 (wasm hands i64 to JS as a signed bigint). */
export function vu64(b: Uint8Array, p: number, v: bigint | number): number {
  const n = Number(v);
  if (n >= 0 && n <= MAX_SAFE) return vu(b, p, n);
  return vbig(b, p, BigInt.asUintN(64, BigInt(v)));
}

/** A `filedelta` param: signed, zigzag-encoded as a u64. */
export function vzz(b: Uint8Array, p: number, v: bigint | number): number {
  const n = Number(v);
  if (n >= -(2 ** 51) && n <= 2 ** 51) return vu(b, p, n >= 0 ? 2 * n : -2 * n - 1);
  const s = BigInt.asIntN(64, BigInt(v));
  return vbig(b, p, BigInt.asUintN(64, (s << 1n) ^ (s >> 63n)));
}

/** `len` clamped so that (ptr, len) stays inside memory of `size` bytes. */
export function clamp(size: number, ptr: number, len: number): number {
  const max = size - ptr;
  return max <= 0 ? 0 : len < max ? len : max;
}

/** The u32 at `ptr`, or 0 when it is outside memory. */
export function u32At(m: GuestMemory, ptr: number): number {
  return ptr + 4 <= m.u8.length ? m.view.getUint32(ptr, true) : 0;
}

/** Total bytes of an (c)iovec array, each entry clamped to memory (entries outside memory count 0). */
export function iovTotal(m: GuestMemory, iovs: number, n: number): number {
  const size = m.u8.length;
  const v = m.view;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = iovs + i * 8;
    if (e + 8 > size) break;
    total += clamp(size, v.getUint32(e, true), v.getUint32(e + 4, true));
  }
  return total;
}

// A DataView over the last destination buffer, for copies four bytes at a time.
let viewOf: Uint8Array = new Uint8Array(0);
let view: DataView = new DataView(new ArrayBuffer(0));

/**
 * Copy `len` bytes of `src` (viewed by `sv`) at `off` to `b` at `p`. In JavaScript a byte loop costs
 * ~10 instructions a byte and `set` needs a `subarray` (an allocation): short copies go four bytes at
 * a time through DataViews, long ones through `set` (see src/core/bytes.ts).
 */
export function copy(b: Uint8Array, p: number, src: Uint8Array, sv: DataView, off: number, len: number): void {
  if (len > 256) {
    copyBytes(b, p, src, off, len);
    return;
  }
  if (b !== viewOf) {
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    viewOf = b;
  }
  let i = 0;
  for (; i + 4 <= len; i += 4) view.setUint32(p + i, sv.getUint32(off + i, true), true);
  for (; i < len; i++) b[p + i] = src[off + i]!;
}

/** A blob: varint `len`, then `len` bytes of `src` at `off`. */
export function blob(b: Uint8Array, p: number, src: Uint8Array, off: number, len: number): number {
  if (len < 0x80) b[p++] = len;
  else p = vu(b, p, len);
  if (len <= 8) {
    for (let i = 0; i < len; i++) b[p + i] = src[off + i]!;
  } else b.set(src.subarray(off, off + len), p);
  return p + len;
}

/** A blob of guest memory (`m`): varint `len`, then `len` bytes at `off`. */
export function memBlob(b: Uint8Array, p: number, m: GuestMemory, off: number, len: number): number {
  if (len < 0x80) b[p++] = len;
  else p = vu(b, p, len);
  copy(b, p, m.u8, m.view, off, len);
  return p + len;
}

/** A blob of the first `len` bytes an iovec array covers (as {@link iovTotal} counts them). */
export function gather(b: Uint8Array, p: number, m: GuestMemory, iovs: number, n: number, len: number): number {
  if (len < 0x80) b[p++] = len;
  else p = vu(b, p, len);
  const size = m.u8.length;
  const v = m.view;
  const u8 = m.u8;
  let left = len;
  for (let i = 0; i < n && left > 0; i++) {
    const e = iovs + i * 8;
    const at = v.getUint32(e, true);
    let k = clamp(size, at, v.getUint32(e + 4, true));
    if (k > left) k = left;
    copy(b, p, u8, v, at, k);
    p += k;
    left -= k;
  }
  return p;
}

/** Longest trap message a record keeps (UTF-8 bytes; longer messages are cut at a character). */
export const TRAP_MAX = 1024;

const enc = new TextEncoder();

/** The message of a host exception as a blob of at most {@link TRAP_MAX} bytes. */
export function trapMessage(b: Uint8Array, p: number, thrown: unknown): number {
  let msg = String((thrown as Error)?.message ?? thrown);
  if (msg.length > TRAP_MAX) msg = msg.slice(0, TRAP_MAX);
  let bytes = enc.encode(msg);
  while (bytes.length > TRAP_MAX) {
    msg = msg.slice(0, -1);
    bytes = enc.encode(msg);
  }
  return blob(b, p, bytes, 0, bytes.length);
}
