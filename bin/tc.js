#!/usr/bin/env node
// tc's entry point (CommonJS, see bin/package.json: it starts faster than an ES module). It starts the
// log-writing thread of `tc run` at once, then loads the CLI bundle (dist/tc.cjs) with V8's code cache
// of it (made by `make build`), so that start-up does not parse and compile the bundle again
// (docs/RATIONALE.md, "Start-up"). The CLI loads each command's bundle the same way.
'use strict';
const { createRequire } = require('node:module');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const argv = process.argv.slice(2);
const dist = join(__dirname, '..', 'dist');
// A clone used before it is built: say what to run, in one line (exit 250: tc's own error).
if (!existsSync(join(dist, 'tc.cjs'))) {
  process.stderr.write(`tc: not built yet: run \`make build\` (or \`npm run build\`) in ${join(__dirname, '..')}\n`);
  process.exit(250);
}
// `tc run` writes its log on a thread that takes ~30 ms to boot: start it before loading anything
// else, so it boots while the command line, the module and the registry are prepared. Its stdout and
// stderr are not piped to this process's (it prints nothing): piping them would create
// process.stdout and process.stderr here, streams tc does not otherwise use (~4 ms).
const writerThread =
  argv[0] === 'run' && !argv.includes('--no-record') && !argv.includes('--help') && !argv.includes('-h')
    ? new (require('node:worker_threads').Worker)(join(dist, 'writer.cjs'), { stdout: true, stderr: true })
    : undefined;

/** The bundles loaded, with their scripts: their caches are written at exit under TC_WRITE_CODE_CACHE. */
const loaded = new Map();

/** The exports of the CommonJS bundle at `file` (an absolute path), loaded once. */
function loadBundle(file) {
  const known = loaded.get(file);
  if (known) return known.exports;
  const cacheFile = `${file}.cache`;
  // Bundles are ASCII (esbuild escapes the rest), which reads fastest as latin1.
  const text = readFileSync(file, 'latin1');
  // The bundle's first line names its build (`// tc build <uuid>`, see scripts/build.mjs), and the
  // cache file starts with the same line: V8 itself only checks the source's length.
  const key = `${text.slice(0, text.indexOf('\n'))}\n`;
  let cachedData;
  try {
    const c = readFileSync(cacheFile);
    if (c.subarray(0, key.length).toString('latin1') === key) cachedData = c.subarray(key.length);
  } catch {
    // no cache: compile as usual
  }
  const source = `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
  const script = new Script(source, { filename: file, cachedData });
  const mod = { exports: {} };
  const entry = { script, key, cacheFile, exports: mod.exports };
  loaded.set(file, entry);
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
  return (entry.exports = mod.exports);
}

if (process.env.TC_WRITE_CODE_CACHE) {
  process.on('exit', () => {
    for (const { script, key, cacheFile } of loaded.values()) writeFileSync(cacheFile, Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()]));
  });
}

// The CLI loads the bundle of the command it runs the same way, through this global (see the
// command-bundles plugin in scripts/build.mjs).
globalThis[Symbol.for('tc.loadBundle')] = loadBundle;
loadBundle(join(dist, 'tc.cjs')).main(argv, { writerThread });
