// Write src/core/replay-paths.ts, the replayer's fast paths, from replayPathsModule() in
// src/core/replay-source.ts (bundled here with esbuild, as the sources are TypeScript).
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const out = await build({ entryPoints: ['src/core/replay-source.ts'], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'warning' });
const { replayPathsModule } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
writeFileSync('src/core/replay-paths.ts', replayPathsModule());
