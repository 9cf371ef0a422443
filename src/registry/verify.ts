/**
 * `tc verify`: check one process of the registry from end to end, and return what is wrong with it as
 * data (the command renders it).
 *
 * - The manifest: it is there, parses, and holds the fields the registry needs with the right types
 *   (docs/registry.md); a finished recording's totals match its log.
 * - The module: it is in the registry, its bytes hash to the manifest's digest and have its size.
 * - The log (docs/log-format.md): segment files numbered from 0 without gaps; in every segment, every
 *   batch's frame (size prefix, `TCB2` or `TCB1` header, its filter), header fields (segment and
 *   batch indexes in order, `first_offset` going on from the previous batch, plausible sizes,
 *   timestamps in order), CRC-32, decompression and filter; then every record decodes (`decodeRecord`), the batch holds
 *   `record_count` of them, and its last one is at `last_timestamp`. Finally the log is read once more
 *   the way replay reads it ({@link RecordCursor}), so a clean verify means replay can read every record.
 *
 * Unlike the reader, verify goes on after a damaged batch when its frame is intact (a checksum that does
 * not match, say), so one run lists every damaged batch; a frame that cannot be read ends its segment.
 * A log that ends inside its last batch is where a killed recording stopped: it is damage only when the
 * manifest says the process finished (exited or trapped), or when it is not the last segment.
 */
import * as fs from 'node:fs';
import { ByteReader, decodeRecord, RecordDecodeError, RESULT_TRAP } from '../core/codec.js';
import { segmentFileName } from '../core/segment.js';
import { fileSource, segmentFiles, logCursor } from '../log/files.js';
import { ERRNO_NAMES } from '../wasi/errno.js';
import { effectiveStatus, isLive } from './inspect.js';
import { sha256, type Manifest, type ProcessStatus, type Registry } from './registry.js';
import { isCount, manifestProblems } from './manifest-check.js';
import { ZLIB } from '../log/zlib.js';
import { LogCorruptError, LogTruncatedError, segmentFrames, unpackBatch, type BatchInfo, type Frame } from '../core/segment.js';

/** One thing wrong with a process. */
export interface VerifyProblem {
  /** What the problem is about: the manifest, the module, or the log (then `segment`, maybe `batch`). */
  readonly where: 'manifest' | 'module' | 'log';
  readonly segment?: number;
  readonly batch?: number;
  /** What is wrong, one line. */
  readonly message: string;
  /**
   * False only for a log that ends inside its last batch when the recording did not finish (it was
   * killed, or is still being written): that is where it stopped, not damage.
   */
  readonly damage: boolean;
}

/** What `tc verify` found. Counts are of what could be read. */
export interface VerifyResult {
  readonly id: string;
  /** The manifest's status (a `recording` whose tc is gone shows as `incomplete`); absent when unreadable. */
  readonly status?: ProcessStatus;
  /** True when nothing is damaged. */
  readonly ok: boolean;
  /** Records that decoded. */
  readonly records: number;
  /** Batches whose header could be read. */
  readonly batches: number;
  /** Segment files. */
  readonly segments: number;
  /** True when the log ends inside its last batch (a recording that did not finish). */
  readonly unfinished: boolean;
  readonly problems: readonly VerifyProblem[];
}

/** The line `tc verify` prints for a problem: `segment S, batch B: ...`, `manifest: ...`, `module: ...`. */
export function problemLine(p: VerifyProblem): string {
  if (p.where !== 'log') return `${p.where}: ${p.message}`;
  if (p.batch === undefined) return `segment ${p.segment}: ${p.message}`;
  return `segment ${p.segment}, batch ${p.batch}: ${p.message}`;
}

/** The message of a log that ends inside a batch (see docs/reliability.md). */
export const UNFINISHED = 'the segment ends inside a batch (the recording did not finish)';



/** What one segment holds, as far as it could be read. */
interface SegmentResult {
  records: number;
  batches: number;
  /** Sums and bounds over the batch headers read, as the manifest's segment summaries hold them. */
  uncompressedSize: number;
  compressedSize: number;
  firstTimestamp: number;
  lastTimestamp: number;
  /** The segment could be read to its end with no problem. */
  clean: boolean;
}

