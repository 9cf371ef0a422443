/** Starting the guest's thread of a recording (src/guest.ts, bundled as dist/guest.js). */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Where the guest thread's script is: dist/guest.js, seen from a bundle chunk (dist/chunks/), dist/ or src/. */
function guestScript(): URL {
  const candidates = ['../guest.js', './guest.js', '../dist/guest.js'].map((p) => new URL(p, import.meta.url));
  return candidates.find((u) => fs.existsSync(u)) ?? candidates[0]!;
}

/**
 * Start the guest's thread. It boots (~100 ms) and then waits for its job message, so callers start
 * it as early as they can and send the job when the module and the registry are ready.
 */
export function startGuestThread(): Worker {
  return new Worker(guestScript(), { stdout: false, stderr: false });
}
