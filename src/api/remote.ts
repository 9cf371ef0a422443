/**
 * Remotes: share recordings through S3-compatible storage (see src/api/index.ts). A registry names
 * its buckets (`addRemote`), pushes processes there (`push`), pulls them into itself (`pull`), and
 * reads and changes a bucket as it does itself (`openRemote`). Credentials come from the AWS SDK's
 * default chain (environment, shared files, SSO, IAM role); tc never stores them.
 *
 * ```js
 * import { addRemote, push, pull, openRemote } from 'tc-wasm';
 * addRemote('team', 's3://recordings/tc', { registry: './ci', endpoint: 'http://127.0.0.1:9000', pathStyle: true });
 * await push([id], { registry: './ci' });
 * await pull([id.slice(0, 8)], { registry: './laptop', remote: 's3://recordings/tc' });
 * for (const p of await openRemote({ registry: './ci' }).processes()) console.log(p.id, p.status);
 * ```
 */
import type { GcOptions, GcResult } from '../registry/gc.js';
import type { ModuleDescription, ProcessDescription, ProcessSummary } from '../registry/inspect.js';
import { Registry, registryDir, type ModuleInfo } from '../registry/registry.js';
import type { DeletedModule, DeletedProcess } from '../registry/remove.js';
import { Bucket } from '../remote/bucket.js';
import { pullProcesses, type PulledProcess } from '../remote/pull.js';
import { pushProcesses, type PushResult, type PushSelection } from '../remote/push.js';
import { addRemote as add, listRemotes, remoteLabel, removeRemote as remove, resolveRemote, type Remote, type RemoteConfig } from '../remote/remotes.js';
import { S3Store, type TransferProgress } from '../remote/s3.js';

export interface RemoteOptions {
  /** Registry directory (default: $TC_REGISTRY, else ~/.tc): where remotes are named, and what is pushed or pulled into. */
  readonly registry?: string;
  /**
   * A remote's name, or `s3://bucket/prefix` (its endpoint from $AWS_ENDPOINT_URL_S3 or
   * $AWS_ENDPOINT_URL, addressed path-style); default: the registry's only remote.
   */
  readonly remote?: string;
}

export interface TransferOptions extends RemoteOptions {
  /** Bytes moved so far, of the total planned, as they move. */
  readonly onProgress?: (progress: TransferProgress) => void;
}

export interface PushOptions extends TransferOptions, Omit<PushSelection, 'ids'> {
  /** Refuse a process that takes more bytes than this (manifest and log), before anything goes up. */
  readonly maxSize?: number;
}

/** The remotes of the registry, sorted by name. */
export function remotes(options: Pick<RemoteOptions, 'registry'> = {}): Remote[] {
  return listRemotes(registryDir(options.registry));
}

/**
 * Name the bucket at `url` (`s3://bucket/prefix`) `name` in the registry. Throws UsageError for a bad
 * name, URL, endpoint or region, TcError when the name is taken.
 */
export function addRemote(name: string, url: string, options: Pick<RemoteOptions, 'registry'> & Omit<RemoteConfig, 'url'> = {}): Remote {
  const { registry, ...config } = options;
  return add(registryDir(registry), name, url, config);
}

/** Forget remote `name` (the bucket is left as it is). Throws RemoteError when there is none. */
export function removeRemote(name: string, options: Pick<RemoteOptions, 'registry'> = {}): Remote {
  return remove(registryDir(options.registry), name);
}

/** The bucket `options.remote` names, with the registry. */
function open(options: RemoteOptions): { registry: Registry; remote: Remote; bucket: Bucket } {
  const dir = registryDir(options.registry);
  const remote = resolveRemote(dir, options.remote);
  return { registry: new Registry(dir), remote, bucket: new Bucket(new S3Store(remote)) };
}

/**
 * Push processes `ids` (unique prefixes; or, with `all` or `since`, every process or those started
 * within that long) to the remote: the module unless the bucket has it, the log, then the manifest,
 * the commit point. Checked first: none is being recorded (`all`/`since` skip those) or larger than
 * `maxSize`. A recording the bucket holds already is left as it is. Throws UnknownIdError,
 * StillRecordingError, TooLargeError, RemoteError, ArchiveError.
 */
export async function push(ids: readonly string[], options: PushOptions = {}): Promise<PushResult & { readonly remote: string }> {
  const { registry, remote, bucket } = open(options);
  const result = await pushProcesses(registry, bucket, { ids, all: options.all, since: options.since, now: options.now }, { maxSize: options.maxSize, onProgress: options.onProgress });
  return { remote: remoteLabel(remote), ...result };
}

/**
 * Pull processes `ids` (unique prefixes of ids in the bucket) into the registry, every digest and
 * batch checksum checked before a process becomes visible there. A recording the registry holds
 * already is left as it is. Throws UnknownIdError, RemoteError, PullDamageError (exit 254),
 * ArchiveError.
 */
export async function pull(ids: readonly string[], options: TransferOptions = {}): Promise<{ readonly remote: string; readonly processes: readonly PulledProcess[] }> {
  const { registry, remote, bucket } = open(options);
  return { remote: remoteLabel(remote), processes: await pullProcesses(registry, bucket, ids, { onProgress: options.onProgress }) };
}

/** A registry in a bucket, as data: what the registry commands show and change with `--remote`. */
export class TcRemote {
  /** @internal */
  readonly bucket: Bucket;
  constructor(readonly remote: Remote) {
    this.bucket = new Bucket(new S3Store(remote));
  }
  /** `s3://bucket/prefix` (at its endpoint). */
  get label(): string {
    return remoteLabel(this.remote);
  }
  /** The processes of the bucket (those whose manifest is there), newest first. */
  processes(): Promise<ProcessSummary[]> {
    return this.bucket.processes();
  }
  /** The modules of the bucket. */
  async modules(): Promise<ModuleInfo[]> {
    return (await this.bucket.modules()).map(({ digest, name, size }) => ({ digest, name, size }));
  }
  /** Everything about process `id` (a unique prefix), read from a copy of its log. */
  describeProcess(id: string, options: { readonly verbose?: boolean } = {}): Promise<ProcessDescription> {
    return this.bucket.describeProcess(id, options);
  }
  /** Module `id` (a unique prefix of its digest) and its interface, read from a copy of it. */
  describeModule(id: string): Promise<ModuleDescription> {
    return this.bucket.describeModule(id);
  }
  /** Delete processes (manifest first: a reader stops seeing one at once). One unknown id deletes nothing. */
  removeProcesses(ids: readonly string[]): Promise<DeletedProcess[]> {
    return this.bucket.removeProcesses(ids);
  }
  /** Delete modules no process of the bucket uses; one a process uses is refused, and nothing is deleted. */
  removeModules(ids: readonly string[]): Promise<DeletedModule[]> {
    return this.bucket.removeModules(ids);
  }
  /** Delete processes older than `olderThan` beyond the `keep` newest, then every module no process uses. */
  gc(options: GcOptions = {}): Promise<GcResult> {
    return this.bucket.gc(options);
  }
}

/** The bucket `options.remote` names (default: the registry's only remote). Throws RemoteError, UsageError. */
export function openRemote(options: RemoteOptions = {}): TcRemote {
  return new TcRemote(resolveRemote(registryDir(options.registry), options.remote));
}
