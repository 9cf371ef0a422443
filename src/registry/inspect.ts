/**
 * What the registry holds, as data for `tc get`, `tc describe`, `tc rm` and `tc gc`: process
 * summaries, statistics of a log read from its segment files' batch headers (so they are right for a
 * recording that was killed, whose manifest has no totals), and module interfaces.
 *
 * Units: sizes in bytes, timestamps and durations in ns (log timestamps count from process start),
 * start/end times as ISO 8601 strings. `compression` is the space saved, as a fraction:
 * 1 - compressed/uncompressed (0.58: the log takes 42% of what its records would), as timecraft's
 * `describe` prints it (`compression: 58.27%`); `codec` is how a batch is stored (none, deflate).
 */
import * as fs from 'node:fs';
import { Compression } from '../format/tc/format/compression.js';
import { readSegment, segmentFiles } from '../log/files.js';
import { RegistryError, type Manifest, type ModuleInfo, type ProcessStatus, type Registry } from './registry.js';
import { formatExternType, wasmInfo, WasmParseError, type Limits } from './wasm-info.js';
import { LogCorruptError, LogTruncatedError, type BatchInfo } from '../core/segment.js';
import { SecretMarks, type SecretSource } from '../core/secrets.js';
import type { Redaction } from './registry.js';

/** True when host process `pid` exists (`process.kill(pid, 0)`; EPERM means it exists). */
export function isAlive(pid: number | undefined): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** The status to show: a `recording` whose recorder is gone is `incomplete`. */
export function effectiveStatus(m: Pick<Manifest, 'status' | 'pid'>, alive: (pid: number) => boolean = isAlive): ProcessStatus {
  return m.status === 'recording' && !alive(m.pid) ? 'incomplete' : m.status;
}

/** True when the process is being recorded right now (status recording and its tc still runs). */
export const isLive = (m: Pick<Manifest, 'status' | 'pid'>): boolean => m.status === 'recording' && isAlive(m.pid);

/** The space saved: 1 - compressed/uncompressed (0 when there is nothing). */
export const spaceSaved = (compressed: number, uncompressed: number): number => (uncompressed > 0 ? 1 - compressed / uncompressed : 0);

/** One batch, from its header. */
export interface BatchStats {
  readonly batch: number;
  /** Offset (in records, from the start of the log) of its first record. */
  readonly firstOffset: number;
  readonly records: number;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /** lastTimestamp - firstTimestamp (ns). */
  readonly duration: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  /** The space saved: 1 - compressedSize/uncompressedSize. */
  readonly compression: number;
  /** How the records are stored. */
  readonly codec: 'none' | 'deflate' | string;
}

/** One segment file: sums over its batch headers, and its size on disk. */
export interface SegmentStats {
  readonly index: number;
  readonly records: number;
  readonly batches: number;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  readonly duration: number;
  /** Bytes of the segment file (headers, payloads and any cut-short tail). */
  readonly size: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  /** The space saved: 1 - compressedSize/uncompressedSize. */
  readonly compression: number;
  /** The batches, when asked for. */
  readonly recordBatches?: readonly BatchStats[];
}

/** A whole log. */
export interface LogStats {
  readonly records: number;
  readonly batches: number;
  readonly size: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  /** The space saved: 1 - compressedSize/uncompressedSize. */
  readonly compression: number;
  readonly segments: readonly SegmentStats[];
  /** Set when the log ends inside a batch (a killed recording) or is damaged: where and why. */
  readonly damage?: string;
}

const codecName = (c: Compression): string => (c === Compression.None ? 'none' : c === Compression.Deflate ? 'deflate' : `unknown(${c})`);

/**
 * Statistics of the log in `logDir` from its batch headers (payloads are not read). Reading stops at
 * the first damaged or cut-short batch; what was read before is counted and `damage` says where.
 */
