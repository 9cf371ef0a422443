/**
 * `tc get [type]`: the resource types, or a table of the processes or modules in the registry.
 */
import { UsageError } from '../../errors.js';
import { openRegistry } from '../../api/registry.js';
import type { ModuleInfo } from '../../registry/registry.js';
import type { ProcessSummary } from '../../registry/inspect.js';
import { stdout } from '../io.js';
import { MODULE_COLUMNS, outputFormat, PROCESS_COLUMNS, render, RESOURCE_COLUMNS, table, type ResourceType } from '../render.js';

/** The resource types of the registry commands, with the names they also answer to. */
export const RESOURCES: readonly ResourceType[] = [
  { type: 'process', aliases: ['ps', 'proc', 'procs', 'processes'], description: 'recorded processes (manifest and log)' },
  { type: 'module', aliases: ['mo', 'mod', 'mods', 'modules'], description: 'WebAssembly modules, stored once by sha256' },
];

export type ResourceName = 'process' | 'module';

/** The resource type `name` (or an alias) stands for; UsageError when none, or not one of `allowed`. */
export function resourceType(name: string, allowed: readonly ResourceName[] = ['process', 'module']): ResourceName {
  const r = RESOURCES.find((x) => x.type === name || x.aliases.includes(name));
  const expected = allowed.join(' or ');
  if (r === undefined) throw new UsageError(`no resource type matching '${name}' (expected ${expected})`);
  if (!(allowed as readonly string[]).includes(r.type)) throw new UsageError(`'${name}': expected ${expected}`);
  return r.type as ResourceName;
}

export interface GetOptions {
  /** Registry directory (default: $TC_REGISTRY or ~/.tc). */
  registry?: string;
}

/** What `tc get` lists. */
export type GetResult =
  | { readonly type: 'resources'; readonly items: readonly ResourceType[] }
  | { readonly type: 'process'; readonly items: readonly ProcessSummary[] }
  | { readonly type: 'module'; readonly items: readonly ModuleInfo[] };

/**
 * List the resource types (no `resource`), the processes (newest first; a recording whose tc is
 * gone shows as incomplete) or the modules (by digest). Throws UsageError for an unknown type.
 */
export function get(resource: string | undefined, opts: GetOptions = {}): GetResult {
  if (resource === undefined) return { type: 'resources', items: RESOURCES };
  const type = resourceType(resource);
  const registry = openRegistry(opts.registry);
  return type === 'process' ? { type, items: registry.processes() } : { type, items: registry.modules() };
}

/** Render what {@link get} returns: a table, or the items as a JSON/YAML list. */
export function renderGet(r: GetResult, format: string | undefined, now: Date = new Date()): string {
  return render(outputFormat(format), r.items, () => {
    switch (r.type) {
      case 'resources':
        return table(RESOURCE_COLUMNS, r.items, now);
      case 'process':
        return table(PROCESS_COLUMNS, r.items, now);
      case 'module':
        return table(MODULE_COLUMNS, r.items, now);
    }
  });
}

/** `tc get`: prints, returns the exit code. */
export function getCommand(resource: string | undefined, opts: GetOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  stdout(renderGet(get(resource, opts), format));
  return 0;
}
