/**
 * The direction of imports (README, "Layout"): what each entry point pulls in, as esbuild's bundler
 * sees it (type-only imports do not count: they leave nothing in the code).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/run.js';

/** The source folders (src/<folder>/ or the file under src/) that `entry` pulls in. */
async function reaches(entry: string): Promise<string[]> {
  const r = await build({ entryPoints: [join(ROOT, entry)], absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent', packages: 'external' });
  const parts = Object.keys(r.metafile.inputs)
    .filter((f) => f.startsWith('src/') && f !== entry)
    .map((f) => (f.split('/').length > 2 ? f.split('/')[1]! : f.slice(4)));
  return [...new Set(parts)].sort();
}

describe('imports go one way', () => {
  it('the core: only wasi, format and errors', async () => {
    expect(await reaches('src/core/index.ts')).toEqual(['core', 'errors.ts', 'format', 'wasi']);
  });

  it('replay: the core, the registry and the log files, never the host or the recorder', async () => {
    const r = await reaches('src/replay.ts');
    expect(r).not.toContain('host');
    expect(r).not.toContain('timemachine');
    expect(r).toEqual(['core', 'errors.ts', 'format', 'log', 'registry', 'version.ts', 'wasi']);
  });

  it('the replay command and the library replay: no host, no recorder', async () => {
    for (const entry of ['src/cli/commands/replay.ts', 'src/api/replay.ts']) {
      const r = await reaches(entry);
      expect(r, entry).not.toContain('host');
      expect(r, entry).not.toContain('timemachine');
    }
  });

  it('the registry and the log files do not reach the host, the recorder or the commands', async () => {
    for (const entry of ['src/log/files.ts', 'src/registry/verify.ts', 'src/registry/archive.ts', 'src/api/registry.ts']) {
      const r = await reaches(entry);
      for (const no of ['host', 'timemachine', 'cli', 'run.ts']) expect(r, `${entry} reaches ${no}`).not.toContain(no);
    }
  });

  it('redact: the registry, the log files and the log writer, over the core; never the host', async () => {
    for (const entry of ['src/redact.ts', 'src/api/redact.ts', 'src/cli/commands/redact.ts']) {
      const r = await reaches(entry);
      expect(r, entry).not.toContain('host');
      expect(r, entry).not.toContain('run.ts');
      for (const yes of ['core', 'log', 'registry', 'timemachine']) expect(r, entry).toContain(yes);
    }
  });

  it('remotes: over the registry and the log files, never the host, the recorder or the commands', async () => {
    for (const entry of ['src/remote/push.ts', 'src/remote/pull.ts', 'src/remote/bucket.ts', 'src/api/remote.ts']) {
      const r = await reaches(entry);
      expect(r, entry).toContain('registry');
      for (const no of ['host', 'timemachine', 'cli', 'run.ts', 'replay.ts']) expect(r, `${entry} reaches ${no}`).not.toContain(no);
    }
  });

  it('the AWS SDK is in the bundle of the commands that reach a bucket, and in no other command or the CLI', async () => {
    /** The packages the bundle of `entry` holds (dynamic imports of other command bundles left out, as scripts/build.mjs does). */
    const packages = async (entry: string) => {
      const r = await build({
        entryPoints: [join(ROOT, entry)], absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'cjs', write: false, metafile: true, logLevel: 'silent',
        plugins: [{ name: 'commands-apart', setup: (b) => b.onResolve({ filter: /^\.\/commands\// }, (a) => ({ path: a.path, external: true })) }],
      });
      return new Set(Object.keys(r.metafile.inputs).map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? (f.startsWith('src/remote/') ? 'src/remote' : '')));
    };
    for (const entry of ['src/cli/main.ts', 'src/cli/commands/run.ts', 'src/cli/commands/replay.ts', 'src/cli/commands/trace.ts', 'src/cli/commands/registry.ts']) {
      const p = await packages(entry);
      expect(p.has('@aws-sdk/client-s3') || p.has('@aws-sdk/lib-storage') || p.has('src/remote'), entry).toBe(false);
    }
    const remote = await packages('src/cli/commands/remote.ts');
    for (const yes of ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'src/remote', 'cli-progress', 'bytes']) expect(remote.has(yes), yes).toBe(true);
  });

  it('run: the host and the recorder, over the core', async () => {
    const r = await reaches('src/run.ts');
    for (const yes of ['core', 'host', 'timemachine']) expect(r).toContain(yes);
    expect(r).not.toContain('cli');
  });

  it('the player in the browser: the core and its own code; the server and the export: the registry, never the host or the recorder', async () => {
    // src/view/app is built for browsers: the core, the syscall table, human.ts; the registry's types only.
    const app = await reaches('src/view/app/main.ts');
    expect(app).toEqual(['core', 'errors.ts', 'format', 'human.ts', 'view', 'wasi']);
    for (const entry of ['src/view/server.ts', 'src/view/export.ts', 'src/cli/commands/view.ts']) {
      const r = await reaches(entry);
      for (const no of ['host', 'timemachine', 'run.ts', 'replay.ts']) expect(r, `${entry} reaches ${no}`).not.toContain(no);
    }
  });
});
