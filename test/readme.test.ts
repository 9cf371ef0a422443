/**
 * README.md is the contract: every command and option its tables name is run here, through
 * bin/tc.js against a small real registry, and must exit 0 with output that parses in each `-o`
 * format; and every command and option tc has is named there.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CopyObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { program } from '../src/cli/main.js';
import { debugRun } from './helpers/inspector.js';
import { createBucket, s3Client, s3Server } from './helpers/rgw.js';
import { ROOT, splitId, TC, tc, tempDir } from './helpers/run.js';

const README = fs.readFileSync(join(ROOT, 'README.md'), 'utf8');
const HELLO = join(ROOT, 'wasm-fixtures/c/hello.wasm');
/** The secret the template's recording keeps out (named secret-1), and the variable of tc's environment that holds it. */
const SECRET = 'readme-secret-value';
process.env.TC_README_SECRET = SECRET;

/** The text under the `### ` heading that starts with `start`, up to the next heading. */
function section(start: string): string {
  const at = README.indexOf(`\n### ${start}`);
  if (at < 0) throw new Error(`README has no section ${start}`);
  const end = README.slice(at + 1).search(/\n#{2,3} /);
  return README.slice(at, end < 0 ? undefined : at + 1 + end);
}

/** The code span that starts each table row of `text` (`\|` read as `|`). */
const firstCells = (text: string): string[] =>
  [...text.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!.replace(/\\\|/g, '|'));

interface Result {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** `tc args...` with `input` on stdin. */
function run(args: string[], input?: Buffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [TC, ...args], { cwd: ROOT, env: { ...process.env, TC_REGISTRY: join(top, 'never') } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ status: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    p.stdin.end(input);
  });
}

/** Run `jobs` a few at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], width = 6): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

/** Check that `text` parses as `format` (JSON or YAML: one value, or with `perLine`, one per record). */
function expectParses(format: string, text: string, what: string, perLine = false): void {
  expect(text.length, what).toBeGreaterThan(0);
  if (format === 'json') {
    const values = perLine ? text.trimEnd().split('\n').map((l) => JSON.parse(l)) : [JSON.parse(text)];
    for (const v of values) expect(typeof v, what).toBe('object');
  } else if (format === 'yaml') {
    const docs = YAML.parseAllDocuments(text);
    expect(docs.length === 1 || perLine, what).toBe(true);
    for (const d of docs) {
      expect(d.errors, what).toEqual([]);
      expect(typeof d.toJS(), what).toBe('object');
    }
  }
}

let top: string;
/** A registry holding a finished recording of hello.wasm (`id`) and a module no process uses (`unused`). */
let template: string;
let id: string;
let records: number;
let moduleId: string;
let unused: string;
let tcr: string;

beforeAll(() => {
  top = tempDir();
  template = join(top, 'template');
  const r = tc(['run', '--registry', template, '--secret', SECRET, HELLO]);
  expect(r.status).toBe(0);
  id = splitId(r.stderr).id;
  const manifest = JSON.parse(fs.readFileSync(join(template, 'processes', id, 'manifest.json'), 'utf8'));
  records = manifest.records;
  moduleId = manifest.module.digest.slice(7, 19);
  const other = tc(['run', '--registry', template, join(ROOT, 'wasm-fixtures/wat/hello.wasm')]);
  const otherManifest = JSON.parse(fs.readFileSync(join(template, 'processes', splitId(other.stderr).id, 'manifest.json'), 'utf8'));
  unused = otherManifest.module.digest.slice(7, 19);
  expect(tc(['rm', 'process', otherManifest.id, '--registry', template]).status).toBe(0);
  tcr = join(top, 'hello.tcr');
  expect(tc(['export', 'process', id, tcr, '--registry', template]).status).toBe(0);
});

let copies = 0;
/** A fresh copy of the template registry (commands may delete from it). */
function registry(): string {
  const dir = join(top, `reg-${copies++}`);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/**
 * A bucket on the test server holding, below `seed/`, what the template holds: the process `id`, and
 * the module `unused` that no process uses (pushed with a process that was then deleted there). Made
 * once, by the first test that needs it.
 */
let seeded: Promise<{ bucket: string; endpoint: string }> | undefined;
function seededBucket(): Promise<{ bucket: string; endpoint: string }> {
  seeded ??= (async () => {
    const server = await s3Server();
    const bucket = await createBucket(server, 'readme');
    const reg = withRemote(registry(), { bucket, endpoint: server.endpoint }, 'seed');
    const other = splitId(tc(['run', '--registry', reg, join(ROOT, 'wasm-fixtures/wat/hello.wasm')]).stderr).id;
    for (const args of [['push', '--all'], ['rm', 'process', other, '--remote', 'team']]) {
      const r = tc([...args, '--registry', reg]);
      expect(r.status, `tc ${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    return { bucket, endpoint: server.endpoint };
  })();
  return seeded;
}

/** `registry` with remote `team`: `s3://<bucket>/<prefix>` at the test server. */
function withRemote(registry: string, at: { bucket: string; endpoint: string }, prefix: string): string {
  const remotes = { remotes: { team: { url: `s3://${at.bucket}/${prefix}`, endpoint: at.endpoint, pathStyle: true } } };
  fs.writeFileSync(join(registry, 'remotes.json'), JSON.stringify(remotes));
  return registry;
}

let prefixes = 0;
/** A prefix of the seeded bucket of its own, holding a copy of `seed/` (commands may delete from it). */
async function bucketCopy(at: { bucket: string; endpoint: string }): Promise<string> {
  const prefix = `copy-${prefixes++}`;
  const client = s3Client(await s3Server());
  const listed = await client.send(new ListObjectsV2Command({ Bucket: at.bucket, Prefix: 'seed/' }));
  for (const o of listed.Contents ?? []) {
    await client.send(new CopyObjectCommand({ Bucket: at.bucket, Key: `${prefix}/${o.Key!.slice(5)}`, CopySource: `${at.bucket}/${o.Key}` }));
  }
  return prefix;
}

/**
 * The option named by a README table cell (`--dir HOST[::GUEST]`, `-o, --output text|json|yaml`) as
 * the arguments to try: one list per value (each of `a|b|c`), with placeholders given real values.
 */
function optionArgs(cell: string, values: Record<string, string>): string[][] {
  const m = /^(?:-\w, )?(--[\w-]+)(?: (\S+)|\[=(\S+)\])?$/.exec(cell);
  if (m === null) throw new Error(`README option not understood: ${cell}`);
  const [, name, value, attached] = m;
  // `--inspect[=HOST:PORT]`: the value after `=`.
  if (attached !== undefined) {
    if (values[attached] === undefined) throw new Error(`README names a value this test does not know: ${cell}`);
    return [[`${name}=${values[attached]}`]];
  }
  if (value === undefined) return [[name!]];
  if (value.includes('|')) return value.split('|').map((v) => [name!, v]);
  if (values[value] === undefined) throw new Error(`README names a value this test does not know: ${cell}`);
  return [[name!, values[value]!]];
}

describe('README.md', () => {
  it('tc run: each option of its table, and -- before the module', async () => {
    const rows = firstCells(section('`tc run'));
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const work = join(top, 'work');
    fs.mkdirSync(work, { recursive: true });
    const reg = registry();
    fs.writeFileSync(join(work, 'key.txt'), 'a-key-of-some-length\n');
    const values = { 'HOST[::GUEST]': `${work}::/work`, 'NAME=VALUE': 'A=1', DIR: reg, FILE: join(top, 'run-status.json'), NAME: 'A_NAME', INDEX: '0', GUEST_PATH: '/work/key.txt', VALUE: 'some-secret' };
    // What an option needs besides itself: the variable a --secret-env names, the --dir of a --secret-file.
    const needs: Record<string, string[]> = { '--secret-env': ['--env', 'A_NAME=a-value'], '--secret-file': ['--dir', `${work}::/work`] };
    const invocations = [...rows.flatMap((cell) => optionArgs(cell, values)).map((o) => [...(needs[o[0]!] ?? []), ...o]), ['--']];
    const results = await pool(invocations.map((opt) => () => run(['run', '--registry', reg, ...opt, HELLO])));
    invocations.forEach((opt, i) => {
      const r = results[i]!;
      const what = `tc run ${opt.join(' ')}: ${r.stderr}`;
      expect(r.status, what).toBe(0);
      expect(r.stdout.toString(), what).toBe('Hello, World!\n');
    });
    expectParses('json', fs.readFileSync(values.FILE, 'utf8'), 'run --exit-status-file');
  });

  it('tc replay and tc trace: each option of their tables, each -o value parsing', async () => {
    const reg = withRemote(registry(), await seededBucket(), 'seed');
    const values = { DIR: reg, FILE: join(top, 'replay-status.json'), NAME: 'fd_write', REMOTE: 'team', N: '0', FUNCTION: 'fd_write', 'HOST:PORT': '127.0.0.1:0', 'NAME=VALUE': `secret-1=${SECRET}`, 'NAME[=VAR]': 'secret-1=TC_README_SECRET' };
    const jobs: { args: string[]; check: (r: Result, what: string) => void; debugged?: boolean }[] = [];
    for (const opt of firstCells(section('`tc replay')).flatMap((cell) => optionArgs(cell, values))) {
      jobs.push({
        args: ['replay', '--registry', reg, ...opt, id],
        check: (r, what) => expect(r.stdout.toString(), what).toBe(opt[0] === '--quiet' ? '' : 'Hello, World!\n'),
        // It waits for a debugger: one attaches, and resumes each pause.
        debugged: opt[0]!.startsWith('--inspect-brk'),
      });
    }
    for (const opt of firstCells(section('`tc trace')).flatMap((cell) => optionArgs(cell, values))) {
      const format = opt[0] === '--output' ? opt[1]! : 'text';
      jobs.push({
        args: ['trace', '--registry', reg, ...opt, id],
        check: (r, what) => {
          expectParses(format, r.stdout.toString(), what, true);
          if (format === 'text' && opt[0] !== '--function') expect(r.stdout.toString().trimEnd().split('\n'), what).toHaveLength(records);
        },
      });
    }
    expect(jobs.map((j) => j.args.slice(3, -1).join(' '))).toEqual(expect.arrayContaining(['--quiet', '--output yaml', '--function fd_write', '--break-at 0', '--inspect=127.0.0.1:0', '--inspect-brk=127.0.0.1:0']));
    const results = await pool(jobs.map((j) => () => (j.debugged ? debugRun(j.args).then((r) => ({ ...r, stdout: Buffer.from(r.stdout) })) : run(j.args))));
    jobs.forEach((j, i) => {
      const what = `tc ${j.args.join(' ')}: ${results[i]!.stderr}`;
      expect(results[i]!.status, what).toBe(0);
      j.check(results[i]!, what);
    });
    expectParses('json', fs.readFileSync(values.FILE, 'utf8'), 'replay --exit-status-file');
  });

  it('tc diff: each option of its table, each -o value parsing; a process against itself is the same (exit 0)', async () => {
    const reg = registry();
    const values = { N: '1', NAME: 'fd_write', DIR: reg };
    const invocations = firstCells(section('`tc diff')).flatMap((cell) => optionArgs(cell, values));
    expect(invocations.map((o) => o[0])).toEqual(expect.arrayContaining(['--context', '--function', '--exact', '--output']));
    const results = await pool(invocations.map((opt) => () => run(['diff', '--registry', reg, ...opt, id, id.slice(0, 8)])));
    invocations.forEach((opt, i) => {
      const r = results[i]!;
      const what = `tc diff ${opt.join(' ')}: ${r.stderr}`;
      expect(r.status, what).toBe(0);
      expectParses(opt[0] === '--output' ? opt[1]! : 'text', r.stdout.toString(), what);
    });
  });

  it('tc redact: each option of its table, each -o value parsing', async () => {
    const work = join(top, 'redact-data');
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(join(work, 'key.txt'), 'a-key-read-by-the-program\n');
    const reg = registry();
    const rec = tc(['run', '--registry', reg, '--dir', `${work}::/data`, '--no-default-secrets', '--env', 'API_TOKEN=a-token-value', join(ROOT, 'wasm-fixtures/c/secrets.wasm'), 'a-password']);
    expect(rec.status, rec.stderr.toString()).toBe(0);
    const source = splitId(rec.stderr).id;
    const values = { NAME: 'API_TOKEN', STRING: 'a-password', GUEST_PATH: '/data/key.txt', DIR: reg };
    const rows = firstCells(section('`tc redact'));
    const jobs = rows.flatMap((cell) => optionArgs(cell, values)).map((opt) => ({ opt, format: opt[0] === '--output' ? opt[1]! : 'text' }));
    expect(jobs.map((j) => j.opt[0])).toEqual(expect.arrayContaining(['--env', '--value', '--file', '--output', '--registry']));
    const results = await pool(jobs.map((j) => () => run(['redact', '--registry', reg, ...(j.opt[0] === '--env' ? [] : ['--value', 'a-password']), ...j.opt, source])));
    jobs.forEach((j, i) => {
      const r = results[i]!;
      const what = `tc redact ${j.opt.join(' ')}: ${r.stderr}`;
      expect(r.status, what).toBe(0);
      expectParses(j.format, r.stdout.toString(), what);
      if (j.format === 'text') expect(r.stdout.toString(), what).toMatch(/^[0-9a-f-]{36}\n(replays|diverges) /);
    });
  });

  it('registry commands: each command of the table in each -o format, and each of its optional flags', async () => {
    const section = README.slice(README.indexOf('\n### Registry commands'), README.indexOf('\n### Remote commands'));
    const formats = /Every one takes `--registry DIR` and `-o, --output ([a-z|]+)`/.exec(section)?.[1]?.split('|');
    expect(formats).toEqual(['text', 'json', 'yaml']);
    const exportToStdoutIsText = section.includes('`tc export` to `-` prints the export itself, so it takes only `-o text` there');
    const commands = firstCells(section);
    expect(commands.length).toBeGreaterThanOrEqual(12);
    const optional: Record<string, string> = { DURATION: '7d', N: '1', WxH: '100x30' };

    interface Job {
      args: string[];
      format: string;
      input?: Buffer;
      /** The export went to stdout: its first bytes. */
      magic?: string;
    }
    const jobs: Job[] = [];
    for (const command of commands) {
      const tokens = [...command.matchAll(/\[([^\]]+)\]|(\S+)/g)];
      expect(tokens[0]![2], command).toBe('tc');
      const required = tokens.slice(1).filter((t) => t[2] !== undefined).map((t) => t[2]!);
      const flags = tokens.filter((t) => t[1] !== undefined).map((t) => t[1]!.split(' ').map((w) => optional[w] ?? w));
      // The required words with their placeholders filled in: one list per way of giving them.
      let variants: { args: string[]; input?: Buffer; magic?: string }[] = [{ args: [] }];
      // `tc <command> [process|module] ...`: the resource, when the command takes one.
      const resource = required[1] === 'process' || required[1] === 'module' ? required[1] : 'process';
      required.forEach((word, i) => {
        let ways: { args: string[]; input?: Buffer; magic?: string }[];
        if (word === '<id>' || word === '<id>...') ways = [{ args: [resource === 'module' ? (required[0] === 'rm' ? unused : moduleId) : id] }];
        else if (word === '<file|->') ways = [{ args: [join(top, `out-${jobs.length}-${i}`)] }, { args: ['-'], magic: resource === 'module' ? '\0asm' : required.includes('asciicast') ? '{"version":2,' : 'PK\x03\x04' }];
        else if (word === '<file>') ways = [{ args: [join(top, `out-${jobs.length}-${i}.html`)] }];
        else if (word === '<file.tcr|->') ways = [{ args: [tcr] }, { args: ['-'], input: fs.readFileSync(tcr) }];
        else if (/^(--)?[a-z]+$/.test(word)) ways = [{ args: [word] }];
        else throw new Error(`README names an argument this test does not know: ${word} in ${command}`);
        variants = variants.flatMap((v) => ways.map((w) => ({ args: [...v.args, ...w.args], input: w.input ?? v.input, magic: w.magic ?? v.magic })));
      });
      // Every way of giving the arguments, without and with each optional flag, and every format:
      // as many runs as the longer of the two lists, going through both (an export to stdout in text).
      const combos = variants.flatMap((v) => [[], ...flags].map((extra) => ({ ...v, args: [...v.args, ...extra] })));
      const toFile = combos.filter((c) => c.magic === undefined || !exportToStdoutIsText);
      for (let k = 0; k < Math.max(toFile.length, formats!.length); k++) {
        const c = toFile[k % toFile.length]!;
        const format = formats![k % formats!.length]!;
        jobs.push({ args: [...c.args, '--registry', '', '-o', format], format, input: c.input, magic: c.magic });
      }
      for (const c of combos.filter((x) => !toFile.includes(x))) jobs.push({ args: [...c.args, '--registry', '', '-o', 'text'], format: 'text', input: c.input, magic: c.magic });
    }
    const walked = new Set(jobs.map((j) => j.args.slice(0, 2).join(' ')));
    expect([...walked]).toEqual(expect.arrayContaining(['get process', 'rm module', 'verify ' + id, 'gc --older-than', 'import -']));
    const casts = jobs.filter((j) => j.args.includes('asciicast'));
    for (const word of ['-', '--size', '--stderr-color']) expect(casts.some((j) => j.args.includes(word)), `asciicast with ${word}`).toBe(true);
    const results = await pool(
      jobs.map((j) => () => {
        const args = [...j.args];
        args[args.indexOf('--registry') + 1] = registry();
        return run(args, j.input);
      }),
    );
    jobs.forEach((j, i) => {
      const r = results[i]!;
      const what = `tc ${j.args.join(' ')}: ${r.stderr}`;
      expect(r.status, what).toBe(0);
      expect(r.stderr, what).toBe('');
      if (j.magic !== undefined) expect(r.stdout.subarray(0, j.magic.length).toString('latin1'), what).toBe(j.magic);
      else expectParses(j.format, r.stdout.toString(), what);
    });
    // What README says tc export to - refuses, it refuses with a usage error.
    if (exportToStdoutIsText) expect(tc(['export', 'module', moduleId, '-', '--registry', template, '-o', 'json']).status).toBe(251);
  });

  it('remote commands: each command of the table in each -o format, and each of its optional flags, against a bucket', async () => {
    const text = section('Remote commands');
    const formats = /Every one takes `--registry DIR` and `-o, --output ([a-z|]+)`/.exec(text)?.[1]?.split('|');
    expect(formats).toEqual(['text', 'json', 'yaml']);
    const commands = firstCells(text);
    expect(commands.length).toBeGreaterThanOrEqual(13);
    const at = await seededBucket();
    const optional: Record<string, string> = { URL: at.endpoint, REGION: 'us-east-1', REMOTE: 'team', SIZE: '1GB', DURATION: '7d', N: '1' };
    const jobs: { args: string[]; format: string; pull: boolean }[] = [];
    for (const command of commands) {
      const tokens = [...command.matchAll(/\[([^\]]+)\]|(\S+)/g)];
      expect(tokens[0]![2], command).toBe('tc');
      const required = tokens.slice(1).filter((t) => t[2] !== undefined).map((t) => t[2]!);
      const flags = tokens.filter((t) => t[1] !== undefined).map((t) => t[1]!.split(' ').map((w) => optional[w] ?? w));
      const resource = required[1] === 'module' ? 'module' : 'process';
      const args = required.map((word) => {
        if (word === '<id>' || word === '<id>...') return resource === 'module' ? (required[0] === 'rm' ? unused : moduleId) : id;
        if (word === 'NAME') return required[1] === 'add' ? 'other' : 'team';
        if (word === 'URL') return `s3://${at.bucket}/elsewhere`;
        if (word === 'REMOTE') return 'team';
        if (word === 'DURATION') return '7d';
        if (/^(--)?[a-z]+$/.test(word)) return word;
        throw new Error(`README names an argument this test does not know: ${word} in ${command}`);
      });
      const combos = [[], ...flags].map((extra) => [...args, ...extra]);
      for (let k = 0; k < Math.max(combos.length, formats!.length); k++) {
        const format = formats![k % formats!.length]!;
        jobs.push({ args: [...combos[k % combos.length]!, '-o', format], format, pull: required[0] === 'pull' });
      }
    }
    const walked = new Set(jobs.map((j) => j.args.slice(0, 2).join(' ')));
    expect([...walked]).toEqual(expect.arrayContaining(['remote add', 'remote ls', `push ${id}`, 'push --all', 'push --since', `pull ${id}`, 'get process', 'rm module', 'gc --remote']));
    const results = await pool(
      jobs.map((j) => async () => {
        const reg = withRemote(registry(), at, await bucketCopy(at));
        // What is pulled comes down: the registry does not have it.
        if (j.pull) fs.rmSync(join(reg, 'processes', id), { recursive: true });
        return run([...j.args, '--registry', reg]);
      }),
    );
    jobs.forEach((j, i) => {
      const r = results[i]!;
      const what = `tc ${j.args.join(' ')}: ${r.stderr}`;
      expect(r.status, what).toBe(0);
      expect(r.stderr, what).toBe('');
      expectParses(j.format, r.stdout.toString(), what);
    });
  });

  it('names every command tc has and every option of each', () => {
    const commandTables = section('Registry commands') + section('Remote commands');
    for (const cmd of program().commands) {
      const name = cmd.name();
      const own = README.includes(`\n### \`tc ${name}`) ? section(`\`tc ${name}`) : undefined;
      const text = own ?? commandTables;
      expect(text, `tc ${name}`).toContain(`\`tc ${name}`);
      // And those of its subcommands (tc remote add, ls, rm).
      for (const [c, opt] of [cmd, ...cmd.commands].flatMap((c) => c.options.map((o) => [c, o] as const))) {
        const flags = [opt.long, opt.short].filter((f): f is string => f !== undefined);
        // --no-record is named as it is typed; `-o` and `--registry` of the registry commands by the table's preamble.
        expect(flags.some((f) => text.includes(f)), `tc ${c === cmd ? name : `${name} ${c.name()}`} ${opt.flags}`).toBe(true);
      }
      for (const sub of cmd.commands) expect(text, `tc ${name} ${sub.name()}`).toContain(`\`tc ${name} ${sub.name()}`);
    }
  });
});
