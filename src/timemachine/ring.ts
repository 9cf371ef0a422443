/**
 * A single-producer, single-consumer byte ring in shared memory that carries records from the thread
 * running the guest to the thread writing the log.
 *
 * The producer (the guest's thread) encodes a record into a private staging buffer, then copies it into
 * the ring (in chunks when it is larger than the free space) and publishes two counters: bytes written,
 * and bytes of complete records. The consumer copies bytes out as they arrive (freeing the ring at once,
 * so a record of any size passes) and hands complete records to the log writer. Counters are byte totals
 * modulo 2^32 in an Int32Array; differences are taken with `| 0`.
 */
import { ByteReader, ByteWriter, skipRecord } from './codec.js';

const WRITTEN = 0;
const READ = 1;
const COMMITTED = 2;
const WAITING = 3;
const DONE = 4;
const CTRL_SLOTS = 8;

/** The shared memory of a ring (passed to the guest's thread in workerData). */
export interface RingMemory {
  readonly data: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
}

/** Allocate a ring of `size` bytes (a power of two). */
export function createRing(size = 1 << 22): RingMemory {
  if (size & (size - 1)) throw new Error('ring size must be a power of two');
  return { data: new SharedArrayBuffer(size), ctrl: new SharedArrayBuffer(CTRL_SLOTS * 4) };
}

/**
 * The producer side. Implements the record sink the recorder writes into: `records` (staging),
 * `delta`, `previousTimestamp`, `recordCount`, `commit`.
 */
export class RingWriter {
  readonly records = new ByteWriter(1 << 12);
  private readonly data: Uint8Array;
  private readonly ctrl: Int32Array;
  private readonly mask: number;
  private written = 0;
  /** The consumer's READ counter as last seen (only re-read when the ring looks full). */
  private readSeen = 0;
  private lastTs = 0;
  private count = 0;

  constructor(ring: RingMemory) {
    this.data = new Uint8Array(ring.data);
    this.ctrl = new Int32Array(ring.ctrl);
    this.mask = this.data.length - 1;
  }

  get previousTimestamp(): number {
    return this.lastTs;
  }
  get recordCount(): number {
    return this.count;
  }
  delta(ts: number): number {
    return ts - this.lastTs;
  }

  /**
   * Publish the staged record. Blocks while the ring is full. A record that fits in the free space
   * costs one atomic store (COMMITTED); a larger one is copied in chunks, publishing WRITTEN as it goes.
   */
  commit(ts: number): void {
    const src = this.records.buf;
    const len = this.records.pos;
    const size = this.data.length;
    if (len > size - ((this.written - this.readSeen) | 0)) this.readSeen = Atomics.load(this.ctrl, READ);
    let done = 0;
    while (done < len) {
      let free = size - ((this.written - this.readSeen) | 0);
      while (free === 0) {
        Atomics.store(this.ctrl, WAITING, 1);
        Atomics.notify(this.ctrl, COMMITTED);
        Atomics.wait(this.ctrl, READ, this.readSeen, 20);
        this.readSeen = Atomics.load(this.ctrl, READ);
        free = size - ((this.written - this.readSeen) | 0);
      }
      const at = this.written & this.mask;
      const n = Math.min(len - done, free, size - at);
      if (n <= 64) {
        const d = this.data;
        for (let i = 0; i < n; i++) d[at + i] = src[done + i]!;
      } else this.data.set(src.subarray(done, done + n), at);
      done += n;
      this.written = (this.written + n) | 0;
      if (done < len) Atomics.store(this.ctrl, WRITTEN, this.written);
    }
    Atomics.store(this.ctrl, COMMITTED, this.written);
    this.records.pos = 0;
    this.lastTs = ts;
    this.count++;
  }

  /** No more records: wake the consumer for the last time. */
  close(): void {
    Atomics.store(this.ctrl, DONE, 1);
    Atomics.notify(this.ctrl, COMMITTED);
  }
}

/** The consumer side: drains the ring and yields complete records with their timestamps. */
export class RingReader {
  private readonly data: Uint8Array;
  private readonly ctrl: Int32Array;
  private readonly mask: number;
  private read = 0;
  private pending = new Uint8Array(1 << 16);
  private pendingLen = 0;
  /** Bytes of `pending` already handed out as records. */
  private parsed = 0;
  private consumedTotal = 0;
  private lastTs = 0;
  private readonly reader = new ByteReader(new Uint8Array(0));

  constructor(ring: RingMemory) {
    this.data = new Uint8Array(ring.data);
    this.ctrl = new Int32Array(ring.ctrl);
    this.mask = this.data.length - 1;
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
   * Wait until records may be available, or `ms` pass. Always yields to the event loop (so worker
   * events and signals are handled even while records stream in).
   */
  async wait(ms: number): Promise<void> {
    const seen = Atomics.load(this.ctrl, COMMITTED);
    if (seen === this.consumedTotal && !this.closed) {
      const r = Atomics.waitAsync(this.ctrl, COMMITTED, seen, ms);
      if (r.async) {
        // A pending waitAsync does not keep Node's event loop alive: a timer does.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([r.value, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms + 1)))]);
        clearTimeout(timer);
        return;
      }
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * Copy what the producer wrote out of the ring and hand the complete records to `onRun` in runs:
   * `bytes[start, end)` holds `count` records, the first at `firstTs` and the last at `lastTs` (ns).
   * A run holds at most `maxRecords` records and stops after the record that reaches `maxBytes`.
   * Returns the number of records.
   */
  drain(
    onRun: (bytes: Uint8Array, start: number, end: number, count: number, firstTs: number, lastTs: number) => void,
    maxBytes = 1 << 18,
    maxRecords = 1 << 15,
  ): number {
    // COMMITTED before WRITTEN: the producer publishes bytes before it commits them, so every
    // committed byte is then among the bytes copied below.
    const committed = Atomics.load(this.ctrl, COMMITTED);
    const partial = Atomics.load(this.ctrl, WRITTEN);
    const written = ((partial - committed) | 0) > 0 ? partial : committed;
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
      const size = this.data.length;
      let left = avail;
      while (left > 0) {
        const at = this.read & this.mask;
        const n = Math.min(left, size - at);
        this.pending.set(this.data.subarray(at, at + n), this.pendingLen);
        this.pendingLen += n;
        this.read = (this.read + n) | 0;
        left -= n;
      }
      Atomics.store(this.ctrl, READ, this.read);
      if (Atomics.load(this.ctrl, WAITING) === 1) {
        Atomics.store(this.ctrl, WAITING, 0);
        Atomics.notify(this.ctrl, READ);
      }
    }
    let complete = (committed - this.consumedTotal) | 0;
    let total = 0;
    const r = this.reader;
    r.buf = this.pending;
    while (complete > 0) {
      const start = this.parsed;
      r.pos = start;
      let count = 0;
      let firstTs = 0;
      while (complete > 0 && count < maxRecords && r.pos - start < maxBytes) {
        const at = r.pos;
        skipRecord(r);
        const ts = this.lastTs + skipRecord.lastDelta;
        if (count === 0) firstTs = ts;
        this.lastTs = ts;
        complete -= r.pos - at;
        count++;
      }
      this.consumedTotal = (this.consumedTotal + (r.pos - start)) | 0;
      this.parsed = r.pos;
      total += count;
      onRun(this.pending, start, r.pos, count, firstTs, this.lastTs);
    }
    return total;
  }

  private compact(): void {
    if (this.parsed === 0) return;
    this.pending.copyWithin(0, this.parsed, this.pendingLen);
    this.pendingLen -= this.parsed;
    this.parsed = 0;
  }
}
