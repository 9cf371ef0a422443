/**
 * The recorder: wraps every host import so that each call the guest makes becomes one record in the
 * log, in call order (layout: src/core/codec.ts, docs/log-format.md). Inputs are captured
 * before the host runs, the result and outputs after.
 *
 * Each wrapper is generated from its row of the syscall table (src/wasi/syscalls.ts) as straight-line
 * JavaScript: the params, inputs and outputs of the row become fixed code with no loop over the row
 * and no allocation, so that V8 compiles every wrapper on its own (a shared generic wrapper would see
 * all 46 functions and stay slow). {@link recorderSource} returns the source of one, for reading.
 * Records are encoded in place in the sink's buffer (the shared ring, or a {@link LogWriter}).
 */
import { ProcExit } from '../core/outcome.js';
import { SIZEOF, SYSCALLS, type Syscall, type SyscallName } from '../wasi/syscalls.js';
import { stringsSize, type WasiHost } from '../host/host.js';
import type { ImportFn } from '../core/memory.js';
import { readNs, type HostClock } from '../host/clock.js';
import { CLOCKID } from '../wasi/layout.js';
import { CLOCK_TIME_GET, offsetTimestamp, RESULT_TRAP } from '../core/codec.js';
import type { StringSizes } from '../core/capture.js';
import type { MemoryViews } from '../core/memory.js';
import { clamp, gather, iovTotal, memBlob, TRAP_MAX, trapMessage, u32At, vu, vu64, vzz } from '../core/emit.js';
import { coreParams, joinI64, splitI64 } from '../core/split.js';

/**
 * Where the recorder encodes records: the shared ring ({@link RingWriter}) or a {@link LogWriter}.
 *
 * A record is written in two steps around the host call. `begin(pre, post)` reserves `pre` bytes
 * (the exact size of everything before the call: id, timestamp, params, inputs) and announces at most
 * `post` more (result, trap message, outputs) and returns where to write in {@link buf}; after the call
 * `room(p, n)` makes sure `n` bytes fit at `p` (the buffer may then be replaced: read `buf` again);
 * `end(p, ts)` commits the record that ends at `p`, taken at `ts` ns.
 */
export interface RecordSink {
  readonly buf: Uint8Array;
  begin(pre: number, post: number): number;
  room(p: number, n: number): number;
  end(p: number, ts: number): void;
  /** Timestamp (ns) of the previous record (0 before the first): the next one's delta is from it. */
  readonly previousTimestamp: number;
  /** Records committed so far. */
  readonly recordCount: number;
}

/** Called after each record is encoded, with its bytes (valid only during the call), its offset and the previous timestamp. */
export type RecordObserver = (bytes: Uint8Array, offset: number, previousTimestamp: number) => void;

export interface RecorderOptions {
  /**
   * ns since process start, monotonic: the record timestamps. By default the host's clock, whose
   * reading the host call then shares (see HostClock.hold).
   */
  readonly now?: () => number;
  readonly onRecord?: RecordObserver;
  /**
   * Called with each record's bytes before anything else sees them (before `onRecord`, before they
   * reach the sink's reader): what replaces secrets by their placeholders, in place (see
   * src/core/secrets.ts). `clock_time_get` records, which hold no data, keep their fast path.
   */
  readonly scrub?: (record: Uint8Array) => void;
  /** Give functions that take an i64 an adapter where one helps (see src/core/split.ts). Default true. */
  readonly adapt?: boolean;
}

/**
 * A {@link RecordSink} that keeps nothing: each record is encoded at the start of one buffer, shown to
 * the observer, and dropped. Tracing a run that is not recorded (`tc run --no-record --trace`) goes
 * through the recorder with it, so that the trace is the same as a recorded run's.
 */
export class DroppingSink implements RecordSink {
  buf = new Uint8Array(1 << 12);
  previousTimestamp = 0;
  recordCount = 0;
  begin(pre: number, _post: number): number {
    if (pre > this.buf.length) this.buf = new Uint8Array(2 ** Math.ceil(Math.log2(pre)));
    return 0;
  }
  room(p: number, n: number): number {
    if (p + n > this.buf.length) {
      const next = new Uint8Array(2 ** Math.ceil(Math.log2(p + n)));
      next.set(this.buf.subarray(0, p));
      this.buf = next;
    }
    return p;
  }
  end(_p: number, ts: number): void {
    this.previousTimestamp = ts;
    this.recordCount++;
  }
}

/** How a wrapper reads the record clock: `hold` before the host call, `release` after. */
interface CallClock {
  hold(): number;
  release(): void;
}

/**
 * The encoding helpers the generated code calls, handed to it as plain parameters: reaching them
 * through a module namespace object would go through the bundler's getters at every call.
 */
