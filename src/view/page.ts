/**
 * The player's HTML: the page `tc view` serves (its script and style from /assets, its data from /api),
 * and the one self-contained file `tc export process --html` writes (script, style and the recording
 * inlined, and a Content-Security-Policy that allows no request at all).
 */
import type { Annotation } from '../registry/annotations.js';
import type { Manifest } from '../registry/registry.js';

/** The player's built files (dist/view/player.js and player.css). */
export interface PlayerAssets {
  readonly js: string;
  readonly css: string;
}

/** A recording inlined into an HTML file: what the page reads from `#tc-data`. */
export interface EmbeddedRecording {
  readonly manifest: Manifest;
  readonly annotations: readonly Annotation[];
  /** The log's segments, in order. */
  readonly segments: readonly Uint8Array[];
  /** The module's bytes, for re-execution; null when left out (`--no-module`). */
  readonly module: Uint8Array | null;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
${head}
</head>
<body>
<div id="app" class="app"><p class="loading">Loading…</p></div>
${body}
</body>
</html>
`;
}

/** The page `tc view` serves for every route; the script reads /api/info to know what to show. */
export function pageHtml(_assets: PlayerAssets, options: { readonly mode: 'registry' | 'archive' }): string {
  return shell('tc view', '<link rel="stylesheet" href="/assets/player.css">', `<script data-mode="${options.mode}" src="/assets/player.js"></script>`);
}

/** `</` cannot end the element it is in: inline text keeps it escaped. */
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');

/** The Content-Security-Policy of an exported file: its inline script and style, WebAssembly, a worker from a blob; nothing is fetched. */
export const EXPORT_CSP = "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:; worker-src blob:; base-uri 'none'; form-action 'none'";

/** One HTML file that holds the player and `rec`: it opens from disk (file://) and makes no request. */
export function exportHtml(assets: PlayerAssets, rec: EmbeddedRecording): string {
  const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  const data = JSON.stringify({
    manifest: rec.manifest,
    annotations: rec.annotations,
    segments: rec.segments.map(b64),
    module: rec.module === null ? null : b64(rec.module),
  }).replace(/</g, '\\u003c');
  const m = rec.manifest;
  return shell(
    `tc · ${m.module.name} · ${m.id.slice(0, 8)}`,
    `<meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}">\n<style>${assets.css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    `<script type="application/json" id="tc-data">${data}</script>\n<script data-mode="file">${inlineScript(assets.js)}</script>`,
  );
}
