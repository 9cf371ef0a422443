/**
 * A process's log directory on Node: its segment files, read as src/core/segment.ts reads segments,
 * piece by piece and with zlib (src/log/zlib.ts).
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { RecordCursor } from '../core/cursor.js';
import { readBatches, type Batch, type ReadOptions, type SegmentSource } from '../core/segment.js';
import { ZLIB } from './zlib.js';

/** The segment files of a log directory, in order (missing directory: none). */
export function segmentFiles(logDir: string): { index: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => /^\d{8}$/.test(n))
    .sort()
    .map((n) => ({ index: Number(n), path: `${logDir}/${n}` }));
}

/**
 * Segment file `path` as a {@link SegmentSource}, read piece by piece with `readSync` (its size is
 * looked at when asked: a segment being recorded grows). Close it when done.
 */
export function fileSource(path: string): SegmentSource & { close(): void } {
  const fd = openSync(path, 'r');
  return {
    get size() {
      return fstatSync(fd).size;
    },
    read(position, length, into) {
      const buf = into ?? new Uint8Array(length);
      let n = 0;
      while (n < length) {
        const k = readSync(fd, buf, n, length - n, position + n);
        if (k === 0) break;
        n += k;
      }
      return n === buf.length ? buf : buf.subarray(0, n);
    },
    close: () => closeSync(fd),
  };
}

/** The batches of segment file `path` (segment `index`), read as src/core/segment.ts reads them, with zlib. */
export function* readSegment(path: string, index: number, options: ReadOptions = {}): Generator<Batch> {
  const source = fileSource(path);
  try {
    yield* readBatches(source, index, options, ZLIB);
  } finally {
    source.close();
  }
}

/** Every batch of a log directory, in order. A batch cut short at the end of a segment throws LogTruncatedError. */
export function* batches(logDir: string, options: ReadOptions = {}): Generator<Batch> {
  for (const s of segmentFiles(logDir)) yield* readSegment(s.path, s.index, options);
}

/** A {@link RecordCursor} over the log directory `logDir`. */
export function logCursor(logDir: string, options: Pick<ReadOptions, 'keepTimestampOffset' | 'reuseBuffer'> = {}): RecordCursor {
  return new RecordCursor(batches(logDir, options), options);
}
