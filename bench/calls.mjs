#!/usr/bin/env node
// What recording adds to one host call, in ns, on the guest's thread alone.
//
//   node bench/calls.mjs [--calls N] [--rounds N] [--only fd_write,fd_read,clock_time_get]
//
// A small wasm module (bench/calls.wat) calls an import in a loop: fd_write of 48 bytes (one iovec),
// fd_read of 64 bytes (one iovec) and clock_time_get (monotonic). Each loop runs against the host's
// imports and against the recorder's wrappers of them (src/timemachine/recorder.ts), alternating, in
// one process; the medians per call are printed. Round 0 is a warm-up and is not counted. fd_write and
// fd_read reach a stand-in for the host's function that only writes the byte count (no fd, no
// syscall), so that what is left is the recorder's own work: clock reading, encoding, copying the
// bytes into the ring and committing the record. The ring's consumer drops what it drains, on this thread, when the ring is full (no log
// writing thread, no compression, no log file). `make bench` measures the whole of a run.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import wabtInit from 'wabt';
import Table from 'cli-table3';
import { median, positiveInt, TABLE_STYLE } from './common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The calls measured: the exports of bench/calls.wat. */
const CASES = ['fd_write', 'fd_read', 'clock_time_get'];

// The parts of tc this needs, bundled from src/ (esbuild, as `make build` does).
const ENTRY = `
export { recordImports } from './src/timemachine/recorder.ts';
export { MemoryViews } from './src/core/memory.ts';
export { createRing, RingReader, RingWriter, warmUpRing } from './src/timemachine/ring.ts';
export { createHost } from './src/host/host.ts';
`;

async function loadTc() {
  const out = await build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning' });
  const dir = mkdtempSync(join(tmpdir(), 'tc-calls-'));
  try {
    const file = join(dir, 'tc.mjs');
    writeFileSync(file, out.outputFiles[0].text);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: { calls: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '15' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(`usage: node bench/calls.mjs [--calls N] [--rounds N] [--only ${CASES.join(',')}]`);
    return;
  }
  const calls = positiveInt('calls', values.calls);
  const rounds = positiveInt('rounds', values.rounds);
  const cases = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : CASES;
  for (const c of cases) if (!CASES.includes(c)) throw new Error(`--only: unknown call ${c} (known: ${CASES.join(', ')})`);

  const tc = await loadTc();
  const wabt = await wabtInit();
  const wat = readFileSync(join(ROOT, 'bench/calls.wat'), 'utf8');
  const module = new WebAssembly.Module(wabt.parseWat('calls.wat', wat).toBinary({}).buffer);

  const host = tc.createHost({ args: ['calls'], env: [], preopens: [], stdio: [0, 1, 2] });
  let view = new DataView(new ArrayBuffer(8));
  // Stand-ins for the host's fd_write and fd_read: the byte count, and nothing else.
  host.imports.fd_write = (_fd, _iovs, _len, nwritten) => (view.setUint32(nwritten, 48, true), 0);
  host.imports.fd_read = (_fd, _iovs, _len, nread) => (view.setUint32(nread, 64, true), 0);

  const instance = (imports) => {
    const views = new tc.MemoryViews();
    const inst = new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports(views) });
    const memory = inst.exports.memory;
    views.bind(memory);
    return { exports: inst.exports, memory };
  };
  const plain = instance(() => host.imports);
  tc.warmUpRing();
  const ring = tc.createRing(1 << 22);
  const reader = new tc.RingReader(ring);
  const sink = new tc.RingWriter(ring, () => void reader.drain(() => {}));
  const recorded = instance((views) => tc.recordImports(host, sink, views));

  const ns = Object.fromEntries(cases.map((c) => [c, { host: [], recorded: [] }]));
  for (let round = 0; round <= rounds; round++) {
    for (const name of cases) {
      for (const [kind, it] of [['host', plain], ['recorded', recorded]]) {
        host.bind(it.memory);
        view = new DataView(it.memory.buffer);
        const t = process.hrtime.bigint();
        it.exports[name](calls);
        const per = Number(process.hrtime.bigint() - t) / calls;
        if (round > 0) ns[name][kind].push(per);
      }
    }
  }

  const table = new Table({ head: ['call', 'host\nns / call', 'recorded\nns / call', 'recording adds\nns / call'], colAligns: ['left', 'right', 'right', 'right'], style: TABLE_STYLE });
  for (const name of cases) {
    const h = median(ns[name].host);
    const r = median(ns[name].recorded);
    table.push([name, h.toFixed(0), r.toFixed(0), (r - h).toFixed(0)]);
  }
  console.log(`Medians of ${rounds} rounds of ${calls.toLocaleString('en-US')} calls each (node ${process.version}):`);
  console.log(table.toString());
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