export function logStats(logDir: string, options: { batches?: boolean } = {}): LogStats {
  const segments: SegmentStats[] = [];
  let damage: string | undefined;
  for (const file of segmentFiles(logDir)) {
    const list: BatchStats[] = [];
    let records = 0;
    let uncompressedSize = 0;
    let compressedSize = 0;
    let firstTimestamp = 0;
    let lastTimestamp = 0;
    try {
      for (const { info } of readSegment(file.path, file.index, { headersOnly: true })) {
        if (list.length === 0) firstTimestamp = info.firstTimestamp;
        lastTimestamp = info.lastTimestamp;
        records += info.recordCount;
        uncompressedSize += info.uncompressedSize;
        compressedSize += info.compressedSize;
        list.push(batchStats(info));
      }
    } catch (e) {
      if (!(e instanceof LogCorruptError)) throw e;
      damage = e instanceof LogTruncatedError ? `${e.message} (the recording did not finish)` : e.message;
    }
    segments.push({
      index: file.index,
      records,
      batches: list.length,
      firstTimestamp,
      lastTimestamp,
      duration: lastTimestamp - firstTimestamp,
      size: fs.statSync(file.path).size,
      uncompressedSize,
      compressedSize,
      compression: spaceSaved(compressedSize, uncompressedSize),
      ...(options.batches ? { recordBatches: list } : {}),
    });
    if (damage !== undefined) break;
  }
  return { ...sumSegments(segments), ...(damage === undefined ? {} : { damage }) };
}

/** A log's totals over its segments. */
function sumSegments(segments: readonly SegmentStats[]): LogStats {
  const sum = (k: 'records' | 'batches' | 'size' | 'uncompressedSize' | 'compressedSize') => segments.reduce((n, s) => n + s[k], 0);
  return {
    records: sum('records'),
    batches: sum('batches'),
    size: sum('size'),
    uncompressedSize: sum('uncompressedSize'),
    compressedSize: sum('compressedSize'),
    compression: spaceSaved(sum('compressedSize'), sum('uncompressedSize')),
    segments,
  };
}

function batchStats(info: BatchInfo): BatchStats {
  return {
    batch: info.batch,
    firstOffset: info.firstOffset,
    records: info.recordCount,
    firstTimestamp: info.firstTimestamp,
    lastTimestamp: info.lastTimestamp,
    duration: info.lastTimestamp - info.firstTimestamp,
    uncompressedSize: info.uncompressedSize,
    compressedSize: info.compressedSize,
    compression: spaceSaved(info.compressedSize, info.uncompressedSize),
    codec: codecName(info.compression),
  };
}

/** Bytes a process takes in the registry: its manifest and its log files. */
export function processSize(registry: Registry, id: string): number {
  return treeSize(registry.store.path(`processes/${id}`));
}

/** Bytes under `path` (a file, or every file below a directory); 0 when it is not there. */
export function treeSize(path: string): number {
  const st = fs.lstatSync(path, { throwIfNoEntry: false });
  if (st === undefined) return 0;
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(path).reduce((n, name) => n + treeSize(`${path}/${name}`), 0);
}

/** A row of `tc get process`. `status` is `damaged` when the manifest cannot be read. */
export interface ProcessSummary {
  readonly id: string;
  readonly startTime?: string;
  readonly module?: ModuleInfo;
  readonly status: ProcessStatus | 'damaged';
  readonly exitCode?: number;
  /** Total records: the manifest's, or counted from the batch headers when it has none. */
  readonly records: number;
  /** Bytes of the process in the registry (manifest and log). */
  readonly size: number;
}

/** The manifest of `id`, or undefined when it is not there (yet); RegistryError when damaged. */
function manifestOf(registry: Registry, id: string): Manifest | undefined {
  if (registry.store.size(`processes/${id}/manifest.json`) === undefined) return undefined;
  return registry.readManifest(id);
}

/** Every process of the registry, newest first. A process directory without a manifest yet is left out. */
export function listProcesses(registry: Registry): ProcessSummary[] {
  const rows: ProcessSummary[] = [];
  for (const id of registry.processIds()) {
    let m: Manifest | undefined;
    try {
      m = manifestOf(registry, id);
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      rows.push({ id, status: 'damaged', records: 0, size: processSize(registry, id) });
      continue;
    }
    if (m === undefined) continue;
    rows.push({
      id,
      startTime: m.startTime,
      module: m.module,
      status: effectiveStatus(m),
      ...(m.exitCode === undefined ? {} : { exitCode: m.exitCode }),
      records: typeof m.records === 'number' ? m.records : logStats(registry.logDir(id)).records,
      size: processSize(registry, id),
    });
  }
  return rows.sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? '') || a.id.localeCompare(b.id));
}

