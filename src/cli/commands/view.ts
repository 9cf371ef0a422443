/**
 * `tc view [id | file.tcr]`: serve the player on 127.0.0.1 (src/view/server.ts), print its URL, open
 * it in the default browser (not with --no-browser, when stdout is not a terminal, or when CI is set),
 * and serve until Ctrl-C. With --remote, the process comes from the bucket first (tc pull).
 */
import * as fs from 'node:fs';
import { openRegistry } from '../../api/registry.js';
import { UsageError } from '../../errors.js';
import { startViewServer, type ViewSource } from '../../view/server.js';
import { stderr, stdout } from '../io.js';

export interface ViewOptions {
  registry?: string;
  /** As given: a number, 0 for any; absent: 8765, or another free port. */
  port?: string;
  /** false with --no-browser. */
  browser?: boolean;
  /**
   * Pull process `target` from this remote first, unless the registry has it: done by the caller
   * (src/cli/main.ts), which loads the bucket's bundle.
   */
  remote?: string;
}

/** The port tc view listens on when none is given. */
export const DEFAULT_PORT = 8765;

/** Whether `target` names an exported recording rather than a process id. */
export const isArchive = (target: string): boolean => target.endsWith('.tcr') || target.includes('/') || (fs.existsSync(target) && fs.statSync(target).isFile());

export async function viewCommand(target: string | undefined, opts: ViewOptions): Promise<number> {
  let port = DEFAULT_PORT;
  if (opts.port !== undefined) {
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new UsageError(`--port ${opts.port}: expected a port number (0 for any free one)`);
    port = Number(opts.port);
  }
  let source: ViewSource;
  let path = '/';
  if (target !== undefined && isArchive(target)) source = { kind: 'archive', path: target };
  else {
    const registry = openRegistry(opts.registry);
    source = { kind: 'registry', registry };
    if (target !== undefined) path = `/p/${registry.resolveProcess(target)}`;
  }
  const server = await startViewServer({ source, port, strictPort: opts.port !== undefined });
  if (server.fellBack) stderr(`tc: port ${port} is in use; serving on ${server.port}\n`);
  const url = source.kind === 'archive' ? server.url : `http://127.0.0.1:${server.port}${path}?token=${server.token}`;
  stdout(`${url}\n`);
  if (opts.browser !== false && process.stdout.isTTY && !process.env.CI) {
    try {
      const { default: open } = await import('open');
      await open(url);
    } catch (e) {
      stderr(`tc: could not open a browser (${(e as Error).message}); open the URL above\n`);
    }
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
