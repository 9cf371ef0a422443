/**
 * A single-producer, single-consumer byte ring in shared memory that carries records from the thread
 * running the guest to the thread writing the log.
 *
 * The producer encodes each record in place, in the ring itself: the ring's buffer is `size` bytes
 * plus {@link RING_SLACK} bytes past its end, so a record that starts near the end is still written
 * in one piece; on commit the part past the end is copied to the ring's start, where it belongs. A
 * record that could be larger than the slack (a big read or write) is encoded into a private staging
 * buffer instead and copied into the ring in chunks, as the consumer frees space.
 *
 * Counters are byte totals modulo 2^32 in an Int32Array (differences are taken with `| 0`): WRITTEN
 * (bytes in the ring, complete or not), COMMITTED (bytes of complete records) and READ (bytes the
 * consumer has copied out). Publishing a record that fits costs one atomic store.
 *
 * The producer also ends the log's batches (by the {@link LogLimits}: bytes, records, time span) and
 * publishes each cut beside the ring, with the record count and the last timestamp at it, so that
 * the log writer needs to read no record to write a batch: it copies, compresses and writes. When the
 * ring was full since the last cut (the log writer lags behind), the cut also carries the batch's
 * CRC-32, which the producer computed instead of waiting.
 */
import { copyBytes } from '../core/bytes.js';
import { ByteWriter } from '../core/codec.js';
import { DEFAULT_LIMITS, type BatchCuts, type LogLimits } from './log.js';
import type { RecordSink } from './recorder.js';
import { crc32 } from '../log/zlib.js';

// Slots of the control array. What the producer writes (WRITTEN, COMMITTED) and what the consumer
// writes (READ) sit on different cache lines, so that each side's stores do not evict the other's.
const WRITTEN = 0;
const COMMITTED = 1;
const DONE = 2;
/** Cuts published (a count mod 2^32; entries in the ring's `cuts`). */
const CUTS = 3;
const READ = 16;
const WAITING = 17;
/** Cuts the consumer has taken. */
const CUTS_READ = 18;
const OWNER = 32;
const SIGNAL = 33;
/** Never written: the consumer sleeps on it, the producer wakes it (ring past half full, full, closed). */
const WAKE = 40;
const CTRL_SLOTS = 48;

/** Batches from this size up (bytes) may be checksummed by the producer (see RingWriter's `cut`). */
const CHECKSUM_MIN_BYTES = 64 * 1024;

/** A drain of this many bytes or more is followed by another at once (bulk data). */
const EAGER_BYTES = 256 * 1024;

/** Bytes a record encoded in place may run past the ring's end. Larger records go through staging. */
export const RING_SLACK = 256 * 1024;

/**
 * Batch cuts the producer may have published and the consumer not yet taken. A producer that finds
 * them all in use lets its batch run on (it tries again at the next record); the log writer also
 * ends batches on time, and at the end.
 */
const CUT_SLOTS = 1024;
/**
 * Each cut is five float64: its end (the WRITTEN count after its last record), records so far in the
 * log, last timestamp (ns), the CRC-32 of the batch's bytes or -1 (see {@link RingWriter}), and the
 * number of those bytes.
 */
const CUT_FIELDS = 5;

/** The shared memory of a ring (sent to the other thread). `size` is a power of two. */
export interface RingMemory {
  readonly data: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
  readonly cuts: SharedArrayBuffer;
  readonly size: number;
}

/** Allocate a ring of `size` bytes (a power of two, at least {@link RING_SLACK}). */
export function createRing(size = 1 << 22): RingMemory {
  if (size & (size - 1) || size < RING_SLACK) throw new Error('ring size must be a power of two of at least 256 KiB');
  return {
    data: new SharedArrayBuffer(size + RING_SLACK),
    ctrl: new SharedArrayBuffer(CTRL_SLOTS * 4),
    cuts: new SharedArrayBuffer(CUT_SLOTS * CUT_FIELDS * 8),
    size,
  };
}

