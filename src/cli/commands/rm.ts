/**
 * `tc rm process <id>...`: delete processes (manifest and log). Their modules stay; `tc gc` removes
 * the ones no process uses any more.
 * `tc rm module <id>...`: delete modules no process uses; a module a process uses is refused.
 */
import { TcError } from '../../errors.js';
import { isLive, listProcesses } from '../../registry/inspect.js';
import { Registry, RegistryError, registryDir } from '../../registry/registry.js';
import { removeModule, removeProcess, type DeletedModule, type DeletedProcess } from '../../registry/remove.js';
import { stdout } from '../io.js';
import { outputFormat, render, rmText, shortDigest } from '../render.js';
import { resourceType } from './get.js';

export interface RmOptions {
  registry?: string;
  /** Delete even a process that is being recorded right now. */
  force?: boolean;
}

/** What `tc rm` deleted. */
export type RmResult =
  | { readonly type: 'process'; readonly deleted: readonly DeletedProcess[] }
  | { readonly type: 'module'; readonly deleted: readonly DeletedModule[] };

/**
 * Delete the processes or modules `ids` (unique prefixes). Every id is resolved and checked (a
 * process not being recorded, a module no process uses) before anything is deleted: one bad id
 * deletes nothing. Throws UsageError, UnknownIdError, TcError.
 */
export function rm(resource: string, ids: readonly string[], opts: RmOptions = {}): RmResult {
  const type = resourceType(resource);
  const registry = new Registry(registryDir(opts.registry));
  return type === 'process' ? { type, deleted: rmProcesses(registry, ids, opts) } : { type, deleted: rmModules(registry, ids) };
}

function rmProcesses(registry: Registry, ids: readonly string[], opts: RmOptions): DeletedProcess[] {
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

function rmModules(registry: Registry, ids: readonly string[]): DeletedModule[] {
  const digests = [...new Set(ids.map((id) => registry.resolveModule(id)))];
  const processes = listProcesses(registry);
  for (const digest of digests) {
    const users = processes.filter((p) => p.module?.digest === digest).map((p) => p.id).sort();
    if (users.length > 0) throw new TcError(`module ${shortDigest(digest)} is used by process ${users.join(', ')}; remove those first (or tc gc)`);
  }
  return digests.map((digest) => ({ digest, name: registry.moduleInfo(digest)?.name ?? '', size: removeModule(registry, digest) }));
}

/** `tc rm`: prints what it deleted (process ids, or module ids of 12 hex digits), one a line. */
export function rmCommand(resource: string, ids: string[], opts: RmOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  const r = rm(resource, ids, opts);
  stdout(render(format, r.deleted, () => rmText(r)));
  return 0;
}
