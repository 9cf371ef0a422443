/**
 * The replayer: import functions built from the same syscall table as the recorder. Each call is
 * checked against the next record (function, params, input bytes); then the recorded outputs are
 * written into guest memory and the recorded result returned. Nothing of the host is used.
 *
 * Each function has two paths. The fast one is generated from the table row as straight-line code,
 * like the recorder's, but ahead of time (src/core/replay-source.ts writes src/core/replay-paths.ts):
 * it reads the record in place and, when everything matches, applies it. Anything else (a new batch, a trap, a divergence, damage, tracing) goes down the
 * general path, which decodes the record and reports exactly what differs.
 */
import { ProcExit } from './outcome.js';
import { SYSCALLS, type Syscall, type SyscallName } from '../wasi/syscalls.js';
import { EXIT, isTcError, TcError } from '../errors.js';
import { ByteReader, ByteWriter, decodeRecord, normalizeParam, RESULT_TRAP, type LogRecord } from './codec.js';
import { compileApply, compileInput, fillArgs, type Args } from './capture.js';
import { sameBytes } from './check.js';
import { coreParams, splitI64 } from './split.js';
import { FAST, FAST_SPLIT } from './replay-paths.js';
import type { RecordCursor } from './cursor.js';
import type { ImportFn, MemoryViews } from './memory.js';
import { formatCall, formatRecord } from './trace.js';
import { FD_TABLE_CALLS, FdStreams, NO_STREAM } from './streams.js';
import { blobStream, FIRST_IS_FD, scrubbed, type SecretMarks, type SecretScrubber } from './secrets.js';

/** What kind of divergence stopped a replay. */
export type DivergenceKind = 'unexpected syscall' | 'unexpected param' | 'unexpected bytes' | 'end of log' | 'unconsumed records';

/** The guest did something the log does not have. Names the record offset and both calls. */
export class ReplayDivergence extends TcError {
  constructor(
    readonly kind: DivergenceKind,
    /** Record offset where replay stopped. */
    readonly offset: number,
    /** Trace line of the recorded call, when there is one. */
    readonly expected: string | null,
    /** Trace line of the call the guest made, when there is one. */
    readonly actual: string | null,
    readonly detail: string,
    /**
     * The secrets this replay was not given whose placeholders the guest had received or passed
     * before this call, each with the last record that held one, latest first: the guest's path
     * may depend on their values.
     */
    readonly secretsUsed: readonly { readonly name: string; readonly record: number }[] = [],
  ) {
    super(`replay diverged at record ${offset}: ${kind}${detail ? ` ${detail}` : ''}${afterSecrets(secretsUsed)}`, EXIT.DIVERGED);
  }

  /** The same divergence, following uses of secrets this replay was not given (see {@link secretsUsed}). */
  after(secretsUsed: readonly { readonly name: string; readonly record: number }[]): ReplayDivergence {
    return new ReplayDivergence(this.kind, this.offset, this.expected, this.actual, this.detail, secretsUsed);
  }

  /** The multi-line report printed on stderr. */
  report(): string {
    const lines = [`tc: ${this.message}`];
    if (this.expected !== null) lines.push(`  expected: ${this.expected}`);
    if (this.actual !== null) lines.push(`  actual:   ${this.actual}`);
    return `${lines.join('\n')}\n`;
  }
}

/** `; the call follows a use of ‹secret NAME› (record N), replayed without its value`, or nothing. */
function afterSecrets(used: readonly { readonly name: string; readonly record: number }[]): string {
  if (used.length === 0) return '';
  const list = used.map((u) => `‹secret ${u.name}› (record ${u.record})`);
  const names = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return `; the call follows ${used.length === 1 ? 'a use' : 'uses'} of ${names}, replayed without ${used.length === 1 ? 'its value' : 'their values'}`;
}

/** The log ends before the guest does, because the recording never finished. */
export class LogEndedError extends TcError {
  constructor(readonly offset: number) {
    super(`log ends at record ${offset}: the recording did not finish`, EXIT.LOG_ENDED);
  }
}

/** A host error recorded as a trap during a call, thrown again on replay. */
export class ReplayedTrap extends Error {}

export interface ReplayOptions {
  /** Whether the recording finished (exited or trapped): decides "end of log" vs "did not finish". */
  readonly finished: boolean;
  /**
   * Called for each successful fd_write that reached the host's stdout (1) or stderr (2), whatever the
   * guest fd's number (see {@link FdStreams}), with the bytes written.
   */
  readonly onOutput?: (stream: 1 | 2, bytes: Uint8Array) => void;
  /** The guest fd table to follow (default: a new one, stdio on 0, 1, 2). */
  readonly streams?: FdStreams;
  /** Called after each replayed record (for --trace). */
  readonly onRecord?: (record: LogRecord) => void;
  /** Give functions that take an i64 an adapter where one helps (see src/core/split.ts). Default true. */
  readonly adapt?: boolean;
  /**
   * Called before each call is replayed, in the import function (the guest's WebAssembly frames are
   * below it on the stack: a debugger paused here sees them), with the offset of the record the call
   * will replay, the function and its arguments as the guest passed them. It may throw
   * {@link ReplayPaused} to stop the replay there. Every call then takes the general path.
   */
  readonly beforeCall?: (offset: number, name: SyscallName, args: readonly (number | bigint)[]) => void;
  /**
   * Secrets the replay was given (src/core/secrets.ts): `restore` puts their values where the log
   * has their placeholders, in what the replay writes into guest memory; `hide` puts placeholders
   * where the guest passes their values, before comparing with the log. Every call then takes the
   * general path.
   */
  readonly secrets?: { readonly hide: SecretScrubber; readonly restore: SecretScrubber };
  /** The recording's secrets, to show `‹secret NAME›` in divergence reports instead of their placeholders. */
  readonly marks?: SecretMarks;
}

