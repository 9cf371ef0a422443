/**
 * `tc export module <id> <file|->`: the module's exact bytes.
 * `tc export process <id> <file|->`: the recording as one `.tcr` archive (src/registry/archive.ts).
 * A file is written under a temporary name and renamed, so it never holds half an export.
 */
import { openRegistry } from '../../api/registry.js';
import { UsageError } from '../../errors.js';
import type { ExportResult, Sink } from '../../registry/archive.js';
import { stdout } from '../io.js';
import { exportText, outputFormat, render } from '../render.js';
import { resourceType } from './get.js';

export interface ExportOptions {
  registry?: string;
}

/** Export resource `id` (a unique prefix) to `sink`. */
export function exportTo(resource: string, id: string, sink: Sink, opts: ExportOptions = {}): ExportResult {
  return exportResource(resource, id, sink, opts);
}

/** Export resource `id` to file `dest` (atomically), to stdout when `dest` is `-`, or to a sink. */
export function exportResource(resource: string, id: string, dest: string | Sink, opts: ExportOptions = {}): ExportResult {
  const type = resourceType(resource);
  const registry = openRegistry(opts.registry);
  const to = dest === '-' ? stdout : dest;
  return type === 'module' ? registry.exportModule(id, to) : registry.exportProcess(id, to);
}

/** `tc export`: writes the export; to a file, prints what it wrote (text, JSON or YAML). */
export function exportCommand(resource: string, id: string, dest: string, opts: ExportOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  if (dest === '-' && format !== 'text') throw new UsageError(`-o ${format}: the export itself goes to stdout`);
  const r = exportResource(resource, id, dest, opts);
  if (dest !== '-') stdout(render(format, { ...r, path: dest }, () => exportText(r, dest)));
  return 0;
}
