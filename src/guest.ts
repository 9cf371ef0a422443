/**
 * The guest's thread of a recording (a worker_threads entry, bundled as dist/guest.js): receives its job
 * (a {@link GuestData} message) and runs the module
 * with the recorder writing into the shared ring; the main thread writes the log, so compression and
 * disk writes run beside the guest, batches flush on time even while the guest computes, and a signal
 * can stop the guest and still close the log.
 */
import { parentPort } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import { execute, type GuestSpec } from './execute.js';
import { recordImports } from './timemachine/recorder.js';
import { RingWriter, type RingMemory } from './timemachine/ring.js';
import { ByteReader, decodeRecord } from './timemachine/codec.js';
import { formatRecord } from './timemachine/trace.js';

/** What the main thread sends. `t0` is the process start as `performance.timeOrigin + performance.now()` (ms). */
export interface GuestData extends GuestSpec {
  readonly ring: RingMemory;
  readonly t0: number;
  readonly trace: boolean;
}

/** What the guest's thread answers. */
export type GuestMessage = { readonly exitCode: number; readonly trap?: { message: string; frames: string[] } } | { readonly error: string };

const data = await new Promise<GuestData>((resolve) => parentPort!.once('message', resolve));
const ring = new RingWriter(data.ring);
const origin = performance.timeOrigin - data.t0;
const now = () => Math.round((origin + performance.now()) * 1e6);
let message: GuestMessage;
try {
  const outcome = await execute(data, (host, memory) =>
    recordImports(host, ring, memory, {
      now,
      onRecord: data.trace
        ? (bytes, offset, prev) => {
            writeSync(2, `${formatRecord(decodeRecord(new ByteReader(bytes), offset, prev))}\n`);
          }
        : undefined,
    }) as unknown as WebAssembly.ModuleImports,
  );
  message = { exitCode: outcome.exitCode, trap: outcome.trap ? { message: outcome.trap.message, frames: [...outcome.trap.frames] } : undefined };
} catch (e) {
  message = { error: (e as Error)?.message ?? String(e) };
}
ring.close();
parentPort!.postMessage(message);
