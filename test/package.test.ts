/**
 * tc as a package: `npm pack` gives a tarball that installs with npm alone (no build step, no
 * dependencies to fetch) and works as a command (`tc`), as a library (`import { run, replay } from
 * 'tc-wasm'`, and `require`) and as the portable core (`tc-wasm/core`), with types a strict TypeScript
 * project can use. The tarball is packed from the dist/ that `make test` built (no prepack build here:
 * other test files use dist/ meanwhile).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/run.js';

const HELLO = join(ROOT, 'wasm-fixtures/c/hello.wasm');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...opts.env } });
  if (r.error) throw r.error;
  return r;
}

describe('the npm package', () => {
  let top: string;
  let tarball: string;
  /** npm's cache, private to this test (what it installs comes from the tarball alone). */
  let cache: string;

  beforeAll(() => {
    top = tempDir('tc-package-');
    cache = join(top, 'npm-cache');
    const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', top, '--cache', cache]);
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(top, info!.filename);
  });

  it('holds what users need and nothing else: the built files, bin, types, README, LICENSE and the notices of what is bundled', () => {
    const list = sh('tar', ['tzf', tarball]).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const f of ['bin/tc.js', 'dist/tc.cjs', 'dist/writer.cjs', 'dist/lib.cjs', 'dist/core.js', 'dist/commands/run.cjs', 'dist/types/api/index.d.ts', 'dist/types/core/index.d.ts', 'dist/THIRD-PARTY-NOTICES', 'LICENSE', 'README.md', 'package.json']) {
      expect(list, f).toContain(f);
    }
    expect(list.filter((f) => /^(src|test|bench|wasm-fixtures|scripts|docs)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin).toEqual({ tc: 'bin/tc.js' });
  });

  it('installs globally into a prefix and gives a working tc: run, then replay', () => {
    const prefix = join(top, 'prefix');
    const install = sh('npm', ['install', '-g', '--prefix', prefix, '--cache', cache, '--offline', tarball]);
    expect(install.status, install.stderr).toBe(0);
    const tcBin = join(prefix, 'bin', 'tc');
    const reg = join(top, 'reg-global');
    const run = sh(tcBin, ['run', '--registry', reg, HELLO], { cwd: top });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('Hello, World!\n');
    const id = run.stderr.split('\n')[0]!;
    const replay = sh(tcBin, ['replay', '--registry', reg, id], { cwd: top });
    expect([replay.status, replay.stdout, replay.stderr]).toEqual([0, 'Hello, World!\n', '']);
  });

  it('runs from the tarball with npm exec (npx), nothing installed', () => {
    const r = sh('npm', ['exec', '--yes', '--offline', '--cache', cache, `--package=${tarball}`, '--', 'tc', 'run', '--no-record', HELLO], { cwd: top });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('Hello, World!\n');
  });

  it('is a library in a project that installs it: ESM and CommonJS, the core, and types for strict TypeScript', () => {
    const proj = join(top, 'proj');
    fs.mkdirSync(proj);
    fs.writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'uses-tc', version: '1.0.0', private: true }));
    const install = sh('npm', ['install', '--cache', cache, '--offline', tarball], { cwd: proj });
    expect(install.status, install.stderr).toBe(0);
    const reg = join(top, 'reg-lib');
    fs.writeFileSync(
      join(proj, 'use.mjs'),
      `import { run, replay, openRegistry } from 'tc-wasm';
import { loadModule, replayLog, readRecords } from 'tc-wasm/core';
import { readFileSync } from 'node:fs';
const registry = ${JSON.stringify(reg)};
const r = await run(${JSON.stringify(HELLO)}, { registry, stdout: 2 });
let out = '';
const again = await replay(r.id, { registry, onOutput: (stream, bytes) => (out += stream + ':' + new TextDecoder().decode(bytes)) });
const segment = readFileSync(registry + '/processes/' + r.id + '/log/00000000');
const { module } = await loadModule(readFileSync(${JSON.stringify(HELLO)}), 'hello.wasm');
let core = '';
const c = replayLog(module, { segments: [segment], finished: true, onOutput: (s, b) => (core += new TextDecoder().decode(b)) });
const writes = [...readRecords([segment])].filter((x) => x.stream === 'stdout').length;
console.log(JSON.stringify([r.exitCode, r.status, again.exitCode, out, openRegistry(registry).processes().length, c.exitCode, core, writes]));
`,
    );
    const esm = sh(process.execPath, ['use.mjs'], { cwd: proj });
    expect(esm.status, esm.stderr).toBe(0);
    expect(JSON.parse(esm.stdout)).toEqual([0, 'exited', 0, 'stdout:Hello, World!\n', 1, 0, 'Hello, World!\n', 1]);
    fs.writeFileSync(join(proj, 'use.cjs'), `require('tc-wasm').run(${JSON.stringify(HELLO)}, { record: false }).then((r) => process.stderr.write('exit ' + r.exitCode));`);
    const cjs = sh(process.execPath, ['use.cjs'], { cwd: proj });
    expect([cjs.status, cjs.stdout, cjs.stderr]).toEqual([0, 'Hello, World!\n', 'exit 0']);
    // Types: a strict project with no @types of its own type-checks against the package's declarations.
    fs.writeFileSync(
      join(proj, 'use.ts'),
      `import { openRegistry, replay, run, TcError, type RunResult, type TracedRecord } from 'tc-wasm';
import { readRecords, replayLog, type ReplayOutcome } from 'tc-wasm/core';
export async function go(): Promise<number> {
  const r: RunResult = await run('app.wasm', { args: ['-v'], env: { A: '1' }, dirs: ['/tmp::/work'] });
  await replay(r.id ?? '', { onOutput: (stream: 'stdout' | 'stderr', bytes: Uint8Array) => void [stream, bytes] });
  const first: TracedRecord | undefined = [...readRecords([new Uint8Array(0)])][0];
  const o: ReplayOutcome | undefined = undefined;
  void [first, o, replayLog, TcError];
  return openRegistry().processes().length + r.exitCode;
}
`,
    );
    fs.writeFileSync(join(proj, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: false, types: [] }, files: ['use.ts'] }));
    const tsc = sh(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: proj });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  });

  it("README's Library examples run as they are, in a project that installed the tarball", () => {
    const proj = join(top, 'readme');
    fs.mkdirSync(proj);
    fs.writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'readme-examples', version: '1.0.0', private: true, type: 'module' }));
    expect(sh('npm', ['install', '--cache', cache, '--offline', tarball], { cwd: proj }).status).toBe(0);
    fs.copyFileSync(HELLO, join(proj, 'hello.wasm'));
    const readme = fs.readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Library\n'), readme.indexOf('\n## ', readme.indexOf('## Library\n') + 1));
    const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    fs.writeFileSync(join(proj, 'api.mjs'), blocks[0]!);
    const api = sh(process.execPath, ['api.mjs'], { cwd: proj });
    expect(api.status, api.stderr).toBe(0);
    expect(api.stdout).toBe('Hello, World!\ntrue stdout: Hello, World!\n\nfd_fdstat_get \nfd_write stdout\nexited\n');
    const [id] = fs.readdirSync(join(proj, 'registry', 'processes'));
    fs.writeFileSync(join(proj, 'core.mjs'), blocks[1]!);
    const core = sh(process.execPath, ['core.mjs', id!], { cwd: proj });
    expect(core.status, core.stderr).toBe(0);
    expect(core.stdout).toBe('Hello, World!\n0 2 2\n');
  });

  it('a clone used before it is built says what to run, in one line', () => {
    const clone = tempDir('tc-unbuilt-');
    fs.mkdirSync(join(clone, 'bin'));
    fs.copyFileSync(join(ROOT, 'bin/tc.js'), join(clone, 'bin/tc.js'));
    fs.copyFileSync(join(ROOT, 'bin/package.json'), join(clone, 'bin/package.json'));
    const r = sh(process.execPath, [join(clone, 'bin/tc.js'), '--help']);
    expect(r.status).toBe(250);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tc: not built yet: run \`make build\` (or \`npm run build\`) in ${clone}\n`);
  });
});
