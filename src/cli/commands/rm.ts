/**
 * `tc rm process <id>...`: delete processes (manifest and log). Their modules stay; `tc gc` removes
 * the ones no process uses any more.
 * `tc rm module <id>...`: delete modules no process uses; a module a process uses is refused.
 */
import { openRegistry } from '../../api/registry.js';
import type { DeletedModule, DeletedProcess } from '../../registry/remove.js';
import { stdout } from '../io.js';
import { outputFormat, render, rmText } from '../render.js';
import { resourceType } from './get.js';

export interface RmOptions {
  registry?: string;
  /** Also a process that is being recorded. */
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
  const registry = openRegistry(opts.registry);
  return type === 'process' ? { type, deleted: registry.removeProcesses(ids, { force: opts.force }) } : { type, deleted: registry.removeModules(ids) };
}

/** `tc rm`: prints what it deleted (process ids, or module ids of 12 hex digits), one a line. */
export function rmCommand(resource: string, ids: string[], opts: RmOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  const r = rm(resource, ids, opts);
  stdout(render(format, r.deleted, () => rmText(r)));
  return 0;
}
