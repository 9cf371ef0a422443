/**
 * Remotes: tc push, tc pull, tc replay --remote and the registry commands with --remote, against a
 * real S3-compatible server (Ceph's RGW on 127.0.0.1, test/helpers/rgw.ts), through bin/tc.js; and
 * the faults: a server stopped in the middle of a push, wrong credentials, a missing bucket, objects
 * damaged in the bucket, a pull killed half way, two pushes of one recording at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { addRemote, openRemote, push } from '../src/api/remote.js';
import { openRegistry } from '../src/api/registry.js';
import { remote, type RemoteCommandOptions } from '../src/cli/commands/remotes.js';
import { startView } from './helpers/browser.js';
import { describe as describeCommand, renderDescribe } from '../src/cli/commands/describe.js';
import { get, renderGet } from '../src/cli/commands/get.js';
import { UsageError, type TcError } from '../src/errors.js';
import { parseSize } from '../src/cli/commands/push.js';
import { resolveRemote } from '../src/remote/remotes.js';
import { Filter } from '../src/format/tc/format/filter.js';
import { Registry, type Manifest } from '../src/registry/registry.js';
import { encodeBatch, segmentFileName, type SegmentSummary } from '../src/timemachine/log.js';
import { SYSCALL } from '../src/wasi/syscalls.js';
import { humanBytes } from '../src/cli/render.js';
import { createBucket, rgwScript, s3Client, s3Server, type S3Server } from './helpers/rgw.js';
import { FLITE, ROOT, snapshot, splitId, tc, tcAsync, tempDir, type Spawned } from './helpers/run.js';

const HELLO = join(ROOT, 'wasm-fixtures/c/hello.wasm');
const CAT = join(ROOT, 'wasm-fixtures/c/stdin_cat.wasm');
const READ = join(ROOT, 'bench/c/read.wasm');
const MiB = 1024 * 1024;

let server: S3Server;
/** The bucket of this file's tests; each test works below a prefix of its own ({@link area}). */
let shared: string;

beforeAll(async () => {
  server = await s3Server();
  shared = await createBucket(server, 'remote-test');
});

/**
 * A place of the test's own in the file's bucket, `<bucket>/<name>`, given where a bucket's name goes
 * (`s3://${area}/tc` is a remote's URL): one bucket for all, since RGW takes ~1 s to write the first
 * object of a new bucket.
 */
const area = (name: string): string => `${shared}/${name}`;

/** The bucket and the key prefix (empty or ending with `/`) of `where`, a bucket or an {@link area}. */
function split(where: string): { Bucket: string; prefix: string } {
  const at = where.indexOf('/');
  return at < 0 ? { Bucket: where, prefix: '' } : { Bucket: where.slice(0, at), prefix: `${where.slice(at + 1)}/` };
}

// --- helpers ---------------------------------------------------------------------------------------

/** `tc args...`, expecting exit 0 and nothing on stderr (no progress bar on a pipe); its stdout. */
function ok(args: string[], env?: Record<string, string>): string {
  const r = tc(args, { env });
  expect(r.stderr.toString(), `tc ${args.join(' ')}`).toBe('');
  expect(r.status, `tc ${args.join(' ')}`).toBe(0);
  return r.stdout.toString();
}

/** `tc args...`, expecting it to fail with `status` and one line on stderr; that line. */
function fails(args: string[], status: number, env?: Record<string, string>): string {
  const r = tc(args, { env });
  const err = r.stderr.toString();
  expect(r.status, `tc ${args.join(' ')}: ${err}`).toBe(status);
  expect(err.split('\n'), err).toHaveLength(2); // one line and its newline
  expect(r.stdout.toString()).toBe('');
  return err;
}

/** A new registry with remote `team`: `s3://<bucket>/<prefix>` at the server (or `endpoint`). */
function registryWithRemote(bucket: string, prefix = 'tc', endpoint = server.endpoint): string {
  const reg = tempDir('tc-reg-');
  ok(['remote', 'add', '--registry', reg, 'team', `s3://${bucket}/${prefix}`, '--endpoint', endpoint, '--path-style']);
  return reg;
}

/** Record `args` (tc run's, module included) into `registry`; the process id. */
function record(registry: string, args: string[]): string {
  return recordRun(registry, args).id;
}

/** Record `args` into `registry`: the process id, and the run's exit status and output (as `replayed` gives them). */
function recordRun(registry: string, args: string[]): { id: string; run: { status: number; stdout: string; stderr: string } } {
  const r = tc(['run', '--registry', registry, ...args]);
  expect(r.status, r.stderr.toString()).toBe(0);
  const { id, rest } = splitId(r.stderr);
  return { id, run: { status: r.status, stdout: r.stdout.toString('base64'), stderr: rest.toString() } };
}

/** What `tc get|describe ... -o FORMAT` prints for the registry itself, from the commands' functions in this process. */
function local(registry: string, args: string[], format: string): string {
  const [command, type, id] = args;
  if (command === 'get') return renderGet(get(type, { registry }), format);
  return renderDescribe(describeCommand(type!, id!, { registry, verbose: args.includes('-v') }), format);
}

