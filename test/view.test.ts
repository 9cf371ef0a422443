/**
 * tc view and the exported HTML player, in a real browser (Chromium driven by playwright-core): the
 * library, playback to the end against `tc replay`'s output, keys, positions in the URL, notes kept
 * through reloads and export/import, the HTML file from file:// with every request refused, and
 * re-execution in a worker (identical, a divergence at the right record, a pause with live memory).
 * The server's safety is tested over plain HTTP.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../src/api/registry.js';
import { startViewServer } from '../src/view/server.js';
import { alterInput } from './helpers/alter-log.js';
import { launch, openPage, playToEnd, screenshot, startView, type View } from './helpers/browser.js';
import { FLITE, ROOT, splitId, tc, TC, tempDir } from './helpers/run.js';

let browser: Browser;
let registry: string;
let view: View;
/** Process ids: flite writing a WAV, and a C fixture that moves stdout and stderr around its fd table. */
let flite: string;
let renumber: string;

/** What `tc replay` prints, stdout and stderr in one stream (as a terminal shows them). */
function replayOutput(reg: string, id: string): string {
  const out = join(tempDir(), 'out');
  const fd = fs.openSync(out, 'w');
  try {
    const r = spawnSync(process.execPath, [TC, 'replay', '--registry', reg, id], { stdio: ['ignore', fd, fd] });
    expect(r.status).toBe(0);
  } finally {
    fs.closeSync(fd);
  }
  return fs.readFileSync(out, 'utf8');
}

function record(reg: string, args: string[]): string {
  const r = tc(['run', '--registry', reg, ...args]);
  expect(r.status, r.stderr.toString()).toBe(0);
  return splitId(r.stderr).id;
}

const withToken = (url: string, path: string) => {
  const u = new URL(url);
  u.pathname = path;
  return u.href;
};

beforeAll(async () => {
  registry = tempDir();
  const out = tempDir();
  // -v -ps: it prints the phones and how fast it was, besides writing the WAV file.
  flite = record(registry, ['--dir', `${out}::/out`, FLITE, '-v', '-ps', '-t', 'Hello from the time machine.', '-o', '/out/hello.wav']);
  const work = tempDir();
  renumber = record(registry, ['--dir', `${work}::/work`, join(ROOT, 'wasm-fixtures/c/renumber.wasm'), '/work']);
  browser = await launch();
  view = await startView(['--registry', registry]);
});

