// Bundle the CLI into dist/tc.js and the log-writing thread of a recording into dist/writer.js (ESM, dependencies
// included) for a fast start.

import { build } from 'esbuild';


await build({
  entryPoints: { tc: 'src/cli/main.ts', writer: 'src/writer.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  banner: { js: "import { createRequire as __tcCreateRequire } from 'node:module'; const require = __tcCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