const HELPERS = { clamp, gather, iovTotal, memBlob, offsetTimestamp, trapMessage, u32At, vu, vu64, vzz };
const HELPER_NAMES = Object.keys(HELPERS);
const HELPER_VALUES = Object.values(HELPERS);

/** Most bytes of a varint: LEB128 of a u64. */
const VARINT = 10;

/**
 * The JavaScript source of the recording wrapper of one row: the body of a function of the
 * {@link HELPERS} (by name) and S: sink, M: memory views, h: host function, C: clock, Z: string
 * sizes, O: observer, ProcExit, RESULT_TRAP, that returns the wrapper.
 */
export function recorderSource(sc: Syscall): string {
  const arg = (name: string) => `a${sc.index[name]}`;
  const u32 = (name: string) => `(${arg(name)} >>> 0)`;
  const params = sc.params.map((_, i) => `a${i}`).join(', ');
  const L: string[] = [];
  L.push(`return function ${sc.name}(${params}) {`);
  L.push(`  const ts = C.hold();`);
  L.push(`  const m = M.current();`);
  L.push(`  const size = m.u8.length;`);
  // Sizes of the inputs (exact) and bounds of the outputs, before the call.
  const pre: string[] = [String(1 + VARINT + VARINT * sc.params.length + 5 * sc.inputs.length)];
  sc.inputs.forEach((inp, k) => {
    if (inp.kind === 'string') {
      L.push(`  const i${k}p = ${u32(inp.ptr)}, i${k} = clamp(size, i${k}p, ${u32(inp.len)});`);
    } else if (inp.kind === 'ciovecs') {
      L.push(`  const i${k} = iovTotal(m, ${u32(inp.iovs)}, ${u32(inp.len)});`);
    } else {
      L.push(`  const i${k}p = ${u32(inp.ptr)}, i${k} = clamp(size, i${k}p, ${u32(inp.count)} * ${SIZEOF.subscription});`);
    }
    pre.push(`i${k}`);
  });
  const postFixed = 5 + 5 + TRAP_MAX + 5 * sc.outputs.length;
  const post: string[] = [String(postFixed)];
  const subscriptions = sc.inputs.find((i) => i.kind === 'subscriptions');
  sc.outputs.forEach((out, k) => {
    switch (out.kind) {
      case 'fixed':
        L.push(`  const o${k}p = ${u32(out.ptr)}, o${k}b = clamp(size, o${k}p, ${out.size});`);
        break;
      case 'iovecs':
        L.push(`  const o${k}b = iovTotal(m, ${u32(out.iovs)}, ${u32(out.len)});`);
        break;
      case 'buffer':
        L.push(`  const o${k}p = ${u32(out.ptr)}, o${k}b = clamp(size, o${k}p, ${u32(out.len)});`);
        break;
      case 'events': {
        // At most one event per subscription.
        const count = subscriptions?.kind === 'subscriptions' ? `${u32(subscriptions.count)} * ${SIZEOF.event}` : 'size';
        L.push(`  const o${k}p = ${u32(out.ptr)}, o${k}b = clamp(size, o${k}p, ${count});`);
        break;
      }
      case 'strings': {
        const n = out.part === 'list' ? `Z.${out.source}.count * 4` : `Z.${out.source}.bytes`;
        L.push(`  const o${k}p = ${u32(out.ptr)}, o${k}b = clamp(size, o${k}p, ${n});`);
        break;
      }
    }
    post.push(`o${k}b`);
  });
  L.push(`  let p = S.begin(${pre.join(' + ')}, ${post.join(' + ')});`);
  L.push(`  let b = S.buf;`);
  L.push(`  const start = p;`);
  L.push(`  b[p++] = ${sc.id};`);
  // Varints are written inline when they take one or two bytes (most do: small values, timestamp
  // deltas of a few µs, pointers into the first 16 KiB), through vu otherwise.
  const varint = (expr: string, tmp: string) =>
    L.push(
      `  const ${tmp} = ${expr};`,
      `  if (${tmp} < 0x80) b[p++] = ${tmp};`,
      `  else if (${tmp} < 0x4000) {`,
      `    b[p++] = (${tmp} & 0x7f) | 0x80;`,
      `    b[p++] = ${tmp} >>> 7;`,
      `  } else p = vu(b, p, ${tmp});`,
    );
  // The timestamp delta in a loop, not a branch per size: the first calls (slow, in the interpreter)
  // are far apart, and a branch first taken once the wrapper is optimized would deoptimize it.
  L.push(
    `  let dt = ts - S.previousTimestamp;`,
    `  if (dt > 0xffffffff) p = vu(b, p, dt);`,
    `  else {`,
    `    while (dt > 0x7f) {`,
    `      b[p++] = (dt & 0x7f) | 0x80;`,
    `      dt >>>= 7;`,
    `    }`,
    `    b[p++] = dt;`,
    `  }`,
  );
  sc.params.forEach((prm, i) => {
    if (prm.type === 'filedelta') L.push(`  p = vzz(b, p, a${i});`);
    else if (['timestamp', 'filesize', 'rights', 'dircookie'].includes(prm.type)) L.push(`  p = vu64(b, p, a${i});`);
    else varint(`a${i} >>> 0`, `v${i}`);
  });
  sc.inputs.forEach((inp, k) => {
    if (inp.kind === 'ciovecs') L.push(`  p = gather(b, p, m, ${u32(inp.iovs)}, ${u32(inp.len)}, i${k});`);
    else L.push(`  p = memBlob(b, p, m, i${k}p, i${k});`);
  });
  L.push(`  let r, e, failed = false;`);
  L.push(`  try {`);
  L.push(`    r = h(${params});`);
  L.push(`  } catch (x) {`);
  L.push(`    e = x;`);
  L.push(`    failed = true;`);
  L.push(`  }`);
  L.push(`  C.release();`);
  // The host never grows memory: the views taken before the call still cover it.
  // Exact output sizes, never above their bounds.
  sc.outputs.forEach((out, k) => {
    if (out.kind === 'iovecs') L.push(`  const o${k} = Math.min(u32At(m, ${u32(out.used)}), o${k}b);`);
    else if (out.kind === 'buffer' && out.used !== undefined) L.push(`  const o${k} = Math.min(u32At(m, ${u32(out.used)}), o${k}b);`);
    else if (out.kind === 'events') L.push(`  const o${k} = Math.min(u32At(m, ${u32(out.count)}) * ${SIZEOF.event}, o${k}b);`);
    else L.push(`  const o${k} = o${k}b;`);
  });
  L.push(`  p = S.room(p, ${[String(postFixed), ...sc.outputs.map((_, k) => `o${k}`)].join(' + ')});`);
  L.push(`  b = S.buf;`);
  L.push(`  if (!failed || e instanceof ProcExit) {`);
  L.push(`    const rv = typeof r === 'number' ? r >>> 0 : 0;`);
  L.push(`    if (rv < 0x80) b[p++] = rv;`);
  L.push(`    else p = vu(b, p, rv);`);
  L.push(`  }`);
  L.push(`  else {`);
  L.push(`    p = vu(b, p, RESULT_TRAP);`);
  L.push(`    p = trapMessage(b, p, e);`);
  L.push(`  }`);
  sc.outputs.forEach((out, k) => {
    if (out.kind === 'iovecs') L.push(`  p = gather(b, p, m, ${u32(out.iovs)}, ${u32(out.len)}, o${k});`);
    else L.push(`  p = memBlob(b, p, m, o${k}p, o${k});`);
  });
  L.push(`  if (O !== undefined) O(b.subarray(start, p), S.recordCount, S.previousTimestamp);`);
  // The TimestampOffset filter (docs/log-format.md): the time is kept as its difference from the
  // record's timestamp (the observer above sees the value itself).
  if (sc.id === CLOCK_TIME_GET) L.push(`  if (o0 === 8) offsetTimestamp(b, p - 8, ts, false);`);
  L.push(`  S.end(p, ts);`);
  L.push(`  if (failed) throw e;`);
  L.push(`  return r;`);
  L.push(`};`);
  return L.join('\n');
}

