/**
 * `tc push <id>... [--remote R] [--max-size SIZE]`, `tc push --all`, `tc push --since DURATION`:
 * processes of the registry into a bucket (src/remote/push.ts), with a progress bar on a terminal.
 */
import { parse as parseBytes } from 'bytes';
import { push } from '../../api/remote.js';
import { TcError, UsageError } from '../../errors.js';
import { TooLargeError, type PushResult } from '../../remote/push.js';
import { stdout } from '../io.js';
import { progressBar } from '../progress.js';
import { humanBytes, outputFormat, render } from '../render.js';

export interface PushCommandOptions {
  registry?: string;
  remote?: string;
  all?: boolean;
  since?: string;
  maxSize?: string;
  output?: string;
}

/** `--max-size`: bytes, or with a unit of powers of 1024 (`100MB` and `100MiB` are 104857600). Throws UsageError. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]i?b|b)?\s*$/i.exec(text);
  const n = m === null ? null : parseBytes(`${m[1]}${(m[2] ?? 'b').replace(/i/i, '')}`);
  if (n === null || !Number.isFinite(n)) throw new UsageError(`--max-size ${text}: expected a size like 100MB, 1.5GB or 512KB (powers of 1024)`);
  return n;
}

/** What `tc push` prints: one line per process. */
export function pushText(r: PushResult & { readonly remote: string }): string {
  let out = '';
  for (const p of r.processes) {
    out += p.pushed ? `pushed ${p.id} (${humanBytes(p.bytes)}${p.moduleUploaded ? `, with its module ${p.module.name}` : ''})\n` : `${p.id}: in ${r.remote} already\n`;
  }
  for (const s of r.skipped) out += `skipped ${s.id}: ${s.reason}\n`;
  if (r.processes.length === 0 && r.skipped.length === 0) out += 'nothing to push\n';
  return out;
}

/** `tc push`: pushes, prints what it did, returns the exit code. */
export async function pushCommand(ids: string[], opts: PushCommandOptions): Promise<number> {
  const format = outputFormat(opts.output);
  const maxSize = opts.maxSize === undefined ? undefined : parseSize(opts.maxSize);
  const bar = progressBar('push');
  let r;
  try {
    r = await push(ids, { registry: opts.registry, remote: opts.remote, all: opts.all, since: opts.since, maxSize, onProgress: (p) => bar.update(p) });
  } catch (e) {
    if (e instanceof TooLargeError) throw new TcError(`process ${e.id} is ${humanBytes(e.size)}, more than --max-size ${opts.maxSize} (${humanBytes(e.maxSize)}); nothing was pushed`);
    throw e;
  } finally {
    bar.stop();
  }
  stdout(render(format, r, () => pushText(r)));
  return 0;
}
