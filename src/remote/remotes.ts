/**
 * Remotes: buckets a registry pushes recordings to and pulls them from, by name, kept in the
 * registry's `remotes.json` (docs/registry.md):
 *
 *   { "remotes": { "team": { "url": "s3://bucket/prefix", "endpoint": "http://127.0.0.1:7480", "region": "us-east-1", "pathStyle": true } } }
 *
 * Only where the bucket is and how to address it: credentials come from the AWS SDK's default chain
 * (environment, shared files, SSO, IAM role) and are never written here. This module does not load
 * the SDK: `tc remote ls` and the checks of a command line stay cheap.
 */
import { TcError, UsageError } from '../errors.js';
import { DirStore } from '../registry/store.js';

/** A remote as `remotes.json` keeps it. */
export interface RemoteConfig {
  /** `s3://bucket` or `s3://bucket/prefix`. */
  readonly url: string;
  /** The S3 API's URL (MinIO, Ceph RGW, R2, ...); AWS's own endpoint when absent. */
  readonly endpoint?: string;
  /** The bucket's region (default: the SDK's, else `us-east-1`). */
  readonly region?: string;
  /** Address the bucket in the path (`http://host/bucket/key`), as local servers want, not in the host name. */
  readonly pathStyle?: boolean;
}

/** A remote ready to use: its configuration and its bucket and key prefix. */
export interface Remote extends RemoteConfig {
  /** Its name in `remotes.json`; absent for a `--remote s3://...` given as it is. */
  readonly name?: string;
  readonly bucket: string;
  /** The keys' prefix inside the bucket: empty, or ending with `/` (`team/tc/`). */
  readonly prefix: string;
}

/** A remote that cannot be used: unknown, unreachable, refused, or a bucket that is not there. One line. */
export class RemoteError extends TcError {}

const FILE = 'remotes.json';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** S3's bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Split `s3://bucket/prefix` into the bucket and the key prefix (empty or ending with `/`).
 * Throws UsageError naming `what` (the option or argument it came with).
 */
export function parseS3Url(url: string, what = 'remote'): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (m === null) throw new UsageError(`${what} ${url}: expected s3://bucket or s3://bucket/prefix`);
  const bucket = m[1]!;
  if (!BUCKET.test(bucket)) throw new UsageError(`${what} ${url}: '${bucket}' is not a bucket name (3-63 lowercase letters, digits, dots and hyphens)`);
  const path = (m[2] ?? '').replace(/\/+$/, '');
  if (path !== '' && path.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new UsageError(`${what} ${url}: the prefix has an empty, '.' or '..' part`);
  }
  return { bucket, prefix: path === '' ? '' : `${path}/` };
}

/** Check an endpoint URL (http or https). Throws UsageError. */
function checkEndpoint(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint ${endpoint}: expected a URL like http://127.0.0.1:9000`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--endpoint ${endpoint}: expected an http:// or https:// URL`);
  return endpoint;
}

/** The remotes of the registry in `registryDir`, by name (none when it has no `remotes.json`). Throws RemoteError when it is damaged. */
export function readRemotes(registryDir: string): Record<string, RemoteConfig> {
  const bytes = new DirStore(registryDir).get(FILE);
  if (bytes === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new RemoteError(`${registryDir}/${FILE} is damaged (${(e as Error).message})`);
  }
  const remotes = (parsed as { remotes?: unknown } | null)?.remotes;
  if (remotes === null || typeof remotes !== 'object' || Array.isArray(remotes)) throw new RemoteError(`${registryDir}/${FILE} is damaged (no "remotes" object)`);
  for (const [name, r] of Object.entries(remotes as Record<string, unknown>)) {
    if (r === null || typeof r !== 'object' || typeof (r as RemoteConfig).url !== 'string') throw new RemoteError(`${registryDir}/${FILE} is damaged (remote ${name} has no url)`);
  }
  return remotes as Record<string, RemoteConfig>;
}

