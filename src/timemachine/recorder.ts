/**
 * The recorder: wraps every host import so that each call the guest makes becomes one record in the
 * log, in call order (layout: src/timemachine/codec.ts). Inputs are captured before the host runs,
 * the result and outputs after; records are written straight into the log writer's buffer.
 */
import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { SYSCALLS, type SyscallName } from '../wasi/syscalls.js';
import { stringsSize, type ImportFn, type WasiHost } from '../host/host.js';
import { RESULT_TRAP } from './codec.js';
import { compileInput, compileOutput, fillArgs, type Args, type GuestMemory, type StringSizes } from './capture.js';
import type { ByteWriter } from './codec.js';

/** Where the recorder writes records: a {@link LogWriter} (same thread) or a RingWriter (to the log-writing thread). */
export interface RecordSink {
  /** The buffer the current record is encoded into. */
  readonly records: ByteWriter;
  /** Timestamp delta (ns) to encode for a record at `ts`. */
  delta(ts: number): number;
  /** Timestamp of the previous record. */
  readonly previousTimestamp: number;
  /** Records committed so far. */
  readonly recordCount: number;
  /** The record just encoded is complete. */
  commit(ts: number): void;
}

/** Called after each record is committed, with its bytes (valid only during the call) and its offset. */
export type RecordObserver = (bytes: Uint8Array, offset: number, previousTimestamp: number) => void;

export interface RecorderOptions {
  /** ns since process start; monotonic. */
  readonly now: () => number;
  readonly onRecord?: RecordObserver;
}

/** Memory views shared by every wrapper; refreshed when memory.grow detaches the buffer. */
export class MemoryViews implements GuestMemory {
  u8 = new Uint8Array(0);
  view = new DataView(new ArrayBuffer(0));
  private memory: WebAssembly.Memory | null = null;
  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.refresh();
  }
  /** Make sure the views cover the current buffer. */
  current(): GuestMemory {
    if (this.u8.byteLength === 0 && this.memory !== null) this.refresh();
    return this;
  }
  private refresh(): void {
    this.u8 = new Uint8Array(this.memory!.buffer);
    this.view = new DataView(this.memory!.buffer);
  }
}

const enc = new TextEncoder();

/**
 * Wrap the host's imports. The returned functions call the host and append one record per call to
 * `writer` (a {@link RecordSink}). A host exception other than proc_exit is recorded as a trap (RESULT_TRAP) and rethrown.
 */
export function recordImports(host: WasiHost, writer: RecordSink, memory: MemoryViews, options: RecorderOptions) {
  const sizes: StringSizes = {
    args: { count: host.args.length, bytes: stringsSize(host.args) },
    environ: { count: host.env.length, bytes: stringsSize(host.env) },
  };
  const w = writer.records;
  const { now, onRecord } = options;
  const out = {} as Record<SyscallName, ImportFn>;
  for (const sc of SYSCALLS) {
    const fn = host.imports[sc.name] as (...args: (number | bigint)[]) => number | void;
    const id = sc.id;
    const types = sc.params.map((p) => p.type);
    const n = types.length;
    const inputs = sc.inputs.map((i) => compileInput(sc, i));
    const outputs = sc.outputs.map((o) => compileOutput(sc, o));
    // One reused argument array per function (host calls do not nest): no allocation per call.
    const a: (number | bigint)[] = new Array(n).fill(0);
    out[sc.name] = function recorded(a0?: number | bigint, a1?: number | bigint, a2?: number | bigint, a3?: number | bigint, a4?: number | bigint, a5?: number | bigint, a6?: number | bigint, a7?: number | bigint, a8?: number | bigint): number | void {
      const ts = now();
      const prev = writer.previousTimestamp;
      w.ensure(16 + 10 * n);
      const start = w.pos;
      w.u8(id);
      w.varint(writer.delta(ts));
      fillArgs(a, n, a0, a1, a2, a3, a4, a5, a6, a7, a8);
      for (let i = 0; i < n; i++) w.param(types[i]!, a[i]!);
      let m = memory.current();
      for (let i = 0; i < inputs.length; i++) inputs[i]!(w, m, a as Args, sizes);
      let result: number | void = undefined;
      let thrown: unknown = undefined;
      try {
        result = (fn as (...x: (number | bigint | undefined)[]) => number | void)(a0, a1, a2, a3, a4, a5, a6, a7, a8);
      } catch (e) {
        thrown = e;
      }
      w.ensure(8);
      if (thrown === undefined || thrown instanceof WASIProcExit) {
        w.varint(typeof result === 'number' ? result : 0);
      } else {
        w.varint(RESULT_TRAP);
        const msg = enc.encode(String((thrown as Error)?.message ?? thrown));
        w.blob(msg, 0, msg.length);
      }
      m = memory.current();
      for (let i = 0; i < outputs.length; i++) outputs[i]!(w, m, a as Args, sizes);
      const offset = writer.recordCount;
      if (onRecord !== undefined) onRecord(w.buf.subarray(start, w.pos), offset, prev);
      writer.commit(ts);
      if (thrown !== undefined) throw thrown;
      return result;
    };
  }
  return out;
}
