import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, decodeRecord, timestampDelta } from '../src/core/codec.js';
import { DEFAULT_LIMITS, encodeBatch, LogWriter, segmentFileName } from '../src/timemachine/log.js';
import { readSegment, batches, logCursor } from '../src/log/files.js';
import { Filter } from '../src/format/tc/format/filter.js';
import { SYSCALL } from '../src/wasi/syscalls.js';
import { Compression } from '../src/format/tc/format/compression.js';
import { tempDir } from './helpers/run.js';
import { LogCorruptError } from '../src/core/segment.js';

/** Encode a clock_time_get record (id, precision, ptr, result 0, 8 output bytes) into `b`: `delta` ns after the previous record, with the 8 bytes of `stored`. */
function encodeClock(b: ByteWriter, delta: number, stored: bigint): void {
  b.ensure(64);
  b.u8(SYSCALL.clock_time_get.id);
  b.varint(delta);
  b.param('clockid', 1);
  b.param('timestamp', 1000n);
  b.param('ptr', 0x1000);
  b.varint(0);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, stored), true);
  b.blob(out, 0, 8);
}

/**
 * Append a clock_time_get record at `ts`, as the recorder writes it: the value as its offset from
 * `ts` (the TimestampOffset filter).
 */
function clockRecord(w: LogWriter, ts: number, value: bigint): void {
  const b = w.records;
  const start = w.begin(64, 0);
  encodeClock(b, ts - w.previousTimestamp, value - BigInt(ts));
  const end = b.pos;
  b.pos = start;
  w.end(end, ts);
}

/** Encode a random_get record (ptr 0, result 0, the bytes of `noise`) into `b`: `delta` ns after the previous record. */
function encodeRandom(b: ByteWriter, delta: number, noise: Uint8Array): void {
  b.ensure(noise.length + 64);
  b.u8(SYSCALL.random_get.id);
  b.varint(delta);
  b.param('ptr', 0);
  b.param('size', noise.length);
  b.varint(0);
  b.blob(noise, 0, noise.length);
}

/** Append a random_get record of `noise` at time 0, as the recorder writes it. */
function randomRecord(w: LogWriter, noise: Uint8Array): void {
  const b = w.records;
  const start = w.begin(noise.length + 64, 0);
  encodeRandom(b, 0 - w.previousTimestamp, noise);
  const end = b.pos;
  b.pos = start;
  w.end(end, 0);
}

