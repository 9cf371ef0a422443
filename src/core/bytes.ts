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
 */

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
