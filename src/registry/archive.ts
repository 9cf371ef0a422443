/**
 * Recordings as one file: a `.tcr` is a zip archive (made with fflate) holding
 *
 *   manifest.json    the process's manifest (docs/registry.md), deflated
 *   module.wasm      the module's exact bytes (its sha256 is the manifest's module.digest), deflated
 *   log/00000000 ... the log segment files, byte for byte, stored (their batches are compressed already)
 *
 * in that order, every entry dated with the process's start time, so exporting a recording twice
 * gives the same bytes. Other entries are ignored on import. Zip64 is not used: entries stay below 4 GiB.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, Zip, ZipDeflate, ZipPassThrough, type Unzipped } from 'fflate';
import { EXIT, TcError } from '../errors.js';
import { segmentFileName } from '../core/segment.js';
import { readSegment, segmentFiles } from '../log/files.js';
import { isLive } from './inspect.js';
import { PROCESS_ID, RegistryError, sha256, type Manifest, type ModuleInfo, type Redaction, type Registry } from './registry.js';
import { tempPath } from './store.js';
import { redactionProblems } from './manifest-check.js';
import { LogCorruptError, LogTruncatedError } from '../core/segment.js';
import { ANNOTATIONS_ENTRY, annotationsFile, checkAnnotations, readAnnotations, type Annotation } from './annotations.js';

/** Receives the bytes of an export, in order. */
export type Sink = (chunk: Uint8Array) => void;

/** A `.tcr` (or a module) cannot be exported or imported. One-line message. */
export class ArchiveError extends TcError {}

export const MANIFEST_ENTRY = 'manifest.json';
export const MODULE_ENTRY = 'module.wasm';
const LOG_ENTRY = /^log\/(\d{8})$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const CHUNK = 1 << 20;

/** What an export wrote. */
export interface ExportResult {
  readonly kind: 'process' | 'module';
  /** Process id, or module digest. */
  readonly id: string;
  /** Bytes written. */
  readonly size: number;
}

/** Write the exact bytes of module `prefix` (a unique digest prefix) to `sink`. */
export function exportModule(registry: Registry, prefix: string, sink: Sink): ExportResult {
  const digest = registry.resolveModule(prefix);
  const bytes = registry.getModule(digest);
  if (sha256(bytes) !== digest) throw new ArchiveError(`module ${digest}: stored bytes do not match the digest`);
  sink(bytes);
  return { kind: 'module', id: digest, size: bytes.byteLength };
}

/**
 * The manifest as it goes into an archive (or a bucket, src/remote): a recording whose recorder is
 * gone is `incomplete`.
 */
export function archivedManifest(m: Manifest): Manifest {
  return m.status === 'recording' ? { ...m, status: 'incomplete' } : m;
}

/**
 * Write process `prefix` (a unique id prefix) as a `.tcr` archive to `sink`, streaming: memory stays
 * bounded by one chunk of a segment file. Throws UnknownIdError, ArchiveError for a process that is
 * still being recorded or whose module is missing.
 */
