/**
 * Deleting from the registry. A process disappears at once: its directory is first renamed to a
 * temporary name (which listings skip), then removed, so no reader sees half a process.
 */
import * as fs from 'node:fs';
import { processSize } from './inspect.js';
import type { Registry } from './registry.js';
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
