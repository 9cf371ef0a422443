/**
 * `tc gc [--older-than DURATION] [--keep N] [--dry-run]`: delete old processes and the modules no
 * process uses any more.
 *
 * Which processes: with --older-than, those that started more than DURATION ago; with --keep N, all
 * but the N newest; with both, those matching both; with neither, none (only unused modules go).
 * A process being recorded right now is never deleted. Modules used by no remaining process are.
 */
import { openRegistry } from '../../api/registry.js';
import type { GcOptions as RegistryGcOptions, GcResult } from '../../registry/gc.js';
import { stdout } from '../io.js';
import { gcText, outputFormat, render } from '../render.js';

export { parseDuration } from '../../registry/gc.js';
export type { GcResult };

export interface GcOptions extends RegistryGcOptions {
  registry?: string;
}

/** Collect garbage in the registry (see src/registry/gc.ts). Throws UsageError for bad options. */
export function gc(opts: GcOptions = {}): GcResult {
  return openRegistry(opts.registry).gc(opts);
}

/** `tc gc`: prints what was freed. */
export function gcCommand(opts: GcOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  const r = gc(opts);
  stdout(render(format, r, () => gcText(r)));
  return 0;
}