export function exportProcess(registry: Registry, prefix: string, sink: Sink): ExportResult {
  const id = registry.resolveProcess(prefix);
  const manifest = registry.readManifest(id);
  if (isLive(manifest)) throw new ArchiveError(`process ${id} is still being recorded (pid ${manifest.pid})`);
  const module = registry.getModule(manifest.module.digest);
  if (sha256(module) !== manifest.module.digest) throw new ArchiveError(`module ${manifest.module.digest}: stored bytes do not match the digest`);
  const mtime = new Date(manifest.startTime);
  let size = 0;
  let ended = false;
  let failure: Error | null = null;
  // What the sink threw (its output closed, a full disk): fflate would swallow it, so it is kept and
  // thrown again as it is, and the export stops at once.
  let sinkFailure: unknown = null;
  const zip = new Zip((err, chunk, final) => {
    if (err) failure = err;
    else if (sinkFailure === null) {
      try {
        sink(chunk);
      } catch (e) {
        sinkFailure = e;
        return;
      }
      size += chunk.length;
      ended ||= final;
    }
  });
  const add = (entry: ZipDeflate | ZipPassThrough, produce: (push: (b: Uint8Array, final: boolean) => void) => void) => {
    entry.mtime = mtime;
    zip.add(entry);
    produce((b, final) => {
      entry.push(b, final);
      if (sinkFailure !== null) throw sinkFailure;
    });
  };
  add(new ZipDeflate(MANIFEST_ENTRY, { level: 6 }), (push) => push(Buffer.from(JSON.stringify(archivedManifest(manifest), null, 2) + '\n'), true));
  add(new ZipDeflate(MODULE_ENTRY, { level: 6 }), (push) => push(module, true));
  const notes = readAnnotations(registry, id);
  if (notes.length > 0) add(new ZipDeflate(ANNOTATIONS_ENTRY, { level: 6 }), (push) => push(new TextEncoder().encode(annotationsFile(notes)), true));
  for (const seg of segmentFiles(registry.logDir(id))) {
    add(new ZipPassThrough(`log/${segmentFileName(seg.index)}`), (push) => {
      const fd = fs.openSync(seg.path, 'r');
      try {
        const buf = new Uint8Array(CHUNK);
        for (let pos = 0; ; ) {
          const n = fs.readSync(fd, buf, 0, CHUNK, pos);
          pos += n;
          if (n === 0) {
            push(new Uint8Array(0), true);
            break;
          }
          push(buf.slice(0, n), false);
        }
      } finally {
        fs.closeSync(fd);
      }
    });
  }
  zip.end();
  if (sinkFailure !== null) throw sinkFailure;
  if (failure) throw new ArchiveError(`cannot write the archive: ${(failure as Error).message}`);
  if (!ended) throw new ArchiveError('cannot write the archive: the zip stream did not end');
  return { kind: 'process', id, size };
}

/** What an import did. */
export interface ImportResult {
  readonly id: string;
  readonly module: ModuleInfo;
  readonly records: number;
  readonly segments: number;
  /** False when the registry held this recording already (nothing was written). */
  readonly imported: boolean;
  /** Names of the secrets kept out of the recording (its manifest's), when it has some. */
  readonly secrets?: readonly string[];
  /** What `tc redact` found, when it made this recording (its manifest's `redaction`). */
  readonly redaction?: Redaction;
}

const fail = (source: string, why: string): never => {
  throw new ArchiveError(`${source}: ${why}`);
};

/** Check what a manifest must hold for the registry to use it (its id becomes a directory name). */
function checkManifest(source: string, bytes: Uint8Array): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest;
  } catch (e) {
    return fail(source, `${MANIFEST_ENTRY} is not JSON (${(e as Error).message})`);
  }
  const bad = (what: string) => fail(source, `${MANIFEST_ENTRY}: ${what}`);
  if (m === null || typeof m !== 'object') bad('not an object');
  if (m.version !== 1) bad(`unsupported version ${JSON.stringify(m.version)}`);
  if (typeof m.id !== 'string' || !PROCESS_ID.test(m.id)) bad(`bad process id ${JSON.stringify(m.id)}`);
  if (typeof m.startTime !== 'string' || Number.isNaN(Date.parse(m.startTime))) bad('bad startTime');
  if (m.module === null || typeof m.module !== 'object' || typeof m.module.digest !== 'string' || !DIGEST.test(m.module.digest)) bad('bad module digest');
  if (typeof m.module.name !== 'string' || typeof m.module.size !== 'number') bad('bad module name or size');
  if (!Array.isArray(m.args) || !Array.isArray(m.env) || !Array.isArray(m.dirs)) bad('args, env and dirs must be arrays');
  if (!Array.isArray(m.segments) || m.segments.some((s) => !Number.isInteger(s?.index) || s.index < 0)) bad('bad segments');
  if (!['recording', 'exited', 'trapped', 'interrupted', 'incomplete'].includes(m.status)) bad(`bad status ${JSON.stringify(m.status)}`);
  if (m.records !== undefined && !Number.isInteger(m.records)) bad('bad records');
  const extra = redactionProblems(m as unknown as Record<string, unknown>);
  if (extra.length > 0) bad(extra.join('; '));
  return m;
}