function writeRemotes(registryDir: string, remotes: Record<string, RemoteConfig>): void {
  try {
    new DirStore(registryDir).put(FILE, `${JSON.stringify({ remotes }, null, 2)}\n`);
  } catch (e) {
    throw new RemoteError(`${registryDir}/${FILE}: ${(e as Error).message}`);
  }
}

/** `config` under `name`, with its bucket and prefix. */
function remoteOf(name: string | undefined, config: RemoteConfig): Remote {
  return { ...(name === undefined ? {} : { name }), ...config, ...parseS3Url(config.url) };
}

/** The remotes of the registry, sorted by name. */
export function listRemotes(registryDir: string): Remote[] {
  return Object.entries(readRemotes(registryDir))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, config]) => remoteOf(name, config));
}

/**
 * Add remote `name` for `url` (`s3://bucket/prefix`) to the registry. Throws UsageError for a bad
 * name, URL or endpoint, and TcError when the name is taken.
 */
export function addRemote(registryDir: string, name: string, url: string, options: Omit<RemoteConfig, 'url'> = {}): Remote {
  if (!NAME.test(name)) throw new UsageError(`remote name '${name}': expected letters, digits, '.', '_' and '-' (starting with a letter or digit)`);
  parseS3Url(url, 'remote url');
  if (options.endpoint !== undefined) checkEndpoint(options.endpoint);
  if (options.region !== undefined && !/^[a-z0-9-]+$/.test(options.region)) throw new UsageError(`--region ${options.region}: expected a region name like us-east-1`);
  const remotes = readRemotes(registryDir);
  if (remotes[name] !== undefined) throw new TcError(`remote ${name} exists already (${remotes[name]!.url}); tc remote rm ${name} first`);
  const config: RemoteConfig = {
    url,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.pathStyle ? { pathStyle: true } : {}),
  };
  writeRemotes(registryDir, { ...remotes, [name]: config });
  return remoteOf(name, config);
}

/** Remove remote `name` from the registry (the bucket is left as it is). Throws RemoteError when there is none. */
export function removeRemote(registryDir: string, name: string): Remote {
  const remotes = readRemotes(registryDir);
  const config = remotes[name];
  if (config === undefined) throw new RemoteError(`no remote ${name}${known(remotes)}`);
  delete remotes[name];
  writeRemotes(registryDir, remotes);
  return remoteOf(name, config);
}

const known = (remotes: Record<string, RemoteConfig>): string => {
  const names = Object.keys(remotes).sort();
  return names.length === 0 ? ' (this registry has none: tc remote add NAME s3://bucket/prefix)' : ` (remotes: ${names.join(', ')})`;
};

/**
 * The remote `remote` names: a remote of the registry, or an `s3://bucket/prefix` URL as it is (its
 * endpoint then from $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL, addressed path-style, as local
 * servers want). Without `remote`, the registry's only remote. Throws RemoteError (unknown name, no
 * remote, several) and UsageError (a bad URL).
 */
export function resolveRemote(registryDir: string, remote: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Remote {
  if (remote !== undefined && remote.startsWith('s3://')) {
    const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
    return remoteOf(undefined, { url: remote, ...(endpoint === undefined ? {} : { endpoint: checkEndpoint(endpoint), pathStyle: true }) });
  }
  const remotes = readRemotes(registryDir);
  if (remote === undefined) {
    const names = Object.keys(remotes).sort();
    if (names.length === 1) return remoteOf(names[0], remotes[names[0]!]!);
    if (names.length === 0) throw new RemoteError('no remote: tc remote add NAME s3://bucket/prefix, or --remote s3://bucket/prefix');
    throw new RemoteError(`which remote? this registry has ${names.join(', ')}: choose one with --remote`);
  }
  const config = remotes[remote];
  if (config === undefined) throw new RemoteError(`no remote ${remote}${known(remotes)}`);
  return remoteOf(remote, config);
}

/** `s3://bucket/prefix`, as a remote is named in messages (with its endpoint when it has one). */
export function remoteLabel(r: Remote): string {
  const url = `s3://${r.bucket}${r.prefix === '' ? '' : `/${r.prefix.slice(0, -1)}`}`;
  return r.endpoint === undefined ? url : `${url} at ${r.endpoint}`;
}