/**
 * Who writes the log of a ring: the log-writing thread claims it when it starts; the guest's thread
 * claims it when the guest ends first (then that thread writes the log itself and the other one,
 * when it comes up, does nothing). Returns true when `who` got it.
 */
export function claimLog(ring: RingMemory, who: 'writer' | 'guest'): boolean {
  return Atomics.compareExchange(new Int32Array(ring.ctrl), OWNER, 0, who === 'writer' ? 1 : 2) === 0;
}

/** Whether the producer closed the ring (it will write no more records). */
export function ringClosed(ring: RingMemory): boolean {
  return Atomics.load(new Int32Array(ring.ctrl), DONE) === 1;
}

/** The signal number the log-writing thread saw (SIGTERM), or 0. */
export function ringSignal(ring: RingMemory): number {
  return Atomics.load(new Int32Array(ring.ctrl), SIGNAL);
}

/** Note a signal for the guest's thread (see {@link ringSignal}). */
export function setRingSignal(ring: RingMemory, signal: number): void {
  Atomics.store(new Int32Array(ring.ctrl), SIGNAL, signal);
}

/** The producer side: a {@link RecordSink} over the ring. Blocks while the ring is full. */
export class RingWriter implements RecordSink {
  /** Where the record being written goes: the ring, or the staging buffer for a large record. */
  buf: Uint8Array;
  previousTimestamp = 0;
  recordCount = 0;
  private readonly ring: Uint8Array;
  private readonly ctrl: Int32Array;
  private readonly size: number;
  private readonly half: number;
  private readonly mask: number;
  private readonly staging = new ByteWriter(1 << 16);
  private staged = false;
  /** The consumer was woken since the ring last filled past half. */
  private woke = false;
  /** The ring was full since the last batch cut (this side waited, or drained it: see `onFull`). */
  private wasFull = false;
  /** Index in the ring where the record being written starts. */
  private at = 0;
  private written = 0;
  /** The consumer's READ counter as last seen (re-read only when the ring looks full). */
  private readSeen = 0;
  private readonly cuts: Float64Array;
  private cutCount = 0;
  /** The batch being filled: WRITTEN at its start, its records, its first record's timestamp (ns). */
  private batchStart = 0;
  private batchRecords = 0;
  private batchFirstTs = 0;
  private readonly maxBytes: number;
  private readonly maxRecords: number;
  private readonly maxNs: number;

  /**
   * `onFull` runs whenever the producer finds the ring full, before it waits (it may drain the ring).
   * Batches end at the first record that reaches one of `limits` (those of the log being written).
   */
  constructor(
    ring: RingMemory,
    private readonly onFull: () => void = () => {},
    limits: LogLimits = DEFAULT_LIMITS,
  ) {
    this.ring = new Uint8Array(ring.data);
    this.buf = this.ring;
    this.ctrl = new Int32Array(ring.ctrl);
    this.cuts = new Float64Array(ring.cuts);
    this.maxBytes = limits.batchBytes;
    this.maxRecords = limits.batchRecords;
    this.maxNs = limits.batchNs;
    this.size = ring.size;
    this.half = ring.size >> 1;
    this.mask = ring.size - 1;
  }

  begin(pre: number, post: number): number {
    const need = pre + post;
    if (need <= RING_SLACK) {
      const used = (this.written - this.readSeen) | 0;
      if (used >= this.half || need > this.size - used) this.makeRoom(need);
      this.staged = false;
      this.buf = this.ring;
      return (this.at = this.written & this.mask);
    }
    this.staged = true;
    const s = this.staging;
    s.pos = 0;
    s.ensure(pre);
    this.buf = s.buf;
    return 0;
  }

  room(p: number, n: number): number {
    if (!this.staged) return p;
    const s = this.staging;
    s.pos = p;
    s.ensure(n);
    this.buf = s.buf;
    return p;
  }

