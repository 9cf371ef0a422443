/**
 * The registry: modules by sha256 and processes by uuid, in a directory (docs/registry.md).
 *
 *   modules/<sha256>              the module's exact bytes
 *   modules/<sha256>.json         { digest, name, size } (the name it was first stored under)
 *   processes/<uuid>/manifest.json
 *   processes/<uuid>/log/00000000 log segments (docs/log-format.md)
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SegmentSummary } from '../timemachine/log.js';
import type { SecretInfo } from '../core/secrets.js';
import { DirStore, RegistryError, type Store } from './store.js';
import { manifestProblems } from './manifest-check.js';
import { EXIT } from '../errors.js';

export { RegistryError };

/** A module in the registry. `digest` is `sha256:<64 hex>`; size in bytes. */
export interface ModuleInfo {
  readonly digest: string;
  readonly name: string;
  readonly size: number;
}

/**
 * recording: the run is under way, or was killed (a process that is gone shows as incomplete);
 * exited: the guest returned from _start or called proc_exit; trapped: the guest trapped;
 * interrupted: tc got SIGINT/SIGTERM; incomplete: the recording stopped early (a write failed).
 */
export type ProcessStatus = 'recording' | 'exited' | 'trapped' | 'interrupted' | 'incomplete';

/** A terminal's size, in characters. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** A process's manifest (processes/<uuid>/manifest.json). Times are ISO 8601 strings. */
export interface Manifest {
  readonly version: 1;
  readonly id: string;
  readonly startTime: string;
  endTime?: string;
  readonly module: ModuleInfo;
  /** The guest's argv, argv[0] included. */
  readonly args: readonly string[];
  /** The guest's environment, `NAME=VALUE`. */
  readonly env: readonly string[];
  /** Preopened directories. */
  readonly dirs: readonly { readonly host: string; readonly guest: string }[];
  readonly runtime: { readonly tc: string; readonly node: string; readonly v8: string };
  /** Host pid of the recording tc (to tell a killed recording from a running one). */
  readonly pid: number;
  /** The size of the terminal the guest's stdout was, in characters, when it was one (absent otherwise). */
  readonly terminal?: TerminalSize;
  status: ProcessStatus;
  exitCode?: number;
  /** The trap message when status is trapped. */
  trap?: string;
  /** Total records, once the recording ended. */
  records?: number;
  segments: SegmentSummary[];
  /**
   * The secrets kept out of the log and of this manifest (their placeholders stand in for them in
   * `args`, `env`, `dirs`, `trap` and the log): never their values. Absent when there are none.
   */
  readonly secrets?: readonly SecretInfo[];
  /** Set on a process `tc redact` made: where from, and whether it replays without its secrets. */
  redaction?: Redaction;
}

/**
 * What `tc redact` found when it replayed the process it made, without the secrets: it `replays` to
 * the end (or to where an unfinished recording ends), or `diverges` at `record`. `message` says it in
 * one line.
 */
export interface Redaction {
  /** The process it was made from. */
  readonly from: string;
  readonly verdict: 'replays' | 'diverges';
  readonly record?: number;
  readonly message: string;
}

/** An id that matches no process/module, or more than one. Lists the candidates. */
export class UnknownIdError extends RegistryError {}

/** The directory of a process being recorded is gone (`tc rm --force`): nothing of it is written again. */
export class ProcessRemovedError extends RegistryError {
  constructor(readonly id: string) {
    super(`process ${id} was removed while recording; the rest of its log is discarded`);
  }
}

const MODULES = 'modules';
const PROCESSES = 'processes';

/** A process id: a uuid, as `tc run` makes them (lowercase). */
export const PROCESS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The name of a module's metadata file: `<sha256 hex>.json`. */
const MODULE_META = /^[0-9a-f]{64}\.json$/;

