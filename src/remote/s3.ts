/**
 * A bucket as a store of keyed objects, through the AWS SDK's S3 client: the asynchronous
 * counterpart of the registry's {@link Store} (src/registry/store.ts), for a store that answers over
 * the network. Keys are the registry's own (`modules/<sha256>`, `processes/<uuid>/manifest.json`,
 * ...), below the remote's prefix.
 *
 * Objects of more than {@link PART_SIZE} bytes go up as multipart uploads (lib-storage, 4 parts at a
 * time) and every object comes down streamed to a file: memory stays a few parts, whatever the size.
 * Every failure is a {@link RemoteError} of one line naming the remote and what was being done.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isTcError, TcError } from '../errors.js';
import type { Store } from '../registry/store.js';
import { RemoteError, remoteLabel, type Remote } from './remotes.js';

/** An object of the bucket: its key (below the remote's prefix), size in bytes and time of its last write. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified?: Date;
}

/** What an upload takes: bytes, or a file of `size` bytes (read as it goes up). */
export type UploadBody = Uint8Array | { readonly path: string; readonly size: number };

/** Called with the number of bytes moved since the last call. */
export type OnBytes = (bytes: number) => void;

/** Progress of a push or a pull: bytes moved so far, of the total planned. */
export interface TransferProgress {
  readonly bytes: number;
  readonly total: number;
}

/**
 * A store of keyed objects that answers asynchronously: what the registry's layout needs of a bucket.
 * Writes of one object are atomic (S3's PUT is: a reader sees the old object, or none, or the whole
 * new one).
 */
export interface ObjectStore {
  /** `s3://bucket/prefix at <endpoint>`, for messages. */
  readonly label: string;
  /** The object at `key`, or undefined. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** The bytes of a small object (a manifest, a module's metadata), or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Write the object at `key`. With `ifAbsent`, only when there is none: the server is asked to refuse
   * otherwise (If-None-Match: *); false when it did, or when it was there already. A server that does
   * not know If-None-Match overwrites: the registry writes under a key only bytes that are the same
   * for every writer (content addressing), so that is harmless.
   */
  put(key: string, body: UploadBody, options?: { readonly ifAbsent?: boolean; readonly onBytes?: OnBytes }): Promise<boolean>;
  /**
   * Stream the object at `key` into a new file `path` (created 0600; it must not exist). `onChunk` sees
   * every chunk, in order, before it is written. Returns the bytes written; RemoteError when absent.
   */
  download(key: string, path: string, options?: { readonly onBytes?: OnBytes; readonly onChunk?: (chunk: Uint8Array) => void }): Promise<number>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Delete the object at `key`; no error when absent. */
  delete(key: string): Promise<void>;
}

/** Parts of a multipart upload (and the size from which an object goes up in parts), in bytes. */
export const PART_SIZE = 8 * 1024 * 1024;
/** Parts of one object that go up at once. */
const QUEUE_SIZE = 4;

/** Errors of the network, by errno code: the server is not there (or went away). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  cause?: { code?: string };
  $metadata?: { httpStatusCode?: number };
}

/**
 * The one-line error for `e`, which the SDK (or the network under it) threw while `doing` something
 * with remote `r`: what went wrong in words, with the server's own error name.
 */
export function remoteFailure(e: unknown, r: Remote, doing: string): Error {
  if (isTcError(e)) return e;
  const err = (e ?? {}) as SdkError;
  const name = err.name ?? '';
  const status = err.$metadata?.httpStatusCode;
  const code = err.code ?? err.cause?.code ?? '';
  const where = remoteLabel(r);
  const credentials = 'check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...)';
  let why: string;
  if (name === 'NoSuchBucket') why = `bucket ${r.bucket} does not exist`;
  else if (name === 'InvalidAccessKeyId') why = `the server does not know the access key (InvalidAccessKeyId): ${credentials}`;
  else if (name === 'SignatureDoesNotMatch') why = `the secret key does not match the access key (SignatureDoesNotMatch): ${credentials}`;
  else if (name === 'AccessDenied' || status === 403) why = `access denied (${name || status}) ${doing}: ${credentials}`;
  else if (name === 'CredentialsProviderError') why = `no credentials: ${(err.message ?? '').split('\n')[0]}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`;
  else if (UNREACHABLE.has(code) || UNREACHABLE.has(name)) why = `the server cannot be reached or went away (${code || name}) ${doing}`;
  else if (name === 'TimeoutError' || name === 'RequestTimeout') why = `the server did not answer in time (${name}) ${doing}`;
  else why = `${doing}: ${[name, (err.message ?? String(e)).split('\n')[0]].filter((s) => s && s !== 'UnknownError').join(': ') || `HTTP ${status}`}`;
  return new RemoteError(`${where}: ${why}`);
}

const isMissing = (e: unknown): boolean => {
  const err = e as SdkError;
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || (err?.$metadata?.httpStatusCode === 404 && err?.name !== 'NoSuchBucket');
};
const isPreconditionFailed = (e: unknown): boolean => {
  const err = e as SdkError;
  return err?.name === 'PreconditionFailed' || err?.$metadata?.httpStatusCode === 412;
};

