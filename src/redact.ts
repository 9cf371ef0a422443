/**
 * `tc redact`: a recording made without `--secret` flags, with secrets taken out afterwards. Writes a
 * new process (a new id) whose log, manifest and arguments hold placeholders where the secrets were
 * (src/core/secrets.ts, the same scrubbing as `tc run --secret-*`), leaves the original as it is,
 * then replays the new process without the secrets and keeps what it found in its manifest
 * (`redaction`: it replays to the end, or diverges at a record). The notes come along, their text
 * scrubbed as the manifest's.
 */
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { concatBytes } from './core/concat.js';
import { decodeRecord, RecordScanner, timestampOffset, type LogRecord } from './core/codec.js';
import { loadModule } from './core/module.js';
import { replayLog } from './core/replay.js';
import { LogEndedError, ReplayDivergence } from './core/replayer.js';
import { SecretScrubber, type SecretInfo } from './core/secrets.js';
import { segmentBatches, RecordCursor } from './core/cursor.js';
import { LogTruncatedError } from './core/segment.js';
import { TcError, UsageError } from './errors.js';
import { fileSource, segmentFiles } from './log/files.js';
import { ZLIB } from './log/zlib.js';
import { ANNOTATIONS_ENTRY, annotationsFile, readAnnotations } from './registry/annotations.js';
import { isLive } from './registry/inspect.js';
import { Registry, registryDir, RegistryError, type Manifest, type Redaction } from './registry/registry.js';
import { makeSecrets, type NewSecret } from './registry/secrets.js';
import { tempPath } from './registry/store.js';
import { DEFAULT_LIMITS, LogWriter } from './timemachine/log.js';
import { SYSCALL } from './wasi/syscalls.js';

export interface RedactOptions {
  /** The process to redact: its id or a unique prefix. */
  readonly id: string;
  readonly registry?: string;
  /** Names of environment variables of the recording whose values are secrets. */
  readonly env?: readonly string[];
  /** Secrets given as they are. */
  readonly values?: readonly string[];
  /** Guest paths of files the recorded program read, whose contents (without final line ends) are secrets. */
  readonly files?: readonly string[];
}

export interface RedactResult {
  /** The new process. */
  readonly id: string;
  /** The process it was made from (left as it was). */
  readonly from: string;
  /** Every secret the new process keeps out: those the original had, then those added. */
  readonly secrets: readonly string[];
  /** Occurrences replaced in the log (whole ones, and the parts of split ones). */
  readonly replaced: number;
  readonly records: number;
  /** What the replay without the secrets found (also in the new process's manifest). */
  readonly redaction: Redaction;
}

const encoder = new TextEncoder();

/** `path` with `.`, `..` and repeated slashes resolved, as text (`/a/./b/../c` is `/a/c`). */
export function normalizeGuestPath(path: string): string {
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return `${path.startsWith('/') ? '/' : ''}${out.join('/')}`;
}

const u32 = (b: Uint8Array | undefined): number => (b !== undefined && b.length >= 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : -1);
const text = new TextDecoder();

/**
 * What the recorded program read from the file at guest path `path`: the data of the reads of the
 * first fd it opened there, until that fd was closed, from the log alone (preopens by their
 * `fd_prestat_dir_name`, or the manifest's dirs from fd 3, then every `path_open`, `fd_renumber` and
 * `fd_close`). Null when it never read it.
 */
