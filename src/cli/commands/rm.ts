/**
 * `tc rm process <id>...`: delete processes (manifest and log). Modules stay; `tc gc` removes the
 * ones no process uses any more.
 */
import { TcError } from '../../errors.js';
import { isLive } from '../../registry/inspect.js';
import { Registry, RegistryError, registryDir } from '../../registry/registry.js';
import { removeProcess, type DeletedProcess } from '../../registry/remove.js';
import { stdout } from '../io.js';
import { outputFormat, render, rmText } from '../render.js';
import { resourceType } from './get.js';

export interface RmOptions {
  registry?: string;
  /** Delete even a process that is being recorded right now. */
  force?: boolean;
}

/**
 * Delete the processes `ids` (unique prefixes). Every id is resolved, and checked not to be a live
 * recording, before anything is deleted: one bad id deletes nothing.
 */
export function rm(resource: string, ids: readonly string[], opts: RmOptions = {}): DeletedProcess[] {
  resourceType(resource, ['process']);
  const registry = new Registry(registryDir(opts.registry));
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
  if (!opts.force) {
    for (const { id, m } of manifests) {
      if (m !== undefined && isLive(m)) throw new TcError(`process ${id} is being recorded (pid ${m.pid}); --force deletes it anyway`);
    }
  }
  return manifests.map(({ id, m }) => ({ id, ...(m ? { startTime: m.startTime } : {}), size: removeProcess(registry, id) }));
}

/** `tc rm`: prints the deleted ids. */
export function rmCommand(resource: string, ids: string[], opts: RmOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  const deleted = rm(resource, ids, opts);
  stdout(render(format, deleted, () => rmText(deleted)));
  return 0;
}
