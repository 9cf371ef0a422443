/**
 * `tc push`: processes of the local registry into a bucket, in the registry's layout
 * (src/remote/bucket.ts). For each process, in this order:
 *
 *   1. its module, unless the bucket has it (content-addressed: `modules/<sha256>`, then its metadata);
 *   2. its log segments, byte for byte (in parts when large);
 *   3. its manifest, last, written only if absent (If-None-Match: *): the commit point. Until it is
 *      there, readers of the bucket do not see the process.
 *
 * What goes up is checked first, as `tc pull` will check it: the module against its digest, every
 * batch's checksum. Pushing a recording the bucket holds already changes nothing; two pushes of the
 * same recording at once write the same bytes under the same keys, and the manifest once.
 */
import { statSync } from 'node:fs';
import { EXIT, TcError, UsageError } from '../errors.js';
import { segmentFiles } from '../log/files.js';
import { checkLogFiles } from '../registry/archive.js';
import { parseDuration } from '../registry/gc.js';
import { isLive, listProcesses, processSize } from '../registry/inspect.js';
import { RegistryError, sha256, type Manifest, type ModuleInfo, type Registry } from '../registry/registry.js';
import { annotationsFile, readAnnotations } from '../registry/annotations.js';
import { annotationsKey, manifestKey, manifestText, moduleKey, moduleMetaKey, segmentKey, type Bucket } from './bucket.js';
import { RemoteError } from './remotes.js';
import type { OnBytes, TransferProgress } from './s3.js';

/** Which processes to push: ids (unique prefixes), or every one (`all`), or those started within `since`. */
export interface PushSelection {
  readonly ids?: readonly string[];
  /** Every process of the registry that is not being recorded. */
  readonly all?: boolean;
  /** Only processes that started less than this long ago (`30m`, `2h`, `7d`); alone, it selects among all. */
  readonly since?: string;
  /** The current time (tests). */
  readonly now?: Date;
}

export interface PushOptions {
  /** Refuse (TooLargeError, nothing pushed) a process that takes more than this many bytes (manifest and log). */
  readonly maxSize?: number;
  readonly onProgress?: (p: TransferProgress) => void;
}

/** What `tc push` did with one process. Sizes in bytes. */
export interface PushedProcess {
  readonly id: string;
  /** False when the bucket held this recording already (nothing was written). */
  readonly pushed: boolean;
  readonly module: ModuleInfo;
  /** Whether the module went up too (false when the bucket had it). */
  readonly moduleUploaded: boolean;
  /** Bytes uploaded for it. */
  readonly bytes: number;
}

