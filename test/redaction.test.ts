/**
 * Secrets kept out of recordings, end to end, through bin/tc.js: wasm-fixtures/c/secrets.c reads a
 * token from the environment, a password from argv and a key from a preopened file (in 5-byte
 * reads), prints their lengths, passes them along (a header on stdout, all three into a file, the
 * key to stdout in two writes), branches on the password and prints the token's last 4 characters.
 *
 * After recording, no 8 bytes of any secret are anywhere in the registry (raw files, every
 * decompressed batch) or in an export (.tcr entries and batches, the HTML file's data); trace,
 * describe and the player show ‹secret NAME›; replay with the secrets is identical; replay without
 * them goes as far as it can and names the secrets; tc redact does the same for a recording made
 * without them. Bad input is one line and a documented exit code, and changes nothing.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentBatches } from '../src/core/cursor.js';
import { ZLIB } from '../src/log/zlib.js';
import { batches } from '../src/log/files.js';
import { openRegistry, replay, run } from '../src/api/index.js';
import { ReplayDivergence } from '../src/core/replayer.js';
import { launch, openPage, playToEnd, startView } from './helpers/browser.js';
import { ROOT, splitId, tc, tempDir, type Spawned } from './helpers/run.js';

const SECRETS_WASM = join(ROOT, 'wasm-fixtures/c/secrets.wasm');
const ARGS_ENV = join(ROOT, 'wasm-fixtures/c/args_env.wasm');
const TOKEN = 'ghp_Zx9TokenValueForTests1234wxyz';
const PASSWORD = 'hunter2-correct-horse-battery';
const KEY = 'k3y-0f-th3-v4ult-5ecr3t-9q8w7e6r';
const SECRETS = [TOKEN, PASSWORD, KEY];
/** What the fixture prints, with the right password. */
const STDOUT = `token: 33 bytes, password: 29 bytes, key: 32 bytes\nAuthorization: Bearer ${TOKEN}\nkey: ${KEY}\naccess granted\ntoken ends in ...wxyz\n`;

/** Every run of 8 bytes of every secret (the program prints 4 of the token's on its own; a split leaves at most 3). */
const WINDOWS = SECRETS.flatMap((s) => Array.from({ length: s.length - 7 }, (_, i) => Buffer.from(s.slice(i, i + 8))));

/** The secrets' 8-byte runs found in `bytes`, as text (`where` names the place). */
function leaks(bytes: Uint8Array, where: string): string[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return WINDOWS.filter((w) => b.includes(w)).map((w) => `${where}: ${w.toString()}`);
}

/** Every decompressed batch of the segments given as bytes. */
function segmentLeaks(segments: readonly Uint8Array[], where: string): string[] {
  const out: string[] = [];
  let n = 0;
  for (const b of segmentBatches(segments, {}, ZLIB)) out.push(...leaks(b.records, `${where} batch ${n++}`));
  expect(n, where).toBeGreaterThan(0);
  return out;
}

/** Every file under `dir` (raw), and every decompressed batch of every log in it. */
function registryLeaks(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d)) {
      const p = join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.push(...leaks(fs.readFileSync(p), p));
    }
  };
  walk(dir);
  for (const id of fs.readdirSync(join(dir, 'processes'))) {
    let n = 0;
    for (const b of batches(join(dir, 'processes', id, 'log'))) out.push(...leaks(b.records, `${id} batch ${n++}`));
    expect(n).toBeGreaterThan(0);
  }
  return out;
}

/** A directory with the key file. */
function dataDir(): string {
  const d = tempDir();
  fs.writeFileSync(join(d, 'key.txt'), `${KEY}\n`);
  return d;
}

/** Every file under `dir`, path -> bytes (base64), to tell that nothing changed. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (fs.statSync(join(dir, r)).isDirectory()) walk(r);
      else out[r] = fs.readFileSync(join(dir, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/** `tc run` of the fixture with its three secrets marked (the token by its name alone). */
function recordWithSecrets(registry: string, data: string, extra: string[] = []): { id: string; run: Spawned } {
  const r = tc(['run', '--registry', registry, '--dir', `${data}::/data`, '--env', `API_TOKEN=${TOKEN}`, '--secret-arg', '1', '--secret-file', '/data/key.txt', ...extra, SECRETS_WASM, PASSWORD]);
  expect(r.status, r.stderr.toString()).toBe(0);
  return { id: splitId(r.stderr).id, run: r };
}