/** Running state across the batches of the whole log. */
interface LogState {
  /** The log-wide offset the next batch must start at (null once a damaged batch makes it unknown). */
  nextOffset: number | null;
  /** The last timestamp of the previous batch read (ns). */
  lastTimestamp: number | null;
}

/**
 * Walk one segment file batch by batch with the log's own reader (src/core/segment.ts), adding
 * problems. Goes on after a batch whose frame is intact; stops at a frame that cannot be read.
 */
function verifySegment(
  path: string,
  index: number,
  state: LogState,
  problem: (batch: number | undefined, message: string) => void,
  truncated: (batch: number) => void,
): SegmentResult {
  const res: SegmentResult = { records: 0, batches: 0, uncompressedSize: 0, compressedSize: 0, firstTimestamp: 0, lastTimestamp: 0, clean: true };
  let problemCount = 0;
  const at = (batch: number | undefined, message: string) => {
    res.clean = false;
    problemCount++;
    problem(batch, message);
  };
  let source: ReturnType<typeof fileSource>;
  try {
    source = fileSource(path);
  } catch (e) {
    at(undefined, `cannot read the segment file (${(e as { code?: string }).code ?? (e as Error).message})`);
    return res;
  }
  const buffer = { bytes: new Uint8Array(0) };
  try {
    if (source.size === 0) {
      at(undefined, 'the segment file is empty');
      return res;
    }
    const frames = segmentFrames(source, index);
    for (;;) {
      let next: IteratorResult<Frame>;
      try {
        next = frames.next();
      } catch (e) {
        if (e instanceof LogTruncatedError) {
          res.clean = false;
          truncated(e.batch);
          return res;
        }
        if (e instanceof LogCorruptError) {
          at(e.batch, e.reason);
          return res;
        }
        throw e;
      }
      if (next.done) return res;
      const f = next.value;
      const { info, batch } = f;
      if (res.batches === 0) res.firstTimestamp = info.firstTimestamp;
      res.lastTimestamp = info.lastTimestamp;
      res.batches++;
      res.uncompressedSize += info.uncompressedSize;
      res.compressedSize += info.compressedSize;
      const before = problemCount;
      // Header fields.
      if (info.segment !== index) at(batch, `the batch header says segment ${info.segment}`);
      if (info.batch !== batch) at(batch, `the batch header says batch ${info.batch}`);
      if (state.nextOffset !== null && info.firstOffset !== state.nextOffset) {
        at(batch, `first_offset is ${info.firstOffset}, expected ${state.nextOffset} (records are numbered on from the previous batch)`);
      }
      if (info.lastTimestamp < info.firstTimestamp) at(batch, `last_timestamp ${info.lastTimestamp} is before first_timestamp ${info.firstTimestamp}`);
      if (state.lastTimestamp !== null && info.firstTimestamp < state.lastTimestamp) {
        at(batch, `first_timestamp ${info.firstTimestamp} is before the previous batch's last_timestamp ${state.lastTimestamp}`);
      }
      if (info.recordCount === 0) at(batch, 'the batch header says it holds no records');
      // Stored bytes: checksum, decompression, filter; then every record.
      let records: Uint8Array | null = null;
      try {
        records = unpackBatch(source, index, f, { sizeUnknown: true }, ZLIB, buffer);
      } catch (e) {
        if (!(e instanceof LogCorruptError)) throw e;
        at(batch, e.reason);
      }
      if (records !== null) res.records += decodeRecords(info, records, (m) => at(batch, m));
      // The next batch goes on from this one; after a damaged one, from wherever it says it starts.
      const clean = problemCount === before;
      state.nextOffset = clean ? info.firstOffset + info.recordCount : null;
      state.lastTimestamp = clean ? info.lastTimestamp : null;
    }
  } catch (e) {
    // The file itself cannot be read (a directory in its place, an I/O error).
    const code = (e as { code?: string }).code;
    if (code === undefined) throw e;
    at(undefined, `cannot read the segment file (${code})`);
    return res;
  } finally {
    source.close();
  }
}

