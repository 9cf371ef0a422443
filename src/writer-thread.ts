/** Starting the log-writing thread of a recording (src/writer.ts, bundled as dist/writer.cjs). */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Where the thread's script is: dist/writer.cjs, seen from the run command's bundle (dist/commands/), the library's (dist/) or src/. */
function writerScript(): URL {
  const candidates = ['../writer.cjs', './writer.cjs', '../dist/writer.cjs'].map((p) => new URL(p, import.meta.url));
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

/**
 * Start the log-writing thread. It boots (~30 ms) and then waits for its job, so callers start it as
 * early as they can and send the job when the registry is ready. It prints nothing, so its stdout
 * and stderr are not piped to this process's (that would create process.stdout and process.stderr).
 */
export function startWriterThread(): Worker {
  return new Worker(writerScript(), { stdout: true, stderr: true });
}
