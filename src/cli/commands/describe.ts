/**
 * `tc describe process|module <id>`: everything the registry knows about one process (its log
 * statistics read from the segment files' batch headers) or one module (its interface).
 */
import { openRegistry } from '../../api/registry.js';
import type { ModuleDescription, ProcessDescription } from '../../registry/inspect.js';
import { stdout } from '../io.js';
import { moduleText, outputFormat, processText, render } from '../render.js';
import { resourceType } from './get.js';

export interface DescribeOptions {
  registry?: string;
  /** Process: environment values and one table of batches per segment. */
  verbose?: boolean;
}

export type DescribeResult =
  | { readonly type: 'process'; readonly data: ProcessDescription }
  | { readonly type: 'module'; readonly data: ModuleDescription };

/** Describe resource `id` (a unique prefix). Throws UsageError, UnknownIdError, RegistryError. */
export function describe(resource: string, id: string, opts: DescribeOptions = {}): DescribeResult {
  const type = resourceType(resource);
  const registry = openRegistry(opts.registry);
  return type === 'process' ? { type, data: registry.describeProcess(id, { verbose: opts.verbose }) } : { type, data: registry.describeModule(id) };
}

export function renderDescribe(r: DescribeResult, format: string | undefined, now: Date = new Date()): string {
  return render(outputFormat(format), r.data, () => (r.type === 'process' ? processText(r.data, now) : moduleText(r.data)));
}

/** `tc describe`: prints, returns the exit code. */
export function describeCommand(resource: string, id: string, opts: DescribeOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  stdout(renderDescribe(describe(resource, id, opts), format));
  return 0;
}