  end(p: number, ts: number): void {
    if (!this.staged) {
      const size = this.size;
      if (p > size) this.ring.copyWithin(0, size, p);
      this.written = (this.written + (p - this.at)) | 0;
    } else {
      this.copyStaged(p);
      this.buf = this.ring;
    }
    this.recordCount++;
    if (this.batchRecords++ === 0) this.batchFirstTs = ts;
    if (this.batchRecords >= this.maxRecords || ((this.written - this.batchStart) | 0) >= this.maxBytes || ts - this.batchFirstTs >= this.maxNs) this.cut(ts);
    Atomics.store(this.ctrl, COMMITTED, this.written);
    this.previousTimestamp = ts;
  }

  /**
   * End the batch after the record just written (at `ts`): publish the cut before the record is
   * committed, so that a consumer that sees the record committed also sees the cut.
   *
   * When the ring was full since the last cut, the consumer lags behind, and this side sums the batch
   * (CRC-32, from 64 KiB up) for it. A consumer behind a stream of data that does not compress
   * (stored as it is, so that its checksum is all the summing there is) spends about as long summing
   * it as writing it, while this side would wait on the full ring. The more the consumer lags, the
   * more of the summing this side takes on and the less it produces meanwhile (64 MiB read in 64 KiB
   * calls: about half the batches, and the guest and its log done ~8% sooner). The sum is wasted
   * when the batch is then deflated (the header's checksum is the deflated payload's).
   */
  private cut(ts: number): void {
    if (((this.cutCount - Atomics.load(this.ctrl, CUTS_READ)) | 0) >= CUT_SLOTS) return;
    const at = (this.cutCount & (CUT_SLOTS - 1)) * CUT_FIELDS;
    const length = (this.written - this.batchStart) | 0;
    this.cuts[at] = this.written;
    this.cuts[at + 1] = this.recordCount;
    this.cuts[at + 2] = ts;
    this.cuts[at + 3] = this.wasFull && length >= CHECKSUM_MIN_BYTES && length <= this.size ? this.checksum(this.batchStart, length) : -1;
    this.wasFull = false;
    this.cuts[at + 4] = length;
    this.cutCount = (this.cutCount + 1) | 0;
    Atomics.store(this.ctrl, CUTS, this.cutCount);
    this.batchStart = this.written;
    this.batchRecords = 0;
  }

  /** The CRC-32 of the `length` bytes (at most the ring's size) written before `written` from `from` (a WRITTEN count). */
  private checksum(from: number, length: number): number {
    const at = from & this.mask;
    const first = Math.min(length, this.size - at);
    const c = crc32(this.ring.subarray(at, at + first));
    return first === length ? c : crc32(this.ring.subarray(0, length - first), c);
  }

  /**
   * No more records: end the last batch, so that the consumer need not read its records to count
   * them (200,000 recorded writes left 9,351 records after the last cut, 7.3 ms to scan on the log
   * writing thread, where the guest's thread waits for the log at the end), then wake the consumer
   * for the last time.
   */
  close(): void {
    if (this.batchRecords > 0) this.cut(this.previousTimestamp);
    Atomics.store(this.ctrl, DONE, 1);
    Atomics.notify(this.ctrl, WAKE);
  }

  /**
   * The ring looked at least half full, or too full for `need` bytes, by the READ counter last seen:
   * look again, wake the consumer if it is past half full (it would otherwise wait for its timer),
   * and wait until `need` bytes are free.
   */
  private makeRoom(need: number): void {
    this.readSeen = Atomics.load(this.ctrl, READ);
    const used = (this.written - this.readSeen) | 0;
    if (used < this.half) this.woke = false;
    else if (!this.woke) {
      // Once per time the ring fills past half: the consumer then drains it all.
      Atomics.notify(this.ctrl, WAKE);
      this.woke = true;
    }
    if (need > this.size - used) this.waitFree(need);
  }

  /** Wait until `need` bytes of the ring are free. */
  private waitFree(need: number): void {
    for (;;) {
      this.readSeen = Atomics.load(this.ctrl, READ);
      if (need <= this.size - ((this.written - this.readSeen) | 0)) return;
      this.wasFull = true;
      this.onFull();
      this.readSeen = Atomics.load(this.ctrl, READ);
      if (need <= this.size - ((this.written - this.readSeen) | 0)) return;
      Atomics.store(this.ctrl, WAITING, 1);
      Atomics.notify(this.ctrl, WAKE);
      Atomics.wait(this.ctrl, READ, this.readSeen, 20);
    }
  }