export function fileReadIn(records: Iterable<LogRecord>, dirs: readonly { readonly guest: string }[], path: string): Uint8Array | null {
  const want = normalizeGuestPath(path);
  const paths = new Map<number, string>(dirs.map((d, i) => [3 + i, normalizeGuestPath(d.guest)]));
  const chunks: Uint8Array[] = [];
  let reading = -1;
  for (const rec of records) {
    if (rec.result !== 0) continue;
    const fd = Number(rec.params[0]);
    switch (rec.syscall) {
      case SYSCALL.fd_prestat_dir_name:
        paths.set(fd, normalizeGuestPath(text.decode(rec.outputs[0])));
        break;
      case SYSCALL.path_open: {
        const base = paths.get(fd);
        const opened = u32(rec.outputs[0]);
        if (base === undefined || opened < 0) break;
        const full = normalizeGuestPath(`${base}/${text.decode(rec.inputs[0])}`);
        paths.set(opened, full);
        if (full === want && reading < 0 && chunks.length === 0) reading = opened;
        break;
      }
      case SYSCALL.fd_renumber: {
        const to = Number(rec.params[1]);
        const p = paths.get(fd);
        if (p === undefined) paths.delete(to);
        else paths.set(to, p);
        paths.delete(fd);
        if (reading === fd) reading = to;
        break;
      }
      case SYSCALL.fd_close:
        paths.delete(fd);
        if (reading === fd) return chunks.length === 0 ? null : concatBytes(chunks);
        break;
      case SYSCALL.fd_read:
      case SYSCALL.fd_pread:
        if (fd === reading) chunks.push(rec.outputs[0]!.slice());
        break;
    }
  }
  return chunks.length === 0 ? null : concatBytes(chunks);
}

/** The records of the log in `logDir`, decoded, up to where it ends (a recording that was killed ends inside a batch). */
function* records(logDir: string): Generator<LogRecord> {
  const sources = segmentFiles(logDir).map((f) => fileSource(f.path));
  try {
    const cursor = new RecordCursor(segmentBatches(sources, {}, ZLIB));
    for (let r = cursor.next(); r !== null; r = cursor.next()) {
      try {
        yield decodeRecord(r, cursor.offset, cursor.previousTimestamp);
      } catch (e) {
        throw cursor.damaged(e);
      }
    }
  } finally {
    for (const s of sources) s.close();
  }
}

/**
 * Redact process `options.id` (see the module's comment). Throws UnknownIdError; UsageError when
 * nothing is given, a variable is not in the recording's environment, a file was never read, or a
 * value is shorter than 4 bytes; TcError for a process still being recorded; LogCorruptError for a
 * damaged log; AnnotationError for a damaged notes file. The original is never changed; the new
 * process appears whole or not at all.
 */
