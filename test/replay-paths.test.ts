/** src/core/replay-paths.ts is generated (make replay-paths): it must be what its generator makes now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { replayPathsModule } from '../src/core/replay-source.js';
import { ROOT } from './helpers/run.js';

it('src/core/replay-paths.ts is up to date with src/core/replay-source.ts (make replay-paths)', () => {
  expect(readFileSync(join(ROOT, 'src/core/replay-paths.ts'), 'utf8')).toBe(replayPathsModule());
});
