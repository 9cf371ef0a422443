/**
 * Re-executing a recording: a module and its log are all replay needs. Portable: the segments are
 * bytes (or any {@link SegmentSource}), and nothing of a host is used.
 */
import { EXIT, isTcError } from '../errors.js';
import { WASI_MODULE } from '../wasi/syscalls.js';
import { decodeRecord, type LogRecord } from './codec.js';
import { RecordCursor, segmentBatches } from './cursor.js';
import { MemoryViews } from './memory.js';
import { trappingImports } from './module.js';
import { exitOutcome, ProcExit, wasmFrames, type TrapInfo } from './outcome.js';
import { ReplayDivergence, replayImports, ReplayedTrap, ReplayPaused, type ReplayOptions } from './replayer.js';
import type { SyscallName } from '../wasi/syscalls.js';
import type { Codec, SegmentSource } from './segment.js';
import { instantiateWasi } from './split.js';
import { placeholderBytes, SecretMarks, SecretScrubber, secretUses, type SecretInfo, type SecretValue } from './secrets.js';

export interface ReplayLogOptions {
  /** The log's segments, in order: their bytes, or sources of them. */
  readonly segments: readonly (Uint8Array | SegmentSource)[];
  /**
   * Whether the recording finished (exited or trapped, as its manifest says): a finished log that
   * runs out is a divergence or damage, an unfinished one just ends (LogEndedError).
   */
  readonly finished: boolean;
  /** Checksum and inflate: the portable codec (src/core/portable-codec.ts; the default of `tc-wasm/core`), or Node's zlib. */
  readonly codec: Codec;
  /** Each successful write that reached the host's stdout (1) or stderr (2), with its bytes. */
  readonly onOutput?: ReplayOptions['onOutput'];
  /** Each record once replayed (the general path then replays every call: slower). */
  readonly onRecord?: (record: LogRecord) => void;
  /** Functions the module imports besides WASI's (`WebAssembly.Module.imports`): stubbed to trap, as recorded. */
  readonly unknownImports?: readonly WebAssembly.ModuleImportDescriptor[];
  /** Before each call, with the record it will replay (see ReplayOptions.beforeCall in src/core/replayer.ts). */
  readonly beforeCall?: ReplayOptions['beforeCall'];
  /** Stop just before record `until`'s call: the outcome is then `paused`, with the guest's memory as it is. */
  readonly until?: number;
  /**
   * Called once the guest is instantiated, just before its `_start` is called (a debugger paused here
   * can step into the guest from its first instruction). What it throws, the replay throws.
   */
  readonly beforeStart?: () => void;
  /**
   * The recording's secrets (its manifest's `secrets`), and the values of those this replay is given,
   * by name (checked by the caller against their hashes). With values, the replay swaps them for
   * their placeholders where the guest reads and writes them, and goes exactly as the recording did.
   * Without, the guest gets the placeholders; a divergence then names the secrets it had used
   * (ReplayDivergence's `secretsUsed`).
   */
  readonly secrets?: { readonly infos: readonly SecretInfo[]; readonly values?: ReadonlyMap<string, Uint8Array> };
}

/** How a replay ended: as the recording did, or paused before a record. */
export interface ReplayOutcome {
  /** The recorded exit code; {@link EXIT.TRAP} when the guest trapped; -1 when paused. */
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records replayed. */
  readonly records: number;
  /** Set when the replay stopped before a record (`until`, or a beforeCall hook): the call about to be made. */
  readonly paused?: { readonly offset: number; readonly fn: SyscallName; readonly args: readonly (number | bigint)[] };
  /** The guest's linear memory, as the replay left it. */
  readonly memory: WebAssembly.Memory;
}

/**
 * Replay `module` (compiled) against its log. Returns how the guest ended, which is how the recording
 * ended. Throws {@link ReplayDivergence} when the guest does something the log does not have (or ends
 * with records left), LogEndedError when an unfinished recording runs out, LogCorruptError on damage.
 */
