/**
 * The registry commands with `--remote R`: `tc get process|module`, `tc describe process|module <id>`,
 * `tc rm process|module <id>...` and `tc gc` read and change the bucket instead of the registry
 * (src/remote/bucket.ts), and print as they do for a registry.
 */
import { openRemote } from '../../api/remote.js';
import type { GcOptions } from '../../registry/gc.js';
import { stdout } from '../io.js';
import { gcText, outputFormat, render, rmText } from '../render.js';
import type { DescribeResult } from './describe.js';
import { renderDescribe } from './describe.js';
import { RESOURCES, renderGet, resourceType, type GetResult } from './get.js';
import type { RmResult } from './rm.js';

export interface RemoteRegistryOptions {
  registry?: string;
  remote?: string;
  output?: string;
}

/** `tc get [type] --remote R`: the resource types, or the processes or modules of the bucket. */
export async function getRemote(resource: string | undefined, opts: RemoteRegistryOptions): Promise<GetResult> {
  if (resource === undefined) return { type: 'resources', items: RESOURCES };
  const type = resourceType(resource);
  const remote = openRemote(opts);
  return type === 'process' ? { type, items: await remote.processes() } : { type, items: await remote.modules() };
}

/** `tc describe process|module <id> --remote R`, from a copy of the process's log (or of the module). */
export async function describeRemote(resource: string, id: string, opts: RemoteRegistryOptions & { verbose?: boolean }): Promise<DescribeResult> {
  const type = resourceType(resource);
  const remote = openRemote(opts);
  return type === 'process' ? { type, data: await remote.describeProcess(id, { verbose: opts.verbose }) } : { type, data: await remote.describeModule(id) };
}

/** `tc rm process|module <id>... --remote R`. */
export async function rmRemote(resource: string, ids: readonly string[], opts: RemoteRegistryOptions): Promise<RmResult> {
  const type = resourceType(resource);
  const remote = openRemote(opts);
  return type === 'process' ? { type, deleted: await remote.removeProcesses(ids) } : { type, deleted: await remote.removeModules(ids) };
}

export async function getRemoteCommand(resource: string | undefined, opts: RemoteRegistryOptions): Promise<number> {
  const format = outputFormat(opts.output);
  stdout(renderGet(await getRemote(resource, opts), format));
  return 0;
}

export async function describeRemoteCommand(resource: string, id: string, opts: RemoteRegistryOptions & { verbose?: boolean }): Promise<number> {
  const format = outputFormat(opts.output);
  stdout(renderDescribe(await describeRemote(resource, id, opts), format));
  return 0;
}

export async function rmRemoteCommand(resource: string, ids: string[], opts: RemoteRegistryOptions & { force?: boolean }): Promise<number> {
  const format = outputFormat(opts.output);
  const r = await rmRemote(resource, ids, opts);
  stdout(render(format, r.deleted, () => rmText(r)));
  return 0;
}

/** `tc gc --remote R [--older-than D] [--keep N] [--dry-run]`: retention in the bucket. */
export async function gcRemoteCommand(opts: RemoteRegistryOptions & GcOptions): Promise<number> {
  const format = outputFormat(opts.output);
  const r = await openRemote(opts).gc(opts);
  stdout(render(format, r, () => gcText(r)));
  return 0;
}
