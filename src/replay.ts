/**
 * `tc replay`: re-execute a recorded process from the registry against its log, with no host at all:
 * the registry's module and segment files handed to the portable core (src/core/replay.ts), with zlib.
 */
import { useNativeEqual } from './core/check.js';
import { decodeRecord, type LogRecord } from './core/codec.js';
import { breakBeforeCall, tcStart } from './core/debug.js';
import { loadModule } from './core/module.js';
import type { TrapInfo } from './core/outcome.js';
import { replayLog } from './core/replay.js';
import type { ReplayOptions } from './core/replayer.js';
import { FdStreams } from './core/streams.js';
import { formatRecord } from './core/trace.js';
import { EXIT, TcError, UsageError } from './errors.js';
import { logStats } from './registry/inspect.js';
import { SecretMarks } from './core/secrets.js';
import { secretMatches } from './registry/secrets.js';
import { Registry, registryDir, type Manifest } from './registry/registry.js';
import { fileSource, logCursor, segmentFiles } from './log/files.js';
import { SYSCALL, type SyscallName } from './wasi/syscalls.js';
import { ZLIB } from './log/zlib.js';
import { VERSION } from './version.js';

// Long runs of bytes are compared natively (see useNativeEqual).
useNativeEqual((a, b) => Buffer.compare(a, b) === 0);

export interface ReplayProcessOptions {
  /** Process id or unique prefix. */
  readonly id: string;
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc). */
  readonly registry?: string;
  readonly onOutput?: ReplayOptions['onOutput'];
  readonly onRecord?: (record: LogRecord) => void;
  /** A warning line (the recording was made by another tc, Node or V8 version). */
  readonly onWarning?: (message: string) => void;
  /**
   * Pause a debugger attached to this process just before record `breakAt`'s call, in the host import,
   * with the guest's WebAssembly frames below (src/core/debug.ts: a `debugger` statement, which does
   * nothing without a debugger). Throws UsageError when the log has no such record.
   */
  readonly breakAt?: number;
  /**
   * Pause a debugger before every call of these functions (`fd_write`, `proc_exit`). Throws
   * UsageError for a name that is not WASI's.
   */
  readonly breakOn?: readonly string[];
  /** Pause a debugger just before the guest's `_start`, once its module is loaded. */
  readonly breakAtStart?: boolean;
  /**
   * Values of the recording's secrets, by name (`openRegistry().describeProcess(id).secrets` lists
   * them): each is checked against its recorded hash (a wrong one throws TcError, an unknown name
   * UsageError), then the replay goes exactly as the recording did. Without a secret's value, the
   * guest gets its placeholder: a program that only passes it along replays to the end; a
   * divergence names the secrets used before it (ReplayDivergence's `secretsUsed`).
   */
  readonly secrets?: Readonly<Record<string, string | Uint8Array>>;
}

/** How a replay ended: as the recording did. */
export interface ReplayResult {
  readonly id: string;
  readonly exitCode: number;
  readonly trap?: TrapInfo;
  /** Records replayed. */
  readonly records: number;
}

/** Differences between the recording's runtime and this one, as warning lines. */
export function runtimeWarnings(m: Manifest): string[] {
  const now = { tc: VERSION, node: process.versions.node, v8: process.versions.v8 };
  const rec = m.runtime ?? { tc: '?', node: '?', v8: '?' };
  const diffs = (['tc', 'node', 'v8'] as const).filter((k) => rec[k] !== now[k]).map((k) => `${k} ${rec[k]} (now ${now[k]})`);
  return diffs.length ? [`recorded with ${diffs.join(', ')}; replaying anyway`] : [];
}

/**
 * Check what a replay of process `options.id` is asked without replaying it: the process is there,
 * `breakAt` is a record of its log, `breakOn` names functions of WASI. Returns its full id. Throws
 * UnknownIdError, UsageError.
 */
export function checkReplay(options: Pick<ReplayProcessOptions, 'id' | 'registry' | 'breakAt' | 'breakOn'>): string {
  const registry = new Registry(registryDir(options.registry));
  const id = registry.resolveProcess(options.id);
  checkBreaks(options, registry, id, registry.readManifest(id));
  return id;
}