/** Decode every record of a batch; returns how many decoded. */
function decodeRecords(info: BatchInfo, records: Uint8Array, problem: (m: string) => void): number {
  const r = new ByteReader(records);
  let count = 0;
  let prevTs = info.firstTimestamp;
  let lastTs = info.firstTimestamp;
  try {
    if (!r.done) {
      // The first record is at first_timestamp: its delta says where the previous record was.
      const peek = new ByteReader(records);
      peek.u8();
      prevTs = info.firstTimestamp - peek.varint();
    }
    while (!r.done) {
      const rec = decodeRecord(r, info.firstOffset + count, prevTs);
      if (rec.result > ERRNO_NAMES.length - 1 && rec.result !== RESULT_TRAP) {
        problem(`record ${rec.offset}: result ${rec.result} is neither an errno nor a trap`);
        return count;
      }
      count++;
      prevTs = lastTs = rec.timestamp;
    }
  } catch (e) {
    if (!(e instanceof RecordDecodeError)) throw e;
    problem(`record ${info.firstOffset + count}: ${e.message}`);
    return count;
  }
  if (count !== info.recordCount) problem(`the batch holds ${count} records, the header says ${info.recordCount}`);
  else if (count > 0 && lastTs !== info.lastTimestamp) problem(`the last record is at ${lastTs} ns, the header says last_timestamp ${info.lastTimestamp}`);
  return count;
}

/**
 * Verify process `prefix` (a unique id prefix). Throws UnknownIdError for an unknown or ambiguous id
 * (and what the registry directory throws when it cannot be listed); everything wrong with the process
 * itself is in the result.
 */
