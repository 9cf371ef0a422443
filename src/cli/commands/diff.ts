/**
 * `tc diff <id-a> <id-b>`: compare two processes (src/registry/diff.ts) and print where they part,
 * the hunks where they differ and a summary; `-o json`/`yaml` the same as data. Exits as diff(1):
 * 0 the same, 1 different, 2 trouble (an unknown id, a bad option, a damaged log).
 *
 *   a: 6f1c2a0e-3c1b-4f5e-9a57-2b8e1d0c4f11  hello.wasm  exited 0  5 calls
 *   b: 0b7d1e2f-...                          hello.wasm  exited 0  6 calls
 *   first difference: a record 3 (1.52ms), b record 3 (1.49ms)
 *     a: fd_write(fd=1, iovs=[6 bytes "hello\n"]) = ESUCCESS (nwritten=6) [stdout]
 *     b: clock_time_get(id=MONOTONIC, precision=1) = ESUCCESS (time=...)
 *   @@ -2,3 +2,4 @@
 *      2  2  clock_time_get(...)
 *   +     3  clock_time_get(...)
 *      3  4  fd_write(...)
 *   ...
 */
import { openRegistry } from '../../api/registry.js';
import { DIFF_EXIT, errorReport, EXIT, isTcError, TcError, UsageError } from '../../errors.js';
import type { DiffCall, DiffEntry, DiffProcess, DiffResult, StreamDiff } from '../../registry/diff.js';
import { stdout } from '../io.js';
import { humanBytes, humanDuration, outputFormat, render, table, type Column } from '../render.js';

export interface DiffCommandOptions {
  registry?: string;
  output?: string;
  /** Calls shown around each difference (a count, as typed). */
  context?: string;
  function?: string[];
  exact?: boolean;
}

/** The process as a header line shows it. */
function processLine(label: string, p: DiffProcess): string {
  const ended = p.exitCode === null ? p.status : p.status === 'exited' ? `exited ${p.exitCode}` : `${p.status} (exit code ${p.exitCode})`;
  return `${label}: ${p.id}  ${p.module.name} (${p.module.digest.replace(/^sha256:/, '').slice(0, 12)})  ${ended}  ${p.calls} call${p.calls === 1 ? '' : 's'}\n`;
}

const at = (c: DiffCall | null) => (c === null ? 'no more calls' : `record ${c.offset} (${humanDuration(c.time)})`);

function streamLine(name: string, s: StreamDiff): string {
  const sizes = `a ${humanBytes(s.a)}, b ${humanBytes(s.b)}`;
  return `  ${name}: ${sizes}, ${s.differing === 0 ? 'the same' : `${s.differing === 1 ? '1 byte differs' : `${s.differing} bytes differ`} (from byte ${s.firstDifference})`}\n`;
}

const CALL_COLUMNS: readonly Column<DiffResult['summary']['calls'][number]>[] = [
  { header: 'FUNCTION', value: (c) => c.function },
  { header: 'A', value: (c) => String(c.a) },
  { header: 'B', value: (c) => String(c.b) },
];

/** `tc diff` as text: the two processes, where they part, the hunks, the summary. */
export function diffText(r: DiffResult): string {
  let out = processLine('a', r.a) + processLine('b', r.b);
  if (r.functions !== null) out += `compared: ${r.functions.join(', ')} only\n`;
  if (r.alignment === 'positions') out += 'too many differences to align the calls: compared position by position\n';
  if (r.firstDifference === null) out += r.same ? 'no difference\n' : 'the same calls, but the processes ended differently\n';
  else {
    const { a, b } = r.firstDifference;
    out += `first difference: a ${at(a)}, b ${at(b)}\n`;
    out += `  a: ${a?.call ?? '(no more calls)'}\n  b: ${b?.call ?? '(no more calls)'}\n`;
  }
  const width = Math.max(1, ...r.hunks.flatMap((h) => h.entries.flatMap((e) => [e.a?.offset ?? 0, e.b?.offset ?? 0])).map((n) => String(n).length));
  const col = (c: DiffCall | null) => (c === null ? ' '.repeat(width) : String(c.offset).padStart(width));
  const line = (sign: string, a: DiffCall | null, b: DiffCall | null, call: string) => `${sign} ${col(a)} ${col(b)}  ${call}\n`;
  const entryLines = (e: DiffEntry): string => {
    switch (e.op) {
      case 'same':
        return line(' ', e.a, e.b, e.a!.call);
      case 'changed':
        return line('-', e.a, null, e.a!.call) + line('+', null, e.b, e.b!.call);
      case 'removed':
        return line('-', e.a, null, e.a!.call);
      case 'added':
        return line('+', null, e.b, e.b!.call);
    }
  };
  for (const h of r.hunks) {
    out += `@@ -${h.a.start},${h.a.count} +${h.b.start},${h.b.count} @@\n`;
    for (const e of h.entries) out += entryLines(e);
  }
  out += 'summary:\n';
  out += table(CALL_COLUMNS, r.summary.calls).split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');
  out += streamLine('stdout', r.summary.output.stdout) + streamLine('stderr', r.summary.output.stderr);
  out += `  exit: a ${r.summary.exitCode.a ?? r.a.status}, b ${r.summary.exitCode.b ?? r.b.status}\n`;
  return out;
}

/**
 * `tc diff`: print the comparison (text, JSON or YAML); returns 0 when the processes are the same, 1
 * when they differ. Any error is trouble: a TcError with exit code 2 (the one-line report is the
 * error's own), but a closed output, which stays 141.
 */
export function diffCommand(a: string, b: string, opts: DiffCommandOptions): number {
  try {
    const format = outputFormat(opts.output);
    if (opts.context !== undefined && !/^\d+$/.test(opts.context)) throw new UsageError(`--context ${opts.context}: expected a number of calls (0 or more)`);
    const r = openRegistry(opts.registry).diff(a, b, {
      ...(opts.context === undefined ? {} : { context: Number(opts.context) }),
      ...(opts.function?.length ? { functions: opts.function } : {}),
      exact: opts.exact === true,
    });
    stdout(render(format, r, () => diffText(r)));
    return r.same ? DIFF_EXIT.SAME : DIFF_EXIT.DIFFERENT;
  } catch (e) {
    if (isTcError(e) && e.exitCode === EXIT.OUTPUT_CLOSED) throw e;
    throw new TcError(errorReport(e).message, DIFF_EXIT.TROUBLE);
  }
}