/**
 * Thrown by a {@link ReplayOptions.beforeCall} hook to stop a replay just before record `offset`'s
 * call; the guest's memory stays as it is at that moment (see `until` in src/core/replay.ts).
 */
export class ReplayPaused extends Error {
  constructor(
    readonly offset: number,
    /** The function about to be called. */
    readonly fn: SyscallName,
    readonly args: readonly (number | bigint)[],
  ) {
    super(`paused before record ${offset} (${fn})`);
  }
}

/** The functions whose fast path takes its i64 params in halves, through an adapter: the one called most. */
const SPLIT = new Set<string>(Object.keys(FAST_SPLIT));

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sameBytes(a, 0, b, 0, a.length);
}

/**
 * What a replayed call throws: what ends the guest as recorded (ProcExit, a ReplayedTrap) and tc's
 * own errors (a divergence, damage) as they are; anything else is a failure of replay itself, not of
 * the guest, and must not pass for a trap of it: a TcError naming the record.
 */
function failure(e: unknown, offset: number): unknown {
  if (e instanceof ProcExit || e instanceof ReplayedTrap || e instanceof ReplayPaused || isTcError(e)) return e;
  return new TcError(`replay failed at record ${offset}: ${(e as Error)?.message ?? String(e)}`);
}

/** Build the replay imports over `cursor`. */
export function replayImports(cursor: RecordCursor, memory: MemoryViews, options: ReplayOptions) {
  const scratch = new ByteWriter(1 << 12);
  const paramBytes = new ByteWriter(16);
  const out = {} as Record<SyscallName, ImportFn>;
  const { onOutput, onRecord, beforeCall, secrets, marks } = options;
  const hide = secrets?.hide;
  const restore = secrets?.restore;
  const streams = options.streams ?? new FdStreams();

  /** The call the guest made, as a trace line (with the secrets it was given hidden again). */
  const actualCall = (sc: Syscall, a: Args): string => {
    const params = sc.params.map((p, i) => normalizeParam(p.type, a[i]!));
    scratch.pos = 0;
    const m = memory.current();
    const blobs = sc.inputs.map((inp, i) => {
      scratch.pos = 0;
      compileInput(sc, inp)(scratch, m, a);
      const b = new ByteReader(scratch.buf.slice(0, scratch.pos)).blob();
      if (hide !== undefined && scrubbed(sc, 'input', i)) hide.blob(b, FIRST_IS_FD[sc.id] ? blobStream(sc, 'input', i, Number(a[0]) >>> 0) : -1, false);
      return b;
    });
    return formatCall(sc, params, blobs, marks);
  };

  const expectedAt = (start: number): string => {
    const r = new ByteReader(cursorBuf());
    r.pos = start;
    try {
      return formatRecord(decodeRecord(r, cursor.offset, cursor.previousTimestamp), NO_STREAM, marks);
    } catch {
      return '(undecodable record)';
    }
  };
  let current: ByteReader | null = null;
  const cursorBuf = () => current!.buf;

  for (const sc of SYSCALLS) {
    const id = sc.id;
    const params = sc.params;
    const n = params.length;
    const inputs = sc.inputs.map((i) => compileInput(sc, i));
    const applies = sc.outputs.map((o) => compileApply(sc, o));
    const isWrite = sc.name === 'fd_write';
    const isExit = sc.name === 'proc_exit';
    const changesTable = FD_TABLE_CALLS.has(id);
    // Which blobs a secret may be in (src/core/secrets.ts), and whether the fd is the first param.
    const hideInput = sc.inputs.map((_, i) => hide !== undefined && scrubbed(sc, 'input', i));
    const restoreOutput = sc.outputs.map((_, i) => restore !== undefined && scrubbed(sc, 'output', i));
    const firstIsFd = FIRST_IS_FD[id]!;
    // One reused argument array per function (host calls do not nest): no allocation per call.
    const args: (number | bigint)[] = new Array(n).fill(0);
    const general = function replayed(a0?: number | bigint, a1?: number | bigint, a2?: number | bigint, a3?: number | bigint, a4?: number | bigint, a5?: number | bigint, a6?: number | bigint, a7?: number | bigint, a8?: number | bigint): number | void {
      fillArgs(args, n, a0, a1, a2, a3, a4, a5, a6, a7, a8);
      // The record this call replays (the cursor moves to it inside).
      const at = cursor.offset + 1;
      try {
        beforeCall?.(at, sc.name, args);
        return replayCall(args);
      } catch (e) {
        throw failure(cursor.damaged(e), at);
      }
    };
    const replayCall = (a: (number | bigint)[]): number | void => {
      const r = cursor.next();
      if (r === null) {
        // A finished recording whose log is cut short is damaged; an unfinished one just ends there.
        if (options.finished && cursor.truncated) throw cursor.truncated;
        if (!options.finished) throw new LogEndedError(cursor.offset + 1);
        throw new ReplayDivergence('end of log', cursor.offset + 1, null, actualCall(sc, a), `(the guest called ${sc.name} after the last record)`);
      }
      current = r;
      const start = r.pos;
      const got = r.u8();
      if (got !== id) {
        throw new ReplayDivergence('unexpected syscall', cursor.offset, expectedAt(start), actualCall(sc, a), `(expected ${SYSCALLS[got]?.name ?? `function ${got}`}, got ${sc.name})`);
      }
      r.varint();
      // Params are compared as encoded: the call's values go through the recorder's encoder.
      for (let i = 0; i < n; i++) {
        const p = params[i]!;
        paramBytes.pos = 0;
        paramBytes.param(p.type, a[i]!);
        const buf = r.buf;
        const at = r.pos;
        for (let k = 0; k < paramBytes.pos; k++) {
          if (buf[at + k] !== paramBytes.buf[k]) {
            throw new ReplayDivergence('unexpected param', cursor.offset, expectedAt(start), actualCall(sc, a), p.name);
          }
        }
        r.pos = at + paramBytes.pos;
      }
      const m = memory.current();
      const fd = firstIsFd ? Number(a[0]) >>> 0 : -1;
      let written: Uint8Array | null = null;
      for (let i = 0; i < inputs.length; i++) {
        const want = r.blob();
        scratch.pos = 0;
        inputs[i]!(scratch, m, a as Args);
        const rs = new ByteReader(scratch.buf.subarray(0, scratch.pos));
        const got = rs.blob();
        let raw: Uint8Array | null = null;
        if (hideInput[i]) {
          // The guest passes the secret's value: the log has its placeholder.
          raw = got.slice();
          hide!.blob(got, fd < 0 ? -1 : blobStream(sc, 'input', i, fd));
        }
        if (!equalBytes(want, got)) {
          throw new ReplayDivergence('unexpected bytes', cursor.offset, expectedAt(start), actualCall(sc, a), sc.inputs[i]!.name);
        }
        written = raw ?? want;
      }
      const result = r.varint();
      let trap = result === RESULT_TRAP ? new TextDecoder().decode(r.blob()) : null;
      if (trap !== null && restore !== undefined) trap = restore.text(trap);
      let first: Uint8Array | null = null;
      for (let i = 0; i < applies.length; i++) {
        let b = r.blob();
        if (i === 0) first = b;
        if (restoreOutput[i]) {
          // The log has the placeholder: the guest gets the value, as it did when recorded.
          b = b.slice();
          restore!.blob(b, fd < 0 ? -1 : blobStream(sc, 'output', i, fd));
        }
        applies[i]!(b, m, a as Args);
      }
      if (onRecord !== undefined) {
        const d = new ByteReader(r.buf);
        d.pos = start;
        onRecord(decodeRecord(d, cursor.offset, cursor.previousTimestamp));
      }
      if (result === 0 && changesTable) streams.follow({ syscall: sc, params: a, result, outputs: first === null ? [] : [first] });
      if (isWrite && result === 0 && onOutput !== undefined && written !== null) {
        const s = streams.stream((a[0] as number) >>> 0);
        if (s === 1 || s === 2) onOutput(s, written.subarray(0, m.view.getUint32(a[3] as number, true)));
      }
      if (trap !== null) throw new ReplayedTrap(trap);
      if (isExit) throw new ProcExit(a[0] as number);
      return result;
    };
    // Traced and hooked replays take the general path, which decodes every record anyway; so do
    // replays given secrets, which change what they compare and apply.
    if (onRecord !== undefined || beforeCall !== undefined || secrets !== undefined) {
      out[sc.name] = general;
      continue;
    }
    // The fast path is made when instantiation first looks the function up.
    let fast: ImportFn | undefined;
    Object.defineProperty(out, sc.name, {
      enumerable: true,
      get: () => {
        if (fast === undefined) {
          const split = SPLIT.has(sc.name) && options.adapt !== false;
          const make = split ? FAST_SPLIT[sc.name as keyof typeof FAST_SPLIT] : FAST[sc.name];
          fast = make(cursor, memory, general, onOutput, streams, ProcExit, RESULT_TRAP) as ImportFn;
          if (split) fast = splitI64(coreParams(sc), fast as unknown as (...a: number[]) => number, sc.returnsErrno) as unknown as ImportFn;
        }
        return fast;
      },
    });
  }
  return out;
}

