/**
 * `tc import <file.tcr|->`: add an exported recording to the registry; prints the process id.
 */
import * as fs from 'node:fs';
import { openRegistry } from '../../api/registry.js';
import { TcError } from '../../errors.js';
import type { ImportResult } from '../../registry/archive.js';
import { stderr, stdout } from '../io.js';
import { importText, outputFormat, render } from '../render.js';

export interface ImportOptions {
  registry?: string;
}

/** Import the `.tcr` archive at `file` (`-`: stdin). Throws TcError (ArchiveError) with one line. */
export function importFile(file: string, opts: ImportOptions = {}): ImportResult {
  const registry = openRegistry(opts.registry);
  if (file !== '-') return registry.importRecording(file);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(0);
  } catch (e) {
    throw new TcError(`stdin: ${(e as Error).message}`);
  }
  return registry.importRecording(bytes, 'stdin');
}

/** `tc import`: prints the process id (or the result as JSON/YAML); a redacted recording's verdict as a note on stderr. */
export function importCommand(file: string, opts: ImportOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  const r = importFile(file, opts);
  stdout(render(format, r, () => importText(r)));
  // The id stays the one line on stdout (for `id=$(tc import ...)`); what redact found goes beside it.
  if (format === 'text' && r.redaction !== undefined) stderr(`tc: note: ${r.id} was redacted from ${r.redaction.from}: ${r.redaction.message}\n`);
  return 0;
}
