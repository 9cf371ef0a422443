/**
 * What the syscall table's inputs and outputs mean in guest memory, compiled once per row:
 * capture (guest memory -> length-prefixed blob in a {@link ByteWriter}) for recording, and apply
 * (blob -> guest memory) for replay. Every read is clamped to the memory's size, so a bad guest
 * pointer never makes capture itself throw.
 */
import { SIZEOF, type Input, type Output, type Syscall } from '../wasi/syscalls.js';
import type { ByteWriter } from './codec.js';

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

export type Capture = (w: ByteWriter, m: GuestMemory, a: Args, sizes: StringSizes) => void;
export type Apply = (blob: Uint8Array, m: GuestMemory, a: Args) => void;

/** Clamp (ptr, len) to the memory. */
function clampLen(m: GuestMemory, ptr: number, len: number): number {
  const max = m.u8.length - ptr;
  return max <= 0 ? 0 : len < max ? len : max;
}

function u32At(m: GuestMemory, ptr: number): number {
  return ptr + 4 <= m.u8.length ? m.view.getUint32(ptr, true) : 0;
}

/** Total length of an (c)iovec array, each entry clamped. */
function iovTotal(m: GuestMemory, iovs: number, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = iovs + i * SIZEOF.iovec;
    if (e + 8 > m.u8.length) break;
    total += clampLen(m, m.view.getUint32(e, true), m.view.getUint32(e + 4, true));
  }
  return total;
}

/** Gather up to `limit` bytes of an iovec array into the writer as one blob. */
function gather(w: ByteWriter, m: GuestMemory, iovs: number, n: number, limit: number): void {
  const total = Math.min(iovTotal(m, iovs, n), limit);
  w.ensure(total + 8);
  w.varint(total);
  let left = total;
  for (let i = 0; i < n && left > 0; i++) {
    const e = iovs + i * SIZEOF.iovec;
    const buf = m.view.getUint32(e, true);
    const len = Math.min(clampLen(m, buf, m.view.getUint32(e + 4, true)), left);
    w.buf.set(m.u8.subarray(buf, buf + len), w.pos);
    w.pos += len;
    left -= len;
  }
}

function at(w: ByteWriter, m: GuestMemory, ptr: number, len: number): void {
  w.blob(m.u8, ptr, clampLen(m, ptr, len));
}

/** Capture function of one input. */
export function compileInput(sc: Syscall, input: Input): Capture {
  const ix = sc.index;
  switch (input.kind) {
    case 'string': {
      const p = ix[input.ptr]!;
      const l = ix[input.len]!;
      return (w, m, a) => at(w, m, a[p] as number, a[l] as number);
    }
    case 'ciovecs': {
      const p = ix[input.iovs]!;
      const l = ix[input.len]!;
      return (w, m, a) => gather(w, m, a[p] as number, a[l] as number, Infinity);
    }
    case 'subscriptions': {
      const p = ix[input.ptr]!;
      const c = ix[input.count]!;
      return (w, m, a) => at(w, m, a[p] as number, (a[c] as number) * SIZEOF.subscription);
    }
  }
}

/** Capture function of one output: only the bytes the host produced. */
export function compileOutput(sc: Syscall, output: Output): Capture {
  const ix = sc.index;
  switch (output.kind) {
    case 'fixed': {
      const p = ix[output.ptr]!;
      const size = output.size;
      return (w, m, a) => at(w, m, a[p] as number, size);
    }
    case 'iovecs': {
      const p = ix[output.iovs]!;
      const l = ix[output.len]!;
      const u = ix[output.used]!;
      return (w, m, a) => gather(w, m, a[p] as number, a[l] as number, u32At(m, a[u] as number));
    }
    case 'buffer': {
      const p = ix[output.ptr]!;
      const l = ix[output.len]!;
      const u = output.used === undefined ? -1 : ix[output.used]!;
      return (w, m, a) => {
        const len = a[l] as number;
        const used = u < 0 ? len : Math.min(u32At(m, a[u] as number), len);
        at(w, m, a[p] as number, used);
      };
    }
    case 'events': {
      const p = ix[output.ptr]!;
      const c = ix[output.count]!;
      return (w, m, a) => at(w, m, a[p] as number, u32At(m, a[c] as number) * SIZEOF.event);
    }
    case 'strings': {
      const p = ix[output.ptr]!;
      const { source, part } = output;
      return (w, m, a, sizes) => {
        const s = sizes[source];
        at(w, m, a[p] as number, part === 'list' ? s.count * 4 : s.bytes);
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
    return (blob, m, a) => {
      const iovs = a[p] as number;
      const n = a[l] as number;
      let done = 0;
      for (let i = 0; i < n && done < blob.length; i++) {
        const e = iovs + i * SIZEOF.iovec;
        if (e + 8 > m.u8.length) break;
        const buf = m.view.getUint32(e, true);
        const len = Math.min(clampLen(m, buf, m.view.getUint32(e + 4, true)), blob.length - done);
        m.u8.set(blob.subarray(done, done + len), buf);
        done += len;
      }
    };
  }
  const p = ix[output.ptr]!;
  return (blob, m, a) => {
    const ptr = a[p] as number;
    // Clamped as capture was: a pointer past the end of memory recorded no bytes.
    const len = clampLen(m, ptr, blob.length);
    if (len <= 16) {
      const u8 = m.u8;
      for (let i = 0; i < len; i++) u8[ptr + i] = blob[i]!;
    } else m.u8.set(blob.subarray(0, len), ptr);
  };
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