/** Read the archive's entries; only the known ones are extracted. */
function unzip(source: string, bytes: Uint8Array): Unzipped {
  try {
    return unzipSync(bytes, { filter: (f) => f.name === MANIFEST_ENTRY || f.name === MODULE_ENTRY || f.name === ANNOTATIONS_ENTRY || LOG_ENTRY.test(f.name) });
  } catch (e) {
    return fail(source, `not a .tcr recording (not a readable zip archive: ${(e as Error).message})`);
  }
}

/**
 * Check the log segments: every batch's checksum, a cut-short batch only at the end of the last
 * segment of a recording that did not finish, and the record count of a finished one.
 * Returns the number of records.
 */
function checkLog(source: string, m: Manifest, logs: readonly { index: number; bytes: Uint8Array }[]): number {
  const dir = fs.mkdtempSync(join(tmpdir(), 'tc-import-'));
  try {
    const files = logs.map((seg) => {
      const path = join(dir, segmentFileName(seg.index));
      fs.writeFileSync(path, seg.bytes, { mode: 0o600 });
      return { index: seg.index, path };
    });
    return checkLogFiles(source, m, files);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * {@link checkLog} on segment files (`files` in order, numbered from 0): every batch's checksum, a
 * cut-short batch only at the end of the last segment of a recording that did not finish, and the
 * record count of a finished one. Returns the number of records. Throws {@link ArchiveError} naming
 * `source`, with `exitCode` (tc pull: the damaged log's 254).
 */
export function checkLogFiles(source: string, m: Manifest, files: readonly { index: number; path: string }[], exitCode: number = EXIT.ERROR): number {
  const damaged = (why: string): never => {
    throw new ArchiveError(`${source}: ${why}`, exitCode);
  };
  let records = 0;
  for (const [i, seg] of files.entries()) {
    try {
      // Done with each batch before the next: one buffer for all (a fresh one per batch is zeroed,
      // then faulted in page by page: 64 MiB of stored batches took ~500 ms that way, ~60 ms reused).
      for (const b of readSegment(seg.path, seg.index, { reuseBuffer: true })) records += b.info.recordCount;
    } catch (e) {
      if (!(e instanceof LogCorruptError)) throw e;
      const finished = m.status === 'exited' || m.status === 'trapped';
      if (!(e instanceof LogTruncatedError) || finished || i !== files.length - 1) damaged(`the log is damaged: ${e.message}`);
    }
  }
  if (m.records !== undefined && m.records !== records) damaged(`the log holds ${records} records, the manifest says ${m.records}`);
  return records;
}

/**
 * Check that the segments there (`indexes`, sorted) are numbered from 0 without gaps and hold every
 * one the manifest lists. Throws {@link ArchiveError} naming `source` and the first one missing.
 */
export function checkSegmentNumbers(source: string, m: Manifest, indexes: readonly number[]): void {
  for (const s of m.segments) {
    if (!indexes.includes(s.index)) fail(source, `incomplete recording: log/${segmentFileName(s.index)} is missing`);
  }
  indexes.forEach((index, i) => {
    if (index !== i) fail(source, `incomplete recording: log/${segmentFileName(i)} is missing`);
  });
}

/** True when the registry's process `id` has this module and exactly these log segments. */
function sameRecording(registry: Registry, id: string, m: Manifest, logs: readonly { index: number; bytes: Uint8Array }[]): boolean {
  const existing = registry.readManifest(id);
  if (existing.module.digest !== m.module.digest) return false;
  const files = segmentFiles(registry.logDir(id));
  if (files.length !== logs.length) return false;
  return files.every((f, i) => f.index === logs[i]!.index && Buffer.from(fs.readFileSync(f.path)).equals(logs[i]!.bytes));
}

/**
 * Add the recording in `bytes` (a `.tcr` archive; `source` names it in messages) to the registry.
 * Everything is checked before anything is written: the manifest, the module's sha256 against the
 * manifest, the presence of every segment the manifest lists, the log's checksums. The module is
 * stored, then the process appears at once (its directory is written under a temporary name and
 * renamed). Importing a recording the registry holds already changes nothing; a different recording
 * under the same id is refused. Throws {@link ArchiveError}.
 */
export function importProcess(registry: Registry, bytes: Uint8Array, source: string): ImportResult {
  const files = unzip(source, bytes);
  const manifestBytes = files[MANIFEST_ENTRY] ?? fail(source, `not a .tcr recording: ${MANIFEST_ENTRY} is missing`);
  const m = checkManifest(source, manifestBytes);
  const module = files[MODULE_ENTRY] ?? fail(source, `incomplete recording: ${MODULE_ENTRY} is missing`);
  const digest = sha256(module);
  if (digest !== m.module.digest) fail(source, `${MODULE_ENTRY} does not match the manifest (sha256 ${digest.slice(7, 19)}..., expected ${m.module.digest.slice(7, 19)}...)`);
  if (module.byteLength !== m.module.size) fail(source, `${MODULE_ENTRY} is ${module.byteLength} bytes, the manifest says ${m.module.size}`);
  const logs = Object.entries(files)
    .map(([name, b]) => ({ match: LOG_ENTRY.exec(name), bytes: b }))
    .filter((e) => e.match !== null)
    .map((e) => ({ index: Number(e.match![1]), bytes: e.bytes }))
    .sort((a, b) => a.index - b.index);
  checkSegmentNumbers(source, m, logs.map((l) => l.index));
  const records = checkLog(source, m, logs);
  let notes: Annotation[] = [];
  if (files[ANNOTATIONS_ENTRY] !== undefined) {
    try {
      notes = checkAnnotations(JSON.parse(new TextDecoder().decode(files[ANNOTATIONS_ENTRY])));
    } catch (e) {
      fail(source, `${ANNOTATIONS_ENTRY}: ${(e as Error).message}`);
    }
  }
  const manifest = archivedManifest(m);
  const result = (imported: boolean): ImportResult => ({
    id: m.id,
    module: manifest.module,
    records,
    segments: logs.length,
    imported,
    ...(m.secrets === undefined ? {} : { secrets: m.secrets.map((x) => x.name) }),
    ...(m.redaction === undefined ? {} : { redaction: m.redaction }),
  });

  const already = () => {
    if (!sameRecording(registry, m.id, m, logs)) throw new ArchiveError(`${source}: process ${m.id} is in the registry already, with a different recording`);
    return result(false);
  };
  if (registry.store.size(`processes/${m.id}/manifest.json`) !== undefined) return already();

  try {
    registry.putModule(module, m.module.name);
    const processes = registry.store.path('processes');
    fs.mkdirSync(processes, { recursive: true, mode: 0o700 });
    const tmp = tempPath(join(processes, m.id));
    try {
      fs.mkdirSync(join(tmp, 'log'), { recursive: true, mode: 0o700 });
      fs.writeFileSync(join(tmp, MANIFEST_ENTRY), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
      for (const l of logs) fs.writeFileSync(join(tmp, 'log', segmentFileName(l.index)), l.bytes, { mode: 0o600 });
      if (notes.length > 0) fs.writeFileSync(join(tmp, ANNOTATIONS_ENTRY), annotationsFile(notes), { mode: 0o600 });
      try {
        fs.renameSync(tmp, join(processes, m.id));
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') return already();
        throw e;
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    if (e instanceof TcError || e instanceof RegistryError) throw e;
    throw new ArchiveError(`registry ${registry.root}: ${(e as Error).message}`);
  }
  return result(true);
}