/** One line on stderr, `tc: ` and no secret in it. */
function oneLine(r: Spawned): string {
  const err = r.stderr.toString();
  expect(err).toMatch(/^tc: [^\n]+\n$/);
  for (const s of SECRETS) expect(err).not.toContain(s);
  return err;
}

let registry: string;
let data: string;
let id: string;

beforeAll(() => {
  registry = tempDir();
  data = dataDir();
  const r = recordWithSecrets(registry, data);
  id = r.id;
  expect(r.run.stdout.toString()).toBe(STDOUT);
  // The program wrote the secrets to its file: the real file has them, the recording does not.
  expect(fs.readFileSync(join(data, 'out.txt'), 'utf8')).toBe(`token=${TOKEN}\npassword=${PASSWORD}\nkey=${KEY}\n`);
});

describe('tc run with secrets', () => {
  it('keeps every secret out of the registry: raw files and every decompressed batch', () => {
    expect(registryLeaks(registry)).toEqual([]);
    const m = JSON.parse(fs.readFileSync(join(registry, 'processes', id, 'manifest.json'), 'utf8'));
    expect(m.secrets.map((s: { name: string; source: string; length: number }) => [s.name, s.source, s.length])).toEqual([
      ['API_TOKEN', 'env', TOKEN.length],
      ['argv[1]', 'arg', PASSWORD.length],
      ['/data/key.txt', 'file', KEY.length],
    ]);
    for (const s of m.secrets) {
      expect(s.placeholder).toMatch(new RegExp(`^[A-Za-z0-9]{${s.length}}$`));
      expect(s.hash).toMatch(/^scrypt:16384:8:1:[0-9a-f]{64}$/);
      expect(s.salt).toMatch(/^[0-9a-f]{32}$/);
    }
    // The manifest's argv and environment hold the placeholders.
    expect(m.args[1]).toBe(m.secrets[1].placeholder);
    expect(m.env).toEqual([`API_TOKEN=${m.secrets[0].placeholder}`]);
  });

  it('keeps them out of an export: the .tcr, its entries and batches, and the HTML file', () => {
    const file = join(tempDir(), 'rec.tcr');
    expect(tc(['export', 'process', '--registry', registry, id, file]).status).toBe(0);
    const bytes = fs.readFileSync(file);
    expect(leaks(bytes, 'tcr')).toEqual([]);
    const entries = unzipSync(bytes);
    for (const [name, b] of Object.entries(entries)) expect(leaks(b, name)).toEqual([]);
    const logs = Object.keys(entries).filter((n) => n.startsWith('log/')).sort().map((n) => entries[n]!);
    expect(segmentLeaks(logs, 'tcr log')).toEqual([]);

    const html = join(tempDir(), 'rec.html');
    expect(tc(['export', 'process', '--registry', registry, id, '--html', html]).status).toBe(0);
    const text = fs.readFileSync(html, 'utf8');
    expect(leaks(Buffer.from(text), 'html')).toEqual([]);
    const embedded = JSON.parse(/<script type="application\/json" id="tc-data">([^<]*)<\/script>/.exec(text)![1]!) as { manifest: unknown; segments: string[] };
    expect(leaks(Buffer.from(JSON.stringify(embedded.manifest)), 'html manifest')).toEqual([]);
    expect(segmentLeaks(embedded.segments.map((s) => Buffer.from(s, 'base64')), 'html log')).toEqual([]);
  });

  it('tc trace, tc trace -o json, tc describe -v and tc run --trace show ‹secret NAME›', () => {
    const trace = tc(['trace', '--registry', registry, id]).stdout.toString();
    expect(trace).toContain('environ_buf="API_TOKEN=‹secret API_TOKEN›\\x00"');
    expect(trace).toContain('\\x00‹secret argv[1]›\\x00"');
    expect(trace).toContain('iovs=[5 bytes "‹secret /data/key.txt[0:5]›"]');
    expect(trace).toContain('"Authorization: Bearer ‹secret API_TOKEN›"');
    // The key written in two halves: both halves are hidden.
    expect(trace).toContain('iovs=[16 bytes "‹secret /data/key.txt[0:16]›"]');
    expect(trace).toContain('iovs=[16 bytes "‹secret /data/key.txt[16:32]›"]');
    expect(leaks(Buffer.from(trace), 'trace')).toEqual([]);
    const json = tc(['trace', '--registry', registry, id, '-o', 'json']).stdout.toString();
    expect(json).toContain('‹secret API_TOKEN›');
    expect(leaks(Buffer.from(json), 'trace -o json')).toEqual([]);

    const d = tc(['describe', 'process', '--registry', registry, id, '-v']).stdout.toString();
    expect(d).toContain('  ‹secret argv[1]›\n');
    expect(d).toContain('  API_TOKEN=‹secret API_TOKEN›\n');
    expect(d).toContain('Secrets:\n  API_TOKEN (env, 33 bytes)\n  argv[1] (arg, 29 bytes)\n  /data/key.txt (file, 32 bytes)\n');
    expect(leaks(Buffer.from(d), 'describe')).toEqual([]);
    const dj = JSON.parse(tc(['describe', 'process', '--registry', registry, id, '-v', '-o', 'json']).stdout.toString());
    expect(dj.env).toEqual(['API_TOKEN=‹secret API_TOKEN›']);
    expect(dj.secrets).toEqual([
      { name: 'API_TOKEN', source: 'env', length: 33 },
      { name: 'argv[1]', source: 'arg', length: 29 },
      { name: '/data/key.txt', source: 'file', length: 32 },
    ]);

    const notRecorded = tc(['run', '--no-record', '--trace', '--env', `API_TOKEN=${TOKEN}`, ARGS_ENV]);
    expect(notRecorded.status).toBe(0);
    expect(notRecorded.stderr.toString()).toContain('environ_buf="API_TOKEN=‹secret API_TOKEN›\\x00"');
    expect(leaks(notRecorded.stderr, 'run --no-record --trace')).toEqual([]);

    const reg = tempDir();
    const r = recordWithSecrets(reg, dataDir(), ['--trace']);
    const err = splitId(r.run.stderr).rest.toString();
    expect(err).toContain('"Authorization: Bearer ‹secret API_TOKEN›"');
    expect(leaks(Buffer.from(err), 'run --trace')).toEqual([]);
    expect(r.run.stdout.toString()).toBe(STDOUT);
  });
});

