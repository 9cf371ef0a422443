/**
 * `tc export module <id> <file|->`: the module's exact bytes.
 * `tc export process <id> <file|->`: the recording as one `.tcr` archive (src/registry/archive.ts).
 * `tc export process <id> --html <file>`: one HTML file that plays the recording (src/view/export.ts).
 * `tc export process <id> --format asciicast <file|->`: what reached its terminal, as asciicast v2
 * (src/registry/asciicast.ts), for asciinema and its player.
 * A file is written under a temporary name and renamed, so it never holds half an export.
 */
import { openRegistry, type AsciicastExport } from '../../api/registry.js';
import { UsageError } from '../../errors.js';
import type { ExportResult, Sink } from '../../registry/archive.js';
import { parseSize } from '../../registry/asciicast.js';
import { stderr, stdout } from '../io.js';
import { exportText, humanBytes, outputFormat, render } from '../render.js';
import { exportProcessHtml, LARGE_HTML } from '../../view/export.js';
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
export function exportCommand(resource: string, id: string, dest: string | undefined, opts: ExportOptions & { output?: string; html?: string; module?: boolean }): number {
  const format = outputFormat(opts.output);
  if (opts.html !== undefined) {
    if (resourceType(resource) !== 'process') throw new UsageError('--html exports a process');
    if (dest !== undefined) throw new UsageError(`--html ${opts.html} is the output file: give no other (${dest})`);
    if ((opts.format ?? 'tcr') !== 'tcr') throw new UsageError(`--html and --format ${opts.format}: one export at a time`);
    if (opts.size !== undefined || opts.stderrColor) throw new UsageError(`--${opts.size !== undefined ? 'size' : 'stderr-color'}: only with --format asciicast`);
    const r = exportProcessHtml(openRegistry(opts.registry), id, opts.html, { module: opts.module !== false });
    if (r.size > LARGE_HTML) stderr(`tc: warning: ${opts.html} is ${humanBytes(r.size)}: a browser holds all of it in memory${r.module ? ' (--no-module leaves the module out)' : ''}\n`);
    stdout(render(format, { ...r, path: opts.html }, () => `exported process ${r.id} to ${opts.html} (${humanBytes(r.size)}${r.module ? '' : ', without the module'})\n`));
    return 0;
  }
  if (opts.module === false) throw new UsageError('--no-module goes with --html');
  if (dest === undefined) throw new UsageError('missing the output file (or - for stdout, or --html <file>)');
  if (dest === '-' && format !== 'text') throw new UsageError(`-o ${format}: the export itself goes to stdout`);
  const r = exportResource(resource, id, dest, opts);
  if (dest !== '-') stdout(render(format, { ...r, path: dest }, () => exportText(r, dest)));
  return 0;
}
