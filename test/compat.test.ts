/**
 * Every fixture under tc run compared with Node's built-in WASI (node:wasi) on the same inputs: stdout,
 * stderr, exit code and the files left behind; then every recording replayed with its directory gone.
 * Where node:wasi departs from the WASI spec, KNOWN_DIFFERENCES lists each differing stdout line with
 * the reason: tc follows the spec there.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINARY_OUT_STDOUT, FIXTURE_CASES, type FixtureCase } from './fixture-cases.js';
import { nodeWasi, ROOT, seed, snapshot, splitId, tc, tempDir } from './helpers/run.js';

const TIMES = 'node:wasi drops the sub-second part of set times; tc keeps them to the microsecond (Node utimes precision)';
const ESCAPE = 'resolution is physical (symlinks first, then ..): the path leaves the preopen; node:wasi resolves .. by string';
const SOCK = 'a host without sockets: the fd is not a socket (ENOTSOCK); node:wasi checks rights it never granted';

/**
 * case name -> [node:wasi's words, tc's, why tc is right]: replaced in node:wasi's stdout before it is
 * compared, for differences that run through a whole fixture.
 */
const KNOWN_WORDS: Record<string, [string, string, string][]> = {
  sandbox: [['ENOTCAPABLE(76)', 'EPERM(63)', 'wasmtime answers every way out of a preopen with EPERM; node:wasi with ENOTCAPABLE']],
};

/** case name -> [node:wasi line, tc line, why tc is right] for each stdout line that differs (after KNOWN_WORDS). */
const KNOWN_DIFFERENCES: Record<string, [string, string, string][]> = {
  files: [
    ['F_GETFL: ok, O_APPEND clear', 'F_GETFL: ok, O_APPEND set', 'fd_fdstat_get reports WASI fdflags; node:wasi returns the host open(2) flags'],
    ['fstat: atime=1234567890.000000000 mtime=1600000000.000000000', 'fstat: atime=1234567890.250000000 mtime=1600000000.500000000', TIMES],
    ['stat: atime=1000000000.000000000 mtime=1500000000.000000000', 'stat: atime=1000000000.000000000 mtime=1500000000.750000000', TIMES],
    ['stat: atime=1000000000.000000000 mtime=1700000000.000000000', 'stat: atime=1000000000.000000000 mtime=1700000000.125000000', TIMES],
    ['atime is now: yes, mtime=1700000000.000000000', 'atime is now: yes, mtime=1700000000.125000000', TIMES],
    ['readlink link_a bufsize 3: -1 ENOBUFS(42)', 'readlink link_a bufsize 3: 3 ', 'path_readlink truncates to the buffer, as readlink(2) and wasmtime'],
    ['open link_a O_NOFOLLOW: ok', 'open link_a O_NOFOLLOW: ELOOP(32)', 'without SYMLINK_FOLLOW the last symlink is not followed: open(2) gives ELOOP, as wasmtime'],
  ],
  sandbox: [
    ['symlink sub/to_root -> ..: EPERM(63)', 'symlink sub/to_root -> ..: ok', 'sub/.. is the preopen itself: inside; node:wasi resolves the target from the root, not from sub/'],
    ['open sub/to_root/.. (follow): ok, inside (sub)', 'open sub/to_root/.. (follow): EPERM(63)', ESCAPE],
    ['open via_self (follow): ok, inside (.)', 'open via_self (follow): EPERM(63)', ESCAPE],
    ['open via_self/x (follow): ENOENT(44)', 'open via_self/x (follow): EPERM(63)', ESCAPE],
    ['unlink sub/to_root: ENOENT(44)', 'unlink sub/to_root: ok', 'the link was created above'],
  ],
  'all-calls': [
    ['24 fd_fdstat_get: ok regular_file fs_flags=0x8402', '24 fd_fdstat_get: ok regular_file fs_flags=0x1', 'fd_fdstat_get reports WASI fdflags (APPEND = 1); node:wasi returns the host open(2) flags'],
    ['50 sock_accept: ENOTCAPABLE(76)', '50 sock_accept: ENOTSOCK(57)', SOCK],
    ['51 sock_recv: ENOTCAPABLE(76)', '51 sock_recv: ENOTSOCK(57)', SOCK],
    ['52 sock_send: ENOTCAPABLE(76)', '52 sock_send: ENOTSOCK(57)', SOCK],
    ['53 sock_shutdown: ENOTSUP(58)', '53 sock_shutdown: ENOTSOCK(57)', SOCK],
  ],
};

