/**
 * The registry as data (see src/api/index.ts): modules by sha256 and processes by uuid (docs/registry.md).
 */
import * as fs from 'node:fs';
import { TcError } from '../errors.js';
import { exportModule, exportProcess, importProcess, type ExportResult, type ImportResult, type Sink } from '../registry/archive.js';
import { asciicast, asciicastLines, type AsciicastOptions } from '../registry/asciicast.js';
import { diffProcesses, type DiffOptions, type DiffResult, type DiffSide } from '../registry/diff.js';
import { collectGarbage, type GcOptions, type GcResult } from '../registry/gc.js';
import { describeModule, describeProcess, listModules, listProcesses, type ModuleDescription, type ProcessDescription, type ProcessSummary } from '../registry/inspect.js';
import { Registry, registryDir, type ModuleInfo } from '../registry/registry.js';
import { removeModules, removeProcesses, type DeletedModule, type DeletedProcess } from '../registry/remove.js';
import { tempPath } from '../registry/store.js';
import { verifyProcess, type VerifyResult } from '../registry/verify.js';
import { readAnnotations, writeAnnotations, type Annotation } from '../registry/annotations.js';
import { logRecords } from './log.js';
import type { TracedRecord } from './records.js';

/** A registry: modules by sha256 and processes by uuid (docs/registry.md), as data. */
export class TcRegistry {
  /** @internal */
  readonly registry: Registry;
  constructor(readonly dir: string) {
    this.registry = new Registry(dir);
  }
  /** The processes, newest first (a recording whose tc is gone shows as `incomplete`). */
  processes(): ProcessSummary[] {
    return listProcesses(this.registry);
  }
  /** The modules. */
  modules(): ModuleInfo[] {
    return listModules(this.registry);
  }
  /** Everything about process `id` (a unique prefix): manifest, log statistics (with `verbose`, every batch). */
  describeProcess(id: string, options: { readonly verbose?: boolean } = {}): ProcessDescription {
    return describeProcess(this.registry, id, options);
  }
  /** Module `id` (a unique prefix of its digest) and its interface. */
  describeModule(id: string): ModuleDescription {
    return describeModule(this.registry, id);
  }
  /** The full process id of a unique prefix. Throws UnknownIdError. */
  resolveProcess(prefix: string): string {
    return this.registry.resolveProcess(prefix);
  }
  /**
   * Export process `id` as one `.tcr` recording (docs/registry.md) to `dest`: a file (written under a
   * temporary name, then renamed) or a function given the bytes in order.
   */
  exportProcess(id: string, dest: string | Sink): ExportResult {
    return exportTo(dest, (sink) => exportProcess(this.registry, id, sink));
  }
  /**
   * Export process `id` as an asciicast v2 file (src/registry/asciicast.ts): what reached its terminal,
   * and when, for asciinema and its player. To `dest`, a file (written under a temporary name, then
   * renamed) or a function given the bytes in order. Throws UnknownIdError, LogCorruptError.
   */
  exportAsciicast(id: string, dest: string | Sink, options: AsciicastOptions = {}): AsciicastExport {
    const full = this.registry.resolveProcess(id);
    const cast = asciicast(this.registry.readManifest(full), this.records(full), options);
    return exportTo(dest, (sink) => {
      let size = 0;
      let chunk = '';
      const flush = () => {
        const bytes = Buffer.from(chunk, 'utf8');
        if (bytes.length > 0) sink(bytes);
        size += bytes.length;
        chunk = '';
      };
      for (const line of asciicastLines(cast)) {
        chunk += line;
        if (chunk.length >= 1 << 16) flush();
      }
      flush();
      const { width, height, duration } = cast.header;
      return { kind: 'process', id: full, size, format: 'asciicast', width, height, duration, events: cast.events.length };
    });
  }
  /** Export module `id`'s exact bytes to `dest` (a file or a function). */
  exportModule(id: string, dest: string | Sink): ExportResult {
    return exportTo(dest, (sink) => exportModule(this.registry, id, sink));
  }
  /**
   * Add an exported recording (a `.tcr` file's path, or its bytes), after checking the module's digest
   * and every batch's checksum. Importing one twice changes nothing. Throws TcError (ArchiveError),
   * naming `name` for bytes.
   */
  importRecording(source: string | Uint8Array, name = 'the recording'): ImportResult {
    if (typeof source !== 'string') return importProcess(this.registry, source, name);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(source);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new TcError(`${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    return importProcess(this.registry, bytes, source);
  }
  /** Delete processes; one that is being recorded only with `force`. One bad id deletes nothing. */
  removeProcesses(ids: readonly string[], options: { readonly force?: boolean } = {}): DeletedProcess[] {
    return removeProcesses(this.registry, ids, options);
  }
  /** Delete modules no process uses; one a process uses is refused (TcError), and nothing is deleted. */
  removeModules(ids: readonly string[]): DeletedModule[] {
    return removeModules(this.registry, ids);
  }
  /** Delete processes older than `olderThan` beyond the `keep` newest, then every module no process uses. */
  gc(options: GcOptions = {}): GcResult {
    return collectGarbage(this.registry, options);
  }
  /**
   * Compare processes `a` and `b` (unique prefixes): their calls aligned by function and params, where
   * they first part, the hunks where they differ and a summary (src/registry/diff.ts). Throws
   * UnknownIdError, UsageError (a bad option), LogCorruptError.
   */
  diff(a: string, b: string, options: DiffOptions = {}): DiffResult {
    const side = (prefix: string): DiffSide => {
      const id = this.registry.resolveProcess(prefix);
      return { id, manifest: this.registry.readManifest(id), records: () => this.records(id) };
    };
    return diffProcesses(side(a), side(b), options);
  }
  /** Check process `id` from end to end: manifest, module, every batch and record of its log. */
  verify(id: string): VerifyResult {
    return verifyProcess(this.registry, id);
  }
  /** The notes attached to process `id`'s records (the player's annotations), by record. */
  annotations(id: string): Annotation[] {
    return readAnnotations(this.registry, this.registry.resolveProcess(id));
  }
  /** Replace process `id`'s notes with `list` (checked: AnnotationError for a bad one); returns them sorted. */
  setAnnotations(id: string, list: readonly Annotation[]): Annotation[] {
    return writeAnnotations(this.registry, this.registry.resolveProcess(id), list);
  }
  /**
   * The records of process `id`, decoded, in order, each with the host stream its write reached (see
   * {@link logRecords}).
   */
  records(id: string, options: { readonly onUnfinished?: (records: number) => void } = {}): Generator<TracedRecord> {
    return logRecords(id, { registry: this.dir, ...options });
  }
}

/** What {@link TcRegistry.exportAsciicast} wrote. */
export interface AsciicastExport extends ExportResult {
  readonly kind: 'process';
  readonly format: 'asciicast';
  /** The terminal's columns and rows. */
  readonly width: number;
  readonly height: number;
  /** Seconds from the start to the last record. */
  readonly duration: number;
  /** Events written (`o` and `m`). */
  readonly events: number;
}

/** The registry in `dir` (default: $TC_REGISTRY, else ~/.tc). It is created when something is written to it. */
export function openRegistry(dir?: string): TcRegistry {
  return new TcRegistry(registryDir(dir));
}

/**
 * Write an export to `dest`: a file, under a temporary name renamed at the end (so it never holds half
 * an export), or a function given the bytes in order. Throws TcError when the file cannot be made.
 * @internal
 */
export function exportTo<T>(dest: string | Sink, write: (sink: Sink) => T): T {
  if (typeof dest === 'function') return write(dest);
  const tmp = tempPath(dest);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw new TcError(`${dest}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  try {
    const result = write((chunk) => {
      for (let done = 0; done < chunk.length; ) done += fs.writeSync(fd, chunk, done, chunk.length - done);
    });
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, dest);
    return result;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
  }
}
