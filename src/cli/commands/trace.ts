import YAML from 'yaml';
import { Registry, registryDir } from '../../registry/registry.js';
import { formatRecord, recordJson } from '../../core/trace.js';
import { FdStreams } from '../../core/streams.js';
import type { LogRecord } from '../../core/codec.js';
import { SYSCALL } from '../../wasi/syscalls.js';
import { UsageError } from '../../errors.js';
import { stderr, stdout } from '../io.js';
import { logCursor } from '../../timemachine/log.js';

export interface TraceCommandOptions {
  registry?: string;
  output: string;
  function?: string[];
}

/**
 * How each record prints: a trace line, one JSON object a line, or one YAML document (after `---`);
 * `stream` is the host stream a write reached (see FdStreams.follow).
 */
const FORMATS: Record<string, (rec: LogRecord, stream: number) => string> = {
  text: (rec, stream) => `${formatRecord(rec, stream)}\n`,
  json: (rec, stream) => `${JSON.stringify(recordJson(rec, stream))}\n`,
  yaml: (rec, stream) => `---\n${YAML.stringify(recordJson(rec, stream))}`,
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
  const registry = new Registry(registryDir(opts.registry));
  const full = registry.resolveProcess(id);
  // Each record is formatted before the next is read.
  const cursor = logCursor(registry.logDir(full), { reuseBuffer: true });
  const streams = new FdStreams();
  let chunk = '';
  for (let rec = cursor.nextRecord(); rec !== null; rec = cursor.nextRecord()) {
    const stream = streams.follow(rec);
    if (only.size > 0 && !only.has(rec.syscall.name)) continue;
    chunk += format(rec, stream);
    if (chunk.length > 1 << 16) {
      stdout(chunk);
      chunk = '';
    }
  }
  stdout(chunk);
  if (cursor.truncated) {
    const status = registry.readManifest(full).status;
    // A finished recording whose log is cut short is damaged; an unfinished one just ends there.
    if (status === 'exited' || status === 'trapped') throw cursor.truncated;
    stderr(`tc: log ends at record ${cursor.offset + 1}: the recording did not finish\n`);
  }
  return 0;
}
