/**
 * `tc pull`: processes of a bucket into the local registry, checked as `tc import` checks a `.tcr`
 * (src/registry/archive.ts) before anything becomes visible: the manifest, the module's sha256 and
 * size, every segment the manifest lists, every batch's checksum and a finished recording's record
 * count. Everything comes down streamed into temporary names inside the registry (a module under
 * `modules/<hex>.tmp-...`, the process as a whole directory `processes/<uuid>.tmp-...`, which
 * listings skip), and is renamed into place only once checked: a pull that fails or is killed
 * leaves nothing that `tc get` shows.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, TcError } from '../errors.js';
import { segmentFileName } from '../core/segment.js';
import { checkLogFiles, checkSegmentNumbers } from '../registry/archive.js';
import { logStats } from '../registry/inspect.js';
import { RegistryError, resolveId, type Manifest, type ModuleInfo, type Registry } from '../registry/registry.js';
import { tempPath } from '../registry/store.js';
import { ANNOTATIONS_ENTRY, annotationsFile, checkAnnotations } from '../registry/annotations.js';
import { annotationsKey, manifestText, moduleKey, type Bucket } from './bucket.js';
import { RemoteError } from './remotes.js';
import type { OnBytes, TransferProgress } from './s3.js';

/** What `tc pull` did with one process. Sizes in bytes. */
export interface PulledProcess {
  readonly id: string;
  /** False when the registry held this recording already (nothing was written). */
  readonly pulled: boolean;
  readonly records: number;
  readonly segments: number;
  readonly module: ModuleInfo;
  /** Whether the module came down too (false when the registry had it). */
  readonly moduleDownloaded: boolean;
  /** Bytes downloaded for it. */
  readonly bytes: number;
}

export interface PullOptions {
  /** Called as bytes arrive. */
  readonly onProgress?: (p: TransferProgress) => void;
}

/** One process to pull, as planned: its manifest and what must come down. */
interface Plan {
  readonly id: string;
  readonly manifest: Manifest;
  readonly text: string;
  /** Already in the registry, the same recording: nothing to do. */
  readonly present: boolean;
  readonly segments: readonly { readonly key: string; readonly index: number; readonly size: number }[];
  /** Its module must come down: the first process of this pull that uses it, when the registry lacks it. */
  readonly module: boolean;
}

/** A pulled log or module is not what the manifest says (exit 254: damage). */
export class PullDamageError extends TcError {
  constructor(message: string) {
    super(message, EXIT.CORRUPT);
  }
}

/**
 * Pull the processes `prefixes` (unique prefixes of ids in the bucket) into `registry`. Every id is
 * resolved, and each manifest read and compared with the registry's, before anything comes down: one
 * unknown id pulls nothing. A process the registry holds already, the same recording, is left as it
 * is; a different recording under the same id is refused. Throws UnknownIdError, RemoteError,
 * PullDamageError (a digest or checksum that does not match: exit 254) and ArchiveError.
 */
export async function pullProcesses(registry: Registry, bucket: Bucket, prefixes: readonly string[], options: PullOptions = {}): Promise<PulledProcess[]> {
  const dirs = await bucket.scan();
  const known = [...dirs.values()].filter((p) => p.manifest).map((p) => p.id).sort();
  const ids = [...new Set(prefixes.map((p) => resolveId('process', p, known)))];
  const needed = new Set<string>();
  const plans: Plan[] = [];
  for (const id of ids) {
    const { manifest } = await bucket.readManifest(id);
    const text = manifestText(manifest);
    const source = `${bucket.label}: process ${id}`;
    const present = registry.store.size(`processes/${id}/manifest.json`) !== undefined;
    if (present && localText(registry, id) !== text) throw new RemoteError(`${source} is in the registry already, with a different recording`);
    const segments = (dirs.get(id)?.segments ?? []).map((s) => ({ key: s.key, index: s.index, size: s.size }));
    checkSegmentNumbers(source, manifest, segments.map((s) => s.index));
    const digest = manifest.module.digest;
    const module = !present && registry.moduleInfo(digest) === undefined && !needed.has(digest);
    if (module) needed.add(digest);
    plans.push({ id, manifest, text, present, segments, module });
  }

  const total = plans.reduce((n, p) => n + (p.present ? 0 : p.segments.reduce((k, s) => k + s.size, 0) + (p.module ? p.manifest.module.size : 0)), 0);
  let moved = 0;
  const onBytes: OnBytes = (n) => {
    moved += n;
    options.onProgress?.({ bytes: moved, total });
  };
  const out: PulledProcess[] = [];
  for (const plan of plans) {
    const before = moved;
    const result = plan.present ? { pulled: false, records: plan.manifest.records ?? logStats(registry.logDir(plan.id)).records } : await pullOne(registry, bucket, plan, onBytes);
    out.push({ id: plan.id, ...result, segments: plan.segments.length, module: plan.manifest.module, moduleDownloaded: plan.module && result.pulled, bytes: moved - before });
  }
  return out;
}