/** A remote's bucket through the S3 API. */
export class S3Store implements ObjectStore {
  readonly label: string;
  private readonly client: S3Client;

  constructor(readonly remote: Remote) {
    this.label = remoteLabel(remote);
    this.client = quietly(() => new S3Client({
      ...(remote.endpoint === undefined ? {} : { endpoint: remote.endpoint }),
      // The bucket's region, else the environment's, else us-east-1; a wrong one is corrected by S3's redirect.
      region: remote.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1'),
      followRegionRedirects: true,
      forcePathStyle: remote.pathStyle === true,
      // Servers other than AWS's may not take the SDK's default streaming checksums (aws-chunked bodies).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      // A server that stops answering fails the request (after the retries) instead of hanging.
      requestHandler: { connectionTimeout: 10_000, socketTimeout: 60_000, httpAgent: { keepAlive: true, maxSockets: 16 }, httpsAgent: { keepAlive: true, maxSockets: 16 } },
    }));
  }

  private key(key: string): string {
    return this.remote.prefix + key;
  }

  /** Send `command`, turning a failure into a RemoteError. */
  private async send<T>(doing: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw remoteFailure(e, this.remote, doing);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.remote.bucket, Key: this.key(key) }));
      return { key, size: r.ContentLength ?? 0, ...(r.LastModified ? { lastModified: r.LastModified } : {}) };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw remoteFailure(e, this.remote, `reading ${key}`);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.remote.bucket, Key: this.key(key) }));
      return await r.Body!.transformToByteArray();
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw remoteFailure(e, this.remote, `reading ${key}`);
    }
  }

  async put(key: string, body: UploadBody, options: { readonly ifAbsent?: boolean; readonly onBytes?: OnBytes } = {}): Promise<boolean> {
    const size = body instanceof Uint8Array ? body.byteLength : body.size;
    const params = { Bucket: this.remote.bucket, Key: this.key(key), ContentLength: size };
    try {
      if (size <= PART_SIZE) {
        const bytes = body instanceof Uint8Array ? body : await readAll(body.path, size);
        await this.client.send(new PutObjectCommand({ ...params, Body: bytes, ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}) }));
        options.onBytes?.(size);
        return true;
      }
      // In parts. Where it matters (a module), the caller has looked for the object first: two
      // writers of the same key write the same bytes.
      const upload = new Upload({
        client: this.client,
        params: { ...params, Body: body instanceof Uint8Array ? body : createReadStream(body.path, { highWaterMark: 1 << 20 }) },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
      });
      let sent = 0;
      upload.on('httpUploadProgress', (p) => {
        if (p.loaded !== undefined && p.loaded > sent) {
          options.onBytes?.(p.loaded - sent);
          sent = p.loaded;
        }
      });
      await upload.done();
      if (sent < size) options.onBytes?.(size - sent);
      return true;
    } catch (e) {
      if (options.ifAbsent && isPreconditionFailed(e)) return false;
      throw remoteFailure(e, this.remote, `writing ${key}`);
    }
  }

  async download(key: string, path: string, options: { readonly onBytes?: OnBytes; readonly onChunk?: (chunk: Uint8Array) => void } = {}): Promise<number> {
    let n = 0;
    await this.send(`reading ${key}`, async () => {
      // A failure of the local file (a full disk) is the registry's, not the remote's.
      const local = (e: unknown) => {
        const err = e as NodeJS.ErrnoException;
        throw err?.path === undefined ? e : new TcError(err.message);
      };
      let r;
      try {
        r = await this.client.send(new GetObjectCommand({ Bucket: this.remote.bucket, Key: this.key(key) }));
      } catch (e) {
        if (isMissing(e)) throw new RemoteError(`${this.label}: ${key} is not there`);
        throw e;
      }
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          n += chunk.length;
          options.onChunk?.(chunk);
          options.onBytes?.(chunk.length);
          done(null, chunk);
        },
      });
      await pipeline(r.Body as NodeJS.ReadableStream, count, createWriteStream(path, { flags: 'wx', mode: 0o600 })).catch(local);
    });
    return n;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(`listing ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.remote.bucket, Prefix: this.key(prefix), ...(token === undefined ? {} : { ContinuationToken: token }) })),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        out.push({ key: o.Key.slice(this.remote.prefix.length), size: o.Size ?? 0, ...(o.LastModified ? { lastModified: o.LastModified } : {}) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.send(`deleting ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.remote.bucket, Key: this.key(key) })));
  }
}

/**
 * `make()` without the SDK's warning that its versions after early January 2027 will need Node 22 (it
 * prints it on stderr when the first client is made): tc bundles the SDK at a pinned version, so
 * there is nothing for tc's user to do about it. The environment is left as it was.
 */
function quietly<T>(make: () => T): T {
  const KEY = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[KEY];
  process.env[KEY] = 'true';
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env[KEY];
    else process.env[KEY] = before;
  }
}

/** The `size` bytes of file `path`. */
async function readAll(path: string, size: number): Promise<Uint8Array> {
  const bytes = await readFile(path);
  if (bytes.byteLength !== size) throw new RemoteError(`${path}: ${bytes.byteLength} bytes, expected ${size}`);
  return bytes;
}