  /** Copy staging[0, len) into the ring in chunks, publishing WRITTEN as it goes. */
  private copyStaged(len: number): void {
    const src = this.staging.buf;
    const size = this.size;
    let done = 0;
    while (done < len) {
      let free = size - ((this.written - this.readSeen) | 0);
      if (free === 0) {
        this.waitFree(1);
        free = size - ((this.written - this.readSeen) | 0);
      }
      const at = this.written & this.mask;
      const n = Math.min(len - done, free, size - at);
      copyBytes(this.ring, at, src, done, n);
      done += n;
      this.written = (this.written + n) | 0;
      if (done < len) Atomics.store(this.ctrl, WRITTEN, this.written);
    }
  }
}

/**
 * Run every path of the producer (and of the consumer) many times over a small ring of their own, so
 * that the recorder, once V8 optimizes it with {@link RingWriter}'s methods inlined, has type feedback
 * for all of them: optimized code that reaches a path it never saw run is deoptimized, and optimizing
 * the recorder again takes tens of ms, run meanwhile in slower code (measured on the clock benchmark:
 * three such deoptimizations, at the first batch cut, the first time the ring filled past half and
 * the first record across its end, cost ~40 ms of its ~300). V8 collects feedback only once a
 * function has run a few times, so the first records of the real ring cannot do it. Takes ~0.5 ms.
 */
export function warmUpRing(): void {
  const ring = createRing(RING_SLACK);
  const reader = new RingReader(ring);
  const drop: OnRecords = () => {};
  // Batches of nine records (72 KB): those cut after the ring was full are summed (see RingWriter.cut).
  const writer = new RingWriter(ring, () => void reader.drain(drop), { ...DEFAULT_LIMITS, batchRecords: 9 });
  // Timestamps past 2^31 ns, as a recording has after 2 s: numbers V8 does not keep as small integers.
  const t0 = 3e9;
  for (let i = 0; i < 120; i++) {
    // 8 KB records fill the ring past half in 16 and wrap it in 32. (Records larger than the slack,
    // staged, are left out: they are rare, and copying them would make this take a ms more.)
    const len = 8000;
    const p = writer.room(writer.begin(len, 0), 16);
    writer.end(p + len, t0 + i * 1000.5);
    if (i % 50 === 49) reader.drain(drop);
  }
  writer.close();
  while (!reader.finished) reader.drain(drop);
}

/**
 * Receives records `bytes[start, end)`: complete ones, except that a run crossing the ring's end comes
 * in two pieces, the first of which may end inside a record (see {@link RingReader.drain});
 * `release` frees the ring before a point early; `cuts` are the producer's batch cuts among them.
 * When `keep` is above 0, the receiver may leave up to that many bytes at the end unread, by
 * returning where it stopped: they stay in the ring and come again, with what follows, at the next
 * drain. Otherwise (and when it returns nothing) it has taken all of them.
 */
export type OnRecords = (bytes: Uint8Array, start: number, end: number, release: ((upTo: number) => void) | undefined, cuts: BatchCuts, keep: number) => number | void;

/** The consumer side: drains the ring and hands out complete records. */
export class RingReader {
  private readonly data: Uint8Array;
  private readonly ctrl: Int32Array;
  private readonly size: number;
  private readonly mask: number;
  private read = 0;
  private pending = new Uint8Array(1 << 16);
  private pendingLen = 0;
  /** Bytes of `pending` already handed out as records. */
  private parsed = 0;
  private consumedTotal = 0;
  /** Bytes the last drain took (handed out and not left in the ring). */
  private lastDrained = 0;
  private readonly cutData: Float64Array;
  private cutsRead = 0;
  /** The cuts of the records being handed out (reused). */
  private readonly cuts: BatchCuts = {
    n: 0,
    at: new Int32Array(CUT_SLOTS),
    count: new Float64Array(CUT_SLOTS),
    lastTs: new Float64Array(CUT_SLOTS),
    checksum: new Float64Array(CUT_SLOTS),
    length: new Float64Array(CUT_SLOTS),
  };

