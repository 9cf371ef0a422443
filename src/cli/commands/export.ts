/**
 * `tc export module <id> <file|->`: the module's exact bytes.
 * `tc export process <id> <file|->`: the recording as one `.tcr` archive (src/registry/archive.ts).
 * `tc export process <id> --format asciicast <file|->`: what reached its terminal, as asciicast v2
 * (src/registry/asciicast.ts), for asciinema and its player.
 * A file is written under a temporary name and renamed, so it never holds half an export.
 */
import { openRegistry, type AsciicastExport } from '../../api/registry.js';
import { UsageError } from '../../errors.js';
import type { ExportResult, Sink } from '../../registry/archive.js';
import { parseSize } from '../../registry/asciicast.js';
import { stdout } from '../io.js';
import { exportText, outputFormat, render } from '../render.js';
import { resourceType } from './get.js';

/** What a process exports as: a `.tcr` recording, or an asciicast of its terminal. */
export const EXPORT_FORMATS = ['tcr', 'asciicast'] as const;

export interface ExportOptions {
  registry?: string;
  /** `tcr` (default) or `asciicast` (a process only). */
  format?: string;
  /** asciicast: the terminal's size, `COLUMNSxROWS`. */
  size?: string;
  /** asciicast: stderr's output in red. */
  stderrColor?: boolean;
}

/** Export resource `id` (a unique prefix) to `sink`. */
export function exportTo(resource: string, id: string, sink: Sink, opts: ExportOptions = {}): ExportResult {
  return exportResource(resource, id, sink, opts);
}

/**
 * Export resource `id` to file `dest` (atomically), to stdout when `dest` is `-`, or to a sink. Throws
 * UsageError for a format the resource does not export as, or asciicast's options without it.
 */
export function exportResource(resource: string, id: string, dest: string | Sink, opts: ExportOptions = {}): ExportResult | AsciicastExport {
  const type = resourceType(resource);
  const format = opts.format ?? 'tcr';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: expected one of ${EXPORT_FORMATS.join(', ')}`);
  if (format === 'asciicast' && type !== 'process') throw new UsageError('--format asciicast: only a process exports as an asciicast');
  if (format !== 'asciicast') {
    if (opts.size !== undefined) throw new UsageError('--size: only with --format asciicast');
    if (opts.stderrColor) throw new UsageError('--stderr-color: only with --format asciicast');
  }
  const size = opts.size === undefined ? undefined : parseSize(opts.size);
  const registry = openRegistry(opts.registry);
  const to = dest === '-' ? stdout : dest;
  if (format === 'asciicast') return registry.exportAsciicast(id, to, { ...(size ? { size } : {}), stderrColor: opts.stderrColor === true });
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