describe('tc replay of a recording with secrets', () => {
  it('with the secrets given, replays exactly as the original run (stdout, exit code), tracing no secret', () => {
    const r = tc(['replay', '--registry', registry, '--secret-env', 'API_TOKEN', '--secret', `argv[1]=${PASSWORD}`, '--secret-env', '/data/key.txt=THE_KEY', '--trace', id], { env: { API_TOKEN: TOKEN, THE_KEY: KEY } });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.toString()).toBe(STDOUT);
    expect(leaks(r.stderr, 'replay --trace')).toEqual([]);
    expect(r.stderr.toString()).toContain('‹secret argv[1]›');
  });

  it('without them, goes as far as it can and says the first differing call follows a use of the secrets', () => {
    const m = JSON.parse(fs.readFileSync(join(registry, 'processes', id, 'manifest.json'), 'utf8'));
    const [token, , key] = m.secrets.map((s: { placeholder: string }) => s.placeholder);
    const r = tc(['replay', '--registry', registry, id]);
    expect(r.status).toBe(252);
    // Everything that only passed the secrets along replayed, with their placeholders.
    expect(r.stdout.toString()).toBe(`token: 33 bytes, password: 29 bytes, key: 32 bytes\nAuthorization: Bearer ${token}\nkey: ${key}\n`);
    const err = r.stderr.toString();
    expect(err).toMatch(/^tc: replay diverged at record 30: unexpected bytes iovs; the call follows uses of ‹secret \/data\/key.txt› \(record 28\), ‹secret API_TOKEN› \(record 24\) and ‹secret argv\[1\]› \(record 24\), replayed without their values\n/);
    expect(err).toContain('expected: fd_write(fd=1, iovs=[37 bytes "access granted\\ntoken ends in ..."...])');
    expect(err).toContain('actual:   fd_write(fd=1, iovs=[36 bytes "access denied\\ntoken ends in ...');
    // Given the password alone, the branch goes as recorded; the token's last characters differ.
    const some = tc(['replay', '--registry', registry, '--secret', `argv[1]=${PASSWORD}`, id]);
    expect(some.status).toBe(252);
    expect(some.stderr.toString()).toMatch(/^tc: replay diverged at record 30: unexpected bytes iovs; the call follows uses of ‹secret \/data\/key.txt› \(record 28\) and ‹secret API_TOKEN› \(record 24\), replayed without their values\n/);
  });

  it('a program that only passes its secrets along replays to the end without them', () => {
    const reg = tempDir();
    const rec = tc(['run', '--registry', reg, '--env', `GITHUB_TOKEN=${TOKEN}`, '--env', 'LANG=C', '--secret-arg', '2', ARGS_ENV, 'one', PASSWORD]);
    expect(rec.status).toBe(0);
    expect(rec.stdout.toString()).toBe(`argc=3\nargv[1]=one\nargv[2]=${PASSWORD}\nenvc=2\nenv GITHUB_TOKEN=${TOKEN}\nenv LANG=C\n`);
    const rid = splitId(rec.stderr).id;
    expect(registryLeaks(reg)).toEqual([]);
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', rid, 'manifest.json'), 'utf8'));
    const without = tc(['replay', '--registry', reg, rid]);
    expect(without.status, without.stderr.toString()).toBe(0);
    expect(without.stdout.toString()).toBe(`argc=3\nargv[1]=one\nargv[2]=${m.secrets[1].placeholder}\nenvc=2\nenv GITHUB_TOKEN=${m.secrets[0].placeholder}\nenv LANG=C\n`);
    const given = tc(['replay', '--registry', reg, '--secret', `GITHUB_TOKEN=${TOKEN}`, '--secret', `argv[2]=${PASSWORD}`, rid]);
    expect(given.status).toBe(0);
    expect(given.stdout.toString()).toBe(rec.stdout.toString());
  });

  it('the library: run with secrets, replay with values (exact) and without (a ReplayDivergence naming them)', async () => {
    const reg = tempDir();
    const d = dataDir();
    const out = join(tempDir(), 'out');
    const fd = fs.openSync(out, 'w');
    let names: string[] = [];
    const r = await run(SECRETS_WASM, { registry: reg, args: [PASSWORD], env: { API_TOKEN: TOKEN }, dirs: [`${d}::/data`], stdout: fd, secrets: { args: [1], files: ['/data/key.txt'] }, onSecrets: (s) => (names = s.map((x) => x.name)) });
    fs.closeSync(fd);
    expect(r.exitCode).toBe(0);
    expect(names).toEqual(['API_TOKEN', 'argv[1]', '/data/key.txt']);
    const printed: string[] = [];
    const again = await replay(r.id!, { registry: reg, secrets: { API_TOKEN: TOKEN, 'argv[1]': PASSWORD, '/data/key.txt': new TextEncoder().encode(KEY) }, onOutput: (_s, b) => printed.push(Buffer.from(b).toString()) });
    expect(again.exitCode).toBe(0);
    expect(printed.join('')).toBe(STDOUT);
    const e = await replay(r.id!, { registry: reg }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReplayDivergence);
    expect((e as ReplayDivergence).secretsUsed.map((u) => u.name)).toEqual(['/data/key.txt', 'API_TOKEN', 'argv[1]']);
    expect(openRegistry(reg).describeProcess(r.id!).secrets?.map((s) => s.name)).toEqual(names);
  });
});