/**
 * Wrap the host's imports. The returned functions call the host and append one record per call to
 * `sink`. A host exception other than proc_exit is recorded as a trap (RESULT_TRAP, with its message)
 * and rethrown.
 */
export function recordImports(host: WasiHost, sink: RecordSink, memory: MemoryViews, options: RecorderOptions = {}): Record<SyscallName, ImportFn> {
  const sizes: StringSizes = {
    args: { count: host.args.length, bytes: stringsSize(host.args) },
    environ: { count: host.env.length, bytes: stringsSize(host.env) },
  };
  const now = options.now;
  const clock: CallClock = now === undefined ? host.clock : { hold: now, release: () => {} };
  // The generated code calls one observer: the scrubber first, so that a trace shows what the log gets.
  const { onRecord, scrub } = options;
  const observer: RecordObserver | undefined =
    scrub === undefined ? onRecord : onRecord === undefined ? (bytes) => scrub(bytes) : (bytes, offset, prev) => {
      scrub(bytes);
      onRecord(bytes, offset, prev);
    };
  // Each wrapper is generated when it is first looked up: instantiation looks up only the functions
  // the module imports.
  const out = {} as Record<SyscallName, ImportFn>;
  for (const sc of SYSCALLS) {
    let fn: ImportFn | undefined;
    Object.defineProperty(out, sc.name, {
      enumerable: true,
      get: () => {
        if (fn === undefined) {
          const make = new Function(...HELPER_NAMES, 'S', 'M', 'h', 'C', 'Z', 'O', 'ProcExit', 'RESULT_TRAP', recorderSource(sc));
          fn = make(...HELPER_VALUES, sink, memory, host.imports[sc.name], clock, sizes, observer, ProcExit, RESULT_TRAP) as ImportFn;
          if (sc.name === 'clock_time_get' && onRecord === undefined && options.adapt !== false) {
            fn = splitI64(coreParams(sc), recordClockTimeGet(sink, memory, clock, host.clock, fn)) as unknown as ImportFn;
          }
        }
        return fn;
      },
    });
  }
  return out;
}