describe('log writer and reader', () => {
  it('reads back every record, in order, across batches and segments', () => {
    const dir = tempDir();
    const w = new LogWriter(dir, { ...DEFAULT_LIMITS, batchRecords: 100, segmentBytes: 256 });
    for (let i = 0; i < 1000; i++) clockRecord(w, i * 10, BigInt(i) * 7n);
    w.close();
    expect(w.recordCount).toBe(1000);
    expect(w.segments.length).toBeGreaterThan(1);
    expect(w.segments.reduce((n, s) => n + s.batches, 0)).toBe(10);
    const c = logCursor(dir);
    for (let i = 0; i < 1000; i++) {
      const rec = c.nextRecord()!;
      expect(rec.offset).toBe(i);
      expect(rec.timestamp).toBe(i * 10);
      expect(rec.syscall.name).toBe('clock_time_get');
      expect(rec.params).toEqual([1, 1000n, 0x1000]);
      expect(new DataView(rec.outputs[0]!.buffer, rec.outputs[0]!.byteOffset).getBigUint64(0, true)).toBe(BigInt(i) * 7n);
    }
    expect(c.nextRecord()).toBeNull();
    expect(c.truncated).toBeNull();
  });

  it('flushes a batch when its records span the time limit', () => {
    const dir = tempDir();
    const w = new LogWriter(dir, { ...DEFAULT_LIMITS, batchNs: 1000 });
    clockRecord(w, 0, 1n);
    clockRecord(w, 500, 2n);
    expect(fs.statSync(join(dir, segmentFileName(0)), { throwIfNoEntry: false })).toBeUndefined();
    clockRecord(w, 1000, 3n);
    const flushed = [...readSegment(join(dir, segmentFileName(0)), 0)];
    expect(flushed.map((b) => b.info.recordCount)).toEqual([3]);
    expect(flushed[0]!.info.firstTimestamp).toBe(0);
    expect(flushed[0]!.info.lastTimestamp).toBe(1000);
    w.close();
  });

  it('stores a batch that does not compress uncompressed, with a few bytes of overhead', () => {
    const dir = tempDir();
    const w = new LogWriter(dir);
    const noise = new Uint8Array(randomBytes(100_000));
    randomRecord(w, noise);
    w.close();
    const [batch] = [...batches(dir)];
    expect(batch!.info.compression).toBe(Compression.None);
    const size = fs.statSync(join(dir, segmentFileName(0))).size;
    expect(size).toBeLessThan(noise.length * 1.02);
    const rec = decodeRecord(new ByteReader(batch!.records), 0, 0);
    expect(Buffer.from(rec.outputs[0]!).equals(Buffer.from(noise))).toBe(true);
  });

  it('reads stored batches into one reused buffer with reuseBuffer, and into fresh ones without', () => {
    const dir = tempDir();
    const w = new LogWriter(dir, { ...DEFAULT_LIMITS, batchRecords: 1 });
    const noises = [0, 1, 2].map(() => new Uint8Array(randomBytes(50_000)));
    for (const noise of noises) randomRecord(w, noise);
    w.close();
    const path = join(dir, segmentFileName(0));
    const output = (records: Uint8Array) => Buffer.from(decodeRecord(new ByteReader(records), 0, 0).outputs[0]!);
    // Kept: each batch's records stay its own.
    const kept = [...readSegment(path, 0)];
    expect(kept.map((b) => b.info.compression)).toEqual([Compression.None, Compression.None, Compression.None]);
    kept.forEach((b, i) => expect(output(b.records).equals(Buffer.from(noises[i]!))).toBe(true));
    // Reused: every batch is right while it is the current one, and all of them share one buffer.
    const buffers = new Set<ArrayBufferLike>();
    let i = 0;
    for (const b of readSegment(path, 0, { reuseBuffer: true })) {
      expect(output(b.records).equals(Buffer.from(noises[i++]!))).toBe(true);
      buffers.add(b.records.buffer);
    }
    expect(i).toBe(3);
    expect(buffers.size).toBe(1);
    expect(new Set(kept.map((b) => b.records.buffer)).size).toBe(3);
  });

  it("takes the producer's checksum of a batch only when the batch is all the bytes it summed", () => {
    // Two random_get records of noise (stored as they are), encoded as the recorder does.
    const encoded = new ByteWriter(1 << 16);
    const ends: number[] = [];
    for (const [i, size] of [70_000, 50_000].entries()) {
      encodeRandom(encoded, i === 0 ? 5 : 1, new Uint8Array(randomBytes(size)));
      ends.push(encoded.pos);
    }
    const bytes = encoded.buf.subarray(0, encoded.pos);
    const cut = (checksum: number, length: number) => ({
      n: 1,
      at: Int32Array.of(bytes.length),
      count: Float64Array.of(2),
      lastTs: Float64Array.of(6),
      checksum: Float64Array.of(checksum),
      length: Float64Array.of(length),
    });
    const realSum = crc32(bytes);

    // The batch is the bytes summed: the sum is taken as it is (a wrong one shows when read back).
    const taken = tempDir();
    let w = new LogWriter(taken);
    w.appendRecords(bytes, 0, bytes.length, undefined, cut((realSum ^ 1) >>> 0, bytes.length));
    w.close();
    expect(() => [...batches(taken)]).toThrow(/^segment 0, batch 0: checksum mismatch \(the header says 0x[0-9a-f]{8}, the stored bytes give 0x[0-9a-f]{8}\)$/);

    // The log writer flushed the first record early: the second one's batch sums its own bytes.
    const split = tempDir();
    w = new LogWriter(split);
    w.appendRecords(bytes, 0, ends[0]!, undefined, { ...cut(-1, 0), n: 0 });
    w.flush();
    w.appendRecords(bytes, ends[0]!, bytes.length, undefined, cut((realSum ^ 1) >>> 0, bytes.length));
    w.close();
    const read = [...batches(split)];
    expect(read.map((b) => b.info.recordCount)).toEqual([1, 1]);
    expect(read.map((b) => b.info.compression)).toEqual([Compression.None, Compression.None]);
  });

  it('reports a flipped byte as segment S, batch B and a cut log as truncated', () => {
    const dir = tempDir();
    const w = new LogWriter(dir, { ...DEFAULT_LIMITS, batchRecords: 10 });
    for (let i = 0; i < 30; i++) clockRecord(w, i, BigInt(i));
    w.close();
    const path = join(dir, segmentFileName(0));
    const good = fs.readFileSync(path);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 3]! ^= 0xff;
    fs.writeFileSync(path, damaged);
    expect(() => [...readSegment(path, 0)]).toThrow(/^segment 0, batch 2: checksum mismatch \(/);
    fs.writeFileSync(path, good.subarray(0, good.length - 5));
    const c = logCursor(dir);
    let n = 0;
    while (c.nextRecord() !== null) n++;
    expect(n).toBe(20);
    expect(c.truncated?.message).toBe('segment 0, batch 2: the segment ends inside a batch');
  });

  it('reads the TimestampDelta filter of earlier logs back to the values', () => {
    // clock_time_get records with their values, then the earlier filter over them: each is its
    // difference from the previous one in the batch.
    const dir = tempDir();
    const w = new ByteWriter(256);
    // Enough of them (136 bytes) to be deflated, as earlier versions did with the filter on.
    const values = [1_000_000_123n, 1_000_000_456n, 2n ** 63n + 5n, 7n, 7n, 8n, 1_000_000_999n, 0n];
    values.forEach((v, i) => encodeClock(w, i === 0 ? 10 : 7, v));
    const records = w.buf.slice(0, w.pos);
    timestampDelta(records, false);
    const [header, payload] = encodeBatch({ segment: 0, batch: 0, firstOffset: 0, firstTimestamp: 10, lastTimestamp: 59, recordCount: values.length }, records, 1, Filter.TimestampDelta);
    expect(Buffer.from(header.subarray(8, 12)).toString()).toBe('TCB1');
    fs.writeFileSync(join(dir, segmentFileName(0)), Buffer.concat([header, payload]));
    expect([...batches(dir)][0]!.info.compression).toBe(Compression.Deflate);
    const c = logCursor(dir);
    for (const v of values) {
      const rec = c.nextRecord()!;
      expect(new DataView(rec.outputs[0]!.buffer, rec.outputs[0]!.byteOffset).getBigUint64(0, true)).toBe(v);
    }
    expect(c.nextRecord()).toBeNull();
  });

  it('rejects a batch header whose filter does not go with its version and compression', () => {
    const dir = tempDir();
    const path = join(dir, segmentFileName(0));
    // 200 sched_yield records (id, delta 0, result 0): compressible.
    const records = Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? SYSCALL.sched_yield.id : 0));
    const batch = (filter: Filter, level: 0 | 1, id?: string): Buffer => {
      const [header, payload] = encodeBatch({ segment: 0, batch: 0, firstOffset: 0, firstTimestamp: 0, lastTimestamp: 0, recordCount: 200 }, records.slice(), level, filter);
      if (id !== undefined) header.set(Buffer.from(id), 8);
      return Buffer.concat([header, payload]);
    };
    const read = (bytes: Buffer) => {
      fs.writeFileSync(path, bytes);
      return () => [...readSegment(path, 0)];
    };
    expect(read(batch(Filter.TimestampOffset, 1))).not.toThrow();
    expect(read(batch(Filter.None, 0))).not.toThrow(); // an earlier version's stored batch
    expect(read(batch(Filter.None, 0, 'TCB2'))).toThrow('segment 0, batch 0: bad batch header (filter None in a TCB2 batch)');
    expect(read(batch(Filter.None, 1))).toThrow('bad batch header (filter None in a TCB1 batch with compression Deflate)');
    expect(read(batch(Filter.TimestampOffset, 1, 'TCB1'))).toThrow('bad batch header (filter TimestampOffset in a TCB1 batch with compression Deflate)');
    expect(read(batch(Filter.TimestampOffset, 1, 'TCB3'))).toThrow('segment 0, batch 0: not a batch header');
  });

  it('varints round-trip', () => {
    const w = new ByteWriter(16);
    const values = [0, 1, 127, 128, 300, 2 ** 32 - 1, 2 ** 40, 2 ** 53 - 1];
    for (const v of values) {
      w.ensure(10);
      w.varint(v);
    }
    const r = new ByteReader(w.buf.subarray(0, w.pos));
    for (const v of values) expect(r.varint()).toBe(v);
    expect(r.done).toBe(true);
  });
});

