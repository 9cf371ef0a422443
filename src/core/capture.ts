/**
 * What the syscall table's inputs and outputs mean in guest memory, compiled once per row for the
 * general replay path (src/core/replayer.ts): capture of an input (guest memory ->
 * length-prefixed blob in a {@link ByteWriter}) to compare with the log, and apply of an output (blob
 * -> guest memory). They read memory exactly as the recorder's generated code does (pointers and
 * lengths as u32, every read clamped to the memory's size), through the same helpers (emit.ts).
 */
import { SIZEOF, type Input, type Output, type Syscall } from '../wasi/syscalls.js';
import type { ByteWriter } from './codec.js';
import { clamp, gather, iovTotal, memBlob } from './emit.js';

/** Guest memory as the capture functions see it. `u8` and `view` cover the same buffer. */
export interface GuestMemory {
  u8: Uint8Array;
  view: DataView;
}

/** The call's wasm arguments, by param index. */
export type Args = ArrayLike<number | bigint>;

/** Sizes the host knows for args_get / environ_get. */
export interface StringSizes {
  readonly args: { readonly count: number; readonly bytes: number };
  readonly environ: { readonly count: number; readonly bytes: number };
}

export type Capture = (w: ByteWriter, m: GuestMemory, a: Args) => void;
export type Apply = (blob: Uint8Array, m: GuestMemory, a: Args) => void;

const u32 = (v: number | bigint | undefined): number => Number(v) >>> 0;

/** Capture function of one input: the blob the recorder writes for it. */
export function compileInput(sc: Syscall, input: Input): Capture {
  const ix = sc.index;
  switch (input.kind) {
    case 'string': {
      const p = ix[input.ptr]!;
      const l = ix[input.len]!;
      return (w, m, a) => {
        const ptr = u32(a[p]);
        const len = clamp(m.u8.length, ptr, u32(a[l]));
        w.ensure(len + 10);
        w.pos = memBlob(w.buf, w.pos, m, ptr, len);
      };
    }
    case 'ciovecs': {
      const p = ix[input.iovs]!;
      const l = ix[input.len]!;
      return (w, m, a) => {
        const total = iovTotal(m, u32(a[p]), u32(a[l]));
        w.ensure(total + 10);
        w.pos = gather(w.buf, w.pos, m, u32(a[p]), u32(a[l]), total);
      };
    }
    case 'subscriptions': {
      const p = ix[input.ptr]!;
      const c = ix[input.count]!;
      return (w, m, a) => {
        const ptr = u32(a[p]);
        const len = clamp(m.u8.length, ptr, u32(a[c]) * SIZEOF.subscription);
        w.ensure(len + 10);
        w.pos = memBlob(w.buf, w.pos, m, ptr, len);
      };
    }
  }
}

/** Apply function of one output: write the recorded bytes back where the host wrote them. */
export function compileApply(sc: Syscall, output: Output): Apply {
  const ix = sc.index;
  if (output.kind === 'iovecs') {
    const p = ix[output.iovs]!;
    const l = ix[output.len]!;
    return (bytes, m, a) => scatter(bytes, 0, bytes.length, m, u32(a[p]), u32(a[l]));
  }
  const p = ix[output.ptr]!;
  return (bytes, m, a) => put(bytes, 0, bytes.length, m, u32(a[p]));
}

/** Write `len` bytes of `src` at `off` to memory at `ptr`, clamped as capture was (a pointer past the end recorded no bytes). */
export function put(src: Uint8Array, off: number, len: number, m: GuestMemory, ptr: number): void {
  const n = clamp(m.u8.length, ptr, len);
  if (n <= 128) {
    const u8 = m.u8;
    for (let i = 0; i < n; i++) u8[ptr + i] = src[off + i]!;
  } else m.u8.set(src.subarray(off, off + n), ptr);
}

const TWO32 = 4294967296;

/**
 * {@link put} of a clock_time_get time stored as its offset from the record's timestamp `ts` (ns, an
 * integer below 2^53; the TimestampOffset filter): the u64 at `src[off]` plus `ts`, mod 2^64. The sum
 * is written out here rather than through shared helpers: this runs in the replay of every
 * clock_time_get, and through helpers V8 stopped inlining it (their calls took ~40 ms of the clock
 * benchmark's replay profile).
 */
export function putTime(src: Uint8Array, off: number, m: GuestMemory, ptr: number, ts: number): void {
  const tsHi = ts < TWO32 ? 0 : Math.floor(ts / TWO32);
  const lo = (src[off]! | (src[off + 1]! << 8) | (src[off + 2]! << 16) | (src[off + 3]! << 24)) >>> 0;
  const hi = (src[off + 4]! | (src[off + 5]! << 8) | (src[off + 6]! << 16) | (src[off + 7]! << 24)) >>> 0;
  const sum = lo + (ts - tsHi * TWO32);
  const outLo = sum >>> 0;
  const outHi = (hi + tsHi + (sum >= TWO32 ? 1 : 0)) >>> 0;
  if (ptr + 8 <= m.u8.length) {
    m.view.setUint32(ptr, outLo, true);
    m.view.setUint32(ptr + 4, outHi, true);
    return;
  }
  // Partly outside memory: what fits, as put does.
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, outLo, true);
  new DataView(bytes.buffer).setUint32(4, outHi, true);
  put(bytes, 0, 8, m, ptr);
}

/** Scatter `len` bytes of `src` at `off` over an iovec array, in order, each entry clamped to memory. */
export function scatter(src: Uint8Array, off: number, len: number, m: GuestMemory, iovs: number, n: number): void {
  const size = m.u8.length;
  let done = 0;
  for (let i = 0; i < n && done < len; i++) {
    const e = iovs + i * SIZEOF.iovec;
    if (e + 8 > size) break;
    const at = m.view.getUint32(e, true);
    const k = Math.min(clamp(size, at, m.view.getUint32(e + 4, true)), len - done);
    put(src, off + done, k, m, at);
    done += k;
  }
}

type Arg = number | bigint | undefined;

/**
 * Copy the first `n` wasm arguments into the reused array `args` (import wrappers take fixed
 * parameters a0..a8, the most any preview1 function has, so no array is allocated per call).
 */
export function fillArgs(args: (number | bigint)[], n: number, a0: Arg, a1: Arg, a2: Arg, a3: Arg, a4: Arg, a5: Arg, a6: Arg, a7: Arg, a8: Arg): void {
  switch (n) {
    case 9: args[8] = a8!; // falls through
    case 8: args[7] = a7!; // falls through
    case 7: args[6] = a6!; // falls through
    case 6: args[5] = a5!; // falls through
    case 5: args[4] = a4!; // falls through
    case 4: args[3] = a3!; // falls through
    case 3: args[2] = a2!; // falls through
    case 2: args[1] = a1!; // falls through
    case 1: args[0] = a0!;
  }
}