/** The objects of `where` (an {@link area}): key (below its prefix) -> { size, etag, modified }. */
async function objects(where: string): Promise<Record<string, { size: number; etag: string; modified: number }>> {
  const { Bucket, prefix } = split(where);
  const out: Record<string, { size: number; etag: string; modified: number }> = {};
  let token: string | undefined;
  do {
    const page = await s3Client(server).send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out[o.Key!.slice(prefix.length)] = { size: o.Size!, etag: o.ETag!, modified: o.LastModified!.getTime() };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return out;
}

async function getObject(where: string, key: string): Promise<Buffer> {
  const { Bucket, prefix } = split(where);
  const r = await s3Client(server).send(new GetObjectCommand({ Bucket, Key: prefix + key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

async function putObject(where: string, key: string, body: Uint8Array): Promise<void> {
  const { Bucket, prefix } = split(where);
  await s3Client(server).send(new PutObjectCommand({ Bucket, Key: prefix + key, Body: body }));
}

/** The sha256 of `bytes` (large contents are compared by it: a failed comparison prints two lines). */
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Every file and directory of a registry but its remotes: relative path -> sha256 of the content, or `<dir>`. */
function registryFiles(registry: string): Record<string, string> {
  if (!fs.existsSync(registry)) return {};
  const files = snapshot(registry);
  delete files['remotes.json'];
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v === '<dir>' ? v : sha(Buffer.from(v, 'base64'))]));
}

/** stdout, stderr and exit status of `tc replay <id>` in `registry`. */
function replayed(registry: string, id: string): { status: number; stdout: string; stderr: string } {
  const r = tc(['replay', '--registry', registry, id]);
  return { status: r.status, stdout: r.stdout.toString('base64'), stderr: r.stderr.toString() };
}

/** A file of `size` random bytes in a new directory; the directory. */
function randomFile(size: number): string {
  const dir = tempDir('tc-in-');
  const fd = fs.openSync(join(dir, 'input.bin'), 'w');
  const chunk = Buffer.alloc(MiB);
  for (let n = 0; n < size; n += MiB) fs.writeSync(fd, randomFillSync(chunk), 0, Math.min(MiB, size - n));
  fs.closeSync(fd);
  return dir;
}

/** Set the manifest's start time of process `id` in `registry` (as if it had been recorded then). */
function backdate(registry: string, id: string, startTime: string): void {
  const file = join(registry, 'processes', id, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  fs.writeFileSync(file, `${JSON.stringify({ ...m, startTime, ...(m.endTime ? { endTime: startTime } : {}) }, null, 2)}\n`);
}

/** A pid that is not alive: a child that has exited. */
const deadPid = (() => spawnSync(process.execPath, ['-e', '']).pid!)();

/**
 * A recording killed in its third segment, written into `registry` directly with the log's encoder:
 * three segments of sched_yield records, the last batch cut short, no totals in the manifest.
 */
function writeKilledRecording(registry: string, id: string): number {
  const reg = new Registry(registry);
  const wasm = fs.readFileSync(HELLO);
  const module = reg.putModule(wasm, 'hello.wasm');
  const log = reg.logDir(id);
  fs.mkdirSync(log, { recursive: true });
  const segments: SegmentSummary[] = [];
  let offset = 0;
  for (let index = 0; index < 3; index++) {
    const n = 1000 * (index + 1);
    const records = new Uint8Array(Array.from({ length: n }, () => [SYSCALL.sched_yield.id, 0, 0]).flat());
    const [h, p] = encodeBatch({ segment: index, batch: 0, firstOffset: offset, firstTimestamp: 0, lastTimestamp: 0, recordCount: n }, records, 6, Filter.TimestampOffset);
    let file = Buffer.concat([h, p]);
    if (index === 2) file = file.subarray(0, file.length - 2);
    else offset += n;
    fs.writeFileSync(join(log, segmentFileName(index)), file);
    segments.push({ index, records: n, batches: 1, size: file.length, uncompressedSize: 3 * n, compressedSize: p.length, firstTimestamp: 0, lastTimestamp: 0 });
  }
  reg.writeManifest({
    version: 1,
    id,
    startTime: new Date().toISOString(),
    module,
    args: ['hello.wasm'],
    env: [],
    dirs: [],
    runtime: { tc: '0.1.0', node: process.versions.node, v8: process.versions.v8 },
    pid: deadPid,
    status: 'recording',
    segments,
  });
  return offset;
}

// --- tests -----------------------------------------------------------------------------------------

describe('tc remote', () => {
  it('adds, lists and removes remotes, kept in the registry without credentials; bad names and URLs are refused', () => {
    const reg = tempDir('tc-reg-');
    expect(ok(['remote', 'ls', '--registry', reg])).toBe('NAME  URL  ENDPOINT  REGION  PATH STYLE\n');
    expect(ok(['remote', 'add', '--registry', reg, 'team', 's3://recordings/ci/tc', '--endpoint', 'http://127.0.0.1:9000', '--path-style', '--region', 'eu-west-3'])).toBe(
      'added remote team (s3://recordings/ci/tc)\n',
    );
    remote('add', ['aws', 's3://other-bucket'], { registry: reg });
    expect(remote('ls', [], { registry: reg })).toEqual({
      action: 'ls',
      remotes: [
        { name: 'aws', url: 's3://other-bucket', pathStyle: false },
        { name: 'team', url: 's3://recordings/ci/tc', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-3', pathStyle: true },
      ],
    });
    expect(ok(['remote', 'ls', '--registry', reg]).split('\n')[2]).toMatch(/^team +s3:\/\/recordings\/ci\/tc +http:\/\/127\.0\.0\.1:9000 +eu-west-3 +yes$/);
    expect(fs.statSync(join(reg, 'remotes.json')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(join(reg, 'remotes.json'), 'utf8')).not.toMatch(/key|secret|token/i);

    // Refused, with the command's one line and exit code; the others through the command's function.
    expect(fails(['remote', 'add', '--registry', reg, 'b', 'http://bucket/x'], 251)).toBe('tc: remote url http://bucket/x: expected s3://bucket or s3://bucket/prefix\n');
    expect(fails(['remote', 'rm', '--registry', reg, 'nope'], 250)).toBe('tc: no remote nope (remotes: aws, team)\n');
    const refused = (action: string, args: string[], opts: RemoteCommandOptions = {}) => {
      try {
        remote(action, args, { registry: reg, ...opts });
      } catch (e) {
        return `${(e as TcError).exitCode} ${(e as Error).message}`;
      }
      throw new Error(`tc remote ${action} ${args.join(' ')} was not refused`);
    };
    expect(refused('add', ['team', 's3://x-bucket'])).toBe('250 remote team exists already (s3://recordings/ci/tc); tc remote rm team first');
    expect(refused('add', ['b', 's3://Bad_Bucket'])).toMatch(/^251 remote url s3:\/\/Bad_Bucket: 'Bad_Bucket' is not a bucket name/);
    expect(refused('add', ['b', 's3://bucket/a//b'])).toBe("251 remote url s3://bucket/a//b: the prefix has an empty, '.' or '..' part");
    expect(refused('add', ['a/b', 's3://bucket'])).toMatch(/^251 remote name 'a\/b': expected letters/);
    expect(refused('add', ['b', 's3://bucket'], { endpoint: 'ftp://x' })).toBe('251 --endpoint ftp://x: expected an http:// or https:// URL');
    expect(refused('add', ['b', 's3://bucket'], { region: 'EU West' })).toBe('251 --region EU West: expected a region name like us-east-1');
    expect(() => resolveRemote(reg, undefined)).toThrow('which remote? this registry has aws, team: choose one with --remote');
    expect(() => resolveRemote(reg, 'nope')).toThrow('no remote nope (remotes: aws, team)');
    expect(resolveRemote(reg, 's3://bucket/a/b/', { AWS_ENDPOINT_URL: 'http://127.0.0.1:1' })).toEqual({ url: 's3://bucket/a/b/', bucket: 'bucket', prefix: 'a/b/', endpoint: 'http://127.0.0.1:1', pathStyle: true });

    expect(ok(['remote', 'rm', '--registry', reg, 'aws'])).toBe('removed remote aws (s3://other-bucket)\n');
    expect(remote('rm', ['team'], { registry: reg })).toMatchObject({ action: 'rm', remote: { name: 'team' } });
    expect(fails(['push', '--all', '--registry', reg], 250)).toBe('tc: no remote: tc remote add NAME s3://bucket/prefix, or --remote s3://bucket/prefix\n');
    fs.writeFileSync(join(reg, 'remotes.json'), '{"remotes": [');
    expect(refused('ls', [])).toMatch(/^250 .*remotes\.json is damaged/);
  });
});

describe('tc push and tc pull', () => {
  it('a recording pushed from one registry and pulled into an empty one replays identically; the bucket holds the registry layout (flite: its 21 MB module goes up in parts)', async () => {
    const bucket = area('share');
    const reg1 = registryWithRemote(bucket);
    const out = tempDir('tc-out-');
    const { id, run } = recordRun(reg1, ['--dir', `${out}::/out`, FLITE, '-t', 'Recorded here, replayed there.', '-o', '/out/x.wav']);

    expect(ok(['push', id.slice(0, 8), '--registry', reg1])).toMatch(new RegExp(`^pushed ${id} \\(\\d.* MiB, with its module flite.wasm\\)\\n$`));
    const manifest = JSON.parse(fs.readFileSync(join(reg1, 'processes', id, 'manifest.json'), 'utf8')) as Manifest;
    const hex = manifest.module.digest.slice(7);
    const bucketObjects = await objects(bucket);
    expect(Object.keys(bucketObjects).sort()).toEqual([`tc/modules/${hex}`, `tc/modules/${hex}.json`, `tc/processes/${id}/log/00000000`, `tc/processes/${id}/manifest.json`]);
    for (const key of Object.keys(bucketObjects)) expect(sha(await getObject(bucket, key)), key).toBe(sha(fs.readFileSync(join(reg1, key.slice(3)))));
    expect(bucketObjects[`tc/modules/${hex}`]!.etag).toMatch(/-3"$/); // 21.5 MB in three parts of 8 MiB

    const reg2 = registryWithRemote(bucket);
    expect(ok(['pull', id.slice(0, 8), '--registry', reg2])).toMatch(new RegExp(`^pulled ${id} \\(.*, with its module flite.wasm\\)\\n$`));
    expect(registryFiles(reg2)).toEqual(registryFiles(reg1));
    // As it ran where it was recorded: the same output, the same exit status.
    expect(replayed(reg2, id)).toEqual(run);
    // Pushed again from where it was pulled: it is there already, and nothing changes.
    expect(ok(['push', id, '--registry', reg2])).toBe(`${id}: in s3://${bucket}/tc at ${server.endpoint} already\n`);
    expect(await objects(bucket)).toEqual(bucketObjects);
  });

  it('a large segment goes up in parts and comes down streamed; pushing twice changes nothing; tc replay --remote pulls on demand', async () => {
    const bucket = area('large');
    const reg1 = registryWithRemote(bucket, 'team/recordings');
    const id = record(reg1, ['--dir', `${randomFile(12 * MiB)}::/in`, READ, '/in/input.bin']);
    const segment = fs.statSync(join(reg1, 'processes', id, 'log', '00000000')).size;
    expect(segment).toBeGreaterThan(12 * MiB);

    const pushed = JSON.parse(ok(['push', id, '--registry', reg1, '-o', 'json']));
    expect(pushed).toMatchObject({ remote: `s3://${bucket}/team/recordings at ${server.endpoint}`, processes: [{ id, pushed: true, moduleUploaded: true }], skipped: [] });
    const before = await objects(bucket);
    expect(before[`team/recordings/processes/${id}/log/00000000`]).toMatchObject({ size: segment, etag: expect.stringMatching(/-2"$/) });
    expect(JSON.parse(ok(['push', id, '--registry', reg1, '-o', 'json'])).processes).toEqual([{ ...pushed.processes[0], pushed: false, moduleUploaded: false, bytes: 0 }]);
    expect(await objects(bucket)).toEqual(before);

    // tc replay --remote: pulled into the registry the first time, taken from it the next.
    const reg2 = registryWithRemote(bucket, 'team/recordings');
    for (let i = 0; i < 2; i++) {
      const r = tc(['replay', '--registry', reg2, '--remote', 'team', id.slice(0, 6)]);
      expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([0, `read ${12 * MiB} bytes\n`, '']);
    }
    expect(registryFiles(reg2)).toEqual(registryFiles(reg1));
    expect(ok(['verify', '--registry', reg2, id])).toMatch(/^ok: /);
    // With a URL for --remote, the endpoint comes from the environment.
    const reg3 = tempDir('tc-reg-');
    const r = tc(['replay', '--registry', reg3, '--remote', `s3://${bucket}/team/recordings`, '--quiet', id], { env: { AWS_ENDPOINT_URL_S3: server.endpoint } });
    expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([0, '', '']);
  });

  it('a recording that did not finish (three segments, the last batch cut short) goes up and comes down as it is', async () => {
    const bucket = area('killed');
    const reg1 = registryWithRemote(bucket);
    const id = 'dddddddd-4444-4444-8444-444444444444';
    const records = writeKilledRecording(reg1, id);
    expect(ok(['push', id, '--registry', reg1])).toMatch(/^pushed /);
    const pushed = JSON.parse((await getObject(bucket, `tc/processes/${id}/manifest.json`)).toString()) as Manifest;
    expect(pushed.status).toBe('incomplete'); // its recorder is gone: as tc export writes it
    const [row] = JSON.parse(ok(['get', 'process', '--remote', 'team', '--registry', reg1, '-o', 'json']));
    const [local] = JSON.parse(ok(['get', 'process', '--registry', reg1, '-o', 'json']));
    // The same row, but for the manifest's size: "recording" went up as "incomplete".
    expect(row).toEqual({ ...local, size: local.size + 1 });
    expect(row).toMatchObject({ id, status: 'incomplete', records });

    const reg2 = registryWithRemote(bucket);
    ok(['pull', id, '--registry', reg2]);
    for (const s of ['00000000', '00000001', '00000002']) {
      expect(sha(fs.readFileSync(join(reg2, 'processes', id, 'log', s)))).toBe(sha(fs.readFileSync(join(reg1, 'processes', id, 'log', s))));
    }
    expect(JSON.parse(ok(['describe', 'process', id, '--registry', reg2, '-o', 'json']))).toMatchObject({ status: 'incomplete', records, segments: [{}, {}, {}] });
  });

  it('refuses a process being recorded (tc push --all skips it), and one larger than --max-size, naming its size; pushes those started within --since', async () => {
    const bucket = area('refuse');
    const reg = registryWithRemote(bucket);
    const done = record(reg, [HELLO]);
    const old = record(reg, [HELLO]);
    backdate(reg, old, new Date(Date.now() - 3 * 86400_000).toISOString());

    const live = spawn(process.execPath, [join(ROOT, 'bin/tc.js'), 'run', '--registry', reg, CAT], { stdio: ['pipe', 'ignore', 'pipe'] });
    let liveId = '';
    live.stderr.on('data', (b: Buffer) => (liveId ||= b.toString().split('\n')[0]!));
    while (!(liveId && fs.existsSync(join(reg, 'processes', liveId, 'manifest.json')))) await new Promise((r) => setTimeout(r, 20));
    try {
      expect(fails(['push', liveId, '--registry', reg], 250)).toBe(`tc: process ${liveId} is still being recorded (pid ${live.pid}); push it once it has ended\n`);
      expect(fails(['push', done, liveId, '--registry', reg], 250)).toMatch(/still being recorded/);
      expect(await objects(bucket)).toEqual({}); // nothing went up

      // --max-size: the process's size as tc get process shows it (manifest and log).
      const size = (JSON.parse(ok(['get', 'process', '--registry', reg, '-o', 'json'])) as { id: string; size: number }[]).find((p) => p.id === done)!.size;
      expect(fails(['push', done, '--registry', reg, '--max-size', String(size - 1)], 250)).toBe(
        `tc: process ${done} is ${size} B, more than --max-size ${size - 1} (${size - 1} B); nothing was pushed\n`,
      );
      expect(fails(['push', '--all', '--registry', reg, '--max-size', '0.5KB'], 250)).toMatch(/more than --max-size 0\.5KB \(512 B\); nothing was pushed\n$/);
      expect(() => parseSize('10 MiBs')).toThrow(new UsageError('--max-size 10 MiBs: expected a size like 100MB, 1.5GB or 512KB (powers of 1024)'));
      expect([parseSize('100MB'), parseSize('100 MiB'), parseSize('1.5gb'), parseSize('512')]).toEqual([100 * MiB, 100 * MiB, 1536 * MiB, 512]);
      expect(await objects(bucket)).toEqual({});

      // --since: only the processes that started within it; the live one is skipped.
      const sizes = new Map((JSON.parse(ok(['get', 'process', '--registry', reg, '-o', 'json'])) as { id: string; size: number }[]).map((p) => [p.id, p.size]));
      const since = JSON.parse(ok(['push', '--since', '1d', '--registry', reg, '--max-size', '1MiB', '-o', 'json']));
      // Its bytes: manifest, log and module.
      expect(since.processes.map((p: { id: string; pushed: boolean; bytes: number }) => [p.id, p.pushed, p.bytes])).toEqual([[done, true, sizes.get(done)! + fs.statSync(HELLO).size]]);
      expect(since.skipped).toEqual([{ id: liveId, reason: 'still being recorded' }]);
      expect(Object.keys(await objects(bucket)).filter((k) => k.endsWith('manifest.json'))).toEqual([`tc/processes/${done}/manifest.json`]);
      // --all: the oldest first; the one there already is left as it is.
      expect(ok(['push', '--all', '--registry', reg])).toBe(
        `pushed ${old} (${humanBytes(sizes.get(old)!)})\n${done}: in s3://${bucket}/tc at ${server.endpoint} already\nskipped ${liveId}: still being recorded\n`,
      );
    } finally {
      live.stdin.end();
      await new Promise((r) => live.on('close', r));
    }
    expect(fails(['push', '--since', '2x', '--registry', reg], 251)).toBe('tc: --since 2x: expected a duration like 30s, 10m, 2h, 7d\n');
    await expect(push([], { registry: reg })).rejects.toThrow(new UsageError('which processes? give their ids, or --all, or --since DURATION'));
    await expect(push([done], { registry: reg, all: true })).rejects.toThrow(new UsageError('give process ids, or --all / --since, not both'));
    await expect(push(['ffff'], { registry: reg })).rejects.toThrow("no process matches 'ffff'");
  });
});

describe('notes (annotations.json) in the bucket', () => {
  it('go up with a recording and again when they change, come down with it, and damaged ones are refused', async () => {
    const bucket = area('notes');
    const reg = registryWithRemote(bucket);
    const id = record(reg, [HELLO]);
    const note = (text: string) => ({ id: `n-${text.length}`, record: 1, text, created: '2026-12-07T12:00:00.000Z' });
    openRegistry(reg).setAnnotations(id, [note('the first write')]);
    ok(['push', id, '--registry', reg]);
    expect(JSON.parse((await getObject(bucket, `tc/processes/${id}/annotations.json`)).toString()).annotations.map((n: { text: string }) => n.text)).toEqual(['the first write']);
    // A note made after the push goes up with the next one; the recording's objects are not written again.
    const before = await objects(bucket);
    openRegistry(reg).setAnnotations(id, [note('the first write'), note('then a longer note')]);
    ok(['push', id, '--registry', reg]);
    const after = await objects(bucket);
    for (const [key, o] of Object.entries(before)) if (!key.endsWith('annotations.json')) expect(after[key], key).toEqual(o);
    const reg2 = registryWithRemote(bucket);
    ok(['pull', id, '--registry', reg2]);
    expect(openRegistry(reg2).annotations(id).map((n) => n.text)).toEqual(['the first write', 'then a longer note']);
    // Damaged notes in the bucket: the pull is refused and the registry left as it was.
    await putObject(bucket, `tc/processes/${id}/annotations.json`, Buffer.from('{"annotations": [{"id": 7}]}'));
    const reg3 = registryWithRemote(bucket);
    const empty = registryFiles(reg3);
    expect(fails(['pull', id, '--registry', reg3], 254)).toMatch(new RegExp(`^tc: s3://.*: process ${id}: annotations\\.json is damaged: annotation 0: bad id\n$`));
    expect(registryFiles(reg3)).toEqual(empty);
    // tc rm --remote takes them with the process.
    ok(['rm', 'process', id, '--remote', 'team', '--registry', reg]);
    expect(Object.keys(await objects(bucket)).filter((k) => k.includes(id))).toEqual([]);
  });
});

describe('the registry commands with --remote', () => {
  it('list, describe and delete in the bucket as in a registry, and tc gc --remote applies retention, deleting the modules no process uses', async () => {
    const bucket = area('list');
    const reg = registryWithRemote(bucket);
    const recent = record(reg, [HELLO]);
    const old = record(reg, [join(ROOT, 'wasm-fixtures/wat/hello.wasm')]);
    const older = record(reg, [HELLO]);
    backdate(reg, old, new Date(Date.now() - 40 * 86400_000).toISOString());
    backdate(reg, older, new Date(Date.now() - 50 * 86400_000).toISOString());
    ok(['push', '--all', '--registry', reg]);
    const remote = ['--remote', 'team', '--registry', reg];

    // As the registry shows them: the rows, the descriptions (with -v: every batch), the modules.
    expect(ok(['get', 'process', ...remote, '-o', 'json'])).toBe(local(reg, ['get', 'process'], 'json'));
    expect(ok(['get', 'module', ...remote, '-o', 'yaml'])).toBe(local(reg, ['get', 'module'], 'yaml'));
    expect(ok(['describe', 'process', recent.slice(0, 8), '-v', ...remote, '-o', 'json'])).toBe(local(reg, ['describe', 'process', recent, '-v'], 'json'));
    const moduleId = JSON.parse(local(reg, ['get', 'module'], 'json'))[0].digest.slice(7, 15);
    expect(ok(['describe', 'module', moduleId, ...remote])).toBe(local(reg, ['describe', 'module', moduleId], 'text'));
    expect(ok(['get', 'process', ...remote]).split('\n')[0]).toMatch(/^PROCESS ID +START +MODULE +EXIT +RECORDS +SIZE$/);
    expect(fails(['describe', 'process', 'ffff', ...remote], 250)).toBe("tc: no process matches 'ffff'\n");

    // A module a process uses is refused; rm deletes a process (its manifest first) and leaves its module.
    const users = [old].sort().join(', ');
    const watModule = JSON.parse(local(reg, ['describe', 'process', old], 'json')).module.digest.slice(7);
    expect(fails(['rm', 'module', watModule.slice(0, 10), ...remote], 250)).toBe(`tc: module ${watModule.slice(0, 12)} is used by process ${users} in s3://${bucket}/tc at ${server.endpoint}; remove those first (or tc gc --remote)\n`);
    expect(ok(['rm', 'process', older.slice(0, 8), ...remote])).toBe(`${older}\n`);
    expect(Object.keys(await objects(bucket)).filter((k) => k.includes(older))).toEqual([]);
    expect(JSON.parse(ok(['get', 'process', ...remote, '-o', 'json'])).map((p: { id: string }) => p.id).sort()).toEqual([recent, old].sort());

    // Retention: a dry run deletes nothing; then the process older than 30 days goes, and its module with it.
    const dry = JSON.parse(ok(['gc', '--older-than', '30d', '--dry-run', ...remote, '-o', 'json']));
    expect(dry).toMatchObject({ dryRun: true, processes: [{ id: old }], modules: [{ digest: `sha256:${watModule}` }], live: [] });
    expect(Object.keys(await objects(bucket)).some((k) => k.includes(old))).toBe(true);
    // What a push that died left (a segment, no manifest): not a process, and kept while it is recent.
    const orphan = 'eeeeeeee-5555-4555-8555-555555555555';
    await putObject(bucket, `tc/processes/${orphan}/log/00000000`, fs.readFileSync(join(reg, 'processes', recent, 'log', '00000000')));
    const gc = ok(['gc', '--older-than', '30d', ...remote]);
    expect(gc).toMatch(new RegExp(`^deleted process ${old} \\(.*\\)\\ndeleted module ${watModule.slice(0, 12)} hello.wasm \\(.*\\)\\nfreed .*: 1 process, 1 module\\n$`));
    expect(Object.keys(await objects(bucket)).sort()).toEqual(
      [`tc/processes/${recent}/manifest.json`, `tc/processes/${recent}/log/00000000`, `tc/processes/${orphan}/log/00000000`, ...Object.keys(await objects(bucket)).filter((k) => k.startsWith('tc/modules/'))].sort(),
    );
    // Once it is older than --older-than, it goes (here, two hours from now, keeping the newest process).
    const later = await openRemote({ registry: reg, remote: 'team' }).gc({ olderThan: '1h', keep: 1, now: new Date(Date.now() + 2 * 3600_000) });
    expect(later).toMatchObject({ processes: [{ id: orphan, size: fs.statSync(join(reg, 'processes', recent, 'log', '00000000')).size }], modules: [] });
    expect(Object.keys(await objects(bucket)).filter((k) => k.startsWith('tc/processes/'))).toEqual([`tc/processes/${recent}/log/00000000`, `tc/processes/${recent}/manifest.json`]);
    expect(JSON.parse(ok(['get', 'module', ...remote, '-o', 'json'])).map((m: { name: string }) => m.name)).toEqual(['hello.wasm']);
    expect(fails(['gc', '--older-than', 'soon', ...remote], 251)).toBe('tc: --older-than soon: expected a duration like 30s, 10m, 2h, 7d\n');
    // The registry itself was not touched.
    expect(JSON.parse(local(reg, ['get', 'process'], 'json'))).toHaveLength(3);
  });
});

describe('tc trace and tc view with --remote', () => {
  it('pull the process first, unless the registry has it, then trace it or serve its player', async () => {
    const bucket = area('trace-view');
    const reg1 = registryWithRemote(bucket);
    const id = record(reg1, [HELLO]);
    ok(['push', id, '--registry', reg1]);
    const trace = ok(['trace', id, '--registry', reg1]);
    expect(trace).toContain('[stdout]');
    const reg2 = registryWithRemote(bucket);
    expect(ok(['trace', id.slice(0, 8), '--remote', 'team', '--registry', reg2])).toBe(trace);
    expect(registryFiles(reg2)).toEqual(registryFiles(reg1));

    const reg3 = registryWithRemote(bucket);
    const view = await startView([id.slice(0, 8), '--remote', 'team', '--registry', reg3]);
    try {
      expect(view.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/p/${id}\\?token=[0-9a-f]+$`));
      const res = await fetch(new URL(`/api/processes/${id}`, view.url));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { manifest: { id: string } }).manifest.id).toBe(id);
    } finally {
      expect((await view.stop()).code).toBe(0);
    }
    expect(registryFiles(reg3)).toEqual(registryFiles(reg1));
    expect(fails(['view', '--remote', 'team', '--registry', reg3], 251)).toBe('tc: --remote: give the id of a process of the remote\n');
  });
});

describe('tc describe process --remote', () => {
  it('of a finished recording reads its manifest alone (no segment), and shows what the registry shows', async () => {
    const bucket = area('describe');
    const reg = registryWithRemote(bucket);
    const id = record(reg, [join(ROOT, 'wasm-fixtures/c/clocks.wasm')]);
    ok(['push', id, '--registry', reg]);
    const remote = ['--remote', 'team', '--registry', reg];
    for (const format of ['text', 'json', 'yaml']) expect(ok(['describe', 'process', id.slice(0, 8), ...remote, '-o', format])).toBe(local(reg, ['describe', 'process', id], format));
    // With its segments gone from the bucket, the description is the same: no segment was read.
    const { Bucket, prefix } = split(bucket);
    const segments = Object.keys(await objects(bucket)).filter((k) => k.startsWith(`tc/processes/${id}/log/`));
    expect(segments.length).toBeGreaterThan(0);
    for (const k of segments) await s3Client(server).send(new DeleteObjectCommand({ Bucket, Key: prefix + k }));
    expect(ok(['describe', 'process', id, ...remote, '-o', 'json'])).toBe(local(reg, ['describe', 'process', id], 'json'));
  });
});

describe('faults', () => {
  it('the server stopped in the middle of a push: a clear error, the bucket shows no process, and pushing again completes', async () => {
    const bucket = area('stopped');
    const reg = registryWithRemote(bucket);
    const out = tempDir('tc-out-');
    const id = record(reg, ['--dir', `${out}::/out`, FLITE, '-t', 'Interrupted.', '-o', '/out/x.wav']);
    // A gateway of its own over the same cluster, stopped (by its pid) once the first 8 MiB part is up.
    const gateway = await rgwScript('gateway', server.cluster);
    addRemote('doomed', `s3://${bucket}/tc`, { registry: reg, endpoint: gateway.endpoint, pathStyle: true });
    let stopped = 0;
    const failure = await push([id], {
      registry: reg,
      remote: 'doomed',
      onProgress: (p) => {
        if (stopped === 0 && p.bytes > 0) {
          stopped = p.bytes;
          process.kill(Number(gateway.pid), 'SIGKILL');
        }
      },
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(stopped).toBeGreaterThan(0);
    expect(failure?.message).toMatch(new RegExp(`^s3://${bucket}/tc at ${gateway.endpoint}: the server cannot be reached or went away \\((ECONNREFUSED|ECONNRESET|EPIPE)\\) writing `));
    expect(fails(['push', id, '--remote', 'doomed', '--registry', reg], 250)).toMatch(/^tc: s3:\/\/.* at http:\/\/127\.0\.0\.1:\d+: the server cannot be reached or went away \(ECONNREFUSED\) reading processes\/.*\/manifest\.json\n$/);
    // What a reader sees: no process (its manifest never went up).
    expect(Object.keys(await objects(bucket)).filter((k) => k.endsWith('manifest.json'))).toEqual([]);
    expect(ok(['get', 'process', '--remote', 'team', '--registry', reg])).toBe('PROCESS ID  START  MODULE  EXIT  RECORDS  SIZE\n');
    expect(fails(['pull', id, '--registry', registryWithRemote(bucket)], 250)).toBe(`tc: no process matches '${id}'\n`);

    // A server again (the run's own gateway over the same cluster): pushing again completes, and
    // what it pushed comes down whole elsewhere.
    expect(ok(['push', id, '--remote', `s3://${bucket}/tc`, '--registry', reg], { AWS_ENDPOINT_URL_S3: server.endpoint })).toMatch(/^pushed /);
    const reg2 = registryWithRemote(bucket);
    ok(['pull', id, '--registry', reg2]);
    expect(registryFiles(reg2)).toEqual(registryFiles(reg));
  });

  it('wrong credentials and a missing bucket: one line saying so, and nothing changes', async () => {
    const bucket = area('creds');
    const reg = registryWithRemote(bucket);
    const id = record(reg, [HELLO]);
    const files = registryFiles(reg);
    const where = `s3://${bucket}/tc at ${server.endpoint}`;
    const hint = 'check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ...)';
    expect(fails(['push', id, '--registry', reg], 250, { AWS_SECRET_ACCESS_KEY: 'not-the-secret' })).toBe(`tc: ${where}: the secret key does not match the access key (SignatureDoesNotMatch): ${hint}\n`);
    expect(fails(['get', 'process', '--remote', 'team', '--registry', reg], 250, { AWS_ACCESS_KEY_ID: 'nobody' })).toBe(`tc: ${where}: the server does not know the access key (InvalidAccessKeyId): ${hint}\n`);
    expect(fails(['pull', id, '--registry', tempDir('tc-reg-'), '--remote', `s3://${bucket}/tc`], 250, { AWS_ENDPOINT_URL_S3: server.endpoint, AWS_ACCESS_KEY_ID: 'nobody' })).toMatch(/InvalidAccessKeyId/);
    expect(await objects(bucket)).toEqual({});

    const missing = `s3://no-such-bucket-${process.pid}/tc`;
    const env = { AWS_ENDPOINT_URL_S3: server.endpoint };
    expect(fails(['push', id, '--remote', missing, '--registry', reg], 250, env)).toBe(`tc: ${missing} at ${server.endpoint}: bucket no-such-bucket-${process.pid} does not exist\n`);
    expect(fails(['gc', '--keep', '0', '--remote', missing, '--registry', reg], 250, env)).toMatch(/does not exist\n$/);
    expect(registryFiles(reg)).toEqual(files);
  });

  it('an object damaged in the bucket: pull refuses it (the checksum, the digest, the manifest) and the registry is unchanged', async () => {
    const bucket = area('damaged');
    const reg = registryWithRemote(bucket);
    const id = record(reg, [HELLO]);
    ok(['push', id, '--registry', reg]);
    const segmentKey = `tc/processes/${id}/log/00000000`;
    const segment = await getObject(bucket, segmentKey);
    const reg2 = registryWithRemote(bucket);
    const empty = registryFiles(reg2);

    // One payload byte of the last batch flipped: its CRC-32 no longer matches.
    const bad = Buffer.from(segment);
    bad[bad.length - 3]! ^= 0x40;
    await putObject(bucket, segmentKey, bad);
    expect(fails(['pull', id, '--registry', reg2], 254)).toMatch(new RegExp(`^tc: s3://${bucket}/tc at ${server.endpoint}: process ${id}: the log is damaged: segment 0, batch 0: .*checksum`));
    expect(registryFiles(reg2)).toEqual(empty); // no temporary directory left either
    expect(fails(['replay', id, '--remote', 'team', '--registry', reg2], 254)).toMatch(/the log is damaged/);
    await putObject(bucket, segmentKey, segment);

    // The module's bytes changed: its sha256 no longer matches the manifest's digest.
    const hex = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8')).module.digest.slice(7);
    const module = await getObject(bucket, `tc/modules/${hex}`);
    const badModule = Buffer.from(module);
    badModule[100]! ^= 1;
    await putObject(bucket, `tc/modules/${hex}`, badModule);
    expect(fails(['pull', id, '--registry', reg2], 254)).toBe(`tc: s3://${bucket}/tc at ${server.endpoint}: process ${id}: its module in the bucket does not match the manifest (sha256 ${sha(badModule).slice(0, 12)}..., expected ${hex.slice(0, 12)}...)\n`);
    expect(registryFiles(reg2)).toEqual(empty);
    await putObject(bucket, `tc/modules/${hex}`, module);

    // The manifest is not one: listed as damaged, refused by pull.
    await putObject(bucket, `tc/processes/${id}/manifest.json`, Buffer.from('{"version": 1, "id": '));
    expect(JSON.parse(ok(['get', 'process', '--remote', 'team', '--registry', reg2, '-o', 'json']))).toMatchObject([{ id, status: 'damaged' }]);
    expect(fails(['pull', id, '--registry', reg2], 254)).toMatch(new RegExp(`^tc: s3://.*: process ${id}: manifest is damaged \\(`));
    expect(registryFiles(reg2)).toEqual(empty);
  });

  it('a pull killed half way leaves nothing that tc get shows, and the next pull completes', async () => {
    const bucket = area('killed-pull');
    const reg = registryWithRemote(bucket);
    const id = record(reg, ['--dir', `${randomFile(24 * MiB)}::/in`, READ, '/in/input.bin']);
    ok(['push', id, '--registry', reg]);
    const reg2 = registryWithRemote(bucket);
    const pull = spawn(process.execPath, [join(ROOT, 'bin/tc.js'), 'pull', id, '--registry', reg2], { stdio: 'ignore' });
    const closed = new Promise<number | null>((r) => pull.on('close', (code) => r(code)));
    // Killed once part of its segment is down (in a temporary directory).
    const processes = join(reg2, 'processes');
    const downloading = () => {
      for (const name of fs.existsSync(processes) ? fs.readdirSync(processes) : []) {
        const seg = join(processes, name, 'log', '00000000');
        if (name.includes('.tmp-') && fs.existsSync(seg) && fs.statSync(seg).size > 0) return true;
      }
      return false;
    };
    while (!downloading()) {
      expect(pull.exitCode, 'the pull ended before it could be killed').toBe(null);
      await new Promise((r) => setTimeout(r, 2));
    }
    pull.kill('SIGKILL');
    expect(await closed).toBe(null);
    expect(ok(['get', 'process', '--registry', reg2])).toBe('PROCESS ID  START  MODULE  EXIT  RECORDS  SIZE\n');
    expect(ok(['get', 'module', '--registry', reg2])).toBe('MODULE ID  MODULE NAME  SIZE\n');
    expect(ok(['pull', id, '--registry', reg2])).toMatch(/^pulled /);
    expect(ok(['verify', id, '--registry', reg2])).toMatch(/^ok: /);
  });

  it('two pushes of the same recording at once, and two registries pushing recordings of the same module at once: all succeed, the module and each manifest are there once', async () => {
    const bucket = area('concurrent');
    const reg1 = registryWithRemote(bucket);
    const reg2 = registryWithRemote(bucket);
    const a = record(reg1, [HELLO]);
    const b = record(reg2, [HELLO]);
    const runs: Spawned[] = await Promise.all([
      tcAsync(['push', a, '--registry', reg1]),
      tcAsync(['push', a, '--registry', reg1]),
      tcAsync(['push', b, '--registry', reg2]),
    ]);
    for (const r of runs) expect([r.status, r.stderr.toString()]).toEqual([0, '']);
    const keys = Object.keys(await objects(bucket)).sort();
    expect(keys.filter((k) => k.startsWith('tc/modules/'))).toHaveLength(2); // the module and its metadata
    expect(keys.filter((k) => k.endsWith('manifest.json'))).toEqual([`tc/processes/${a}/manifest.json`, `tc/processes/${b}/manifest.json`].sort());
    expect((await getObject(bucket, `tc/processes/${a}/manifest.json`)).equals(fs.readFileSync(join(reg1, 'processes', a, 'manifest.json')))).toBe(true);
    const reg3 = registryWithRemote(bucket);
    ok(['pull', a, b, '--registry', reg3]);
    expect(replayed(reg3, a)).toEqual(replayed(reg1, a));
    expect(replayed(reg3, b)).toEqual(replayed(reg2, b));
  });
});
