/** Commands on a terminal: a pseudo-terminal of a given size, made by util-linux's `script`. */
import { spawnSync } from 'node:child_process';
import { TC } from './run.js';

/** `command` (a shell line) on a terminal of `columns` x `rows`: what the terminal got. Throws unless it exits 0. */
export function onTerminal(command: string, columns = 100, rows = 30): Buffer {
  const r = spawnSync('script', ['-qec', `stty cols ${columns} rows ${rows}; ${command}`, '/dev/null'], { input: '', maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} on a terminal: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** `tc` for a shell line. */
export const TC_LINE = `'${process.execPath}' '${TC}'`;

/** Record `wasm` (with `args`) with stdout and stderr on a terminal of `columns` x `rows`; the process id. */
export function recordOnTerminal(registry: string, wasm: string, columns = 100, rows = 30, args: readonly string[] = []): string {
  const out = onTerminal(`${TC_LINE} run --registry '${registry}' ${[wasm, ...args].map((a) => `'${a}'`).join(' ')}`, columns, rows).toString('latin1');
  const m = /^([0-9a-f-]{36})\r\n/.exec(out);
  if (m === null) throw new Error(`no process id from tc run on a terminal: ${out.slice(0, 200)}`);
  return m[1]!;
}