/** Modules of the registry, by digest. */
export function listModules(registry: Registry): ModuleInfo[] {
  return registry.listModules().sort((a, b) => a.digest.localeCompare(b.digest));
}

/** `tc describe process`. Env holds names only unless `verbose`; `verbose` also lists batches. */
export interface ProcessDescription extends LogStats {
  readonly id: string;
  readonly startTime: string;
  readonly endTime?: string;
  readonly runtime: Manifest['runtime'];
  readonly module: ModuleInfo;
  readonly args: readonly string[];
  /** `NAME=VALUE` with verbose, else `NAME`. */
  readonly env: readonly string[];
  readonly dirs: Manifest['dirs'];
  readonly pid: number;
  readonly status: ProcessStatus;
  readonly exitCode?: number;
  readonly trap?: string;
  /**
   * ns: end - start when the recording ended, else the timestamp of the last record written
   * (a lower bound); undefined when neither is known.
   */
  readonly duration?: number;
  /** The secrets kept out of the recording (`args`, `env`, `dirs` and `trap` show `‹secret NAME›` where they were). */
  readonly secrets?: readonly { readonly name: string; readonly source: SecretSource; readonly length: number }[];
  /** A process `tc redact` made: from which, and whether it replays without its secrets. */
  readonly redaction?: Redaction;
}

/** Describe process `prefix` (a unique id prefix). Throws UnknownIdError, RegistryError. */
export function describeProcess(registry: Registry, prefix: string, options: { verbose?: boolean } = {}): ProcessDescription {
  const id = registry.resolveProcess(prefix);
  return describeManifest(registry.readManifest(id), logStats(registry.logDir(id), { batches: options.verbose }), options);
}

/**
 * The statistics of a finished recording's log as its manifest's segment summaries give them (written
 * when the recording ended; tc verify checks them against the log), without the batches; undefined
 * for a recording that did not finish (its summaries may lag its log) or a summary that lacks a number.
 */
export function manifestLogStats(m: Manifest): LogStats | undefined {
  if (m.status !== 'exited' && m.status !== 'trapped' && m.status !== 'interrupted') return undefined;
  const keys = ['records', 'batches', 'size', 'uncompressedSize', 'compressedSize', 'firstTimestamp', 'lastTimestamp'] as const;
  if (!m.segments.every((s) => keys.every((k) => Number.isSafeInteger(s[k])))) return undefined;
  const segments: SegmentStats[] = m.segments.map((s) => ({
    index: s.index,
    records: s.records,
    batches: s.batches,
    firstTimestamp: s.firstTimestamp,
    lastTimestamp: s.lastTimestamp,
    duration: s.lastTimestamp - s.firstTimestamp,
    size: s.size,
    uncompressedSize: s.uncompressedSize,
    compressedSize: s.compressedSize,
    compression: spaceSaved(s.compressedSize, s.uncompressedSize),
  }));
  return sumSegments(segments);
}