afterAll(async () => {
  await browser?.close();
  if (view) {
    const { code } = await view.stop();
    expect(code).toBe(0);
  }
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

describe('tc view', () => {
  it('prints a URL on 127.0.0.1 with a token, and the library lists every recording, newest first', async () => {
    expect(view.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    const page = await newPage();
    await openPage(page, view.url);
    const ids = await page.$$eval('table.processes tbody tr', (rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids).toEqual([renumber, flite]);
    const row = await page.textContent(`tr[data-id="${flite}"]`);
    expect(row).toContain('flite.wasm');
    expect(row).toContain('-t Hello from the time machine.');
    expect(row).toContain('exit 0');
    await page.fill('input[aria-label="search recordings"]', 'renumber');
    expect(await page.$$eval('table.processes tbody tr', (rows) => rows.length)).toBe(1);
    await page.fill('input[aria-label="search recordings"]', '');
    await screenshot(page, 'library');
    await page.close();
  });

  it.each([
    ['flite', () => flite],
    ['a C fixture that renumbers stdout and stderr', () => renumber],
  ])('%s plays to the end, and the terminal shows what tc replay prints', async (name, id) => {
    const page = await newPage();
    await openPage(page, withToken(view.url, `/p/${id()}`));
    await playToEnd(page);
    const state = await page.evaluate(() => window.tcPlayer!.state());
    expect(state.record).toBe(state.records - 1);
    const expected = replayOutput(registry, id());
    expect(expected.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.tcPlayer!.terminalText())).toBe(expected);
    // The terminal's text is in the DOM too (for screen readers and tests).
    const lastLine = expected.trimEnd().split('\n').pop()!;
    await page.waitForFunction((line) => document.querySelector('.xterm-rows')?.textContent?.includes(line), lastLine.slice(0, 40));
    await screenshot(page, `player-${name.split(' ')[0]}`);
    await page.close();
  });

  it('keys step, seek and jump; ? lists them', async () => {
    const page = await newPage();
    await openPage(page, withToken(view.url, `/p/${renumber}`));
    const at = () => page.evaluate(() => window.tcPlayer!.state().record);
    const records = await page.evaluate(() => window.tcPlayer!.state().records);
    expect(await at()).toBe(0);
    await page.keyboard.press('.');
    await page.keyboard.press('.');
    expect(await at()).toBe(2);
    await page.keyboard.press(',');
    expect(await at()).toBe(1);
    await page.keyboard.press('End');
    expect(await at()).toBe(records - 1);
    await page.keyboard.press('Home');
    expect(await at()).toBe(0);
    await page.keyboard.press('5');
    expect(await at()).toBe(Math.floor(records / 2));
    // The whole run is shorter than 5 s: → goes to the end, ← back to the start.
    await page.keyboard.press('ArrowRight');
    expect(await at()).toBe(records - 1);
    await page.keyboard.press('ArrowLeft');
    expect(await at()).toBe(0);
    await page.keyboard.press('>');
    expect((await page.evaluate(() => window.tcPlayer!.state())).speed).toBe('2×');
    await page.keyboard.press('?');
    expect(await page.textContent('.dialog')).toContain('one record back / forward');
    await page.keyboard.press('Escape');
    expect(await page.isHidden('.dialog')).toBe(true);
    // A record typed in "go to"
    await page.keyboard.press('g');
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    expect(await at()).toBe(7);
    await page.close();
  });

  it('a URL with #r=<record> opens at that record, and the position goes into the URL', async () => {
    const page = await newPage();
    await openPage(page, `${withToken(view.url, `/p/${renumber}`)}#r=12`);
    expect(await page.evaluate(() => window.tcPlayer!.state().record)).toBe(12);
    expect(await page.textContent('.detail')).toContain('record #12');
    await page.evaluate(() => window.tcPlayer!.seek(20));
    await page.waitForFunction(() => location.hash === '#r=20');
    await page.close();
  });

  it('a note survives a reload, an export and an import, and goes with tc rm', async () => {
    const page = await newPage();
    const url = withToken(view.url, `/p/${renumber}`);
    await openPage(page, `${url}#r=9`);
    await page.keyboard.press('n');
    await page.keyboard.type('stdout moves to fd 4 here');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.tcPlayer!.notes().length === 1);
    await page.reload();
    await page.evaluate(() => window.tcReady);
    expect(await page.evaluate(() => window.tcPlayer!.notes().map((n) => [n.record, n.text]))).toEqual([[9, 'stdout moves to fd 4 here']]);
    expect(await page.textContent('.notes-pane')).toContain('stdout moves to fd 4 here');
    await page.keyboard.press('Home');
    await page.keyboard.press(']');
    expect(await page.evaluate(() => window.tcPlayer!.state().record)).toBe(9);
    await screenshot(page, 'player-note');
    await page.close();

    expect(openRegistry(registry).annotations(renumber).map((n) => n.text)).toEqual(['stdout moves to fd 4 here']);
    const file = join(tempDir(), 'r.tcr');
    expect(tc(['export', 'process', '--registry', registry, renumber, file]).status).toBe(0);
    const other = tempDir();
    expect(tc(['import', '--registry', other, file]).status).toBe(0);
    expect(openRegistry(other).annotations(renumber).map((n) => [n.record, n.text])).toEqual([[9, 'stdout moves to fd 4 here']]);
    expect(tc(['rm', 'process', '--registry', other, renumber]).status).toBe(0);
    expect(fs.existsSync(join(other, 'processes', renumber))).toBe(false);

    // A recording whose notes are damaged is refused whole, in one line.
    const files = unzipSync(fs.readFileSync(file));
    expect(Object.keys(files)).toContain('annotations.json');
    for (const bad of ['{"annotations": [{"id": "x"}]}', 'not json', '{"annotations": 5}']) {
      files['annotations.json'] = new TextEncoder().encode(bad);
      const damaged = join(tempDir(), 'damaged.tcr');
      fs.writeFileSync(damaged, zipSync(files));
      const third = tempDir();
      const r = tc(['import', '--registry', third, damaged]);
      expect(r.status, bad).toBe(250);
      expect(r.stderr.toString(), bad).toMatch(/^tc: .*annotations\.json: .*\n$/);
      expect(fs.existsSync(join(third, 'processes', renumber)), bad).toBe(false);
    }
  });

  it('re-executes a recording in the browser identically, from tc view', async () => {
    const page = await newPage();
    for (const id of [flite, renumber]) {
      await openPage(page, withToken(view.url, `/p/${id}`));
      const r = await page.evaluate(() => window.tcPlayer!.reexecute());
      const records = await page.evaluate(() => window.tcPlayer!.state().records);
      expect(r).toEqual({ identical: true, records, exitCode: 0 });
      expect(await page.textContent('.reexec')).toContain(`identical: ${records.toLocaleString('en-US')} records, exit code 0`);
      expect(await page.evaluate(() => window.tcPlayer!.terminalText())).toBe(replayOutput(registry, id));
    }
    await screenshot(page, 'player-reexecuted');
    await page.close();
  });

  it('"run to here" on an fd_write pauses before it, with the bytes about to be written read from live memory', async () => {
    const page = await newPage();
    await openPage(page, withToken(view.url, `/p/${renumber}`));
    const log = openRegistry(registry).records(renumber);
    const write = [...log].find((r) => r.syscall.name === 'fd_write' && r.stream === 'stdout')!;
    const r = await page.evaluate((n) => window.tcPlayer!.reexecute({ until: n }), write.offset);
    expect(r.paused?.offset).toBe(write.offset);
    expect(r.paused?.fn).toBe('fd_write');
    expect(r.identical).toBe(true);
    // The iovec the guest passed, read now from its memory, points at the bytes the log recorded.
    const iovs = Number(r.paused!.args[1]);
    const iov = await page.evaluate((a) => window.tcPlayer!.memory(a, 8), iovs);
    const view32 = new DataView(Uint8Array.from(iov).buffer);
    const bytes = await page.evaluate(([p, n]) => window.tcPlayer!.memory(p!, n!), [view32.getUint32(0, true), view32.getUint32(4, true)]);
    expect(Buffer.from(bytes).toString()).toBe(Buffer.from(write.inputs[0]!).toString());
    expect(await page.textContent('.paused')).toContain(`Paused before #${write.offset}`);
    await screenshot(page, 'player-paused');
    await page.close();
  });

  it('a log with one byte of a write changed shows the divergence at that record, as tc replay prints it', async () => {
    const reg = tempDir();
    const work = tempDir();
    const id = record(reg, ['--dir', `${work}::/work`, join(ROOT, 'wasm-fixtures/c/renumber.wasm'), '/work']);
    const write = [...openRegistry(reg).records(id)].filter((r) => r.syscall.name === 'fd_write')[2]!;
    alterInput(join(reg, 'processes', id, 'log'), write.offset, 1);
    const replay = tc(['replay', '--registry', reg, id]);
    expect(replay.status).toBe(252);
    const v = await startView(['--registry', reg, id]);
    try {
      const page = await newPage();
      await openPage(page, v.url);
      const r = await page.evaluate(() => window.tcPlayer!.reexecute());
      expect(r.identical).toBe(false);
      expect(r.divergence?.offset).toBe(write.offset);
      expect(r.divergence?.kind).toBe('unexpected bytes');
      // The report is tc replay's, line for line.
      expect(r.divergence?.report).toBe(replay.stderr.toString().slice(replay.stderr.indexOf('tc: replay diverged')));
      expect(await page.textContent('.reexec')).toContain(`replay diverged at record ${write.offset}`);
      await page.close();
    } finally {
      await v.stop();
    }
  });
});

describe('tc export process --html', () => {
  it('writes one file that plays and re-executes from file:// with every request refused', async () => {
    const file = join(tempDir(), 'flite.html');
    const r = tc(['export', 'process', '--registry', registry, flite, '--html', file]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.toString()).toMatch(new RegExp(`^exported process ${flite} to ${file} \\(\\d`));
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const refused: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `file://${file}` || url.startsWith(`file://${file}#`)) return route.continue();
      refused.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openPage(page, `file://${file}`);
    await playToEnd(page);
    expect(await page.evaluate(() => window.tcPlayer!.terminalText())).toBe(replayOutput(registry, flite));
    const records = await page.evaluate(() => window.tcPlayer!.state().records);
    expect(await page.evaluate(() => window.tcPlayer!.reexecute())).toEqual({ identical: true, records, exitCode: 0 });
    await screenshot(page, 'export-html');
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('--no-module leaves the module out: the page plays, and says why it cannot re-execute', async () => {
    const file = join(tempDir(), 'renumber.html');
    expect(tc(['export', 'process', '--registry', registry, renumber, '--html', file, '--no-module']).status).toBe(0);
    const withModule = join(tempDir(), 'renumber-full.html');
    expect(tc(['export', 'process', '--registry', registry, renumber, '--html', withModule]).status).toBe(0);
    expect(fs.statSync(withModule).size).toBeGreaterThan(fs.statSync(file).size);
    const page = await newPage();
    await openPage(page, `file://${file}`);
    const r = await page.evaluate(() => window.tcPlayer!.reexecute());
    expect(r.identical).toBe(false);
    expect(r.error).toContain('--no-module');
    await page.close();
  });

  it('refuses what it cannot do, in one line', () => {
    const file = join(tempDir(), 'x.html');
    for (const [args, message] of [
      [['module', 'abc', '--html', file], '--html exports a process'],
      [['process', renumber, 'other.tcr', '--html', file], 'give no other'],
      [['process', renumber, 'x.tcr', '--no-module'], '--no-module goes with --html'],
      [['process', renumber], 'missing the output file'],
      [['process', 'ffffffff', '--html', file], 'ffffffff'],
      [['process', renumber, '--html', file, '--format', 'asciicast'], 'one export at a time'],
      [['process', renumber, '--html', file, '--size', '80x24'], '--size: only with --format asciicast'],
    ] as const) {
      const r = tc(['export', ...args, '--registry', registry]);
      expect(r.status).not.toBe(0);
      const err = r.stderr.toString();
      expect(err).toMatch(/^tc: .*\n$/);
      expect(err).toContain(message);
    }
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe("tc view's server", () => {
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, view.url), init);

  it('serves nothing outside the registry and the player, encoded or not', async () => {
    for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json', '/api/processes/..%2f..%2fetc', `/api/processes/${flite}/log/..%2f..%2fmanifest.json`, '/api/processes/%2e%2e', '/dist/view/player.js', '/api/processes/../../../etc/passwd', `/api/processes/${flite}/../../modules`]) {
      const res = await get(path);
      const body = await res.text();
      expect([200, 404], path).toContain(res.status);
      expect(body, path).not.toContain('root:');
      expect(body, path).not.toContain('"name": "tc-wasm"');
      if (res.status === 200) expect(body, path).toContain('<div id="app"');
    }
    expect((await get(`/api/processes/${flite}/log/0`)).status).toBe(200);
  });

  it('accepts a change only with the token, from its own origin, as JSON', async () => {
    const notes = [{ id: 'a1', record: 1, text: 'x', created: new Date().toISOString() }];
    const token = new URL(view.url).searchParams.get('token')!;
    const put = (headers: Record<string, string>, body = JSON.stringify(notes)) => get(`/api/processes/${flite}/annotations`, { method: 'PUT', headers, body });
    expect((await put({ 'content-type': 'application/json' })).status).toBe(403);
    expect((await put({ 'content-type': 'application/json', 'x-tc-token': 'nope' })).status).toBe(403);
    expect((await put({ 'content-type': 'application/json', 'x-tc-token': token, origin: 'http://evil.example' })).status).toBe(403);
    expect((await put({ 'content-type': 'text/plain', 'x-tc-token': token })).status).toBe(415);
    expect((await put({ 'content-type': 'application/json', 'x-tc-token': token }, '[{"id": 5}]')).status).toBe(400);
    expect(openRegistry(registry).annotations(flite)).toEqual([]);
    const ok = await put({ 'content-type': 'application/json', 'x-tc-token': token });
    expect(ok.status).toBe(200);
    expect(openRegistry(registry).annotations(flite).map((n) => n.text)).toEqual(['x']);
    expect((await put({ 'content-type': 'application/json', 'x-tc-token': token }, '[]')).status).toBe(200);
    expect((await get(`/api/processes/${flite}`, { method: 'DELETE' })).status).toBe(403);
    expect(openRegistry(registry).processes().map((p) => p.id)).toContain(flite);
  });

  it('deletes a process from the library after a confirmation', async () => {
    const reg = tempDir();
    const a = record(reg, [join(ROOT, 'bench/c/hello.wasm')]);
    const b = record(reg, [join(ROOT, 'bench/c/hello.wasm')]);
    const v = await startView(['--registry', reg]);
    try {
      const page = await newPage();
      await openPage(page, v.url);
      page.once('dialog', (d) => void d.dismiss());
      await page.click(`tr[data-id="${a}"] button.danger`);
      expect(openRegistry(reg).processes().map((p) => p.id).sort()).toEqual([a, b].sort());
      page.once('dialog', (d) => void d.accept());
      await page.click(`tr[data-id="${a}"] button.danger`);
      await page.waitForFunction((id) => !document.querySelector(`tr[data-id="${id}"]`), a);
      expect(openRegistry(reg).processes().map((p) => p.id)).toEqual([b]);
      await page.close();
    } finally {
      await v.stop();
    }
  });

  it('tc view <file.tcr> shows an exported recording without importing it, read-only', async () => {
    const file = join(tempDir(), 'f.tcr');
    expect(tc(['export', 'process', '--registry', registry, renumber, file]).status).toBe(0);
    const v = await startView(['--registry', join(tempDir(), 'empty'), file]);
    try {
      expect(v.url).toContain(`/p/${renumber}?token=`);
      const page = await newPage();
      await openPage(page, v.url);
      await playToEnd(page);
      expect(await page.evaluate(() => window.tcPlayer!.terminalText())).toBe(replayOutput(registry, renumber));
      const token = new URL(v.url).searchParams.get('token')!;
      const res = await fetch(new URL(`/api/processes/${renumber}`, v.url), { method: 'DELETE', headers: { 'x-tc-token': token } });
      expect(res.status).toBe(409);
      await page.close();
    } finally {
      await v.stop();
    }
    expect(fs.existsSync(join(tempDir(), 'empty', 'processes'))).toBe(false);
  });

  it('falls back to a free port, with a notice, when the default one (8765) is taken', async () => {
    // Whoever holds 8765, this test or another program, tc view must serve elsewhere and say so.
    const blocker = createServer();
    await new Promise<void>((r) => blocker.once('error', () => r()).listen(8765, '127.0.0.1', () => r()));
    try {
      const v = await startView(['--registry', registry], null);
      const port = Number(new URL(v.url).port);
      expect(port).not.toBe(8765);
      const res = await fetch(new URL('/api/info', v.url));
      expect(await res.json()).toEqual({ mode: 'registry', writable: true });
      const { code, stderr } = await v.stop();
      expect(code).toBe(0);
      expect(stderr).toBe(`tc: port 8765 is in use; serving on ${port}\n`);
    } finally {
      blocker.close();
    }
  });

  it('binds 127.0.0.1 only', async () => {
    const s = await startViewServer({ source: { kind: 'registry', registry: openRegistry(registry) }, port: 0 });
    try {
      expect((s.server.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await s.close();
    }
  });

  it('refuses a taken --port, a bad one, and a target that is not there', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = tc(['view', '--registry', registry, '--no-browser', '--port', String(port)]);
      expect(r.status).toBe(250);
      expect(r.stderr.toString()).toBe(`tc: port ${port}: in use\n`);
      for (const bad of ['x', '70000', '-1']) {
        const b = tc(['view', '--registry', registry, '--no-browser', '--port', bad]);
        expect(b.status).toBe(251);
        expect(b.stderr.toString()).toMatch(/^tc: .*--port.*\n$/);
      }
      const missing = tc(['view', '--registry', registry, '--no-browser', 'no-such.tcr']);
      expect(missing.status).not.toBe(0);
      expect(missing.stderr.toString()).toMatch(/^tc: no-such\.tcr: no such file\n$/);
      const unknown = tc(['view', '--registry', registry, '--no-browser', 'ffffffff']);
      expect(unknown.status).not.toBe(0);
      expect(unknown.stderr.toString()).toMatch(/^tc: .*ffffffff/);
    } finally {
      blocker.close();
    }
  });
});