/** The registry directory: `dir`, else $TC_REGISTRY, else ~/.tc. */
export function registryDir(dir?: string): string {
  return dir ?? process.env.TC_REGISTRY ?? join(homedir(), '.tc');
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const hexOf = (digest: string) => digest.replace(/^sha256:/, '');

export class Registry {
  readonly store: Store;
  constructor(readonly root: string) {
    this.store = new DirStore(root);
  }

  /** Store a module once by digest; returns its info (the first stored name wins). `digest` saves hashing again. */
  putModule(bytes: Uint8Array, name: string, digest: string = sha256(bytes)): ModuleInfo {
    const hex = hexOf(digest);
    const existing = this.moduleInfo(digest);
    if (existing) return existing;
    const info: ModuleInfo = { digest, name, size: bytes.byteLength };
    this.store.putIfAbsent(`${MODULES}/${hex}`, bytes);
    this.store.put(`${MODULES}/${hex}.json`, JSON.stringify(info, null, 2) + '\n');
    return info;
  }

  moduleInfo(digest: string): ModuleInfo | undefined {
    const meta = this.store.get(`${MODULES}/${hexOf(digest)}.json`);
    return meta === undefined ? undefined : (JSON.parse(Buffer.from(meta).toString('utf8')) as ModuleInfo);
  }

  /** The exact bytes of a module; throws when missing. */
  getModule(digest: string): Uint8Array {
    const bytes = this.store.get(`${MODULES}/${hexOf(digest)}`);
    if (bytes === undefined) throw new RegistryError(`module ${digest} is not in the registry`);
    return bytes;
  }

  /**
   * The modules of the registry: those with a metadata file that reads as one. Anything else in
   * modules/ (a `.DS_Store`, a directory, a file of another name or that is not JSON) is skipped.
   */
  listModules(): ModuleInfo[] {
    const modules: ModuleInfo[] = [];
    for (const k of this.store.list(MODULES, 'file')) {
      if (!MODULE_META.test(k)) continue;
      let m: ModuleInfo | undefined;
      try {
        m = this.moduleInfo(k.slice(0, -5));
      } catch {
        continue; // not JSON
      }
      if (typeof m?.digest === 'string' && typeof m.name === 'string' && typeof m.size === 'number') modules.push(m);
    }
    return modules;
  }

  /**
   * Write the manifest of process `m.id`, creating its directory, or with `update`, only into the
   * directory that is there: throws {@link ProcessRemovedError} when it is gone (a recording whose
   * process was deleted with `tc rm --force` must not come back as a directory holding a manifest).
   */
  writeManifest(m: Manifest, options: { readonly update?: boolean } = {}): void {
    const text = JSON.stringify(m, null, 2) + '\n';
    if (!options.update) {
      this.store.put(`${PROCESSES}/${m.id}/manifest.json`, text);
      return;
    }
    try {
      this.store.put(`${PROCESSES}/${m.id}/manifest.json`, text, { create: false });
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') throw new ProcessRemovedError(m.id);
      throw e;
    }
  }

  /** Whether the directory of process `id` is there. */
  hasProcessDir(id: string): boolean {
    return this.store.size(`${PROCESSES}/${id}`) !== undefined;
  }

  /**
   * The manifest of process `id` (a full uuid). Throws UnknownIdError when missing and RegistryError
   * (exit 254) when it is not JSON or lacks a field the registry needs.
   */
  readManifest(id: string): Manifest {
    const bytes = this.store.get(`${PROCESSES}/${id}/manifest.json`);
    if (bytes === undefined) throw new UnknownIdError(`no process ${id}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (e) {
      throw new RegistryError(`process ${id}: manifest is damaged (${(e as Error).message})`, EXIT.CORRUPT);
    }
    const problems = manifestProblems(parsed, id, false);
    if (problems.length > 0) throw new RegistryError(`process ${id}: manifest is damaged (${problems.join('; ')})`, EXIT.CORRUPT);
    return parsed as Manifest;
  }

  /** The ids of the processes: the directories of processes/ named by a uuid (anything else there is skipped). */
  processIds(): string[] {
    return this.store.list(PROCESSES, 'dir').filter((name) => PROCESS_ID.test(name));
  }

  /** Directory holding the log segments of process `id`. */
  logDir(id: string): string {
    return this.store.path(`${PROCESSES}/${id}/log`);
  }

  /** Full id of the one process whose id starts with `prefix`; throws UnknownIdError otherwise. */
  resolveProcess(prefix: string): string {
    return resolveId('process', prefix, this.processIds());
  }

  /** Digest of the one module whose hex digest starts with `prefix` (`sha256:` optional). */
  resolveModule(prefix: string): string {
    const digests = this.listModules().map((m) => m.digest);
    return resolveId('module', prefix, digests, hexOf);
  }
}

/**
 * A large module that the thread writing the log hashes and stores, before its first batch, instead
 * of the main thread before the guest starts (its bytes in shared memory). `manifest` is the
 * process's first manifest, written with the module's digest once it is known.
 */
export interface DeferredModule {
  readonly registry: string;
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly manifest: Manifest;
}

/** A deferred module once stored: as the manifest names it, and the message of the error that stopped storing it (or null). */
export interface StoredModule {
  readonly module: ModuleInfo;
  readonly error: string | null;
}

/**
 * Hash a deferred module (unless its `digest` is given), write the process's manifest naming it, then
 * store the module unless the registry has it (the manifest first: `tc gc` keeps the modules that
 * manifests name). Never throws: the digest is known even when the registry cannot take the manifest
 * or the module.
 */
export function storeModule(m: DeferredModule, digest: string = sha256(m.bytes)): StoredModule {
  let module: ModuleInfo = { digest, name: m.name, size: m.bytes.byteLength };
  const registry = new Registry(m.registry);
  let stored: ModuleInfo | undefined;
  try {
    stored = registry.moduleInfo(digest);
    module = stored ?? module;
    // Into the directory tc run made for the process, unless it was removed since.
    registry.writeManifest({ ...m.manifest, module }, { update: true });
  } catch (e) {
    if (e instanceof ProcessRemovedError) return { module, error: e.message };
    return { module, error: `cannot write the manifest: ${(e as Error).message}` };
  }
  try {
    if (stored === undefined) registry.putModule(m.bytes, module.name, digest);
    return { module, error: null };
  } catch (e) {
    return { module, error: `cannot store the module: ${(e as Error).message}` };
  }
}

/** Pick the one id starting with `prefix`; the error lists the candidates. */
export function resolveId(kind: string, prefix: string, ids: readonly string[], key: (id: string) => string = (x) => x): string {
  const p = key(prefix.trim()).toLowerCase();
  if (p.length === 0) throw new UnknownIdError(`empty ${kind} id`);
  const exact = ids.find((id) => key(id) === p);
  if (exact) return exact;
  const hits = ids.filter((id) => key(id).startsWith(p));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) throw new UnknownIdError(`no ${kind} matches '${prefix}'`);
  throw new UnknownIdError(`${kind} id '${prefix}' is ambiguous: ${hits.slice(0, 8).join(', ')}${hits.length > 8 ? ', ...' : ''}`);
}
