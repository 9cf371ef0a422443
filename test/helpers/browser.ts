/**
 * Debian's Chromium (/usr/bin/chromium, which `make test` installs when it is missing) driven by
 * playwright-core, for the tests that need a browser: headless, sandbox off (tests run as root),
 * nothing fetched from the network, a fresh profile each time.
 */
import * as fs from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './run.js';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with a profile of its own (a temporary directory, removed by `close`). */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = tempDir('tc-chromium-');
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
