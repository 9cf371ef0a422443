/**
 * The S3-compatible server of a test run: Ceph's RGW on 127.0.0.1 (scripts/rgw.sh), started once, by
 * the first test file that asks for it, in the directory test/helpers/rgw-setup.ts made for the run
 * (which stops it at the end). Test files running at once wait for the one that starts it.
 *
 * It also points the AWS SDK of this process, and of the tc commands it starts, at that server's
 * user only: credentials from the environment, no shared files, no instance metadata.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/rgw.sh');

/** A running server: its S3 endpoint, the user's keys, and the directory of its cluster. */
export interface S3Server {
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** The cluster's directory (for `scripts/rgw.sh gateway`). */
  readonly cluster: string;
}

/** Run scripts/rgw.sh with `args`; its KEY=VALUE lines. */
export function rgwScript(...args: string[]): Promise<Record<string, string>> {
  return new Promise((done, fail) => {
    const p = spawn('bash', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b));
    p.stderr.on('data', (b: Buffer) => (err += b));
    p.on('error', fail);
    p.on('close', (code) => {
      if (code !== 0) return fail(new Error(`scripts/rgw.sh ${args.join(' ')}: exit ${code}\n${err}`));
      done(Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    });
  });
}

let started: Promise<S3Server> | undefined;

/** The run's server, started if no test file has started it yet. */
export function s3Server(): Promise<S3Server> {
  started ??= start().then((s) => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: s.accessKey,
      AWS_SECRET_ACCESS_KEY: s.secretKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/tc-tests',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/tc-tests',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_S3;
    return s;
  });
  return started;
}

async function start(): Promise<S3Server> {
  const dir = inject('rgwDir');
  const ready = join(dir, 'server.json');
  const failed = join(dir, 'failed');
  try {
    fs.mkdirSync(join(dir, 'lock'));
  } catch {
    // Another test file starts it: wait for it (its start-up takes ~10-15 s).
    for (let i = 0; i < 1200; i++) {
      if (fs.existsSync(ready)) return JSON.parse(fs.readFileSync(ready, 'utf8')) as S3Server;
      if (fs.existsSync(failed)) throw new Error(fs.readFileSync(failed, 'utf8'));
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the S3 server did not start within 120 s');
  }
  const cluster = join(dir, 'cluster');
  try {
    const v = await rgwScript('start', cluster);
    const server: S3Server = { endpoint: v.endpoint!, accessKey: v.access_key!, secretKey: v.secret_key!, cluster };
    fs.writeFileSync(`${ready}.tmp`, JSON.stringify(server));
    fs.renameSync(`${ready}.tmp`, ready);
    return server;
  } catch (e) {
    fs.writeFileSync(failed, (e as Error).message);
    throw e;
  }
}

let buckets = 0;

/** A new empty bucket on the server, named after `name` (unique in the run); its name. */
export async function createBucket(server: S3Server, name: string): Promise<string> {
  const bucket = `${name}-${process.pid}-${buckets++}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
  await s3Client(server).send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** An S3 client of the server's user (`endpoint` another gateway of the same cluster). */
export function s3Client(server: S3Server, endpoint = server.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
