/**
 * A registry in a bucket: the local registry's layout (docs/registry.md) as objects below a remote's
 * prefix, so that any S3 tool can list or copy it:
 *
 *   modules/<sha256 hex>                  the module's exact bytes
 *   modules/<sha256 hex>.json             { digest, name, size }
 *   processes/<uuid>/log/00000000 ...     the log segments, byte for byte
 *   processes/<uuid>/manifest.json        written last by tc push: a process is there once its manifest is
 *
 * What the registry commands read and change there: processes and modules as data (the rows of `tc
 * get`), a process described as `tc describe` does it (from a copy of its log), deletions, and `tc
 * gc`'s retention. Pushing and pulling are src/remote/push.ts and src/remote/pull.ts.
 */
import { ANNOTATIONS_ENTRY } from '../registry/annotations.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../errors.js';
import { segmentFileName } from '../core/segment.js';
import { archivedManifest } from '../registry/archive.js';
import { parseDuration, selectGarbage, type GcOptions, type GcResult } from '../registry/gc.js';
import { describeManifest, describeModule, describeProcess, logStats, manifestLogStats, type ModuleDescription, type ProcessDescription, type ProcessSummary } from '../registry/inspect.js';
import { manifestProblems } from '../registry/manifest-check.js';
import { PROCESS_ID, Registry, resolveId, UnknownIdError, type Manifest, type ModuleInfo } from '../registry/registry.js';
import type { DeletedModule, DeletedProcess } from '../registry/remove.js';
import { RemoteError } from './remotes.js';
import type { ObjectInfo, ObjectStore, OnBytes } from './s3.js';

export const manifestKey = (id: string): string => `processes/${id}/manifest.json`;
/** The key of process `id`'s notes (`annotations.json`, docs/registry.md): there when it has some. */
export const annotationsKey = (id: string): string => `processes/${id}/${ANNOTATIONS_ENTRY}`;
export const logPrefix = (id: string): string => `processes/${id}/log/`;
export const segmentKey = (id: string, index: number): string => `${logPrefix(id)}${segmentFileName(index)}`;
const hexOf = (digest: string): string => digest.replace(/^sha256:/, '');
export const moduleKey = (digest: string): string => `modules/${hexOf(digest)}`;
export const moduleMetaKey = (digest: string): string => `modules/${hexOf(digest)}.json`;

/** The manifest's text as tc writes it: a recording whose recorder is gone is `incomplete`. */
export const manifestText = (m: Manifest): string => `${JSON.stringify(archivedManifest(m), null, 2)}\n`;

/** The objects of one process directory of the bucket. Sizes in bytes. */
export interface BucketProcess {
  readonly id: string;
  /** Its manifest is there: the process is (tc push writes it last). */
  readonly manifest: boolean;
  /** Bytes of all its objects (manifest and log), as `tc get process` counts a process's size. */
  readonly size: number;
  /** When the last of its objects was written (ms since the epoch; 0 when the server did not say). */
  readonly modified: number;
  /** Its log segments (`log/NNNNNNNN`), in order. */
  readonly segments: readonly (ObjectInfo & { readonly index: number })[];
}

/** A damaged manifest in the bucket (exit 254, as a damaged one in the registry). */
export class RemoteManifestError extends RemoteError {}

/** `fn` over `items`, at most `width` at a time; the results in order. */
export async function mapLimit<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** A registry's layout in a bucket (see the file comment). */
export class Bucket {
  constructor(readonly store: ObjectStore) {}

  get label(): string {
    return this.store.label;
  }

  /**
   * Every process directory of the bucket, by id, from one listing of `processes/`: those that have no
   * manifest (a push under way, or one that died) too. Names that are not uuids are skipped.
   */
  async scan(): Promise<Map<string, BucketProcess>> {
    const dirs = new Map<string, { manifest: boolean; size: number; modified: number; segments: (ObjectInfo & { index: number })[] }>();
    for (const o of await this.store.list('processes/')) {
      const [, id, ...rest] = o.key.split('/');
      if (id === undefined || !PROCESS_ID.test(id) || rest.length === 0) continue;
      const dir = dirs.get(id) ?? { manifest: false, size: 0, modified: 0, segments: [] };
      dirs.set(id, dir);
      dir.size += o.size;
      dir.modified = Math.max(dir.modified, o.lastModified?.getTime() ?? 0);
      const name = rest.join('/');
      if (name === 'manifest.json') dir.manifest = true;
      else if (rest.length === 2 && rest[0] === 'log' && /^\d{8}$/.test(rest[1]!)) dir.segments.push({ ...o, index: Number(rest[1]) });
    }
    return new Map([...dirs].map(([id, d]) => [id, { id, ...d, segments: d.segments.sort((a, b) => a.index - b.index) }]));
  }