/** The registry's manifest of `id`, as it would be pushed (or undefined when it cannot be read). */
function localText(registry: Registry, id: string): string | undefined {
  try {
    return manifestText(registry.readManifest(id));
  } catch (e) {
    if (e instanceof RegistryError) return undefined;
    throw e;
  }
}

/** Remove directory `dir` if it is empty (another writer may have put something there since). */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or gone: left as it is
  }
}

/** Pull one planned process (see the file comment). */
async function pullOne(registry: Registry, bucket: Bucket, plan: Plan, onBytes: OnBytes): Promise<{ pulled: boolean; records: number }> {
  const { id, manifest } = plan;
  const source = `${bucket.label}: process ${id}`;
  const processes = registry.store.path('processes');
  const modules = registry.store.path('modules');
  const tmp = tempPath(join(processes, id));
  const hex = manifest.module.digest.slice(7);
  const moduleTmp = plan.module ? tempPath(join(modules, hex)) : undefined;
  // The directories this pull makes, removed again (when empty) if it fails: the registry is left as it was.
  const made = [processes, modules].filter((d) => !existsSync(d));
  let pulled = false;
  try {
    mkdirSync(join(tmp, 'log'), { recursive: true, mode: 0o700 });
    if (moduleTmp !== undefined) {
      mkdirSync(modules, { recursive: true, mode: 0o700 });
      const hash = createHash('sha256');
      const size = await bucket.store.download(moduleKey(manifest.module.digest), moduleTmp, { onBytes, onChunk: (c) => hash.update(c) });
      const digest = `sha256:${hash.digest('hex')}`;
      if (digest !== manifest.module.digest) throw new PullDamageError(`${source}: its module in the bucket does not match the manifest (sha256 ${digest.slice(7, 19)}..., expected ${hex.slice(0, 12)}...)`);
      if (size !== manifest.module.size) throw new PullDamageError(`${source}: its module in the bucket is ${size} bytes, the manifest says ${manifest.module.size}`);
    }
    const files: { index: number; path: string }[] = [];
    for (const s of plan.segments) {
      const path = join(tmp, 'log', segmentFileName(s.index));
      await bucket.store.download(s.key, path, { onBytes });
      files.push({ index: s.index, path });
    }
    const records = checkLogFiles(source, manifest, files, EXIT.CORRUPT);
    // The notes, when the bucket has some: checked as tc import checks them.
    const notes = await bucket.store.get(annotationsKey(id));
    if (notes !== undefined) {
      let checked;
      try {
        checked = checkAnnotations(JSON.parse(Buffer.from(notes).toString('utf8')));
      } catch (e) {
        throw new PullDamageError(`${source}: ${ANNOTATIONS_ENTRY} is damaged: ${(e as Error).message}`);
      }
      writeFileSync(join(tmp, ANNOTATIONS_ENTRY), annotationsFile(checked), { mode: 0o600 });
    }
    writeFileSync(join(tmp, 'manifest.json'), plan.text, { mode: 0o600 });
    // Checked: the module first (a manifest names a module that is there), then the process at once.
    if (moduleTmp !== undefined) {
      if (registry.moduleInfo(manifest.module.digest) === undefined) {
        renameSync(moduleTmp, join(modules, hex));
        const { digest, name, size } = manifest.module;
        registry.store.put(`modules/${hex}.json`, `${JSON.stringify({ digest, name, size }, null, 2)}\n`);
      }
    }
    try {
      renameSync(tmp, join(processes, id));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
      // Pulled meanwhile by another tc: the same recording, or refused.
      if (localText(registry, id) !== plan.text) throw new RemoteError(`${source} is in the registry already, with a different recording`);
      return { pulled: false, records };
    }
    pulled = true;
    return { pulled, records };
  } catch (e) {
    if (e instanceof TcError) throw e;
    throw new RegistryError(`registry ${registry.root}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (moduleTmp !== undefined) rmSync(moduleTmp, { force: true });
    if (!pulled) for (const d of made) removeIfEmpty(d);
  }
}
