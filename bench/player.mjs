#!/usr/bin/env node
// The player's benchmark (tc view, in Chromium): a recording of 1,000,000 calls (bench/c/clock.wasm)
// opened in the player, and re-executed in the browser against `tc replay` of it on this machine.
//
//   node bench/player.mjs [--rounds N] [--json out.json]
//
// Per round: the time from navigation to the first drawn frame of the player; 20 seeks to records
// spread over the log, each timed to the next drawn frame; the page's memory after a collection (JS
// heap and array buffers) less that of the player of a hello world, against the log's size on disk;
// playback at 1×, how far the position lags recorded time; re-execution in the worker (wall time, and
// the longest frame of the page meanwhile) and `tc replay --quiet` of the same recording.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { chromium } from 'playwright-core';
import { median, positiveInt, TABLE_STYLE } from './common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TC = join(ROOT, 'bin/tc.js');

// [measure, at most]
const TARGETS = { firstFrameMs: 2000, seekMs: 100, memoryRatio: 3, reexecRatio: 2 };

function chromiumPath() {
  const p = process.env.TC_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((x) => existsSync(x));
  if (!p) throw new Error('the player benchmark needs Chromium: apt-get install -y chromium (make bench does), or set TC_CHROMIUM');
  return p;
}

function record(registry, module) {
  const r = spawnSync(process.execPath, [TC, 'run', '--registry', registry, module], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`tc run ${module}: exit ${r.status}\n${r.stderr}`);
  return r.stderr.split('\n')[0];
}

function logBytes(registry, id) {
  const dir = join(registry, 'processes', id, 'log');
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

async function startView(registry) {
  const child = spawn(process.execPath, [TC, 'view', '--registry', registry, '--no-browser', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).split('\n')[0]));
    child.once('exit', (c) => reject(new Error(`tc view exited ${c}`)));
  });
  return { url, stop: () => child.kill('SIGINT') };
}

const playerUrl = (url, id) => {
  const u = new URL(url);
  u.pathname = `/p/${id}`;
  return u.href;
};

/** Bytes the page holds after a full collection: the JS heap and the array buffers' backing stores. */
async function pageMemory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const u = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return u.usedSize + (u.backingStorageSize ?? 0);
}

const frame = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function round(browser, view, ids) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  try {
    const t0 = performance.now();
    await page.goto(playerUrl(view.url, ids.clock));
    await page.evaluate(() => window.tcReady);
    await frame(page);
    const firstFrameMs = performance.now() - t0;
    const seeks = await page.evaluate(async () => {
      const n = window.tcPlayer.state().records;
      const out = [];
      for (let i = 0; i < 20; i++) {
        const target = Math.floor(((i * 7919) % 20) / 20 * n + (i * 104729) % 1000);
        const t = performance.now();
        window.tcPlayer.seek(target);
        await new Promise((r) => requestAnimationFrame(() => r()));
        out.push(performance.now() - t);
      }
      return out;
    });
    const memory = await pageMemory(page);
    // Playback at 1×: the lag of the position behind recorded time, sampled every frame.
    const lagMs = await page.evaluate(async () => {
      const p = window.tcPlayer;
      p.seek(0);
      p.play();
      let worst = 0;
      const start = performance.now();
      while (p.state().playing && performance.now() - start < 3000) {
        await new Promise((r) => requestAnimationFrame(() => r()));
        const s = p.state();
        const lag = (performance.now() - start) - s.time / 1e6;
        if (s.playing) worst = Math.max(worst, lag);
      }
      p.pause();
      return worst;
    });
    // Re-execution, and the page's longest frame meanwhile.
    const re = await page.evaluate(async () => {
      let longest = 0;
      let last = performance.now();
      let running = true;
      const tick = () => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const t = performance.now();
      const r = await window.tcPlayer.reexecute();
      const ms = performance.now() - t;
      running = false;
      return { ms, longest, identical: r.identical };
    });
    if (!re.identical) throw new Error('the re-execution in the browser was not identical');
    await page.goto(playerUrl(view.url, ids.hello));
    await page.evaluate(() => window.tcReady);
    await frame(page);
    const baseline = await pageMemory(page);
    return { firstFrameMs, seekMs: Math.max(...seeks), seekMedianMs: median(seeks), memory, baseline, lagMs, reexecMs: re.ms, longestFrameMs: re.longest };
  } finally {
    await page.close();
  }
}

