/**
 * The log-writing thread of a recording (a worker_threads entry, bundled as dist/writer.js). The guest
 * runs on the main thread and appends records to a shared ring (src/timemachine/ring.ts); this thread
 * drains the ring into the log, so batches are compressed and written beside the guest, on the other
 * core, and are flushed on time even while the guest computes without calling the host.
 *
 * It starts with the process (bin/tc.js) and claims the log when its job arrives; if the guest has
 * already ended by then, the main thread has written the log itself and this thread does nothing.
 * It also relays SIGTERM: see {@link watchSigterm}.
 */
import { parentPort } from 'node:worker_threads';
import { LogPump, type LogReport } from './timemachine/pump.js';
import { claimLog, RingReader, ringClosed, setRingSignal, type RingMemory } from './timemachine/ring.js';
import { warmUpEncoder, type LogLimits } from './timemachine/log.js';
import { nsSince } from './host/clock.js';
import { sha256, storeModule, type DeferredModule, type ModuleInfo } from './registry/registry.js';

/** What the main thread sends. `origin` is its `performance.timeOrigin` (ms): record timestamps count from it. */
export interface WriterJob {
  readonly ring: RingMemory;
  readonly logDir: string;
  readonly limits: LogLimits;
  readonly origin: number;
  /** A large module to hash and store in the registry, with the first manifest, before the log (see DEFER_MODULE_BYTES in src/run.ts). */
  readonly module?: DeferredModule;
}

/**
 * The module's bytes, sent as soon as they are read, before the job (only for a module the job will
 * defer): this thread hashes them while the main thread waits for V8's compile, instead of after the
 * job, beside the guest.
 */
export interface WriterModule {
  readonly hash: Uint8Array;
}

/**
 * What this thread answers once the ring is closed and the log written (only when it claimed the log):
 * with `module`, the deferred module as the manifest names it.
 */
export type WriterMessage = LogReport & { readonly module?: ModuleInfo };

/**
 * Node delivers no signal events to worker threads, and the main thread, running the guest, cannot
 * run its handlers until the guest returns. This thread takes SIGTERM through the signal handle Node
 * itself uses for `process.on` (from the moment it is up, before its job arrives), notes it in the
 * ring and raises SIGINT, which interrupts the guest (the main thread runs it with `breakOnSigint`);
 * the main thread then reads the ring's note and exits 143. Before this thread is up (~30 ms), and on
 * a Node without that handle, SIGTERM keeps its default action: the process ends at once, as with
 * SIGKILL, and the log keeps what was flushed.
 */
function watchSigterm(onSignal: (signum: number) => void): SignalHandle | null {
  try {
    process.noDeprecation = true;
    const binding = (process as unknown as { binding(name: string): { Signal: new () => SignalHandle } }).binding('signal_wrap');
    const handle = new binding.Signal();
    handle.onsignal = onSignal;
    if (handle.start(SIGTERM) === 0) return handle;
    handle.close();
  } catch {
    // SIGTERM keeps its default action.
  }
  return null;
}

/** The signal number of SIGTERM (POSIX). */
const SIGTERM = 15;

interface SignalHandle {
  onsignal: (signum: number) => void;
  start(signum: number): number;
  close(): void;
}

/** The ring of the job being written, once it arrived and this thread claimed its log. */
let target: RingMemory | null = null;
let early = 0;
const relay = (ring: RingMemory, signum: number): void => {
  setRingSignal(ring, signum);
  process.kill(process.pid, 'SIGINT');
};
const sigterm = watchSigterm((signum) => {
  if (target === null) early = signum;
  else relay(target, signum);
});

/** Write the log of `job` if this thread gets to claim it; answers the main thread with a {@link WriterMessage}. */
async function writeLog(job: WriterJob): Promise<void> {
  if (!claimLog(job.ring, 'writer')) {
    // The main thread wrote the log itself: SIGTERM is its business again.
    sigterm?.close();
    return;
  }
  target = job.ring;
  if (early !== 0) relay(target, early);
  const now = nsSince(job.origin);
  let report: WriterMessage;
  const stored = job.module === undefined ? undefined : storeModule(job.module, hashed?.bytes === job.module.bytes.byteLength ? hashed.digest : undefined);
  try {
    // While the guest runs, so that the last batch does not wait for it at the end; once the guest
    // is done (it ended while a large module was being stored) the warm-up would only delay the log.
    if (!ringClosed(job.ring)) warmUpEncoder(job.limits.level);
    const pump = new LogPump(job.ring, job.logDir, job.limits);
    await pump.run(now);
    report = pump.close();
    if (stored?.error) report = { ...report, error: stored.error };
  } catch (e) {
    // Keep draining (and dropping) records so that the guest never waits on a full ring.
    const reader = new RingReader(job.ring);
    while (!reader.finished) {
      reader.drain(() => {});
      await reader.wait(10);
    }
    report = { records: 0, segments: [], error: (e as Error)?.message ?? String(e) };
  }
  if (stored !== undefined) report = { ...report, module: stored.module };
  // From here SIGTERM has its default action again: the log is complete.
  sigterm?.close();
  parentPort!.postMessage(report satisfies WriterMessage);
}

/** The digest of the module sent ahead of the job, and its size (bytes). */
let hashed: { readonly digest: string; readonly bytes: number } | null = null;
parentPort!.on('message', (m: WriterJob | WriterModule) => {
  if ('hash' in m) hashed = { digest: sha256(m.hash), bytes: m.hash.byteLength };
  else {
    parentPort!.removeAllListeners('message');
    void writeLog(m);
  }
});
