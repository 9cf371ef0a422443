/**
 * The ring between the guest's thread and the log-writing thread, on one thread: whatever the sizes
 * of the records (small ones encoded in place, ones that cross the ring's end into the slack, staged
 * ones larger than the slack or than the whole ring), the consumer gets exactly the bytes produced,
 * in order, in pieces that each hold whole records, except a piece handed out in place up to the
 * ring's end, which the next piece continues.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { createRing, RING_SLACK, RingReader, RingWriter, type OnRecords } from '../src/timemachine/ring.js';
import { ByteWriter, RecordScanner } from '../src/core/codec.js';
import { concatBytes } from '../src/core/concat.js';
import { DEFAULT_LIMITS } from '../src/timemachine/log.js';
import { batches } from '../src/log/files.js';
import { LogPump } from '../src/timemachine/pump.js';
import { SYSCALL } from '../src/wasi/syscalls.js';
import { tempDir } from './helpers/run.js';

const SIZE = 1 << 18; // the smallest ring: 256 KiB, as large as its slack

/** Push records of the given lengths through a ring; drain after the records marked in `drainAfter`. */
function roundTrip(lengths: number[], drainAfter: Set<number>) {
  const ring = createRing(SIZE);
  const reader = new RingReader(ring);
  const received: Uint8Array[] = [];
  /** Indices of the pieces handed out in place that end at the ring's end. */
  const atRingEnd = new Set<number>();
  const onRecords = (bytes: Uint8Array, start: number, end: number) => {
    if (bytes.buffer === ring.data && end === SIZE) atRingEnd.add(received.length);
    received.push(bytes.slice(start, end));
  };
  const writer = new RingWriter(ring, () => reader.drain(onRecords));
  const produced: Uint8Array[] = [];
  lengths.forEach((len, i) => {
    // Each byte says which record it belongs to and where in it: misplaced bytes show.
    const rec = Uint8Array.from({ length: len }, (_, k) => (i * 31 + k * 7) & 0xff);
    produced.push(rec);
    const p = writer.begin(len, 0);
    writer.buf.set(rec, p);
    writer.end(p + len, i);
    if (drainAfter.has(i)) reader.drain(onRecords);
  });
  writer.close();
  while (!reader.finished) reader.drain(onRecords);
  return { produced, received, atRingEnd, writer };
}

/** Every piece ends at a record's end, but those (in `atRingEnd`) that end at the ring's end. */
function piecesAtRecordEnds(produced: Uint8Array[], received: Uint8Array[], atRingEnd: Set<number>): boolean {
  const ends = new Set<number>();
  let at = 0;
  for (const r of produced) ends.add((at += r.length));
  at = 0;
  return received.every((piece, i) => ends.has((at += piece.length)) || atRingEnd.has(i));
}

