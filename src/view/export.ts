/**
 * `tc export process <id> --html <file>`: one self-contained HTML file with the player, the recording,
 * its notes and (unless left out) the module, that opens from disk and makes no request
 * (src/view/page.ts).
 */
import { exportTo, type TcRegistry } from '../api/registry.js';
import { segmentFiles } from '../log/files.js';
import { readAnnotations } from '../registry/annotations.js';
import * as fs from 'node:fs';
import { exportHtml, type PlayerAssets } from './page.js';
import { playerAssets } from './server.js';

/** Above this, `tc export --html` warns: a browser holds the whole file, decoded, in memory. */
export const LARGE_HTML = 50 * 1024 * 1024;

export interface HtmlExportResult {
  readonly kind: 'process';
  readonly id: string;
  /** Bytes of the HTML file. */
  readonly size: number;
  /** Whether the module is in it (re-execution needs it). */
  readonly module: boolean;
}

/**
 * Write process `prefix` (a unique prefix of its id) as one HTML file to `dest` (atomically). With
 * `module: false` the module is left out: the page plays but cannot re-execute. Throws the registry's
 * errors (UnknownIdError, ...) and TcError when the file cannot be written.
 */
export function exportProcessHtml(registry: TcRegistry, prefix: string, dest: string, options: { readonly module?: boolean; readonly assets?: PlayerAssets } = {}): HtmlExportResult {
  const r = registry.registry;
  const id = r.resolveProcess(prefix);
  const manifest = r.readManifest(id);
  const withModule = options.module ?? true;
  const segments = segmentFiles(r.logDir(id)).map((s) => fs.readFileSync(s.path));
  const html = exportHtml(options.assets ?? playerAssets(), {
    manifest,
    annotations: readAnnotations(r, id),
    segments,
    module: withModule ? r.getModule(manifest.module.digest) : null,
  });
  const bytes = Buffer.from(html, 'utf8');
  exportTo(dest, (sink) => sink(bytes));
  return { kind: 'process', id, size: bytes.length, module: withModule };
}
