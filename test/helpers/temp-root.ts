/**
 * Each test file gets a temporary directory of its own: TMPDIR points there, for this process and
 * the processes its tests start, so that everything they create (registries, preopened directories,
 * logs) lands under it. It is removed when the file's tests are done: test runs leave nothing behind
 * in the machine's temporary directory. Registered as a setup file in vitest.config.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'tc-tests-'));
process.env.TMPDIR = root;

afterAll(() => {
  try {
    rmSync(root, { recursive: true, force: true });
  } catch (e) {
    console.warn(`could not remove ${root}: ${(e as Error).message}`);
  }
});
