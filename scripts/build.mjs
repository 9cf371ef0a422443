// Bundle the CLI into dist/tc.js and the guest thread of a recording into dist/guest.js (ESM, dependencies
// included) for a fast start.

import { build } from 'esbuild';


await build({
  entryPoints: { tc: 'src/cli/main.ts', guest: 'src/guest.ts' },
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
