// Bundle the CLI into dist/tc.cjs, each command into dist/commands/<name>.cjs (run, replay, trace, and
// the registry commands together) and the log-writing thread of a recording into dist/writer.cjs
// (CommonJS, dependencies included), then record V8's code cache of each bundle the CLI loads in
// <bundle>.cache by running the commands once (bin/tc.js loads a bundle with its cache: see
// docs/RATIONALE.md, "Start-up").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
const COMMANDS = ['run', 'replay', 'trace', 'registry'];
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

const common = {
  plugins: [lazyChildProcess],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // The sources are ES modules; in the CommonJS bundle import.meta.url is the bundle's own URL.
  define: { 'import.meta.url': '__tcImportMetaUrl' },
  banner: { js: "const __tcImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
await build({ ...common, plugins: [...common.plugins, commandBundles], entryPoints: ['src/cli/main.ts'], outfile: 'dist/tc.cjs' });
for (const name of COMMANDS) await build({ ...common, entryPoints: [`src/cli/commands/${name}.ts`], outfile: `dist/commands/${name}.cjs` });
await build({ ...common, entryPoints: ['src/writer.ts'], outfile: 'dist/writer.cjs' });

// The code cache: V8 keeps the functions compiled so far, so record, replay, trace and list a hello
// world with the caches being written at exit (each run adds what it compiled to what it loaded).
for (const f of ['dist/tc.cjs', ...COMMANDS.map((n) => `dist/commands/${n}.cjs`)]) rmSync(`${f}.cache`, { force: true });
const registry = mkdtempSync(join(tmpdir(), 'tc-build-'));
try {
  const env = { ...process.env, TC_WRITE_CODE_CACHE: '1' };
  const run = (args) => {
    const r = spawnSync(process.execPath, ['bin/tc.js', args[0], '--registry', registry, ...args.slice(1)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tc ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    return r.stderr;
  };
  const id = run(['run', 'bench/c/hello.wasm']).split('\n')[0];
  run(['replay', '--quiet', id]);
  run(['trace', id]);
  run(['get', 'process']);
} finally {
  rmSync(registry, { recursive: true, force: true });
}
