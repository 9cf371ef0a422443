#!/usr/bin/env node
// tc's entry point (CommonJS, see bin/package.json: it starts faster than an ES module). It starts the
// log-writing thread of `tc run` at once, then loads the CLI bundle (dist/tc.cjs) with V8's code cache
// of it (dist/tc.cjs.cache, made by `make build`), so that start-up does not parse and compile the
// bundle again (docs/RATIONALE.md, "Start-up").
'use strict';
const { createRequire } = require('node:module');
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const argv = process.argv.slice(2);
const dist = join(__dirname, '..', 'dist');
// `tc run` writes its log on a thread that takes ~30 ms to boot: start it before loading anything
// else, so it boots while the command line, the module and the registry are prepared. Its stdout and
// stderr are not piped to this process's (it prints nothing): piping them would create
// process.stdout and process.stderr here, streams tc does not otherwise use (~4 ms).
const writerThread =
  argv[0] === 'run' && !argv.includes('--no-record') && !argv.includes('--help') && !argv.includes('-h')
    ? new (require('node:worker_threads').Worker)(join(dist, 'writer.cjs'), { stdout: true, stderr: true })
    : undefined;

const bundle = join(dist, 'tc.cjs');
const cacheFile = `${bundle}.cache`;
// The cache file starts with a line naming the bundle it was made from (size and mtime): V8 itself
// only checks the source's length.
const st = statSync(bundle);
const key = `${st.size} ${st.mtimeMs}\n`;
let cachedData;
try {
  const c = readFileSync(cacheFile);
  if (c.subarray(0, key.length).toString('latin1') === key) cachedData = c.subarray(key.length);
} catch {
  // no cache: compile as usual
}
// The bundle is ASCII (esbuild escapes the rest), which reads fastest as latin1.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'latin1')}\n})`;
const script = new Script(source, { filename: bundle, cachedData });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dist);
if (process.env.TC_WRITE_CODE_CACHE) {
  process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()])));
}
mod.exports.main(argv, { writerThread });
