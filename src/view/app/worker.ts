/**
 * The player's re-execution, in a Web Worker: the module runs against the log with the portable core's
 * replayLog, the same code path as `tc replay`. The page stays responsive; it learns of progress (a
 * batch at a time), of what reached the terminal, and of how the replay ended, and may read the guest's
 * memory once a replay paused before a record.
 *
 * Messages in:  { type: 'run', module: Uint8Array, name, segments: Uint8Array[], finished, until?, secrets? }
 *               { type: 'memory', address, length, tag }
 * Messages out: { type: 'progress', batches } | { type: 'output', chunks: [stream, bytes][] }
 *               | { type: 'done', result } | { type: 'memory', tag, bytes | error }
 */
import { ByteReader, ByteWriter } from '../../core/codec.js';
import { compileInput } from '../../core/capture.js';
import { loadModule } from '../../core/module.js';
import { PORTABLE_CODEC } from '../../core/portable-codec.js';
import { replayLog } from '../../core/replay.js';
import { LogEndedError, ReplayDivergence } from '../../core/replayer.js';
import type { Codec } from '../../core/segment.js';
import { formatCall } from '../../core/trace.js';
import { isTcError } from '../../errors.js';
import { SecretMarks, type SecretInfo } from '../../core/secrets.js';
import { SYSCALL, type SyscallName } from '../../wasi/syscalls.js';

/** How a re-execution ended (posted as `done`). */
export interface RunResult {
  /** Records replayed. */
  readonly records: number;
  readonly exitCode?: number;
  readonly trap?: string;
  readonly divergence?: { readonly offset: number; readonly kind: string; readonly message: string; readonly expected: string | null; readonly actual: string | null; readonly report: string };
  /** The replay stopped just before this record's call (`until`): the call, its args, and its inputs read from live memory. */
  readonly paused?: { readonly offset: number; readonly fn: SyscallName; readonly args: string[]; readonly call: string; readonly inputs: Uint8Array[]; readonly memorySize: number };
  /** The log of a recording that did not finish ran out. */
  readonly ended?: string;
  /** Anything else (damage, a module that does not load): one line. */
  readonly error?: string;
}

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

let memory: WebAssembly.Memory | null = null;
let compiled: { bytes: Uint8Array; loaded: Awaited<ReturnType<typeof loadModule>> } | null = null;

async function run(msg: { module: Uint8Array; name: string; segments: Uint8Array[]; finished: boolean; until?: number; secrets?: SecretInfo[] }): Promise<RunResult> {
  const infos = msg.secrets ?? [];
  if (compiled === null || compiled.bytes !== msg.module) compiled = { bytes: msg.module, loaded: await loadModule(msg.module, msg.name) };
  const { module, unknownImports } = compiled.loaded;
  let pending: [number, Uint8Array][] = [];
  let batches = 0;
  const flush = () => {
    if (pending.length) scope.postMessage({ type: 'output', chunks: pending });
    pending = [];
  };
  // A batch is inflated as replay reaches it: the moment to say how far it got.
  const codec: Codec = {
    crc32: (b) => PORTABLE_CODEC.crc32(b),
    inflate: (payload, size) => {
      flush();
      scope.postMessage({ type: 'progress', batches: batches++ });
      return PORTABLE_CODEC.inflate(payload, size);
    },
  };
  memory = null;
  try {
    const outcome = replayLog(module, {
      segments: msg.segments,
      finished: msg.finished,
      codec,
      unknownImports,
      onOutput: (stream, bytes) => pending.push([stream, bytes.slice()]),
      ...(msg.until === undefined ? {} : { until: msg.until }),
      // Without their values: the guest gets the placeholders, and a divergence names the secrets.
      ...(infos.length === 0 ? {} : { secrets: { infos } }),
    });
    flush();
    memory = outcome.memory;
    if (outcome.paused) {
      const sc = SYSCALL[outcome.paused.fn];
      const view = { u8: new Uint8Array(memory.buffer), view: new DataView(memory.buffer) };
      const inputs = sc.inputs.map((input) => {
        const w = new ByteWriter(64);
        compileInput(sc, input)(w, view, outcome.paused!.args);
        return new ByteReader(w.buf.subarray(0, w.pos)).blob().slice();
      });
      const args = outcome.paused.args;
      return { records: outcome.records, paused: { offset: outcome.paused.offset, fn: outcome.paused.fn, args: args.map(String), call: formatCall(sc, args, inputs, new SecretMarks(infos)), inputs, memorySize: memory.buffer.byteLength } };
    }
    return { records: outcome.records, exitCode: outcome.exitCode, ...(outcome.trap ? { trap: outcome.trap.message } : {}) };
  } catch (e) {
    flush();
    if (e instanceof ReplayDivergence) {
      return { records: e.offset, divergence: { offset: e.offset, kind: e.kind, message: e.message, expected: e.expected, actual: e.actual, report: e.report() } };
    }
    if (e instanceof LogEndedError) return { records: e.offset, ended: e.message };
    return { records: 0, error: isTcError(e) ? (e as Error).message : `replay failed: ${(e as Error)?.message ?? String(e)}` };
  }
}

scope.onmessage = (e: MessageEvent) => {
  const msg = e.data as { type: string } & Record<string, unknown>;
  if (msg.type === 'run') {
    void run(msg as unknown as Parameters<typeof run>[0]).then((result) => scope.postMessage({ type: 'done', result }));
  } else if (msg.type === 'memory') {
    const { address, length, tag } = msg as unknown as { address: number; length: number; tag: number };
    if (memory === null) return scope.postMessage({ type: 'memory', tag, error: 'not paused' });
    const size = memory.buffer.byteLength;
    if (!(address >= 0 && length >= 0 && address + length <= size)) return scope.postMessage({ type: 'memory', tag, error: `out of bounds: memory is ${size} bytes` });
    scope.postMessage({ type: 'memory', tag, bytes: new Uint8Array(memory.buffer, address, length).slice() });
  }
};
