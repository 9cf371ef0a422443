/**
 * `tc export module <id> <file|->`: the module's exact bytes.
 * `tc export process <id> <file|->`: the recording as one `.tcr` archive (src/registry/archive.ts).
 * A file is written under a temporary name and renamed, so it never holds half an export.
 */
import * as fs from 'node:fs';
import { TcError, UsageError } from '../../errors.js';
import { exportModule, exportProcess, type ExportResult, type Sink } from '../../registry/archive.js';
import { Registry, registryDir } from '../../registry/registry.js';
import { stdout, writeFd } from '../io.js';
import { exportText, outputFormat, render } from '../render.js';
import { resourceType } from './get.js';
import { tempPath } from '../../registry/store.js';

export interface ExportOptions {
  registry?: string;
}

/** Export resource `id` (a unique prefix) to `sink`. */
export function exportTo(resource: string, id: string, sink: Sink, opts: ExportOptions = {}): ExportResult {
  const type = resourceType(resource);
  const registry = new Registry(registryDir(opts.registry));
  return type === 'module' ? exportModule(registry, id, sink) : exportProcess(registry, id, sink);
}

/** Export resource `id` to file `dest` (atomically), or to stdout when `dest` is `-`. */
export function exportResource(resource: string, id: string, dest: string, opts: ExportOptions = {}): ExportResult {
  if (dest === '-') return exportTo(resource, id, stdout, opts);
  const tmp = tempPath(dest);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o600);
  } catch (e) {
    throw new TcError(`${dest}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  try {
    const result = exportTo(resource, id, (chunk) => writeFd(fd, chunk), opts);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, dest);
    return result;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
  }
}

/** `tc export`: writes the export; to a file, prints what it wrote (text, JSON or YAML). */
export function exportCommand(resource: string, id: string, dest: string, opts: ExportOptions & { output?: string }): number {
  const format = outputFormat(opts.output);
  if (dest === '-' && format !== 'text') throw new UsageError(`-o ${format}: the export itself goes to stdout`);
  const r = exportResource(resource, id, dest, opts);
  if (dest !== '-') stdout(render(format, { ...r, path: dest }, () => exportText(r, dest)));
  return 0;
}