export function verifyProcess(registry: Registry, prefix: string): VerifyResult {
  const id = registry.resolveProcess(prefix);
  const problems: VerifyProblem[] = [];
  const add = (p: VerifyProblem) => problems.push(p);

  // Manifest.
  let manifest: Manifest | undefined;
  let raw: Uint8Array | undefined;
  try {
    raw = registry.store.get(`processes/${id}/manifest.json`);
  } catch (e) {
    add({ where: 'manifest', message: `cannot read manifest.json (${(e as { code?: string }).code ?? (e as Error).message})`, damage: true });
  }
  if (raw === undefined) {
    if (problems.length === 0) add({ where: 'manifest', message: 'manifest.json is missing', damage: true });
  } else {
    let parsed: unknown;
    let parses = true;
    try {
      parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch (e) {
      parses = false;
      add({ where: 'manifest', message: `not JSON (${(e as Error).message})`, damage: true });
    }
    if (parses) {
      const bad = manifestProblems(parsed, id);
      for (const message of bad) add({ where: 'manifest', message, damage: true });
      if (bad.length === 0) manifest = parsed as Manifest;
    }
  }
  const finished = manifest !== undefined && (manifest.status === 'exited' || manifest.status === 'trapped');

  // Module.
  if (manifest !== undefined) {
    const { digest, size } = manifest.module;
    const hexDigest = digest.slice('sha256:'.length);
    let bytes: Uint8Array | undefined;
    try {
      bytes = registry.store.get(`modules/${hexDigest}`);
    } catch (e) {
      add({ where: 'module', message: `cannot read ${digest} (${(e as { code?: string }).code ?? (e as Error).message})`, damage: true });
    }
    if (bytes === undefined) {
      if (!problems.some((p) => p.where === 'module')) add({ where: 'module', message: `${digest} is not in the registry`, damage: true });
    } else {
      const got = sha256(bytes);
      if (got !== digest) add({ where: 'module', message: `the stored bytes hash to ${got}, the manifest says ${digest}`, damage: true });
      else if (bytes.byteLength !== size) add({ where: 'module', message: `${bytes.byteLength} bytes, the manifest says ${size}`, damage: true });
      if (registry.store.size(`modules/${hexDigest}.json`) === undefined) add({ where: 'module', message: `modules/${hexDigest}.json (its name and size) is missing`, damage: true });
    }
  }

  // Log.
  const logDir = registry.logDir(id);
  let files: { index: number; path: string }[] = [];
  try {
    files = segmentFiles(logDir);
  } catch (e) {
    add({ where: 'log', segment: 0, message: `cannot list the log directory (${(e as { code?: string }).code ?? (e as Error).message})`, damage: true });
  }
  const logStart = problems.length;
  // Segments are numbered from 0 without gaps: report each gap once, at its first missing index.
  files.forEach((f, i) => {
    const from = i === 0 ? 0 : files[i - 1]!.index + 1;
    if (f.index > from) {
      const more = f.index - from > 1 ? ` (and ${f.index - from - 1} more, up to ${segmentFileName(f.index - 1)})` : '';
      add({ where: 'log', segment: from, message: `the segment file ${segmentFileName(from)} is missing${more}: segments are numbered from 0 without gaps`, damage: true });
    }
  });
  for (const s of manifest?.segments ?? []) {
    if (!files.some((f) => f.index === s.index)) {
      if (!problems.some((p) => p.where === 'log' && p.segment === s.index)) add({ where: 'log', segment: s.index, message: `the segment file ${segmentFileName(s.index)} is missing (the manifest lists it)`, damage: true });
    }
  }
  const state: LogState = { nextOffset: 0, lastTimestamp: null };
  let records = 0;
  let batches = 0;
  let unfinished = false;
  const perSegment: (SegmentResult & { index: number; size: number })[] = [];
  files.forEach((f, i) => {
    const last = i === files.length - 1;
    const r = verifySegment(
      f.path,
      f.index,
      state,
      (batch, message) => add({ where: 'log', segment: f.index, ...(batch === undefined ? {} : { batch }), message, damage: true }),
      (batch) => {
        const damage = finished || !last;
        if (!damage) unfinished = true;
        add({ where: 'log', segment: f.index, batch, message: UNFINISHED, damage });
      },
    );
    records += r.records;
    batches += r.batches;
    perSegment.push({ ...r, index: f.index, size: fs.statSync(f.path, { throwIfNoEntry: false })?.size ?? 0 });
    if (!r.clean) state.nextOffset = null;
  });
  const logDamaged = problems.slice(logStart).some((p) => p.damage);

  // Read the log once more the way replay reads it: a clean walk must mean a readable log.
  if (!logDamaged) {
    const cursor = logCursor(logDir, { reuseBuffer: true });
    let n = 0;
    try {
      while (cursor.nextRecord() !== null) n++;
      // A recording under way goes on growing between the two reads: only a still log must agree.
      if (n !== records && !(manifest !== undefined && isLive(manifest))) add({ where: 'log', segment: 0, message: `replay's reader finds ${n} records, verify ${records}`, damage: true });
    } catch (e) {
      if (e instanceof LogCorruptError) add({ where: 'log', segment: e.segment, batch: e.batch, message: e.reason, damage: true });
      else if (e instanceof RecordDecodeError) add({ where: 'log', segment: 0, message: `record ${cursor.offset}: ${e.message}`, damage: true });
      else throw e;
    }
  }

  // A finished recording's manifest totals must be those of its log.
  if (manifest !== undefined && !logDamaged && (finished || manifest.status === 'interrupted')) {
    if (typeof manifest.records === 'number' && manifest.records !== records) {
      add({ where: 'manifest', message: `says ${manifest.records} records, the log holds ${records}`, damage: true });
    }
    if (manifest.segments.length !== files.length) {
      add({ where: 'manifest', message: `lists ${manifest.segments.length} segments, the log has ${files.length}`, damage: true });
    }
    for (const s of manifest.segments) {
      const got = perSegment.find((p) => p.index === s.index);
      if (got === undefined) continue;
      const diffs = (['records', 'batches', 'size', 'uncompressedSize', 'compressedSize', 'firstTimestamp', 'lastTimestamp'] as const).filter((k) => s[k] !== got[k]).map((k) => `${s[k]} ${k} (the file holds ${got[k]})`);
      if (diffs.length > 0) add({ where: 'manifest', message: `segment ${s.index}: says ${diffs.join(', ')}`, damage: true });
    }
  }

  const order = { manifest: 0, module: 1, log: 2 } as const;
  problems.sort((a, b) => order[a.where] - order[b.where]);
  return {
    id,
    ...(manifest === undefined ? {} : { status: effectiveStatus(manifest) }),
    ok: !problems.some((p) => p.damage),
    records,
    batches,
    segments: files.length,
    unfinished,
    problems,
  };
}
