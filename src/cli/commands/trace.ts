/**
 * `tc trace <id>`: the calls of a process from its log, without running it (the registry's records,
 * src/api.ts), each formatted by src/core/trace.ts.
 */
import YAML from 'yaml';
import { logRecords, processSecrets } from '../../api/log.js';
import { SecretMarks } from '../../core/secrets.js';
import { streamNumber, type TracedRecord } from '../../api/records.js';
import { UsageError } from '../../errors.js';
import { formatRecord, recordJson } from '../../core/trace.js';
import { SYSCALL } from '../../wasi/syscalls.js';
import { stderr, stdout } from '../io.js';

export interface TraceCommandOptions {
  registry?: string;
  output: string;
  function?: string[];
}

/**
 * How each record prints: a trace line, one JSON object a line, or one YAML document (after `---`);
 * `stream` is the host stream a write reached (1 stdout, 2 stderr, else -1), `marks` the secrets.
 */
const FORMATS: Record<string, (rec: TracedRecord, stream: number, marks: SecretMarks) => string> = {
  text: (rec, stream, marks) => `${formatRecord(rec, stream, marks)}\n`,
  json: (rec, stream, marks) => `${JSON.stringify(recordJson(rec, stream, marks))}\n`,
  yaml: (rec, stream, marks) => `---\n${YAML.stringify(recordJson(rec, stream, marks))}`,
};

/**
 * `tc trace`: print the log of a process without running it, one line per record (`-o text`), one
 * JSON object a line (`-o json`) or one YAML document a record (`-o yaml`).
 */
export function traceCommand(id: string, opts: TraceCommandOptions): number {
  const format = FORMATS[opts.output];
  if (format === undefined) throw new UsageError(`-o ${opts.output}: expected one of text, json, yaml`);
  const only = new Set(opts.function ?? []);
  for (const f of only) if (!Object.hasOwn(SYSCALL, f)) throw new UsageError(`--function ${f}: not a wasi_snapshot_preview1 function`);
  // A secret's placeholder shows as ‹secret NAME›.
  const marks = new SecretMarks(processSecrets(id, { registry: opts.registry }));
  let chunk = '';
  let unfinished = -1;
  for (const rec of logRecords(id, { registry: opts.registry, onUnfinished: (n) => (unfinished = n) })) {
    if (only.size > 0 && !only.has(rec.syscall.name)) continue;
    chunk += format(rec, streamNumber(rec), marks);
    if (chunk.length > 1 << 16) {
      stdout(chunk);
      chunk = '';
    }
  }
  stdout(chunk);
  if (unfinished >= 0) stderr(`tc: log ends at record ${unfinished}: the recording did not finish\n`);
  return 0;
}
