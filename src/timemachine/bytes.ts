/**
 * Copying bytes into or out of shared memory (the ring between the guest's thread and the log-writing
 * thread is a SharedArrayBuffer).
 *
 * V8 copies to or from a SharedArrayBuffer with relaxed atomic loads and stores: eight bytes at a time
 * when the source and the destination are equally aligned (modulo 8), else one byte at a time. A
 * record's data lands wherever the record's header ends, so most long copies are the slow kind:
 * 64 MiB in 64 KiB copies from guest memory into the ring took ~50 ms, against ~10 ms aligned.
 * {@link copyBytes} goes through a scratch buffer instead, placed so that the copy on the shared side
 * is aligned; the other copy, between unshared buffers, is a plain memcpy whatever the alignment
 * (together ~13 ms for the same 64 MiB).
 *
 * Also the checksum of batches, {@link crc32}.
 */
import { crc32 as zlibCrc32, deflateRawSync } from 'node:zlib';

/** Copies shorter than this (bytes) are made directly: two copies cost more than the slow path. */
const SCRATCH_MIN = 1024;
/** Copies go through the scratch buffer in chunks of this many bytes (kept in the core's cache). */
const CHUNK = 1 << 18;

/** Off-heap (so its start is aligned to at least 8), with room for any offset modulo 8. */
const scratch = new Uint8Array(CHUNK + 8);

const isShared = (a: Uint8Array): boolean => a.buffer instanceof SharedArrayBuffer;

/**
 * Copy `len` bytes of `src` from index `from` to `dst` at index `at` (as `dst.set(src.subarray(from,
 * from + len), at)`; the two ranges must not overlap).
 */
export function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, len: number): void {
  const d = dst.byteOffset + at;
  const s = src.byteOffset + from;
  if (len < SCRATCH_MIN || ((d - s) & 7) === 0) {
    dst.set(src.subarray(from, from + len), at);
    return;
  }
  const dstShared = isShared(dst);
  // Both shared: one of the two copies would be misaligned anyway. Neither: memcpy.
  if (dstShared === isShared(src)) {
    dst.set(src.subarray(from, from + len), at);
    return;
  }
  for (let done = 0; done < len; ) {
    const n = Math.min(CHUNK, len - done);
    // The scratch copy lines up with the shared side.
    const k = (dstShared ? d + done : s + done) & 7;
    scratch.set(src.subarray(from + done, from + done + n), k);
    dst.set(scratch.subarray(k, k + n), at + done);
    done += n;
  }
}

/** Bytes summed by {@link crc32} before it sets zlib up for its fast CRC-32. */
const FAST_CRC_AFTER = 4 * 1024 * 1024;
let summed = 0;

/**
 * zlib's CRC-32 of `bytes`, continuing from `value`. zlib uses the CPU's carry-less multiplication
 * (~3.3 GB/s here, against ~1.9) only once a deflate or inflate stream has been set up in the
 * process, and the first one costs ~1.3 ms: this sets one up once 4 MiB have been summed here (a
 * reader of large stored batches, or the writer of one).
 */
export function crc32(bytes: Uint8Array, value = 0): number {
  if (summed < FAST_CRC_AFTER && (summed += bytes.length) >= FAST_CRC_AFTER) deflateRawSync(new Uint8Array(0), { level: 1, memLevel: 1, windowBits: 9 });
  return zlibCrc32(bytes, value);
}