/**
 * The recorder of `clock_time_get` for the realtime and monotonic clocks with the output inside
 * memory: the most frequent call of many programs, and the cheapest for the host, so the wrapper's
 * own cost is most of it. It makes the same record as the generated wrapper (`fallback`), which it
 * calls for everything else (another clock, an output outside memory), but writes the value itself,
 * from the record's reading (as the host does with a held reading), and puts into the record what
 * the TimestampOffset filter makes of it: the value minus the record's timestamp, the clock's base.
 * It takes the i64 precision as two halves (`lo`, `hi`), through an adapter (src/core/split.ts).
 */
function recordClockTimeGet(S: RecordSink, M: MemoryViews, C: CallClock, clock: HostClock, fallback: ImportFn): (id: number, lo: number, hi: number, ptr: number) => number {
  const general = fallback as unknown as (id: number, precision: bigint, ptr: number) => number;
  let of: Uint8Array | null = null;
  let dv: DataView = new DataView(new ArrayBuffer(8));
  let lastLo = 0;
  let lastHi = 0;
  let precisionNumber = 0;
  return function clock_time_get(id: number, lo: number, hi: number, ptr: number): number {
    const at = ptr >>> 0;
    const m = M.current();
    if ((id !== CLOCKID.MONOTONIC && id !== CLOCKID.REALTIME) || at + 8 > m.u8.length) return general(id, joinI64(lo, hi), ptr);
    const ts = C.hold();
    // With the host's clock the value is the record's reading; with another record clock (tests),
    // the host reads its own, as it does in the generated wrapper.
    clock.writeReading(m.view, at, id, C === clock ? ts : readNs());
    C.release();
    // At most 1 + 10 + 1 + 10 + 5 + 1 + 1 + 8 bytes.
    let p = S.begin(40, 0);
    const b = S.buf;
    b[p++] = CLOCK_TIME_GET;
    // A loop, not a branch per size: the first calls (slow, in the interpreter) are far apart, and
    // a branch first taken once the wrapper is optimized would deoptimize it.
    let dt = ts - S.previousTimestamp;
    if (dt > 0xffffffff) p = vu(b, p, dt);
    else {
      while (dt > 0x7f) {
        b[p++] = (dt & 0x7f) | 0x80;
        dt >>>= 7;
      }
      b[p++] = dt;
    }
    b[p++] = id;
    // The precision as a u64: exact in a double below 2^53 (programs pass the same one every time).
    if (lo !== lastLo || hi !== lastHi) {
      lastLo = lo;
      lastHi = hi;
      precisionNumber = hi >>> 0 < 0x200000 ? (hi >>> 0) * 4294967296 + (lo >>> 0) : -1;
    }
    if (precisionNumber < 0x80 && precisionNumber >= 0) b[p++] = precisionNumber;
    else if (precisionNumber >= 0) p = vu(b, p, precisionNumber);
    else p = vu64(b, p, joinI64(lo, hi));
    if (at < 0x80) b[p++] = at;
    else if (at < 0x4000) {
      b[p++] = (at & 0x7f) | 0x80;
      b[p++] = at >>> 7;
    } else p = vu(b, p, at);
    b[p++] = 0; // result: success
    b[p++] = 8; // the output: 8 bytes
    if (b !== of) {
      of = b;
      dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    // The TimestampOffset filter: the value minus the record's timestamp, which for the host's own
    // reading is the clock's base.
    if (C === clock) clock.writeBase(dv, p, id);
    else {
      dv.setUint32(p, m.view.getUint32(at, true), true);
      dv.setUint32(p + 4, m.view.getUint32(at + 4, true), true);
      offsetTimestamp(b, p, ts, false);
    }
    S.end(p + 8, ts);
    return 0;
  };
}