function replayMs(registry, id) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [TC, 'replay', '--registry', registry, '--quiet', id], { cwd: ROOT, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`tc replay: exit ${r.status}`);
  return performance.now() - t;
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, json: { type: 'string' } } });
  const rounds = positiveInt('rounds', values.rounds);
  const tmp = mkdtempSync(join(tmpdir(), 'tc-bench-player-'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  let view;
  try {
    const registry = join(tmp, 'registry');
    const ids = { clock: record(registry, 'bench/c/clock.wasm'), hello: record(registry, 'bench/c/hello.wasm') };
    const size = logBytes(registry, ids.clock);
    view = await startView(registry);
    const rows = [];
    for (let i = 0; i <= rounds; i++) {
      const r = await round(browser, view, ids);
      r.replayMs = replayMs(registry, ids.clock);
      if (i > 0) rows.push(r);
      console.error(`player ${i === 0 ? 'warm-up' : `round ${i}/${rounds}`}: first frame ${r.firstFrameMs.toFixed(0)} ms, slowest seek ${r.seekMs.toFixed(1)} ms, re-execution ${r.reexecMs.toFixed(0)} ms, tc replay ${r.replayMs.toFixed(0)} ms`);
    }
    const med = (f) => median(rows.map(f));
    const s = {
      records: 1000002,
      logBytes: size,
      firstFrameMs: med((r) => r.firstFrameMs),
      seekMs: med((r) => r.seekMs),
      seekMedianMs: med((r) => r.seekMedianMs),
      memoryBytes: med((r) => r.memory),
      recordingBytes: med((r) => r.memory - r.baseline),
      memoryRatio: med((r) => (r.memory - r.baseline) / size),
      lagMs: med((r) => r.lagMs),
      reexecMs: med((r) => r.reexecMs),
      replayMs: med((r) => r.replayMs),
      reexecRatio: med((r) => r.reexecMs / r.replayMs),
      longestFrameMs: med((r) => r.longestFrameMs),
    };
    const MiB = (b) => (b / 1048576).toFixed(1);
    const table = new Table({ head: ['1,000,000-call recording (clock)', 'measured', 'target'], style: TABLE_STYLE });
    table.push(
      ['first drawn frame of the player, ms', s.firstFrameMs.toFixed(0), `<= ${TARGETS.firstFrameMs}`],
      ['slowest of 20 seeks, to the next frame, ms (median)', `${s.seekMs.toFixed(1)} (${s.seekMedianMs.toFixed(1)})`, `<= ${TARGETS.seekMs}`],
      [`page memory for the recording / log on disk (${MiB(s.recordingBytes)} / ${MiB(size)} MiB; the page: ${MiB(s.memoryBytes)} MiB)`, s.memoryRatio.toFixed(2), `<= ${TARGETS.memoryRatio}`],
      ['playback at 1x: position behind recorded time, ms', s.lagMs.toFixed(0), 'a frame or two'],
      [`re-execution in the browser / tc replay (${s.reexecMs.toFixed(0)} / ${s.replayMs.toFixed(0)} ms)`, s.reexecRatio.toFixed(2), `<= ${TARGETS.reexecRatio}`],
      ['longest frame of the page while re-executing, ms', s.longestFrameMs.toFixed(0), 'responsive'],
    );
    console.log(`\nThe player (tc view) in Chromium ${browser.version()}, medians of ${rounds} rounds:`);
    console.log(table.toString());
    if (values.json) writeFileSync(values.json, JSON.stringify({ summary: s, rounds: rows }, null, 2));
  } finally {
    view?.stop();
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