  /** The ids of the processes of the bucket: those whose manifest is there. */
  async processIds(): Promise<string[]> {
    return [...(await this.scan()).values()].filter((p) => p.manifest).map((p) => p.id).sort();
  }

  /** The full id of the one process of the bucket whose id starts with `prefix`. Throws UnknownIdError. */
  async resolveProcess(prefix: string): Promise<string> {
    return resolveId('process', prefix, await this.processIds());
  }

  /**
   * The manifest of process `id` (a full id). Throws UnknownIdError when it is not there and
   * RemoteManifestError (exit 254) when it is not a manifest of that process.
   */
  async readManifest(id: string): Promise<{ manifest: Manifest; bytes: Uint8Array }> {
    const bytes = await this.store.get(manifestKey(id));
    if (bytes === undefined) throw new UnknownIdError(`no process ${id} in ${this.label}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (e) {
      throw new RemoteManifestError(`${this.label}: process ${id}: manifest is damaged (${(e as Error).message})`, EXIT.CORRUPT);
    }
    const problems = manifestProblems(parsed, id, false);
    if (problems.length > 0) throw new RemoteManifestError(`${this.label}: process ${id}: manifest is damaged (${problems.join('; ')})`, EXIT.CORRUPT);
    return { manifest: parsed as Manifest, bytes };
  }

  /** The processes of the bucket, newest first, as `tc get process` shows those of a registry. */
  async processes(): Promise<ProcessSummary[]> {
    const dirs = [...(await this.scan()).values()].filter((p) => p.manifest);
    const rows = await mapLimit(dirs, 8, async (p): Promise<ProcessSummary> => {
      let m: Manifest;
      try {
        m = (await this.readManifest(p.id)).manifest;
      } catch (e) {
        if (e instanceof RemoteManifestError) return { id: p.id, status: 'damaged', records: 0, size: p.size };
        if (e instanceof UnknownIdError) return { id: p.id, status: 'damaged', records: 0, size: p.size }; // deleted meanwhile
        throw e;
      }
      const archived = archivedManifest(m);
      return {
        id: p.id,
        startTime: archived.startTime,
        module: archived.module,
        status: archived.status,
        ...(archived.exitCode === undefined ? {} : { exitCode: archived.exitCode }),
        // A recording that did not finish has no total: counted from its batch headers, as in a registry.
        records: typeof archived.records === 'number' ? archived.records : await this.withCopy(p.id, { segments: p.segments }, (reg) => logStats(reg.logDir(p.id)).records),
        size: p.size,
      };
    });
    return rows.sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? '') || a.id.localeCompare(b.id));
  }

  /**
   * The modules of the bucket, by digest: those whose metadata is there and reads as a module's,
   * and module bytes without it (a push that died between the two) under the name ''.
   */
  async modules(): Promise<(ModuleInfo & { readonly bytes: boolean; readonly metaSize: number })[]> {
    const objects = await this.store.list('modules/');
    const bytes = new Map(objects.filter((o) => /^modules\/[0-9a-f]{64}$/.test(o.key)).map((o) => [o.key.slice(8), o]));
    const metas = objects.filter((o) => /^modules\/[0-9a-f]{64}\.json$/.test(o.key));
    const described = await mapLimit(metas, 8, async (o) => {
      const hex = o.key.slice(8, 72);
      const meta = await this.store.get(o.key);
      let info: ModuleInfo | undefined;
      try {
        info = meta === undefined ? undefined : (JSON.parse(Buffer.from(meta).toString('utf8')) as ModuleInfo);
      } catch {
        info = undefined; // not JSON: not a module's metadata, skipped as in a registry
      }
      if (typeof info?.digest !== 'string' || info.digest !== `sha256:${hex}` || typeof info.name !== 'string' || typeof info.size !== 'number') return undefined;
      return { digest: info.digest, name: info.name, size: info.size, bytes: bytes.has(hex), metaSize: o.size };
    });
    const out = described.filter((m) => m !== undefined);
    const known = new Set(out.map((m) => hexOf(m.digest)));
    for (const [hex, o] of bytes) if (!known.has(hex)) out.push({ digest: `sha256:${hex}`, name: '', size: o.size, bytes: true, metaSize: 0 });
    return out.sort((a, b) => a.digest.localeCompare(b.digest));
  }

  /** The digest of the one module of the bucket whose hex digest starts with `prefix` (`sha256:` optional). */
  async resolveModule(prefix: string): Promise<string> {
    return resolveId('module', prefix, (await this.modules()).map((m) => m.digest), hexOf);
  }

  /**
   * Run `fn` over a registry in a temporary directory holding a copy of process `id` (its manifest
   * and log, whose `segments` a caller may know from a {@link scan} already; with `module`, that
   * module too), then remove that directory. For reading a process as the registry's code reads one
   * (statistics from its batch headers, a module's interface).
   */
  async withCopy<T>(
    id: string | undefined,
    options: { readonly segments?: BucketProcess['segments']; readonly module?: string; readonly onBytes?: OnBytes },
    fn: (registry: Registry) => T,
  ): Promise<T> {
    const dir = mkdtempSync(join(tmpdir(), 'tc-remote-'));
    try {
      const registry = new Registry(dir);
      if (id !== undefined) {
        const { manifest } = await this.readManifest(id);
        const log = join(dir, 'processes', id, 'log');
        mkdirSync(log, { recursive: true, mode: 0o700 });
        writeFileSync(join(dir, 'processes', id, 'manifest.json'), manifestText(manifest), { mode: 0o600 });
        const segments = options.segments ?? (await this.scan()).get(id)?.segments ?? [];
        for (const s of segments) await this.store.download(s.key, join(log, segmentFileName(s.index)), { onBytes: options.onBytes });
      }
      if (options.module !== undefined) {
        const info = (await this.modules()).find((m) => m.digest === options.module);
        const hex = hexOf(options.module);
        mkdirSync(join(dir, 'modules'), { recursive: true, mode: 0o700 });
        await this.store.download(moduleKey(options.module), join(dir, 'modules', hex), { onBytes: options.onBytes });
        writeFileSync(join(dir, 'modules', `${hex}.json`), JSON.stringify({ digest: options.module, name: info?.name ?? '', size: info?.size ?? 0 }), { mode: 0o600 });
      }
      return fn(registry);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * `tc describe process <id>` of the bucket's process `prefix` (a unique prefix): from its manifest
   * alone when it finished (the segment summaries written when it ended), else and with `verbose`
   * (every batch) from a copy of its log.
   */
  async describeProcess(prefix: string, options: { readonly verbose?: boolean } = {}): Promise<ProcessDescription> {
    const id = await this.resolveProcess(prefix);
    if (!options.verbose) {
      const manifest = archivedManifest((await this.readManifest(id)).manifest);
      const log = manifestLogStats(manifest);
      if (log !== undefined) return describeManifest(manifest, log, options);
    }
    return this.withCopy(id, {}, (registry) => describeProcess(registry, id, options));
  }

  /** `tc describe module <id>` of the bucket's module `prefix`, read from a copy of it. */
  async describeModule(prefix: string): Promise<ModuleDescription> {
    const digest = await this.resolveModule(prefix);
    return this.withCopy(undefined, { module: digest }, (registry) => describeModule(registry, digest));
  }

  /**
   * Delete process `id` (a full id): its manifest first, so that it is gone for readers at once, then
   * its log. Returns the bytes freed.
   */
  async removeProcess(id: string): Promise<number> {
    const objects = await this.store.list(`processes/${id}/`);
    const manifest = objects.find((o) => o.key === manifestKey(id));
    if (manifest !== undefined) await this.store.delete(manifest.key);
    await mapLimit(objects.filter((o) => o !== manifest), 8, (o) => this.store.delete(o.key));
    return objects.reduce((n, o) => n + o.size, 0);
  }

  /**
   * Delete the processes `ids` (unique prefixes). Every id is resolved before anything is deleted:
   * one unknown id deletes nothing. Throws UnknownIdError.
   */
  async removeProcesses(ids: readonly string[]): Promise<DeletedProcess[]> {
    const known = await this.processIds();
    const full = [...new Set(ids.map((id) => resolveId('process', id, known)))];
    const out: DeletedProcess[] = [];
    for (const id of full) {
      let startTime: string | undefined;
      try {
        startTime = (await this.readManifest(id)).manifest.startTime;
      } catch (e) {
        if (!(e instanceof RemoteManifestError) && !(e instanceof UnknownIdError)) throw e;
      }
      out.push({ id, ...(startTime === undefined ? {} : { startTime }), size: await this.removeProcess(id) });
    }
    return out;
  }

  /** Delete module `digest`: its metadata first (listings stop showing it), then its bytes. Returns the bytes freed. */
  async removeModule(m: { readonly digest: string; readonly size: number; readonly bytes: boolean; readonly metaSize: number }): Promise<number> {
    await this.store.delete(moduleMetaKey(m.digest));
    await this.store.delete(moduleKey(m.digest));
    return (m.bytes ? m.size : 0) + m.metaSize;
  }

  /**
   * Delete the modules `ids` (unique prefixes) that no process of the bucket uses; one a process uses
   * is refused, naming the processes, and nothing is deleted. Throws UnknownIdError, RemoteError.
   */
  async removeModules(ids: readonly string[]): Promise<DeletedModule[]> {
    const modules = await this.modules();
    const digests = [...new Set(ids.map((id) => resolveId('module', id, modules.map((m) => m.digest), hexOf)))];
    const processes = await this.processes();
    for (const digest of digests) {
      const users = processes.filter((p) => p.module?.digest === digest).map((p) => p.id).sort();
      if (users.length > 0) throw new RemoteError(`module ${hexOf(digest).slice(0, 12)} is used by process ${users.join(', ')} in ${this.label}; remove those first (or tc gc --remote)`);
    }
    const out: DeletedModule[] = [];
    for (const digest of digests) {
      const m = modules.find((x) => x.digest === digest)!;
      out.push({ digest, name: m.name, size: await this.removeModule(m) });
    }
    return out;
  }

  /**
   * `tc gc` in the bucket: the processes `opts` selects (as in a registry: older than `olderThan`,
   * beyond the `keep` newest), then every module no remaining process uses. The processes are listed
   * again after the deletions, just before the modules go, so that a module a push has just started
   * using is kept (tc push also looks for its module again just before it writes the manifest).
   * With `olderThan`, what pushes that died left of a process (segments, no manifest) goes too, once
   * its last object is older than that: a push under way writes its objects one after another.
   */
  async gc(opts: GcOptions = {}): Promise<GcResult> {
    const dirs = await this.scan();
    const all = await this.processes();
    const { dryRun, doomed, live } = selectGarbage(all, opts);
    const processes: DeletedProcess[] = [];
    for (const p of all.filter((x) => doomed.has(x.id))) processes.push({ id: p.id, ...(p.startTime === undefined ? {} : { startTime: p.startTime }), size: dryRun ? p.size : await this.removeProcess(p.id) });
    const cutoff = opts.olderThan === undefined ? undefined : (opts.now ?? new Date()).getTime() - parseDuration(opts.olderThan);
    for (const d of dirs.values()) {
      if (cutoff !== undefined && !d.manifest && d.modified > 0 && d.modified < cutoff) processes.push({ id: d.id, size: dryRun ? d.size : await this.removeProcess(d.id) });
    }
    const remaining = dryRun ? all.filter((p) => !doomed.has(p.id)) : await this.processes();
    const used = new Set(remaining.map((p) => p.module?.digest));
    const modules: DeletedModule[] = [];
    for (const m of (await this.modules()).filter((x) => !used.has(x.digest))) {
      modules.push({ digest: m.digest, name: m.name, size: dryRun ? (m.bytes ? m.size : 0) + m.metaSize : await this.removeModule(m) });
    }
    const bytes = processes.reduce((n, p) => n + p.size, 0) + modules.reduce((n, m) => n + m.size, 0);
    return { dryRun, processes, modules, leftovers: [], live, freed: { processes: processes.length, modules: modules.length, bytes } };
  }
}
