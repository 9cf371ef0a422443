import { Registry, registryDir } from '../../registry/registry.js';
import { RecordCursor } from '../../timemachine/cursor.js';
import { formatRecord, recordJson } from '../../timemachine/trace.js';
import { FdStreams } from '../../timemachine/streams.js';
import { SYSCALL } from '../../wasi/syscalls.js';
import { UsageError } from '../../errors.js';
import { stderr, stdout } from '../io.js';

export interface TraceCommandOptions {
  registry?: string;
  output: string;
  function?: string[];
}

/** `tc trace`: print the log of a process, one line (or JSON object) per record, without running it. */
export function traceCommand(id: string, opts: TraceCommandOptions): number {
  if (opts.output !== 'text' && opts.output !== 'json') throw new UsageError(`-o ${opts.output}: expected text or json`);
  const only = new Set(opts.function ?? []);
  for (const f of only) if (!Object.hasOwn(SYSCALL, f)) throw new UsageError(`--function ${f}: not a wasi_snapshot_preview1 function`);
  const registry = new Registry(registryDir(opts.registry));
  const full = registry.resolveProcess(id);
  // Each record is formatted before the next is read.
  const cursor = new RecordCursor(registry.logDir(full), { reuseBuffer: true });
  const streams = new FdStreams();
  let chunk = '';
  for (let rec = cursor.nextRecord(); rec !== null; rec = cursor.nextRecord()) {
    const stream = streams.follow(rec);
    if (only.size > 0 && !only.has(rec.syscall.name)) continue;
    chunk += opts.output === 'json' ? `${JSON.stringify(recordJson(rec, stream))}\n` : `${formatRecord(rec, stream)}\n`;
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
