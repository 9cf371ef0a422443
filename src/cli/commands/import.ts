/**
 * `tc import <file.tcr|->`: add an exported recording to the registry; prints the process id.
 */
import * as fs from 'node:fs';
import { TcError } from '../../errors.js';
import { importProcess, type ImportResult } from '../../registry/archive.js';
import { Registry, registryDir } from '../../registry/registry.js';
import { stdout } from '../io.js';
import { importText, outputFormat, render } from '../render.js';

export interface ImportOptions {
  registry?: string;
}

/** Import the `.tcr` archive at `file` (`-`: stdin). Throws TcError (ArchiveError) with one line. */
export function importFile(file: string, opts: ImportOptions = {}): ImportResult {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TcError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  return importProcess(new Registry(registryDir(opts.registry)), bytes, file === '-' ? 'stdin' : file);
}

/** `tc import`: prints the process id (or the result as JSON/YAML). */
export function importCommand(file: string, opts: ImportOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  const r = importFile(file, opts);
  stdout(render(format, r, () => importText(r)));
  return 0;
}
