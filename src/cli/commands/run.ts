import type { Worker } from 'node:worker_threads';
import { runModule, parseDirs, parseEnv } from '../../run.js';
import { decodeRecord, ByteReader } from '../../timemachine/codec.js';
import { formatRecord } from '../../timemachine/trace.js';
import { FdStreams } from '../../timemachine/streams.js';
import { stderr } from '../io.js';

export interface RunCommandOptions {
  dir: string[];
  env: string[];
  registry?: string;
  record: boolean;
  trapUnknownImports?: boolean;
  trace?: boolean;
  writerThread?: Worker;
}

/** `tc run`: prints the process id first on stderr, runs, returns the exit code to exit with. */
export async function runCommand(module: string, args: string[], opts: RunCommandOptions): Promise<number> {
  const streams = new FdStreams();
  const result = await runModule({
    module,
    args,
    env: parseEnv(opts.env),
    dirs: parseDirs(opts.dir),
    record: opts.record,
    registry: opts.registry,
    trapUnknownImports: opts.trapUnknownImports,
    writerThread: opts.writerThread,
    onStart: (id) => stderr(`${id}\n`),
    onError: (message) => stderr(`tc: ${message}\n`),
    onRecord: opts.trace
      ? (bytes, offset, prev) => {
          const rec = decodeRecord(new ByteReader(bytes), offset, prev);
          stderr(`${formatRecord(rec, streams.follow(rec))}\n`);
        }
      : undefined,
  });
  if (result.trap) {
    stderr(`tc: trap: ${result.trap.message}\n${result.trap.frames.map((f) => `    ${f}\n`).join('')}`);
  }
  return result.exitCode;
}
