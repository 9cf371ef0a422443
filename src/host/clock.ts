/**
 * The host's clocks (WASI `clock_time_get`, `clock_res_get`, `poll_oneoff` deadlines), built on one
 * reading: ns since the process started (`performance.now()`), to which each clock adds a fixed base
 * taken when the host is created. A recorded call reads the clock once: the recorder's reading is
 * the record's timestamp, and {@link HostClock.hold} lends it to the host, so a `clock_time_get` inside
 * that call answers from the same reading instead of reading the clock a second time (each reading
 * costs ~55-60 ns here, about as much as the rest of a recorded `clock_time_get`).
 *
 * Values written into guest memory are u64 written as two u32 halves from exact double arithmetic:
 * no bigint on the hot path.
 *
 * Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-clockid-variant
 */
import { CLOCKID } from '../wasi/layout.js';

const TWO32 = 4294967296;

// The global is a lazy getter that loads perf_hooks: taken at the first reading, not at start-up.
// `now` is looked up at each call, so that a test or preload that replaces it sees every reading.
let perf: Performance | undefined;

/** ns since the process started (`performance.now()`, the cheapest clock here: ~55-60 ns a reading). */
export function readNs(): number {
  return Math.round((perf ??= performance).now() * 1e6);
}

/** When this process started (ms since the epoch, `performance.timeOrigin`): the origin of {@link readNs}. */
export function processOrigin(): number {
  return (perf ??= performance).timeOrigin;
}

/** A reader of ns since `origin` (another thread's {@link processOrigin}), for that thread's records. */
export function nsSince(origin: number): () => number {
  const p = performance;
  const shift = p.timeOrigin - origin;
  return () => Math.round((p.now() + shift) * 1e6);
}

/** A u64 split into two u32 halves (numbers), so that a base plus a reading is exact in doubles. */
interface Base {
  readonly hi: number;
  readonly lo: number;
  readonly big: bigint;
}

const baseOf = (big: bigint): Base => ({ big, hi: Number(big >> 32n), lo: Number(big & 0xffffffffn) });

/** Resolution in ns of each clock (realtime comes from `Date.now()` at start plus the monotonic reading). */
export const CLOCK_RESOLUTION: Readonly<Record<number, bigint>> = {
  [CLOCKID.REALTIME]: 1000n,
  [CLOCKID.MONOTONIC]: 1n,
  [CLOCKID.PROCESS_CPUTIME_ID]: 1000n,
  [CLOCKID.THREAD_CPUTIME_ID]: 1000n,
};

export class HostClock {
  /** The reading a recorded call holds for the host (ns), or -1. */
  private held = -1;
  private readonly monotonic: Base;
  private readonly realtime: Base;

  /** Reads the clocks once to fix the bases (so replay, which never creates a host, reads none). */
  constructor() {
    const at = readNs();
    this.monotonic = baseOf(process.hrtime.bigint() - BigInt(at));
    this.realtime = baseOf(BigInt(Date.now()) * 1_000_000n - BigInt(at));
  }

  /** Read the clock and hold the reading for the host call about to run; returns it (ns). */
  hold(): number {
    return (this.held = readNs());
  }

  /** The call is over: later readings are new ones. */
  release(): void {
    this.held = -1;
  }

  /** ns since the time origin: the held reading (once), else a new one. */
  now(): number {
    const h = this.held;
    if (h >= 0) {
      this.held = -1;
      return h;
    }
    return readNs();
  }

  /**
   * Write clock `id`'s current value (ns, u64 little-endian) at `ptr` of `view`, a view of guest
   * memory of `size` bytes. Returns false for a clock this host does not have. Throws RangeError when
   * the 8 bytes are not all inside (the guest traps, as under wasmtime).
   */
  write(size: number, view: DataView, ptr: number, id: number): boolean {
    const base = id === CLOCKID.MONOTONIC ? this.monotonic : id === CLOCKID.REALTIME ? this.realtime : null;
    if (base === null && id !== CLOCKID.PROCESS_CPUTIME_ID && id !== CLOCKID.THREAD_CPUTIME_ID) return false;
    // Both halves are checked before either is written, as one u64 store would be.
    if (ptr < 0 || ptr + 8 > size) throw new RangeError('clock_time_get: out of bounds memory access');
    if (base === null) {
      view.setBigUint64(ptr, cputimeNs(), true);
      return true;
    }
    let ns = this.held;
    if (ns >= 0) this.held = -1;
    else ns = readNs();
    put(view, ptr, base, ns);
    return true;
  }

  /**
   * Write realtime or monotonic (`id`, nothing else) at reading `ns` (ns, from {@link readNs}) as a
   * u64 at `ptr` of `view`; the caller checked that the 8 bytes are inside. The recorder's
   * `clock_time_get` uses it with the record's own reading.
   */
  writeReading(view: DataView, ptr: number, id: number, ns: number): void {
    put(view, ptr, id === CLOCKID.MONOTONIC ? this.monotonic : this.realtime, ns);
  }

  /**
   * Write the base of realtime or monotonic (`id`, nothing else) as a u64 at `p` of `view`: a value
   * written by {@link writeReading} at reading `ns` is the base plus `ns` (mod 2^64).
   */
  writeBase(view: DataView, p: number, id: number): void {
    const base = id === CLOCKID.MONOTONIC ? this.monotonic : this.realtime;
    view.setUint32(p, base.lo, true);
    view.setUint32(p + 4, base.hi, true);
  }

  /** Clock `id`'s current value in ns, or null for a clock this host does not have. */
  value(id: number): bigint | null {
    if (id === CLOCKID.MONOTONIC) return this.monotonic.big + BigInt(this.now());
    if (id === CLOCKID.REALTIME) return this.realtime.big + BigInt(this.now());
    if (id === CLOCKID.PROCESS_CPUTIME_ID || id === CLOCKID.THREAD_CPUTIME_ID) return cputimeNs();
    return null;
  }
}

/** `base` + `ns` as a u64 at `ptr`: two u32 halves from exact double arithmetic. */
function put(view: DataView, ptr: number, base: Base, ns: number): void {
  const nsHi = (ns / TWO32) >>> 0;
  const lo = base.lo + (ns - nsHi * TWO32);
  view.setUint32(ptr, lo >>> 0, true);
  view.setUint32(ptr + 4, (base.hi + nsHi + (lo >= TWO32 ? 1 : 0)) >>> 0, true);
}

function cputimeNs(): bigint {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
}