/** `tc describe process` of manifest `m`, given the statistics of its log. */
export function describeManifest(m: Manifest, log: LogStats, options: { verbose?: boolean } = {}): ProcessDescription {
  const id = m.id;
  const lastTs = log.segments.reduce((t, s) => Math.max(t, s.lastTimestamp), 0);
  let duration: number | undefined;
  if (m.endTime !== undefined) duration = Math.max(0, Date.parse(m.endTime) - Date.parse(m.startTime)) * 1e6;
  else if (log.records > 0) duration = lastTs;
  // Placeholders show as ‹secret NAME›.
  const marks = new SecretMarks(m.secrets ?? []);
  const shown = (t: string) => marks.text(t);
  return {
    id,
    startTime: m.startTime,
    ...(m.endTime === undefined ? {} : { endTime: m.endTime }),
    runtime: m.runtime,
    module: m.module,
    args: m.args.map(shown),
    env: options.verbose ? m.env.map(shown) : m.env.map((e) => e.split('=', 1)[0]!),
    dirs: m.dirs.map((d) => ({ host: shown(d.host), guest: shown(d.guest) })),
    pid: m.pid,
    status: effectiveStatus(m),
    ...(m.exitCode === undefined ? {} : { exitCode: m.exitCode }),
    ...(m.trap === undefined ? {} : { trap: shown(m.trap) }),
    ...(m.secrets === undefined ? {} : { secrets: m.secrets.map((x) => ({ name: x.name, source: x.source, length: x.length })) }),
    ...(m.redaction === undefined ? {} : { redaction: m.redaction }),
    ...(duration === undefined ? {} : { duration }),
    records: log.records,
    batches: log.batches,
    size: log.size,
    uncompressedSize: log.uncompressedSize,
    compressedSize: log.compressedSize,
    compression: log.compression,
    segments: log.segments,
    ...(log.damage === undefined ? {} : { damage: log.damage }),
  };
}

/** An import or export of a module, with its type as one line. */
export interface ModuleItem {
  readonly module?: string;
  readonly name: string;
  readonly kind: string;
  /** `(i32, i32) -> i32`, memory/table limits, global type; `?` when unknown. */
  readonly type: string;
}

/** A memory of a module; min/max in pages. */
export interface ModuleMemory {
  readonly index: number;
  readonly min: number;
  readonly max?: number;
  readonly shared: boolean;
  readonly memory64: boolean;
  /** Bytes per page. */
  readonly pageSize: number;
  readonly import?: string;
  readonly exports: readonly string[];
}

/** `tc describe module`. */
export interface ModuleDescription {
  readonly digest: string;
  readonly name: string;
  readonly size: number;
  readonly imports: readonly ModuleItem[];
  readonly exports: readonly ModuleItem[];
  readonly memories: readonly ModuleMemory[];
  /** Functions the module defines (not imported). */
  readonly functions?: number;
  /** Parts of the binary that could not be read (their types show as `?`). */
  readonly unreadable?: readonly string[];
}

const memoryOf = (index: number, l: Limits, imp: string | undefined, exports: readonly string[]): ModuleMemory => ({
  index,
  min: l.min,
  ...(l.max === undefined ? {} : { max: l.max }),
  shared: l.shared,
  memory64: l.memory64,
  pageSize: l.pageSize ?? 65536,
  ...(imp === undefined ? {} : { import: imp }),
  exports,
});

/** Describe module `prefix` (a unique prefix of its sha256 hex, `sha256:` optional). */
export function describeModule(registry: Registry, prefix: string): ModuleDescription {
  const digest = registry.resolveModule(prefix);
  const info = registry.moduleInfo(digest)!;
  const bytes = registry.getModule(digest);
  try {
    const w = wasmInfo(bytes);
    return {
      digest,
      name: info.name,
      size: bytes.byteLength,
      imports: w.imports.map((i) => ({ module: i.module, name: i.name, kind: i.kind, type: formatExternType(i) })),
      exports: w.exports.map((e) => ({ name: e.name, kind: e.kind, type: formatExternType(e) })),
      memories: w.memories.map((m) => memoryOf(m.index, m.limits, m.import, m.exports)),
      functions: w.definedFunctions,
      ...(w.unreadable.length ? { unreadable: w.unreadable } : {}),
    };
  } catch (e) {
    if (!(e instanceof WasmParseError)) throw e;
    // Not readable by the section reader: names and kinds from the engine, types unknown.
    let mod: WebAssembly.Module;
    try {
      mod = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch {
      throw new RegistryError(`module ${digest}: ${e.message}`);
    }
    return {
      digest,
      name: info.name,
      size: bytes.byteLength,
      imports: WebAssembly.Module.imports(mod).map((i) => ({ module: i.module, name: i.name, kind: i.kind, type: '?' })),
      exports: WebAssembly.Module.exports(mod).map((x) => ({ name: x.name, kind: x.kind, type: '?' })),
      memories: [],
      unreadable: [e.message],
    };
  }
}