export function replayLog(module: WebAssembly.Module, options: ReplayLogOptions): ReplayOutcome {
  // Records are used during the call that reads them, except by an onRecord observer, which may keep them.
  const batches = segmentBatches(options.segments, { keepTimestampOffset: true, reuseBuffer: options.onRecord === undefined }, options.codec);
  const cursor = new RecordCursor(batches, { keepTimestampOffset: true });
  const memory = new MemoryViews();
  const { finished, until } = options;
  const hook = options.beforeCall;
  const beforeCall: ReplayOptions['beforeCall'] =
    until === undefined ? hook : (offset, name, args) => {
      hook?.(offset, name, args);
      if (offset >= until) throw new ReplayPaused(offset, name, [...args]);
    };
  const stubs = trappingImports(options.unknownImports ?? []);
  const infos = options.secrets?.infos ?? [];
  const given: SecretValue[] = [];
  for (const info of infos) {
    const value = options.secrets?.values?.get(info.name);
    if (value !== undefined) given.push({ name: info.name, value, placeholder: placeholderBytes(info.placeholder) });
  }
  const secrets = given.length === 0 ? undefined : { hide: new SecretScrubber(given, 'hide'), restore: new SecretScrubber(given, 'restore') };
  const marks = infos.length === 0 ? undefined : new SecretMarks(infos);
  const instance = instantiateWasi(module, (adapt) => ({
    ...stubs,
    [WASI_MODULE]: replayImports(cursor, memory, { finished, onOutput: options.onOutput, onRecord: options.onRecord, beforeCall, adapt, secrets, marks }) as unknown as WebAssembly.ModuleImports,
  }));
  const guestMemory = instance.exports.memory as WebAssembly.Memory;
  memory.bind(guestMemory);
  let exitCode = 0;
  let trap: TrapInfo | undefined;
  options.beforeStart?.();
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (e instanceof ProcExit) ({ exitCode, trap } = exitOutcome(e.code, e));
    else if (e instanceof ReplayPaused) return { exitCode: -1, records: e.offset, paused: { offset: e.offset, fn: e.fn, args: e.args }, memory: guestMemory };
    else if (e instanceof ReplayDivergence) throw withSecretsUsed(e, options, infos.filter((i) => !given.some((g) => g.name === i.name)));
    else if (isTcError(e)) throw e;
    else {
      trap = { message: e instanceof ReplayedTrap ? e.message : ((e as Error)?.message ?? String(e)), frames: wasmFrames(e) };
      exitCode = EXIT.TRAP;
    }
  }
  const records = cursor.offset + 1;
  if (finished && cursor.next() !== null) {
    const e = new ReplayDivergence('unconsumed records', cursor.offset, null, null, `(the guest ended but the log goes on)`);
    throw withSecretsUsed(e, options, infos.filter((i) => !given.some((g) => g.name === i.name)));
  }
  return { exitCode, ...(trap ? { trap } : {}), records, memory: guestMemory };
}

/**
 * `e`, naming the secrets among `missing` (the recording's, less those the replay was given) whose
 * placeholders the records before the divergence held: read again from the log, from its start.
 */
function withSecretsUsed(e: ReplayDivergence, options: ReplayLogOptions, missing: readonly SecretInfo[]): ReplayDivergence {
  if (missing.length === 0 || e.offset === 0) return e;
  function* before(): Generator<LogRecord> {
    const cursor = new RecordCursor(segmentBatches(options.segments, {}, options.codec));
    for (let r = cursor.next(); r !== null && cursor.offset < e.offset; r = cursor.next()) yield decodeRecord(r, cursor.offset, cursor.previousTimestamp);
  }
  try {
    const used = secretUses(before(), new SecretMarks(missing));
    return used.length === 0 ? e : e.after(used);
  } catch {
    // The log cannot be read again up to there: the report stays as it is.
    return e;
  }
}
