#!/usr/bin/env node
import { Worker } from 'node:worker_threads';

const argv = process.argv.slice(2);
// `tc run` writes its log on a thread that takes ~30 ms to boot: start it before loading anything
// else, so it boots while the command line, the module and the registry are prepared.
const writerThread =
  argv[0] === 'run' && !argv.includes('--no-record') && !argv.includes('--help') && !argv.includes('-h')
    ? new Worker(new URL('../dist/writer.js', import.meta.url), { stdout: false, stderr: false })
    : undefined;
const { main } = await import('../dist/tc.js');
await main(argv, { writerThread });
