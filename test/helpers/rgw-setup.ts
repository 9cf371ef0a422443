/**
 * vitest's global setup for the tests that need an S3-compatible server: it starts none itself. It
 * makes a directory for the one server of the run (test/helpers/rgw.ts starts it there when a test
 * first asks for it, so a run of test files that need none starts none), hands it to the test
 * files (`inject('rgwDir')`), and at the end stops whatever was started there, by the pids the
 * server's script wrote (scripts/rgw.sh stop), and removes the directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's S3-compatible server lives, once a test has started it (test/helpers/rgw.ts). */
    rgwDir: string;
  }
}

const SCRIPT = resolve(import.meta.dirname, '../../scripts/rgw.sh');

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tc-rgw-'));
  project.provide('rgwDir', dir);
  return () => {
    const cluster = join(dir, 'cluster');
    if (existsSync(cluster)) {
      const r = spawnSync('bash', [SCRIPT, 'stop', cluster], { encoding: 'utf8' });
      if (r.status !== 0) console.warn(`scripts/rgw.sh stop: exit ${r.status}: ${r.stderr}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
