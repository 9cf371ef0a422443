// Bundle the CLI into dist/tc.cjs, each command into dist/commands/<name>.cjs (run, replay, trace, diff,
// view, redact, the registry commands together, and those that reach a bucket together, with the AWS
// SDK) and the log-writing thread of a recording into dist/writer.cjs (CommonJS, dependencies
// included), then record V8's code cache of each bundle the CLI loads in <bundle>.cache by running the
// commands once (bin/tc.js loads a bundle with its cache: see docs/RATIONALE.md, "Start-up"). The
// library is dist/lib.cjs (`tc-wasm`, src/api/index.ts) and the portable core dist/core.js
// (`tc-wasm/core`, an ES module for any platform); their type declarations go to dist/types (tsc). The
// player of tc view goes to dist/view/ (for browsers).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

// commander loads child_process (and with it net and dgram, ~3 ms) for executable subcommands, which
// tc does not have: give it child_process on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

// Each command is a bundle of its own (dist/commands/<name>.cjs), loaded when it runs, with V8's code
// cache of it, through the loader that bin/tc.js puts on globalThis (plain require without it).
const COMMANDS = ['run', 'replay', 'trace', 'diff', 'registry', 'view', 'redact', 'remote'];
const commandBundles = {
  name: 'command-bundles',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./commands/(${COMMANDS.join('|')})\\.js$`) }, (args) => ({ path: args.path.slice('./commands/'.length, -3), namespace: 'command-bundle' }));
    b.onLoad({ filter: /.*/, namespace: 'command-bundle' }, (args) => ({
      contents: `const file = require('node:path').join(__dirname, 'commands', '${args.path}.cjs');
module.exports = (globalThis[Symbol.for('tc.loadBundle')] ?? require)(file);`,
      loader: 'js',
    }));
  },
};

// Each build is named in the first line of every bundle, and its code caches name the build they were
// made from: a cache is used with that build only (npm pack resets file times, so they cannot tell).
const buildId = randomUUID();

// The packages bundled into dist/, for dist/THIRD-PARTY-NOTICES (each bundle's metafile lists them).
const bundled = new Set();
const noteInputs = { name: 'note-inputs', setup: (b) => b.onEnd((r) => { for (const f of Object.keys(r.metafile?.inputs ?? {})) { const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f); if (m) bundled.add(m[1]); } }) };

const common = {
  metafile: true,
  plugins: [lazyChildProcess, noteInputs],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // The sources are ES modules; in the CommonJS bundle import.meta.url is the bundle's own URL.
  define: { 'import.meta.url': '__tcImportMetaUrl' },
  banner: { js: `// tc build ${buildId}\nconst __tcImportMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
};
await build({ ...common, plugins: [...common.plugins, commandBundles], entryPoints: ['src/cli/main.ts'], outfile: 'dist/tc.cjs' });
for (const name of COMMANDS) await build({ ...common, entryPoints: [`src/cli/commands/${name}.ts`], outfile: `dist/commands/${name}.cjs` });
await build({ ...common, entryPoints: ['src/writer.ts'], outfile: 'dist/writer.cjs' });
await build({ ...common, entryPoints: ['src/api/index.ts'], outfile: 'dist/lib.cjs' });
// The core: no Node module may come in (platform browser fails the build on one).
await build({ ...common, plugins: [noteInputs], platform: 'browser', format: 'esm', target: 'es2022', define: {}, banner: { js: `// tc build ${buildId}` }, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' });

// The player of `tc view` (dist/view/player.js and player.css, for browsers): the re-execution worker
// is built first and goes into the player as text (it starts from a blob, also in an exported file).
const worker = await build({ ...common, plugins: [noteInputs], platform: 'browser', format: 'iife', target: 'es2022', define: {}, banner: {}, sourcemap: false, minify: true, write: false, entryPoints: ['src/view/app/worker.ts'], outfile: 'dist/view/worker.js' });
const workerSource = {
  name: 'worker-source',
  setup(b) {
    b.onResolve({ filter: /^tc:worker-source$/ }, () => ({ path: 'worker', namespace: 'tc' }));
    b.onLoad({ filter: /.*/, namespace: 'tc' }, () => ({ contents: worker.outputFiles[0].text, loader: 'text' }));
  },
};
await build({ ...common, plugins: [noteInputs, workerSource], platform: 'browser', format: 'iife', target: 'es2022', define: {}, banner: {}, sourcemap: false, minify: true, entryPoints: { player: 'src/view/app/main.ts' }, outdir: 'dist/view' });
await build({ ...common, plugins: [], platform: 'browser', banner: {}, define: {}, sourcemap: false, minify: true, entryPoints: { player: 'src/view/app/styles.css' }, outdir: 'dist/view', loader: { '.css': 'css' } });

// The licenses of what the bundles hold.
const notices = [...bundled].sort().map((name) => {
  const dir = `node_modules/${name}`;
  const { version, license } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = file === undefined ? `(no license file; package.json says ${license})` : readFileSync(`${dir}/${file}`, 'utf8').trim();
  return `${name} ${version} (${license})\n\n${text}\n`;
});
writeFileSync('dist/THIRD-PARTY-NOTICES', `tc's bundles in dist/ hold the following packages, under these licenses.\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);

// Type declarations of the library and the core.
rmSync('dist/types', { recursive: true, force: true });
const types = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], { encoding: 'utf8' });
if (types.status !== 0) throw new Error(`tsc -p tsconfig.types.json: exit ${types.status}\n${types.stdout}${types.stderr}`);

// The code cache: V8 keeps the functions compiled so far, so record, replay, trace and list a hello
// world, and list the remotes (loading the bucket commands and the AWS SDK), with the caches being
// written at exit (each run adds what it compiled to what it loaded).
for (const f of ['dist/tc.cjs', ...COMMANDS.map((n) => `dist/commands/${n}.cjs`)]) rmSync(`${f}.cache`, { force: true });
const registry = mkdtempSync(join(tmpdir(), 'tc-build-'));
try {
  const env = { ...process.env, TC_WRITE_CODE_CACHE: '1' };
  // `tc <command words...> --registry <registry> <rest...>`
  const run = (args, words = 1) => {
    const r = spawnSync(process.execPath, ['bin/tc.js', ...args.slice(0, words), '--registry', registry, ...args.slice(words)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tc ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    return r.stderr;
  };
  const id = run(['run', 'bench/c/hello.wasm']).split('\n')[0];
  run(['replay', '--quiet', id]);
  run(['trace', id]);
  run(['diff', id, id]);
  run(['get', 'process']);
  run(['remote', 'ls'], 2);
} finally {
  rmSync(registry, { recursive: true, force: true });
}