export async function redactProcess(options: RedactOptions): Promise<RedactResult> {
  const registry = new Registry(registryDir(options.registry));
  const from = registry.resolveProcess(options.id);
  const m = registry.readManifest(from);
  if (isLive(m)) throw new TcError(`process ${from} is still being recorded (pid ${m.pid})`);
  const existing: readonly SecretInfo[] = m.secrets ?? [];
  const placeholders = existing.map((s) => s.placeholder);

  const wanted: NewSecret[] = [];
  for (const name of options.env ?? []) {
    const entry = [...m.env].reverse().find((e) => e.slice(0, e.indexOf('=')) === name);
    if (entry === undefined) throw new UsageError(`--env ${name}: process ${from} has no environment variable ${name}`);
    const value = entry.slice(entry.indexOf('=') + 1);
    if (placeholders.some((p) => value.includes(p))) throw new UsageError(`--env ${name}: its value is kept out of process ${from} already`);
    wanted.push({ name, source: 'env', value: encoder.encode(value), flag: `--env ${name}` });
  }
  for (const path of options.files ?? []) {
    const read = fileReadIn(records(registry.logDir(from)), m.dirs, path);
    if (read === null) throw new UsageError(`--file ${path}: process ${from} never read that file`);
    let end = read.length;
    while (end > 0 && (read[end - 1] === 0x0a || read[end - 1] === 0x0d)) end--;
    wanted.push({ name: normalizeGuestPath(path), source: 'file', value: read.subarray(0, end), flag: `--file ${path}` });
  }
  let n = existing.filter((s) => s.source === 'value').length;
  for (const v of options.values ?? []) {
    while (existing.some((s) => s.name === `secret-${n + 1}`)) n++;
    wanted.push({ name: `secret-${++n}`, source: 'value', value: encoder.encode(v), flag: `--value (secret-${n})` });
  }
  if (wanted.length === 0) throw new UsageError('nothing to redact: give --env NAME, --value STRING or --file GUEST_PATH');
  const made = await makeSecrets(wanted, existing);
  const hide = new SecretScrubber(made.values, 'hide');
  const manifestHide = new SecretScrubber(made.values, 'hide');
  const clean = (s: string) => manifestHide.text(s);

  const notes = readAnnotations(registry, from).map((a) => ({ ...a, text: clean(a.text) }));

  const id = randomUUID();
  const processes = registry.store.path('processes');
  const tmp = tempPath(join(processes, id));
  try {
    const logDir = join(tmp, 'log');
    const writer = new LogWriter(logDir, DEFAULT_LIMITS);
    const finished = m.status === 'exited' || m.status === 'trapped';
    try {
      // The records as the recorder encodes them (the TimestampOffset filter on), each scrubbed.
      const scanner = new RecordScanner();
      const sources = segmentFiles(registry.logDir(from)).map((f) => fileSource(f.path));
      try {
        for (const batch of segmentBatches(sources, {}, ZLIB)) {
          const r = batch.records;
          timestampOffset(r, batch.info.firstTimestamp, false);
          for (let p = 0; p < r.length; ) {
            const end = scanner.scan(r, p, r.length);
            hide.record(r.subarray(p, end));
            p = end;
          }
          writer.appendRecords(r, 0, r.length);
        }
      } catch (e) {
        // A recording that was killed ends inside a batch: the new one ends where it does.
        if (!(e instanceof LogTruncatedError) || finished) throw e;
      } finally {
        for (const s of sources) s.close();
      }
    } finally {
      writer.close();
    }
    const manifest: Manifest = {
      ...m,
      id,
      args: m.args.map(clean),
      env: m.env.map(clean),
      dirs: m.dirs.map((d) => ({ host: clean(d.host), guest: clean(d.guest) })),
      ...(m.trap === undefined ? {} : { trap: clean(m.trap) }),
      status: m.status === 'recording' ? 'incomplete' : m.status,
      records: writer.recordCount,
      segments: writer.segments.map((s) => ({ ...s })),
      secrets: made.infos,
    };
    delete manifest.redaction;
    const redaction = await check(registry, manifest, logDir, from);
    if (notes.length > 0) fs.writeFileSync(join(tmp, ANNOTATIONS_ENTRY), annotationsFile(notes), { mode: 0o600 });
    fs.writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ ...manifest, redaction }, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, join(processes, id));
    return { id, from, secrets: made.infos.map((s) => s.name), replaced: hide.replaced, records: writer.recordCount, redaction };
  } catch (e) {
    if (e instanceof TcError) throw e;
    throw new RegistryError(`registry ${registry.root}: ${(e as Error).message}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Replay the new process's log (in `logDir`) without its secrets: does it go to the end? */
async function check(registry: Registry, m: Manifest, logDir: string, from: string): Promise<Redaction> {
  const { module, unknownImports } = await loadModule(registry.getModule(m.module.digest), m.module.name);
  const without = m.secrets!.length === 1 ? 'without the secret' : 'without the secrets';
  const finished = m.status === 'exited' || m.status === 'trapped';
  const sources = segmentFiles(logDir).map((f) => fileSource(f.path));
  try {
    replayLog(module, { segments: sources, finished, codec: ZLIB, unknownImports, secrets: { infos: m.secrets! } });
    return { from, verdict: 'replays', message: `replays to the end ${without}` };
  } catch (e) {
    if (e instanceof LogEndedError) return { from, verdict: 'replays', message: `replays to where the recording ended ${without}` };
    if (!(e instanceof ReplayDivergence)) throw e;
    const what = e.message.replace(/^replay diverged at record \d+: /, '');
    return { from, verdict: 'diverges', record: e.offset, message: `diverges at record ${e.offset} ${without}: ${what}` };
  } finally {
    for (const s of sources) s.close();
  }
}