describe('bad input: one line, a documented exit code, and nothing recorded is lost or changed', () => {
  it('tc run: a secret that is not there, or too short, stops the run before anything is written', () => {
    const reg = tempDir();
    const d = dataDir();
    const cases: [string[], number, string][] = [
      [['--secret-arg', '5'], 251, "tc: --secret-arg 5: the guest's argv has 2 arguments (0 to 1; 0 is the module)\n"],
      [['--secret-arg', 'one'], 251, "tc: --secret-arg one: expected an index into the guest's argv (0 is the module)\n"],
      [['--secret-file', '/elsewhere/key.txt'], 251, 'tc: --secret-file /elsewhere/key.txt: not under a directory the guest has (--dir)\n'],
      [['--secret-file', '/data/missing.txt'], 250, 'tc: --secret-file /data/missing.txt: no such file\n'],
      [['--secret-file', '/data/../data/key.txt'], 251, "tc: --secret-file /data/../data/key.txt: give the path without '..'\n"],
      [['--secret-env', 'NOT_SET'], 251, "tc: --secret-env NOT_SET: not in the guest's environment (pass it with --env)\n"],
      [['--secret', 'abc'], 251, 'tc: --secret (secret-1): 3 bytes; a secret needs at least 4, fewer could not be told from other data\n'],
    ];
    for (const [flags, status, message] of cases) {
      const r = tc(['run', '--registry', reg, '--dir', `${d}::/data`, '--env', `API_TOKEN=${TOKEN}`, ...flags, SECRETS_WASM, PASSWORD]);
      expect(r.status, flags.join(' ')).toBe(status);
      expect(r.stdout.toString(), flags.join(' ')).toBe('');
      expect(oneLine(r), flags.join(' ')).toBe(message);
    }
    expect(fs.existsSync(join(reg, 'processes')) ? fs.readdirSync(join(reg, 'processes')) : []).toEqual([]);
    expect(fs.existsSync(join(d, 'out.txt'))).toBe(false);
  });

  it('tc run: an env name that looks secret but is too short is noted after the id and recorded; --no-default-secrets records such names as they are', () => {
    const reg = tempDir();
    const short = tc(['run', '--registry', reg, '--env', 'MY_TOKEN=ab', ARGS_ENV]);
    expect(short.status).toBe(0);
    const { rest } = splitId(short.stderr);
    expect(rest.toString()).toBe('tc: note: --env MY_TOKEN looks secret but has 2 bytes, too few to hide: it is recorded as it is\n');
    const plain = tc(['run', '--registry', reg, '--no-default-secrets', '--env', `MY_PASSWORD=${PASSWORD}`, ARGS_ENV]);
    expect(plain.status).toBe(0);
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', splitId(plain.stderr).id, 'manifest.json'), 'utf8'));
    expect(m.secrets).toBeUndefined();
    expect(m.env).toEqual([`MY_PASSWORD=${PASSWORD}`]);
    const hidden = tc(['run', '--registry', reg, '--env', `my_password=${PASSWORD}`, ARGS_ENV]);
    const h = JSON.parse(fs.readFileSync(join(reg, 'processes', splitId(hidden.stderr).id, 'manifest.json'), 'utf8'));
    expect(h.secrets.map((s: { name: string }) => s.name)).toEqual(['my_password']);
  });

  it('tc replay: an unknown secret, a wrong value, an unset variable or a malformed flag', () => {
    const before = tree(registry);
    const cases: [string[], number, string][] = [
      [['--secret', 'NOPE=whatever'], 251, `tc: secret NOPE: process ${id} has no such secret (its secrets: API_TOKEN, argv[1], /data/key.txt)\n`],
      [['--secret', `argv[1]=${PASSWORD.slice(0, -1)}X`], 250, 'tc: secret argv[1]: the value given is not the one recorded (its hash differs)\n'],
      [['--secret', 'argv[1]=short'], 250, 'tc: secret argv[1]: the value given is not the one recorded (5 bytes, the recorded one has 29)\n'],
      [['--secret-env', 'API_TOKEN=TC_TEST_UNSET_VARIABLE'], 251, "tc: --secret-env API_TOKEN=TC_TEST_UNSET_VARIABLE: tc's environment has no TC_TEST_UNSET_VARIABLE\n"],
      [['--secret', PASSWORD], 251, 'tc: --secret: expected NAME=VALUE\n'],
    ];
    for (const [flags, status, message] of cases) {
      const r = tc(['replay', '--registry', registry, ...flags, id]);
      expect(r.status, flags.join(' ')).toBe(status);
      expect(r.stdout.toString()).toBe('');
      expect(oneLine(r)).toBe(message);
    }
    expect(tree(registry)).toEqual(before);
  });
});