/** Check the breaks asked of a replay of process `id` (see {@link checkReplay}). Throws UsageError. */
function checkBreaks(options: Pick<ReplayProcessOptions, 'breakAt' | 'breakOn'>, registry: Registry, id: string, manifest: Manifest): void {
  for (const f of options.breakOn ?? []) if (!Object.hasOwn(SYSCALL, f)) throw new UsageError(`--break-on ${f}: not a wasi_snapshot_preview1 function`);
  const at = options.breakAt;
  if (at === undefined) return;
  if (!Number.isSafeInteger(at) || at < 0) throw new UsageError(`--break-at ${at}: expected a record offset (0 or more)`);
  const records = manifest.records ?? logStats(registry.logDir(id)).records;
  if (at >= records) throw new UsageError(`--break-at ${at}: process ${id} has ${records} record${records === 1 ? '' : 's'} (0 to ${records - 1})`);
}

/**
 * The trace line of the record at an offset of the log in `logDir`, read as it is asked for (the
 * offsets asked must not go back): what a pause shows of the call about to be replayed.
 */
function recordedLines(logDir: string, marks: SecretMarks): (offset: number) => string {
  const cursor = logCursor(logDir);
  const streams = new FdStreams();
  let line = '';
  return (offset) => {
    while (cursor.offset < offset) {
      const r = cursor.next();
      if (r === null) return '(not in the log)';
      const rec = decodeRecord(r, cursor.offset, cursor.previousTimestamp);
      line = formatRecord(rec, streams.follow(rec), marks);
    }
    return line;
  };
}

/**
 * Replay process `id`. Resolves with the recorded exit code (or the reproduced trap).
 * Throws {@link ReplayDivergence} (exit 252) when the guest leaves the log, {@link LogEndedError}
 * (exit 253) when a recording that did not finish runs out of records, LogCorruptError on damage,
 * TcError for an unknown id or a missing module, and UsageError for a break that is not in the log.
 */
export async function replayProcess(options: ReplayProcessOptions): Promise<ReplayResult> {
  const registry = new Registry(registryDir(options.registry));
  const id = registry.resolveProcess(options.id);
  const manifest = registry.readManifest(id);
  checkBreaks(options, registry, id, manifest);
  for (const w of runtimeWarnings(manifest)) options.onWarning?.(w);
  const bytes = registry.getModule(manifest.module.digest);
  // The size is checked here; the full digest (a sha256 of the whole module, ~60 ms for flite's 21 MB)
  // is checked by tc verify and tc import.
  if (bytes.length !== manifest.module.size) throw new TcError(`module ${manifest.module.digest}: stored ${bytes.length} bytes, the manifest says ${manifest.module.size}`, EXIT.CORRUPT);
  const values = checkSecrets(id, manifest, options.secrets ?? {});
  const { module, unknownImports } = await loadModule(bytes, manifest.module.name);
  const sources = segmentFiles(registry.logDir(id)).map((f) => fileSource(f.path));
  try {
    const finished = manifest.status === 'exited' || manifest.status === 'trapped';
    const secrets = manifest.secrets === undefined ? undefined : { infos: manifest.secrets, values };
    let recorded: ((offset: number) => string) | undefined;
    const beforeCall = breakBeforeCall({ at: options.breakAt, on: options.breakOn as readonly SyscallName[] | undefined, recorded: (offset) => (recorded ??= recordedLines(registry.logDir(id), new SecretMarks(manifest.secrets ?? [])))(offset) });
    const beforeStart = options.breakAtStart ? () => tcStart(`process ${id}, module ${manifest.module.name} (${manifest.module.digest})`) : undefined;
    const outcome = replayLog(module, { segments: sources, finished, codec: ZLIB, onOutput: options.onOutput, onRecord: options.onRecord, unknownImports, beforeCall, beforeStart, secrets });
    return { id, ...outcome };
  } finally {
    for (const s of sources) s.close();
  }
}

const encoder = new TextEncoder();

/**
 * The values given for process `id`'s secrets, by name, once each is known to be the recorded one.
 * Throws UsageError for a name the recording has no secret of, TcError for a value that is not the
 * recorded one (its length or its salted hash differs).
 */
export function checkSecrets(id: string, manifest: Manifest, given: Readonly<Record<string, string | Uint8Array>>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const known = manifest.secrets ?? [];
  for (const [name, v] of Object.entries(given)) {
    const info = known.find((s) => s.name === name);
    if (info === undefined) {
      const list = known.length === 0 ? 'it has none' : `its secrets: ${known.map((s) => s.name).join(', ')}`;
      throw new UsageError(`secret ${name}: process ${id} has no such secret (${list})`);
    }
    const value = typeof v === 'string' ? encoder.encode(v) : v;
    if (!secretMatches(info, value)) throw new TcError(`secret ${name}: the value given is not the one recorded (${value.length === info.length ? 'its hash differs' : `${value.length} bytes, the recorded one has ${info.length}`})`);
    out.set(name, value);
  }
  return out;
}
