/**
 * Helpers for the tests that run in a real browser: Chromium (Debian's, or the one TC_CHROMIUM names)
 * driven by playwright-core, `tc view` started as users start it, and screenshots saved in
 * test-output/screenshots for people to look at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, TC, tempDir } from './run.js';

export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

/** The Chromium the tests drive. Throws one line saying what to install when there is none. */
export function chromiumPath(): string {
  const path = process.env.TC_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (path === undefined || !fs.existsSync(path)) throw new Error('the browser tests need Chromium: apt-get install -y chromium (make test does), or set TC_CHROMIUM to a Chromium executable');
  return path;
}

/** Headless, sandbox off (tests run as root), nothing fetched from the network. */
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ARGS });
}

/** A browser with a profile of its own (a temporary directory, removed by `close`). */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = tempDir('tc-chromium-');
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), headless: true, args: ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A running `tc view --no-browser --port 0 [args]`, and the URL it printed. */
export interface View {
  readonly url: string;
  readonly child: ChildProcess;
  /** Ctrl-C; resolves with its exit code and what it wrote on stderr. */
  stop(): Promise<{ code: number | null; stderr: string }>;
}

/** `port`: what --port says (default 0); null leaves --port out. */
export async function startView(args: string[], port: string | null = '0'): Promise<View> {
  const child = spawn(process.execPath, [TC, 'view', '--no-browser', ...(port === null ? [] : ['--port', port]), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`tc view exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGINT');
      return { code: await exited, stderr };
    },
  };
}

/** Open `url` and wait until the page shows what it was opened for. */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.evaluate(() => window.tcReady);
  // Two frames: the player lays itself out and draws in the first.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Play to the end at `fast` speed (no waiting) and wait until the player stops. */
export async function playToEnd(page: Page): Promise<void> {
  await page.selectOption('select[aria-label=speed]', 'Infinity');
  await page.evaluate(() => window.tcPlayer!.play());
  await page.waitForFunction(() => !window.tcPlayer!.state().playing, undefined, { timeout: 60_000 });
}