describe('a manifest whose secrets are damaged', () => {
  it('is refused by tc import before anything is written, and reported as damage by the registry', () => {
    const file = join(tempDir(), 'rec.tcr');
    expect(tc(['export', 'process', '--registry', registry, id, file]).status).toBe(0);
    const entries = unzipSync(fs.readFileSync(file));
    const m = JSON.parse(Buffer.from(entries['manifest.json']!).toString());
    m.secrets[1].placeholder = 'too-short';
    const bad = join(tempDir(), 'bad.tcr');
    fs.writeFileSync(bad, zipSync({ ...entries, 'manifest.json': Buffer.from(JSON.stringify(m)) }));
    const target = tempDir();
    const r = tc(['import', '--registry', target, bad]);
    expect(r.status).toBe(250);
    expect(oneLine(r)).toBe(`tc: ${bad}: manifest.json: secret 1: bad placeholder\n`);
    expect(fs.existsSync(join(target, 'processes'))).toBe(false);

    const reg = tempDir();
    fs.cpSync(registry, reg, { recursive: true });
    fs.writeFileSync(join(reg, 'processes', id, 'manifest.json'), JSON.stringify(m));
    const d = tc(['describe', 'process', '--registry', reg, id]);
    expect(d.status).toBe(254);
    expect(oneLine(d)).toBe(`tc: process ${id}: manifest is damaged (secret 1: bad placeholder)\n`);
  });
});