  constructor(ring: RingMemory) {
    this.data = new Uint8Array(ring.data);
    this.ctrl = new Int32Array(ring.ctrl);
    this.cutData = new Float64Array(ring.cuts);
    this.size = ring.size;
    this.mask = ring.size - 1;
  }

  /** True once the producer closed and everything was drained. */
  get finished(): boolean {
    return Atomics.load(this.ctrl, DONE) === 1 && ((Atomics.load(this.ctrl, COMMITTED) - this.consumedTotal) | 0) === 0;
  }

  /** True once the producer said it will write no more. */
  get closed(): boolean {
    return Atomics.load(this.ctrl, DONE) === 1;
  }

  /**
   * Wait for more records, yielding to the event loop (so worker events and signals are handled):
   * at once when the last drain was large (bulk data: keep up with it), else until the producer wakes
   * this side (the ring is past half full or full, or closed) or `ms` pass. Draining a trickle of
   * small records as soon as they come would keep this thread busy all the time, and on this 2-vCPU
   * machine a busy second thread slows the guest's (measured: 200k recorded writes took ~40% longer).
   */
  async wait(ms: number): Promise<void> {
    if (this.closed) return;
    if (this.lastDrained >= EAGER_BYTES) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    const r = Atomics.waitAsync(this.ctrl, WAKE, 0, ms);
    if (!r.async) return;
    // A pending waitAsync does not keep Node's event loop alive: a timer does.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([r.value, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms + 1)))]);
    clearTimeout(timer);
  }

  /**
   * Hand the records the producer completed to `onRecords` as `bytes[start, end)` (valid during the
   * call): where they are in the ring when nothing is held back (a run that crosses the ring's end in
   * two calls, split at the end, maybe inside a record), else copied out with what is held back (a
   * record larger than the slack, copied out as the producer writes it, so that it can go on).
   * With `keep`, `onRecords` may leave up to a quarter of the ring unread at the end of what it is
   * handed in place (see {@link OnRecords}). Returns the number of bytes taken. Records handed out in
   * place stay there until `onRecords` returns, or until it calls `release(p)`: the bytes before `p`
   * may then be written again at once (so that the producer goes on while a large drain is written
   * out).
   */
  drain(onRecords: OnRecords, keep = true): number {
    return (this.lastDrained = this.drainOnce(onRecords, keep ? this.size >> 2 : 0));
  }

  private drainOnce(onRecords: OnRecords, keep: number): number {
    // COMMITTED before WRITTEN: the producer publishes bytes before it commits them, so every
    // committed byte is then among the bytes copied below.
    const committed = Atomics.load(this.ctrl, COMMITTED);
    const partial = Atomics.load(this.ctrl, WRITTEN);
    const written = ((partial - committed) | 0) > 0 ? partial : committed;
    // The usual case: complete records only, not wrapping around the ring's end, nothing held back
    // from before: they are handed out where they are, and freed afterwards.
    if (this.parsed === this.pendingLen && written === committed && this.read === this.consumedTotal) {
      const complete = (committed - this.consumedTotal) | 0;
      if (complete <= 0) return this.lateCut(onRecords, this.data, this.read & this.mask);
      const at = this.read & this.mask;
      if (at + complete <= this.size) return this.handOut(onRecords, at, complete, keep);
      // Across the ring's end: in place too, in two pieces, the first up to the ring's end (it may
      // end inside a record, which the second piece completes; it is taken whole).
      const first = this.size - at;
      this.handOut(onRecords, at, first, 0);
      return first + this.handOut(onRecords, 0, complete - first, keep);
    }
    const avail = (written - this.read) | 0;
    if (avail > 0) {
      this.compact();
      if (this.pendingLen + avail > this.pending.length) {
        let cap = this.pending.length * 2;
        while (cap < this.pendingLen + avail) cap *= 2;
        const next = new Uint8Array(cap);
        next.set(this.pending.subarray(0, this.pendingLen));
        this.pending = next;
      }
      const size = this.size;
      let left = avail;
      while (left > 0) {
        const at = this.read & this.mask;
        const n = Math.min(left, size - at);
        copyBytes(this.pending, this.pendingLen, this.data, at, n);
        this.pendingLen += n;
        this.read = (this.read + n) | 0;
        left -= n;
      }
      this.free(this.read);
    }
    const complete = (committed - this.consumedTotal) | 0;
    if (complete <= 0) return this.lateCut(onRecords, this.pending, this.parsed);
    const start = this.parsed;
    const cuts = this.takeCuts(this.consumedTotal, complete, start);
    this.parsed += complete;
    this.consumedTotal = committed;
    onRecords(this.pending, start, start + complete, undefined, cuts, 0);
    return complete;
  }

