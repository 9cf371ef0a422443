/**
 * Deleting from the registry. A process disappears at once: its directory is first renamed to a
 * temporary name (which listings skip), then removed, so no reader sees half a process.
 */
import * as fs from 'node:fs';
import { TcError } from '../errors.js';
import { isLive, listProcesses, processSize } from './inspect.js';
import { RegistryError, type Registry } from './registry.js';
import { tempPath } from './store.js';

/** A process deleted (or that would be). Size in bytes. */
export interface DeletedProcess {
  readonly id: string;
  readonly startTime?: string;
  readonly size: number;
}

/** A module deleted (or that would be): its bytes and its metadata file, in bytes. */
export interface DeletedModule {
  readonly digest: string;
  readonly name: string;
  readonly size: number;
}

/** Delete process `id` (a full id). Returns the bytes freed; 0 when it was gone already. */
export function removeProcess(registry: Registry, id: string): number {
  const dir = registry.store.path(`processes/${id}`);
  const size = processSize(registry, id);
  const doomed = tempPath(`${dir}.rm`);
  try {
    fs.renameSync(dir, doomed);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 0;
    throw e;
  }
  fs.rmSync(doomed, { recursive: true, force: true });
  return size;
}

/** Bytes module `digest` takes (its bytes and metadata). */
export function moduleSize(registry: Registry, digest: string): number {
  const hex = digest.replace(/^sha256:/, '');
  return (registry.store.size(`modules/${hex}`) ?? 0) + (registry.store.size(`modules/${hex}.json`) ?? 0);
}

/** Delete module `digest`: the metadata first (listings stop showing it), then the bytes. Returns bytes freed. */
export function removeModule(registry: Registry, digest: string): number {
  const hex = digest.replace(/^sha256:/, '');
  const size = moduleSize(registry, digest);
  registry.store.delete(`modules/${hex}.json`);
  registry.store.delete(`modules/${hex}`);
  return size;
}

/**
 * Delete the processes `ids` (unique prefixes). Every id is resolved, and checked not to be a live
 * recording (unless `force`), before anything is deleted: one bad id deletes nothing. Throws
 * UnknownIdError, TcError.
 */
export function removeProcesses(registry: Registry, ids: readonly string[], options: { readonly force?: boolean } = {}): DeletedProcess[] {
  const full = [...new Set(ids.map((id) => registry.resolveProcess(id)))];
  const manifestOf = (id: string) => {
    try {
      return registry.readManifest(id);
    } catch (e) {
      if (e instanceof RegistryError) return undefined; // damaged or half-written: deletable
      throw e;
    }
  };
  const manifests = full.map((id) => ({ id, m: manifestOf(id) }));
  if (!options.force) {
    for (const { id, m } of manifests) {
      if (m !== undefined && isLive(m)) throw new TcError(`process ${id} is being recorded (pid ${m.pid}); --force deletes it anyway`);
    }
  }
  return manifests.map(({ id, m }) => ({ id, ...(m ? { startTime: m.startTime } : {}), size: removeProcess(registry, id) }));
}

/**
 * Delete the modules `ids` (unique prefixes of their digests) that no process uses. A module a process
 * uses is refused, naming the processes, and then nothing is deleted. Throws UnknownIdError, TcError.
 */
export function removeModules(registry: Registry, ids: readonly string[]): DeletedModule[] {
  const digests = [...new Set(ids.map((id) => registry.resolveModule(id)))];
  const processes = listProcesses(registry);
  for (const digest of digests) {
    const users = processes.filter((p) => p.module?.digest === digest).map((p) => p.id).sort();
    if (users.length > 0) throw new TcError(`module ${digest.replace(/^sha256:/, '').slice(0, 12)} is used by process ${users.join(', ')}; remove those first (or tc gc)`);
  }
  return digests.map((digest) => ({ digest, name: registry.moduleInfo(digest)?.name ?? '', size: removeModule(registry, digest) }));
}