describe('tc redact', () => {
  let reg: string;
  let original: string;
  let originalOut: string;

  beforeAll(() => {
    reg = tempDir();
    const d = dataDir();
    const r = tc(['run', '--registry', reg, '--dir', `${d}::/data`, '--no-default-secrets', '--env', `API_TOKEN=${TOKEN}`, SECRETS_WASM, PASSWORD]);
    expect(r.status).toBe(0);
    original = splitId(r.stderr).id;
    originalOut = r.stdout.toString();
    expect(originalOut).toBe(STDOUT);
    // Made without secrets: they are in the registry in clear.
    expect(registryLeaks(reg).length).toBeGreaterThan(0);
  });

  it('writes a new process without the secrets, leaves the original as it was, and keeps the verdict', () => {
    // Notes on the original, one quoting secrets: they come along, the secrets in them replaced.
    const notes = [
      { id: 'n1', record: 3, text: 'starts here', created: '2026-01-01T00:00:00.000Z' },
      { id: 'n2', record: 24, text: `reads ${TOKEN}, then sends ${PASSWORD}!`, created: '2026-01-01T00:00:01.000Z' },
    ];
    openRegistry(reg).setAnnotations(original, notes);
    const before = tree(join(reg, 'processes', original));
    const r = tc(['redact', '--registry', reg, original, '--env', 'API_TOKEN', '--value', PASSWORD, '--file', '/data/key.txt']);
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stderr.toString()).toBe('');
    const [redacted, verdict] = r.stdout.toString().split('\n');
    expect(redacted).toMatch(/^[0-9a-f-]{36}$/);
    expect(redacted).not.toBe(original);
    expect(verdict).toBe('diverges at record 30 without the secrets: unexpected bytes iovs; the call follows uses of ‹secret /data/key.txt› (record 28), ‹secret API_TOKEN› (record 24) and ‹secret secret-1› (record 24), replayed without their values');
    expect(tree(join(reg, 'processes', original))).toEqual(before);

    // Nothing of the secrets in the new process's files and batches.
    const only = tempDir();
    fs.mkdirSync(join(only, 'processes'));
    fs.cpSync(join(reg, 'processes', redacted!), join(only, 'processes', redacted!), { recursive: true });
    expect(registryLeaks(only)).toEqual([]);

    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', redacted!, 'manifest.json'), 'utf8'));
    expect(m.redaction).toEqual({ from: original, verdict: 'diverges', record: 30, message: verdict });
    expect(m.secrets.map((s: { name: string; source: string }) => `${s.name} ${s.source}`)).toEqual(['API_TOKEN env', '/data/key.txt file', 'secret-1 value']);
    const placeholder = (name: string) => m.secrets.find((s: { name: string }) => s.name === name).placeholder;
    expect(openRegistry(reg).annotations(redacted!)).toEqual([notes[0], { ...notes[1], text: `reads ${placeholder('API_TOKEN')}, then sends ${placeholder('secret-1')}!` }]);
    const d = tc(['describe', 'process', '--registry', reg, redacted!]).stdout.toString();
    expect(d).toContain(`Redacted: from ${original}: ${verdict}\n`);

    // Its replay with the secrets is the original's.
    const again = tc(['replay', '--registry', reg, '--secret', `API_TOKEN=${TOKEN}`, '--secret', `secret-1=${PASSWORD}`, '--secret', `/data/key.txt=${KEY}`, redacted!]);
    expect(again.status, again.stderr.toString()).toBe(0);
    expect(again.stdout.toString()).toBe(originalOut);
    expect(tc(['verify', '--registry', reg, redacted!]).status).toBe(0);

    // Exported and imported elsewhere: import says what redact found.
    const file = join(tempDir(), 'r.tcr');
    expect(tc(['export', 'process', '--registry', reg, redacted!, file]).status).toBe(0);
    const imported = tc(['import', '--registry', tempDir(), file]);
    expect(imported.status).toBe(0);
    expect(imported.stdout.toString()).toBe(`${redacted}\n`);
    expect(imported.stderr.toString()).toBe(`tc: note: ${redacted} was redacted from ${original}: ${verdict}\n`);
    const j = JSON.parse(tc(['import', '--registry', tempDir(), file, '-o', 'json']).stdout.toString());
    expect(j.redaction).toEqual(m.redaction);
    expect(j.secrets).toEqual(['API_TOKEN', '/data/key.txt', 'secret-1']);
  });

  it('says when the recording replays to the end without the secret', () => {
    const r0 = tc(['run', '--registry', reg, '--no-default-secrets', '--env', `API_TOKEN=${TOKEN}`, ARGS_ENV, PASSWORD]);
    const source = splitId(r0.stderr).id;
    const r = tc(['redact', '--registry', reg, source, '--env', 'API_TOKEN', '-o', 'json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.toString());
    expect(out.redaction).toEqual({ from: source, verdict: 'replays', message: 'replays to the end without the secret' });
    expect(out.secrets).toEqual(['API_TOKEN']);
    // In the environment it was given, and in the line that printed it.
    expect(out.replaced).toBe(2);
    // A second redact of the redacted process adds a secret and keeps the first.
    const more = tc(['redact', '--registry', reg, out.id, '--value', PASSWORD]);
    expect(more.status).toBe(0);
    expect(more.stdout.toString().split('\n')[1]).toBe('replays to the end without the secrets');
  });

  it('refuses what it cannot do, in one line, writing nothing', () => {
    const before = tree(reg);
    const cases: [string[], number, string][] = [
      [[original], 251, 'tc: nothing to redact: give --env NAME, --value STRING or --file GUEST_PATH\n'],
      [[original, '--env', 'HOME'], 251, `tc: --env HOME: process ${original} has no environment variable HOME\n`],
      [[original, '--file', '/data/other.txt'], 251, `tc: --file /data/other.txt: process ${original} never read that file\n`],
      [[original, '--value', 'abc'], 251, 'tc: --value (secret-1): 3 bytes; a secret needs at least 4, fewer could not be told from other data\n'],
      [['ffffffff', '--value', PASSWORD], 250, "tc: no process matches 'ffffffff'\n"],
    ];
    for (const [args, status, message] of cases) {
      const r = tc(['redact', '--registry', reg, ...args]);
      expect(r.status, args.join(' ')).toBe(status);
      expect(r.stdout.toString()).toBe('');
      expect(oneLine(r)).toBe(message);
    }
    expect(tree(reg)).toEqual(before);
  });
});

describe('the player', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows ‹secret NAME› in the calls, the detail and the terminal, and its re-execution names the secrets', async () => {
    const view = await startView(['--registry', registry]);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
      const u = new URL(view.url);
      u.pathname = `/p/${id}`;
      await openPage(page, u.href);
      await playToEnd(page);
      const terminal = await page.evaluate(() => window.tcPlayer!.terminalText());
      expect(terminal).toBe('token: 33 bytes, password: 29 bytes, key: 32 bytes\nAuthorization: Bearer ‹secret API_TOKEN›\nkey: ‹secret /data/key.txt[0:16]›‹secret /data/key.txt[16:32]›\naccess granted\ntoken ends in ...wxyz\n');
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain('3 secrets kept out');
      expect(text).toContain('‹secret argv[1]›');
      expect(leaks(Buffer.from(text), 'page')).toEqual([]);
      const r = await page.evaluate(() => window.tcPlayer!.reexecute());
      expect(r.identical).toBe(false);
      expect(r.divergence?.offset).toBe(30);
      expect(r.divergence?.report).toContain('the call follows uses of ‹secret /data/key.txt› (record 28), ‹secret API_TOKEN› (record 24) and ‹secret argv[1]› (record 24)');
      await page.close();
    } finally {
      await view.stop();
    }
  });

  it('says what tc redact found', async () => {
    const reg = tempDir();
    fs.cpSync(registry, reg, { recursive: true });
    const r = tc(['redact', '--registry', reg, id, '--value', 'access granted']);
    expect(r.status, r.stderr.toString()).toBe(0);
    const [redacted, verdict] = r.stdout.toString().split('\n');
    const view = await startView(['--registry', reg]);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
      const u = new URL(view.url);
      u.pathname = `/p/${redacted}`;
      await openPage(page, u.href);
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain(`Redacted from ${id}: ${verdict}.`);
      expect(text).toContain('4 secrets kept out');
      await page.close();
    } finally {
      await view.stop();
    }
  });
});
