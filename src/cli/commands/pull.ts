/**
 * `tc pull <id>... [--remote R]`: processes of a bucket into the registry, checked before they become
 * visible (src/remote/pull.ts), with a progress bar on a terminal. Also what `tc replay --remote`
 * does first.
 */
import { pull } from '../../api/remote.js';
import type { PulledProcess } from '../../remote/pull.js';
import { stdout } from '../io.js';
import { progressBar } from '../progress.js';
import { humanBytes, outputFormat, render } from '../render.js';

export interface PullCommandOptions {
  registry?: string;
  remote?: string;
  output?: string;
}

/** What `tc pull` prints: one line per process. */
export function pullText(r: { readonly remote: string; readonly processes: readonly PulledProcess[] }): string {
  return r.processes
    .map((p) => (p.pulled ? `pulled ${p.id} (${humanBytes(p.bytes)}${p.moduleDownloaded ? `, with its module ${p.module.name}` : ''})\n` : `${p.id}: in the registry already\n`))
    .join('');
}

/** Pull `ids`, with the progress bar. */
async function pullWithBar(ids: readonly string[], opts: PullCommandOptions) {
  const bar = progressBar('pull');
  try {
    return await pull(ids, { registry: opts.registry, remote: opts.remote, onProgress: (p) => bar.update(p) });
  } finally {
    bar.stop();
  }
}

/** `tc pull`: pulls, prints what it did, returns the exit code. */
export async function pullCommand(ids: string[], opts: PullCommandOptions): Promise<number> {
  const format = outputFormat(opts.output);
  const r = await pullWithBar(ids, opts);
  stdout(render(format, r, () => pullText(r)));
  return 0;
}

/** `tc replay --remote`: the process `prefix` of the bucket, pulled unless the registry has it; its full id. */
export async function pullForReplay(prefix: string, opts: { registry?: string; remote?: string }): Promise<string> {
  const r = await pullWithBar([prefix], opts);
  return r.processes[0]!.id;
}