describe('the ring', () => {
  it('carries records of any size, in order, in pieces of whole records', () => {
    const sizes = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 64 }) },
      { weight: 3, arbitrary: fc.integer({ min: 1000, max: 70_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: RING_SLACK - 64, max: RING_SLACK + 64 }) },
      { weight: 1, arbitrary: fc.integer({ min: SIZE, max: 3 * SIZE }) },
    );
    fc.assert(
      fc.property(fc.array(sizes, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(59)), (lengths, drains) => {
        const { produced, received, atRingEnd, writer } = roundTrip(lengths, new Set(drains));
        expect(writer.recordCount).toBe(lengths.length);
        expect(Buffer.from(concatBytes(received)).equals(Buffer.from(concatBytes(produced)))).toBe(true);
        expect(piecesAtRecordEnds(produced, received, atRingEnd)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('hands out records that cross the ring end in place, around the end in two pieces', () => {
    // 100-byte records, drained only when the ring is full: runs wrap around the end.
    const lengths = Array.from({ length: 10_000 }, () => 100);
    const { produced, received, atRingEnd } = roundTrip(lengths, new Set());
    expect(Buffer.from(concatBytes(received)).equals(Buffer.from(concatBytes(produced)))).toBe(true);
    expect(piecesAtRecordEnds(produced, received, atRingEnd)).toBe(true);
    // Every lap of the ring ended in a piece cut at its end (10,000 records wrap it three times).
    expect(atRingEnd.size).toBeGreaterThanOrEqual(3);
    // More pieces than ring fills: each wrapping run came out as two.
    expect(received.length).toBeGreaterThan(Math.floor((100 * lengths.length) / SIZE));
  });

  it('lets the producer reuse bytes released early, and only those', () => {
    // The consumer releases each record once it has copied it; the bytes the producer may then write
    // (by the ring's counters) are scribbled over at once, as a fast producer would. Records not yet
    // consumed must come out intact.
    const sizes = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 200 }) }, { weight: 1, arbitrary: fc.integer({ min: 1000, max: 60_000 }) });
    fc.assert(
      fc.property(fc.array(sizes, { minLength: 1, maxLength: 80 }), (lengths) => {
        const ring = createRing(SIZE);
        const data = new Uint8Array(ring.data);
        const ctrl = new Int32Array(ring.ctrl);
        const reader = new RingReader(ring);
        const ends: number[] = [];
        let total = 0;
        for (const len of lengths) ends.push((total += len));
        const received: Uint8Array[] = [];
        let seen = 0; // bytes handed out before this drain
        const scribble = (): void => {
          // What the producer may write now: from where it has written to (COMMITTED, or WRITTEN while it
          // copies a staged record) up to READ + SIZE, in counter space.
          const committed = Atomics.load(ctrl, 1);
          const partial = Atomics.load(ctrl, 0);
          const written = ((partial - committed) | 0) > 0 ? partial : committed;
          const read = Atomics.load(ctrl, 16);
          for (let c = written; ((read + SIZE - c) | 0) > 0; c = (c + 1) | 0) data[c & (SIZE - 1)] = 0xee;
        };
        const onRecords = (bytes: Uint8Array, start: number, end: number, release?: (upTo: number) => void): void => {
          let at = start;
          for (const e of ends) {
            const upTo = start + (e - seen);
            if (upTo <= at || upTo > end) continue;
            received.push(bytes.slice(at, upTo));
            at = upTo;
            release?.(upTo);
            if (bytes.buffer === ring.data) scribble();
          }
          if (at < end) received.push(bytes.slice(at, end));
          seen += end - start;
        };
        const writer = new RingWriter(ring, () => reader.drain(onRecords));
        const produced: Uint8Array[] = [];
        lengths.forEach((len, i) => {
          const rec = Uint8Array.from({ length: len }, (_, k) => (i * 31 + k * 7 + 1) & 0x7f);
          produced.push(rec);
          const p = writer.begin(len, 0);
          writer.buf.set(rec, p);
          writer.end(p + len, i);
          if (i % 7 === 6) reader.drain(onRecords);
        });
        writer.close();
        while (!reader.finished) reader.drain(onRecords);
        expect(Buffer.from(concatBytes(received)).equals(Buffer.from(concatBytes(produced)))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("the producer's batch cuts", () => {
  /** A random_get record of `len` output bytes at `ts` (after `prevTs`), and an fd_close one when `len` is 0. */
  function record(len: number, ts: number, prevTs: number, seed: number): Uint8Array {
    const w = new ByteWriter(len + 64);
    if (len === 0) {
      w.u8(SYSCALL.fd_close.id);
      w.varint(ts - prevTs);
      w.varint(seed & 0xffff);
      w.varint(8);
    } else {
      w.u8(SYSCALL.random_get.id);
      w.varint(ts - prevTs);
      w.varint(0x1000);
      w.varint(len);
      w.varint(0);
      w.blob(Uint8Array.from({ length: len }, (_, k) => (seed + k * 13) & 0xff), 0, len);
    }
    return w.buf.slice(0, w.pos);
  }

  it('give batches that hold every record once, in order, with the headers their records say', () => {
    const step = fc.record({
      len: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 2, arbitrary: fc.integer({ min: 1000, max: 70_000 }) }, { weight: 1, arbitrary: fc.integer({ min: RING_SLACK, max: 2 * SIZE }) }),
      dt: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1000, max: 1_000_000 })),
      // After the record: nothing, a drain, or a drain at a later time (a flush on time).
      then: fc.constantFrom('none', 'none', 'none', 'drain', 'late'),
    });
    const limits = fc.record({
      batchRecords: fc.integer({ min: 1, max: 50 }),
      batchBytes: fc.integer({ min: 16, max: 200_000 }),
      batchNs: fc.integer({ min: 1, max: 5_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), limits, (steps, lim) => {
        const dir = tempDir();
        const logLimits = { ...DEFAULT_LIMITS, ...lim, segmentBytes: 300_000 };
        const ring = createRing(SIZE);
        const pump = new LogPump(ring, dir, logLimits);
        let ts = 0;
        const writer = new RingWriter(ring, () => pump.drain(ts), logLimits);
        const produced: Uint8Array[] = [];
        const stamps: number[] = [];
        steps.forEach((s, i) => {
          const prev = ts;
          ts += s.dt;
          const rec = record(s.len, ts, prev, i);
          produced.push(rec);
          stamps.push(ts);
          const p = writer.room(writer.begin(rec.length, 0), 0);
          writer.buf.set(rec, p);
          writer.end(p + rec.length, ts);
          if (s.then === 'drain') pump.drain(ts);
          else if (s.then === 'late') pump.drain(ts + lim.batchNs);
        });
        writer.close();
        const report = pump.close();
        expect(report.error).toBeUndefined();
        expect(report.records).toBe(steps.length);
        const got: Uint8Array[] = [];
        let offset = 0;
        for (const b of batches(dir)) {
          const { info } = b;
          expect(info.firstOffset).toBe(offset);
          expect(info.recordCount).toBeGreaterThan(0);
          expect(info.firstTimestamp).toBe(stamps[offset]);
          expect(info.lastTimestamp).toBe(stamps[offset + info.recordCount - 1]);
          const scanner = new RecordScanner();
          let n = 0;
          for (let p = 0; p < b.records.length; n++) {
            const end = scanner.scan(b.records, p, b.records.length);
            got.push(b.records.slice(p, end));
            p = end;
          }
          expect(n).toBe(info.recordCount);
          offset += n;
        }
        expect(offset).toBe(steps.length);
        expect(Buffer.from(concatBytes(got)).equals(Buffer.from(concatBytes(produced)))).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('sum the batches cut while the ring was full, and the sums are the CRC-32 of the batches', () => {
    const ring = createRing(SIZE);
    const reader = new RingReader(ring);
    // Every byte handed out, in order, and where each cut says its batch ends in it.
    const stream = new ByteWriter(1 << 16);
    const sums: { end: number; length: number; checksum: number }[] = [];
    const collect: OnRecords = (bytes, start, end, _release, cuts) => {
      const base = stream.pos - start;
      for (let i = 0; i < cuts.n; i++) sums.push({ end: base + cuts.at[i]!, length: cuts.length[i]!, checksum: cuts.checksum[i]! });
      stream.ensure(end - start);
      stream.buf.set(bytes.subarray(start, end), stream.pos);
      stream.pos += end - start;
    };
    const writer = new RingWriter(ring, () => reader.drain(collect, false), { ...DEFAULT_LIMITS, batchBytes: 100_000 });
    const n = 60;
    for (let i = 0; i < n; i++) {
      const rec = record(40_000 + i, i + 1, i, i * 977);
      const p = writer.room(writer.begin(rec.length, 0), 0);
      writer.buf.set(rec, p);
      writer.end(p + rec.length, i + 1);
    }
    writer.close();
    while (!reader.finished) reader.drain(collect, false);
    const summed = sums.filter((c) => c.checksum >= 0);
    // The ring (256 KiB) fills every few records: the batches cut after it did are summed.
    expect(summed.length).toBeGreaterThanOrEqual(5);
    expect(sums.some((c) => c.checksum < 0)).toBe(true);
    let prevEnd = 0;
    for (const c of sums) {
      // A batch is every byte since the previous cut.
      expect(c.end - c.length).toBe(prevEnd);
      prevEnd = c.end;
      if (c.checksum >= 0) expect(c.checksum).toBe(crc32(stream.buf.subarray(c.end - c.length, c.end)));
    }
  });

  it('end with a cut after the last record when the producer closes, with its count and timestamp', () => {
    const ring = createRing(SIZE);
    const reader = new RingReader(ring);
    let handed = 0;
    const cuts: { at: number; count: number; lastTs: number }[] = [];
    const collect: OnRecords = (_bytes, start, end, _release, c) => {
      for (let i = 0; i < c.n; i++) cuts.push({ at: handed + c.at[i]! - start, count: c.count[i]!, lastTs: c.lastTs[i]! });
      handed += end - start;
    };
    const writer = new RingWriter(ring, () => reader.drain(collect, false), { ...DEFAULT_LIMITS, batchRecords: 10 });
    let bytes = 0;
    for (let i = 0; i < 25; i++) {
      const rec = record(i, 1000 * (i + 1), 1000 * i, i);
      const p = writer.begin(rec.length, 0);
      writer.buf.set(rec, p);
      writer.end(p + rec.length, 1000 * (i + 1));
      bytes += rec.length;
    }
    // Cut by count after records 10 and 20; the last five only by closing.
    reader.drain(collect, false);
    expect(cuts.map((c) => c.count)).toEqual([10, 20]);
    writer.close();
    expect(reader.finished).toBe(true);
    expect(reader.drain(collect, false)).toBe(0);
    expect(cuts.map((c) => c.count)).toEqual([10, 20, 25]);
    expect(cuts[2]).toEqual({ at: bytes, count: 25, lastTs: 25_000 });
    expect(handed).toBe(bytes);
  });

  it('give the log a last batch with the right header when its records were taken before the producer closed', () => {
    const dir = tempDir();
    const ring = createRing(SIZE);
    const pump = new LogPump(ring, dir, DEFAULT_LIMITS);
    const writer = new RingWriter(ring, () => pump.drain(0));
    const stamps: number[] = [];
    // 20 records of 10 KB: more than a drain leaves in the ring (a quarter of it), so the drain below
    // copies them into the pending batch, and no limit cuts them.
    for (let i = 0; i < 20; i++) {
      const rec = record(10_000, 1000 * (i + 1), 1000 * i, i);
      const p = writer.room(writer.begin(rec.length, 0), 0);
      writer.buf.set(rec, p);
      writer.end(p + rec.length, 1000 * (i + 1));
      stamps.push(1000 * (i + 1));
    }
    pump.drain(0);
    writer.close();
    expect(pump.close().records).toBe(20);
    const infos = [...batches(dir)].map((b) => b.info);
    expect(infos.map((b) => [b.firstOffset, b.recordCount, b.firstTimestamp, b.lastTimestamp])).toEqual([[0, 20, 1000, 20_000]]);
  });

  it('let a batch run on while every cut slot is taken, and the log still holds every record', () => {
    const dir = tempDir();
    const logLimits = { ...DEFAULT_LIMITS, batchRecords: 1 };
    const ring = createRing(SIZE);
    const pump = new LogPump(ring, dir, logLimits);
    const writer = new RingWriter(ring, () => pump.drain(0), logLimits);
    const n = 3000; // more cuts than slots, none taken until the end
    for (let i = 0; i < n; i++) {
      const rec = record(0, i + 1, i, i);
      const p = writer.begin(rec.length, 0);
      writer.buf.set(rec, p);
      writer.end(p + rec.length, i + 1);
    }
    writer.close();
    expect(pump.close().records).toBe(n);
    const counts = [...batches(dir)].map((b) => b.info.recordCount);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    // The first 1,024 are one record each (a slot each); the cut after them waited for a free slot.
    expect(counts.slice(0, 1024).every((c) => c === 1)).toBe(true);
    expect(counts.length).toBeLessThan(n);
  });
});