function inputs(c: FixtureCase, root: string) {
  const flags: string[] = [];
  let host: string | undefined;
  if (c.dir) {
    host = join(root, 'dir');
    fs.mkdirSync(host);
    seed(host, c.dir.seed);
    flags.push('--dir', `${host}::${c.dir.guest}`);
  }
  for (const [k, v] of Object.entries(c.env ?? {})) flags.push('--env', `${k}=${v}`);
  let stdinFile: string | undefined;
  if (c.stdin !== undefined) {
    stdinFile = join(root, 'stdin');
    fs.writeFileSync(stdinFile, c.stdin);
  }
  return { flags, host, stdinFile };
}

const lines = (b: Buffer) => b.toString('utf8').split('\n');

function diffLines(a: Buffer, b: Buffer): [string, string][] {
  const la = lines(a);
  const lb = lines(b);
  const out: [string, string][] = [];
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) out.push([la[i] ?? '<none>', lb[i] ?? '<none>']);
  return out;
}

describe.each(FIXTURE_CASES)('$name: tc run matches node:wasi, tc replay matches tc run', (c) => {
  it('runs, records and replays identically', () => {
    const top = tempDir('tc-compat-');
    const reg = join(top, 'reg');
    const base = inputs(c, fs.mkdirSync(join(top, 'node'), { recursive: true }) ?? join(top, 'node'));
    const mine = inputs(c, fs.mkdirSync(join(top, 'tc'), { recursive: true }) ?? join(top, 'tc'));
    const wasm = join(ROOT, c.wasm);
    const ref = nodeWasi([...base.flags, wasm, ...(c.args ?? [])], { stdinFile: base.stdinFile });
    const run = tc(['run', '--registry', reg, ...mine.flags, wasm, ...(c.args ?? [])], { stdinFile: mine.stdinFile });

    if (c.error) {
      expect(ref.status).not.toBe(0);
      expect(run.status).toBe(250);
      expect(run.stderr.toString()).toMatch(/^tc: .+\n$/);
      expect(fs.existsSync(join(reg, 'processes'))).toBe(false);
      return;
    }
    const { id, rest: stderr } = splitId(run.stderr);

    // stdout: identical, except the lines where node:wasi departs from the spec.
    const known = KNOWN_DIFFERENCES[c.name] ?? [];
    let refOut = ref.stdout.toString('latin1');
    for (const [theirs, ours] of KNOWN_WORDS[c.name] ?? []) refOut = refOut.replaceAll(theirs, ours);
    expect(diffLines(Buffer.from(refOut, 'latin1'), run.stdout)).toEqual(known.map(([a, b]) => [a, b]));
    if (c.stdout !== undefined) expect(run.stdout.toString()).toBe(c.stdout);
    if (c.stderr !== undefined) expect(stderr.toString()).toBe(c.stderr);
    if (c.name === 'binary-out') expect(run.stdout.equals(Buffer.from(BINARY_OUT_STDOUT))).toBe(true);

    if (c.trap) {
      expect(run.status).toBe(134);
      expect(ref.status).toBe(134);
      expect(stderr.toString()).toMatch(/^tc: trap: unreachable\n/);
    } else {
      expect(run.status).toBe(c.exitCode);
      expect(ref.status).toBe(c.exitCode);
      expect(stderr.toString()).toBe(ref.stderr.toString());
    }
    if (base.host && mine.host) {
      expect(snapshot(mine.host)).toEqual(snapshot(base.host));
      if (c.dirAfter) {
        const expected = Object.fromEntries(
          Object.entries(c.dirAfter).map(([k, v]) => [k, v === '<dir>' ? v : Buffer.from(v).toString('base64')]),
        );
        expect(snapshot(mine.host)).toEqual(expected);
      }
      fs.rmSync(mine.host, { recursive: true });
    }

    // Replay from the registry alone: the directory is gone, stdin is not given.
    const rep = tc(['replay', '--registry', reg, id]);
    expect(rep.stdout.equals(run.stdout)).toBe(true);
    expect(rep.status).toBe(run.status);
    if (c.trap) expect(rep.stderr.toString().split('\n')[0]).toBe(stderr.toString().split('\n')[0]);
    else expect(rep.stderr.toString()).toBe(stderr.toString());
    if (mine.host) expect(fs.existsSync(mine.host)).toBe(false);
  });
});