/** What `tc push` did: the processes pushed, and those `all`/`since` left out, with why. */
export interface PushResult {
  readonly processes: readonly PushedProcess[];
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/** A process is larger than `maxSize`: nothing was pushed. */
export class TooLargeError extends TcError {
  constructor(
    readonly id: string,
    readonly size: number,
    readonly maxSize: number,
  ) {
    super(`process ${id} takes ${size} bytes, more than the maximum of ${maxSize}; nothing was pushed`);
  }
}

/** A process being recorded right now cannot be pushed. */
export class StillRecordingError extends TcError {
  constructor(
    readonly id: string,
    readonly pid: number,
  ) {
    super(`process ${id} is still being recorded (pid ${pid}); push it once it has ended`);
  }
}

/** One process to push, as planned. */
interface Plan {
  readonly id: string;
  readonly manifest: Manifest;
  readonly text: string;
  /** The bucket holds this recording already. */
  readonly present: boolean;
  readonly segments: readonly { readonly index: number; readonly path: string; readonly size: number }[];
  /** Its module must go up (the first process of this push that uses it, when the bucket lacks it). */
  readonly module: boolean;
}

/** The processes `selection` names, and those `all`/`since` leave out. Throws UnknownIdError, UsageError, StillRecordingError. */
function select(registry: Registry, selection: PushSelection): { ids: string[]; skipped: { id: string; reason: string }[] } {
  const skipped: { id: string; reason: string }[] = [];
  if (selection.ids !== undefined && selection.ids.length > 0) {
    if (selection.all || selection.since !== undefined) throw new UsageError('give process ids, or --all / --since, not both');
    const ids = [...new Set(selection.ids.map((id) => registry.resolveProcess(id)))];
    for (const id of ids) {
      const m = registry.readManifest(id);
      if (isLive(m)) throw new StillRecordingError(id, m.pid);
    }
    return { ids, skipped };
  }
  if (!selection.all && selection.since === undefined) throw new UsageError('which processes? give their ids, or --all, or --since DURATION');
  const cutoff = selection.since === undefined ? undefined : (selection.now ?? new Date()).getTime() - parseDuration(selection.since, '--since');
  const ids: string[] = [];
  for (const p of listProcesses(registry).reverse()) {
    if (cutoff !== undefined && (p.startTime === undefined || !(Date.parse(p.startTime) >= cutoff))) continue;
    if (p.status === 'recording') skipped.push({ id: p.id, reason: 'still being recorded' });
    else if (p.status === 'damaged') skipped.push({ id: p.id, reason: 'its manifest is damaged' });
    else ids.push(p.id);
  }
  return { ids, skipped };
}

/**
 * Push the processes `selection` names from `registry` to `bucket` (see the file comment). Every
 * process is resolved and checked (not being recorded, not over `maxSize`) and the bucket asked what
 * it holds before anything goes up. Throws UnknownIdError, StillRecordingError, TooLargeError,
 * RemoteError (the bucket cannot be reached or written, or holds another recording under the id),
 * ArchiveError (the local log or module is damaged).
 */
export async function pushProcesses(registry: Registry, bucket: Bucket, selection: PushSelection, options: PushOptions = {}): Promise<PushResult> {
  const { ids, skipped } = select(registry, selection);
  if (options.maxSize !== undefined) {
    for (const id of ids) {
      const size = processSize(registry, id);
      if (size > options.maxSize) throw new TooLargeError(id, size, options.maxSize);
    }
  }
  const planned = new Set<string>();
  const plans: Plan[] = [];
  for (const id of ids) {
    const manifest = registry.readManifest(id);
    const text = manifestText(manifest);
    const there = await bucket.store.get(manifestKey(id));
    const present = there !== undefined;
    if (present && Buffer.from(there).toString('utf8') !== text) throw new RemoteError(`${bucket.label}: process ${id} is there already, with a different recording`);
    const segments = segmentFiles(registry.logDir(id)).map((f) => ({ ...f, size: statSync(f.path).size }));
    const digest = manifest.module.digest;
    const module = !present && !planned.has(digest) && (await bucket.store.head(moduleKey(digest))) === undefined;
    if (module) planned.add(digest);
    plans.push({ id, manifest, text, present, segments, module });
  }

  const total = plans.reduce((n, p) => n + (p.present ? 0 : p.segments.reduce((k, s) => k + s.size, 0) + Buffer.byteLength(p.text) + (p.module ? p.manifest.module.size : 0)), 0);
  let moved = 0;
  const onBytes: OnBytes = (n) => {
    moved += n;
    options.onProgress?.({ bytes: moved, total });
  };
  const processes: PushedProcess[] = [];
  for (const plan of plans) {
    const before = moved;
    if (!plan.present) await pushOne(registry, bucket, plan, onBytes);
    else await pushNotes(registry, bucket, plan.id, onBytes);
    processes.push({ id: plan.id, pushed: !plan.present, module: plan.manifest.module, moduleUploaded: plan.module, bytes: moved - before });
  }
  return { processes, skipped };
}

/** Upload module `m` of the registry unless the bucket has it: its bytes (checked against the digest), then its metadata. */
async function pushModule(registry: Registry, bucket: Bucket, m: ModuleInfo, onBytes: OnBytes): Promise<void> {
  const bytes = registry.getModule(m.digest);
  if (sha256(bytes) !== m.digest) throw new RegistryError(`module ${m.digest}: stored bytes do not match the digest`, EXIT.CORRUPT);
  await bucket.store.put(moduleKey(m.digest), bytes, { ifAbsent: true, onBytes });
  const info = registry.moduleInfo(m.digest) ?? m;
  await bucket.store.put(moduleMetaKey(m.digest), Buffer.from(`${JSON.stringify({ digest: info.digest, name: info.name, size: info.size }, null, 2)}\n`), { ifAbsent: true });
}

/**
 * Upload process `id`'s notes (annotations.json) when it has some and the bucket's differ: notes are
 * made after a recording, so a process the bucket holds already gets them too. They are not part of
 * the recording: the manifest does not name them, and a later push replaces them.
 */
async function pushNotes(registry: Registry, bucket: Bucket, id: string, onBytes: OnBytes): Promise<void> {
  const notes = readAnnotations(registry, id);
  if (notes.length === 0) return;
  const text = annotationsFile(notes);
  const there = await bucket.store.get(annotationsKey(id));
  if (there !== undefined && Buffer.from(there).toString('utf8') === text) return;
  await bucket.store.put(annotationsKey(id), Buffer.from(text), { onBytes });
}

/** Push one planned process (see the file comment). */
async function pushOne(registry: Registry, bucket: Bucket, plan: Plan, onBytes: OnBytes): Promise<void> {
  const { id, manifest } = plan;
  // What goes up must pass what tc pull checks.
  checkLogFiles(`process ${id}`, manifest, plan.segments, EXIT.CORRUPT);
  if (plan.module) await pushModule(registry, bucket, manifest.module, onBytes);
  for (const s of plan.segments) await bucket.store.put(segmentKey(id, s.index), { path: s.path, size: s.size }, { onBytes });
  await pushNotes(registry, bucket, id, onBytes);
  // The module again, just before the commit point: a tc gc --remote that ran meanwhile may have
  // taken it for unused.
  if ((await bucket.store.head(moduleKey(manifest.module.digest))) === undefined || (await bucket.store.head(moduleMetaKey(manifest.module.digest))) === undefined) {
    await pushModule(registry, bucket, manifest.module, () => {});
  }
  if (!(await bucket.store.put(manifestKey(id), Buffer.from(plan.text), { ifAbsent: true, onBytes }))) {
    // Written meanwhile by another push: the same recording, or refused.
    const there = await bucket.store.get(manifestKey(id));
    if (there === undefined || Buffer.from(there).toString('utf8') !== plan.text) throw new RemoteError(`${bucket.label}: process ${id} is there already, with a different recording`);
  }
}