  /**
   * No records to hand out, but maybe the cut the producer made when it closed, after records already
   * handed out (see {@link RingWriter.close}): hand it to `onRecords` with no bytes, at `at` of
   * `bytes`, where the records handed out ended. Returns 0 (no bytes taken).
   */
  private lateCut(onRecords: OnRecords, bytes: Uint8Array, at: number): number {
    if (Atomics.load(this.ctrl, CUTS) === this.cutsRead) return 0;
    const cuts = this.takeCuts(this.consumedTotal, 0, at);
    if (cuts.n > 0) onRecords(bytes, at, at, undefined, cuts, 0);
    return 0;
  }

  /**
   * The published cuts among the `complete` bytes after the count `base`, which are handed out from
   * `start`: as indices from `start` (a cut at `start` itself ends records handed out before: only
   * the producer's last one, made when it closed, comes after them). Called after COMMITTED was read
   * (see {@link RingWriter.cut}).
   */
  private takeCuts(base: number, complete: number, start: number): BatchCuts {
    const c = this.cuts;
    const d = this.cutData;
    const published = Atomics.load(this.ctrl, CUTS);
    c.n = 0;
    while (this.cutsRead !== published) {
      const at = (this.cutsRead & (CUT_SLOTS - 1)) * CUT_FIELDS;
      const rel = (d[at]! - base) | 0;
      if (rel > complete) break;
      if (rel >= 0) {
        c.at[c.n] = start + rel;
        c.count[c.n] = d[at + 1]!;
        c.lastTs[c.n] = d[at + 2]!;
        c.checksum[c.n] = d[at + 3]!;
        c.length[c.n++] = d[at + 4]!;
      }
      this.cutsRead = (this.cutsRead + 1) | 0;
    }
    Atomics.store(this.ctrl, CUTS_READ, this.cutsRead);
    return c;
  }

  /**
   * Hand out `n` bytes at `at` in place, then free them (or as `onRecords` releases them), but for
   * up to `keep` bytes at the end it leaves unread. Returns the bytes taken.
   */
  private handOut(onRecords: OnRecords, at: number, n: number, keep: number): number {
    const base = this.consumedTotal;
    const cuts = this.takeCuts(base, n, at);
    const stop = onRecords(
      this.data,
      at,
      at + n,
      (upTo) => {
        if (upTo > at && upTo <= at + n) this.free((base + (upTo - at)) | 0);
      },
      cuts,
      keep,
    );
    // Bytes left unread (at most `keep`) stay in the ring, to be handed out again.
    const taken = typeof stop === 'number' && stop >= at + n - keep && stop < at + n ? stop - at : n;
    this.consumedTotal = (base + taken) | 0;
    this.free(this.consumedTotal);
    return taken;
  }

  /** The ring up to `read` may be written again. */
  private free(read: number): void {
    this.read = read;
    Atomics.store(this.ctrl, READ, read);
    if (Atomics.load(this.ctrl, WAITING) === 1) {
      Atomics.store(this.ctrl, WAITING, 0);
      Atomics.notify(this.ctrl, READ);
    }
  }

  private compact(): void {
    if (this.parsed === 0) return;
    this.pending.copyWithin(0, this.parsed, this.pendingLen);
    this.pendingLen -= this.parsed;
    this.parsed = 0;
  }
}