describe('docs/log-format.md', () => {
  it('the fd_write example is what the recorder writes', async () => {
    const { createHost } = await import('../src/host/host.js');
    const { recordImports } = await import('../src/timemachine/recorder.js');
    const { MemoryViews } = await import('../src/core/memory.js');
    const dir = tempDir();
    const outFd = fs.openSync(join(dir, 'stdout'), 'w+');
    const host = createHost({ args: ['x'], env: [], preopens: [], stdio: [0, outFd, 2] });
    const memory = new WebAssembly.Memory({ initial: 2 });
    host.bind(memory);
    const views = new MemoryViews();
    views.bind(memory);
    const w = new LogWriter(join(dir, 'log'));
    const imports = recordImports(host, w, views, { now: () => 1500 });
    const u8 = new Uint8Array(memory.buffer);
    const dv = new DataView(memory.buffer);
    u8.set(Buffer.from('Hello, World!\n'), 0x10100);
    dv.setUint32(0x10000, 0x10100, true);
    dv.setUint32(0x10004, 14, true);
    const fdWrite = imports.fd_write as (...a: number[]) => number;
    expect(fdWrite(1, 0x10000, 1, 0xfffc)).toBe(0);
    const bytes = Buffer.from(w.records.buf.subarray(0, w.records.pos)).toString('hex');
    const doc = fs.readFileSync(join(import.meta.dirname, '../docs/log-format.md'), 'utf8');
    const block = doc.split('```')[1]!;
    const expected = block
      .split('\n')
      .map((l) => l.split(/ {2,}/)[0]!.trim())
      .filter((l) => /^([0-9a-f]{2} ?)+$/.test(l))
      .join('')
      .replace(/ /g, '');
    expect(bytes).toBe(expected);
    w.close();
    expect(fs.readFileSync(join(dir, 'stdout'), 'utf8')).toBe('Hello, World!\n');
  });
});
