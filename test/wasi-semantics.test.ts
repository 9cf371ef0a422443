/**
 * WASI semantics where hosts differ, answered as wasmtime answers them (the reference: it passes the
 * WASI preview1 test suite). Each fixture in wasm-fixtures/c prints facts; its stdout is checked line
 * by line under `tc run`, then `tc replay` must print the very same bytes from the log alone, with
 * the directory it ran in gone.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT, splitId, tc, TC, tempDir } from './helpers/run.js';

const fixture = (name: string) => join(ROOT, `wasm-fixtures/c/${name}.wasm`);

/** Record `name` with an empty preopen as /work; returns the run, its id, the registry and the directory. */
function record(name: string, args: string[] = [], input?: string) {
  const top = tempDir('tc-semantics-');
  const reg = join(top, 'reg');
  const dir = join(top, 'work');
  fs.mkdirSync(dir);
  const run = tc(['run', '--registry', reg, '--dir', `${dir}::/work`, fixture(name), ...args], { input });
  const { id, rest } = splitId(run.stderr);
  return { ...run, stderr: rest, id, reg, dir };
}

/** Replay with the directory gone: the same stdout, stderr and exit status. */
function replaysIdentically(r: ReturnType<typeof record>) {
  fs.rmSync(r.dir, { recursive: true, force: true });
  const rep = tc(['replay', '--registry', r.reg, r.id]);
  expect(rep.stdout.toString()).toBe(r.stdout.toString());
  expect(rep.stderr.toString()).toBe(r.stderr.toString());
  expect(rep.status).toBe(r.status);
}

const CASES: { name: string; what: string; stdout: string[]; stderr?: string; after?: Record<string, string> }[] = [
  {
    name: 'readdir',
    what: 'fd_readdir lists . and .. first, resumes at every cookie, fills a small buffer with what fits, and is EBADF on a non-directory',
    stdout: [
      "empty: 2 entries, bufused=51: . (DIRECTORY, next=1) .. (DIRECTORY, next=2)",
      "\".\" d_ino is the directory's own: yes",
      "empty from cookie 2: 0 entries, bufused=0",
      "three: 6 entries, first . .., then a (REGULAR_FILE) b (REGULAR_FILE) c (REGULAR_FILE) d (DIRECTORY)",
      "three: resumed at each d_next: yes",
      "30-byte buffer: ok bufused=30, first=. (namlen 1), byte 30 untouched: yes",
      "10-byte buffer: ok bufused=10",
      "fd_readdir of a file: EBADF(8)",
      "fd_readdir of stdout: EBADF(8)",
      "fd_readdir of a closed fd: EBADF(8)",
    ],
  },
  {
    name: 'rights',
    what: "rights are wasmtime's, enforced on every call; a directory's data calls are EBADF, stdio's seeks ESPIPE",
    stdout: [
      "preopen: DIRECTORY flags=0x0 base=0x07b7fe00 inheriting=0x3fffffff",
      "open . DIRECTORY, the preopen's rights: ok",
      "  that directory: DIRECTORY flags=0x0 base=0x07b7fe00 inheriting=0x3fffffff",
      "open . (no DIRECTORY), the preopen's rights: ok",
      "open . DIRECTORY with FD_READ|FD_WRITE: EISDIR(31)",
      "open . DIRECTORY|CREAT: EINVAL(28)",
      "open . DIRECTORY|TRUNC: EINVAL(28)",
      "open . DIRECTORY|EXCL: EINVAL(28)",
      "create f read-write: ok",
      "  read-write file: REGULAR_FILE flags=0x0 base=0x3fffffff inheriting=0x3fffffff",
      "  read-only file: REGULAR_FILE flags=0x0 base=0x3fffffbf inheriting=0x3fffffff",
      "  write-only file: REGULAR_FILE flags=0x0 base=0x3fffbffd inheriting=0x3fffffff",
      "fd_write to the read-only file: EBADF(8)",
      "fd_read of the write-only file: EBADF(8)",
      "on the preopen (a directory):",
      "  fd_seek EBADF(8), fd_tell EBADF(8)",
      "  fd_read EBADF(8), fd_write EBADF(8)",
      "  fd_pread EBADF(8), fd_pwrite EBADF(8)",
      "  fd_filestat_set_size EBADF(8), fd_allocate EBADF(8), fd_advise EBADF(8)",
      "  fd_datasync EBADF(8), fd_sync EBADF(8), fd_fdstat_set_flags EBADF(8)",
      "  fd_filestat_get ok",
      "on stdio:",
      "  isatty(0)=0 isatty(1)=0 isatty(2)=0",
      "  fd_seek(1) ESPIPE(70), fd_tell(1) ESPIPE(70)",
      "  fd_read(1) EBADF(8), fd_write(0) EBADF(8)",
      "  fd_pwrite(1) ESPIPE(70)",
      "fd_fdstat_set_rights:",
      "  drop FD_WRITE|FD_SEEK: ok",
      "  now: REGULAR_FILE flags=0x0 base=0x3fffffbb inheriting=0x3fffffff",
      "  fd_write ENOTCAPABLE(76), fd_pwrite ENOTCAPABLE(76), fd_seek(0, SET) ENOTCAPABLE(76), fd_seek(0, CUR) ok, fd_tell ok, fd_read ENOTCAPABLE(76)",
      "  raise FD_WRITE again: ENOTCAPABLE(76)",
      "  narrow rights_inheriting to FD_READ: ok, raise it to FD_READ|FD_WRITE: ENOTCAPABLE(76)",
      "open . with inheriting FD_READ|FD_SEEK: ok",
      "  that directory: DIRECTORY flags=0x0 base=0x00006000 inheriting=0x00000006",
      "  open f for FD_READ from it: ok",
      "  that file: REGULAR_FILE flags=0x0 base=0x00000002 inheriting=0x00000000",
      "  open f for FD_READ|FD_WRITE from it: ENOTCAPABLE(76)",
      "  open f for FD_READ, inheriting FD_WRITE: ENOTCAPABLE(76)",
      "  create g from it (no PATH_CREATE_FILE): ENOTCAPABLE(76)",
      "  path_filestat_get from it (no PATH_FILESTAT_GET): ENOTCAPABLE(76)",
      "  drop PATH_OPEN: ok; open f: ENOTCAPABLE(76)",
    ],
    stderr: 'stdout drops its rights: ok; fd_write(1): ENOTCAPABLE(76)\n',
  },
  {
    name: 'append',
    what: 'fd_fdstat_set_flags sets and clears APPEND on an open file; a pwrite to an appending file appends',
    stdout: [
      "open a CREAT, APPEND: ok",
      "APPEND, after a seek to 0: flags=0x1 tell=200 size=200: 100x0 100x1",
      "clear APPEND: ok",
      "cleared, at 0: flags=0x0 tell=100 size=200: 100x2 100x1",
      "set APPEND: ok",
      "set again, after a seek to 0: flags=0x1 tell=300 size=300: 100x2 100x1 100x3",
      "fd_pwrite at 0: ok n=100",
      "after the pwrite: flags=0x1 tell=300 size=400: 100x2 100x1 100x3 100x4",
      "set NONBLOCK: ok",
      "NONBLOCK: flags=0x4 tell=300 size=400: 100x2 100x1 100x3 100x4",
      "set DSYNC: EINVAL(28), SYNC: EINVAL(28), RSYNC: EINVAL(28)",
      "end: flags=0x4 tell=100 size=400: 100x2 100x1 100x3 100x4",
    ],
    after: { a: `${'2'.repeat(100)}${'1'.repeat(100)}${'3'.repeat(100)}${'4'.repeat(100)}` },
  },
  {
    name: 'paths',
    what: 'trailing slashes, . and .., empty and absolute paths, NUL and symlinks get the errno wasmtime gives, and never lead out',
    stdout: [
      "trailing slash on a file:",
      "  path_open f/: ENOTDIR(54)",
      "  path_open f/ (follow): ENOTDIR(54)",
      "  path_filestat_get f/: ENOTDIR(54)",
      "  path_unlink_file f/: ENOTDIR(54)",
      "  path_remove_directory f/: ENOTDIR(54), f: ENOTDIR(54)",
      "  path_create_directory f/: EEXIST(20)",
      "directories as files:",
      "  path_unlink_file d: EISDIR(31), d/: EISDIR(31)",
      "  path_open d/ DIRECTORY: ok, d/// DIRECTORY: ok",
      "  path_open f DIRECTORY: ENOTDIR(54)",
      "dot and dot-dot:",
      "  ./f ok, d/../f ok, d/./../d/../f ok",
      "  d/.. DIRECTORY ok, . DIRECTORY ok",
      "  .. EPERM(63), d/../.. EPERM(63), d/../../x EPERM(63), ../f EPERM(63)",
      "  path_filestat_get ..: EPERM(63)",
      "  path_create_directory ../x: EPERM(63), path_unlink_file ../f: EPERM(63)",
      "empty, absolute and NUL:",
      "  \"\" ENOENT(44), /f EPERM(63), /etc/passwd EPERM(63)",
      "  path_filestat_get : ENOENT(44)",
      "  path_filestat_get /: EPERM(63)",
      "  path_create_directory \"\": ENOENT(44), /x: EPERM(63)",
      "  f\\0 EINVAL(28)",
      "symlinks:",
      "  lf ELOOP(32), lf (follow) ok, lf DIRECTORY (follow) ENOTDIR(54)",
      "  ld DIRECTORY (follow) ok, ld/ ok",
      "  dangling ELOOP(32), dangling (follow) ENOENT(44)",
      "  path_filestat_get lf: SYMBOLIC_LINK",
      "  path_filestat_get lf (follow): REGULAR_FILE",
      "  path_filestat_get dangling (follow): ENOENT(44)",
      "  path_symlink /etc: EPERM(63), ../x: EPERM(63)",
    ],
  },
  {
    name: 'times',
    what: 'times set read back to the nanosecond; without SYMLINK_FOLLOW the link itself changes',
    stdout: [
      "fd_filestat_set_times: ok",
      "fd_filestat_get: atim=1234567890123456789 mtim=1600000000987654321",
      "path_filestat_get t: atim=1234567890123456789 mtim=1600000000987654321",
      "path_filestat_set_times lt (follow), mtim only: ok",
      "t: atim=1234567890123456789 mtim=1500000000000000001",
      "path_filestat_set_times lt (no follow): ok",
      "lt itself: atim=1400000000000000007 mtim=1450000000999999999",
      "t through lt: atim=1234567890123456789 mtim=1500000000000000001",
      "ATIM|ATIM_NOW: EINVAL(28), MTIM|MTIM_NOW: EINVAL(28)",
      "after a write, mtim is later than 2020: yes",
    ],
  },
];

describe.each(CASES)('$name: $what', (c) => {
  it('under tc run, and the same from tc replay', () => {
    const r = record(c.name);
    expect(r.stdout.toString().split('\n')).toEqual([...c.stdout, '']);
    expect(r.stderr.toString()).toBe(c.stderr ?? '');
    expect(r.status).toBe(0);
    if (c.after) for (const [file, content] of Object.entries(c.after)) expect(fs.readFileSync(join(r.dir, file), 'utf8')).toBe(content);
    replaysIdentically(r);
  });
});

describe('a pointer or length outside linear memory traps, as under wasmtime, and replay traps the same', () => {
  const TRAPS: [string, string][] = [
    ['write-iovs', 'fd_write'],
    ['write-buf', 'fd_write'],
    ['read-buf', 'fd_read'],
    ['read-nread', 'fd_read'],
    ['path', 'path_filestat_get'],
    ['clock', 'clock_time_get'],
    ['random', 'random_get'],
    ['args', 'args_get'],
    ['fdstat', 'fd_fdstat_get'],
    ['prestat-name', 'fd_prestat_dir_name'],
    ['readdir', 'fd_readdir'],
    ['poll', 'poll_oneoff'],
  ];
  it.each(TRAPS)('%s: %s', (which, fn) => {
    const r = record('bounds', [which], '');
    expect(r.stdout.toString()).toBe(`calling ${which}\n`);
    expect(r.stderr.toString().split('\n')[0]).toBe(`tc: trap: ${fn}: out of bounds memory access`);
    expect(r.status).toBe(134);
    fs.rmSync(r.dir, { recursive: true, force: true });
    const rep = tc(['replay', '--registry', r.reg, r.id]);
    expect(rep.stdout.toString()).toBe(r.stdout.toString());
    expect(rep.stderr.toString().split('\n')[0]).toBe(`tc: trap: ${fn}: out of bounds memory access`);
    expect(rep.status).toBe(134);
  });

  it('a buffer outside memory after one inside: the first is written, and the call returns its count', () => {
    const r = record('bounds', ['write-later-buf']);
    expect(r.stdout.toString()).toBe('calling write-later-buf\nok\nreturned ok, n=3\n');
    expect(r.status).toBe(0);
    replaysIdentically(r);
  });
});

describe('terminals are terminals', () => {
  it('on a terminal the guest sees a character device without seek rights (isatty), and stdio is line-buffered; replay shows the same', () => {
    const top = tempDir('tc-tty-');
    const reg = join(top, 'reg');
    // script(1) runs tc with a pseudo-terminal as its stdin, stdout and stderr.
    const shell = spawnSync('script', ['-qec', `${process.execPath} ${TC} run --registry ${reg} ${fixture('tty')}`, '/dev/null'], { encoding: 'utf8', input: '' });
    expect(shell.status).toBe(0);
    expect(shell.stdout.replaceAll('\r\n', '\n')).toContain('isatty: 1 1 1\nline 1\nline 2\nline 3\n');
    const [id] = fs.readdirSync(join(reg, 'processes'));
    const trace = tc(['trace', '--registry', reg, '--function', 'fd_fdstat_get', '--function', 'fd_write', id!]).stdout.toString();
    // FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE: no FD_SEEK, no FD_TELL.
    expect(trace).toContain('fd_fdstat_get(fd=1) = ESUCCESS (stat={filetype=CHARACTER_DEVICE, flags=0, rights_base=0x8200040, rights_inheriting=0x8200040})');
    // Line-buffered: one fd_write a line.
    expect(trace.split('\n').filter((l) => l.startsWith('fd_write('))).toHaveLength(4);
    const rep = tc(['replay', '--registry', reg, id!]);
    expect(rep.stdout.toString()).toBe('isatty: 1 1 1\nline 1\nline 2\nline 3\n');
    expect(rep.status).toBe(0);
  });

  it('on a pipe it is not a terminal, and stdio is buffered', () => {
    const top = tempDir('tc-tty-');
    const reg = join(top, 'reg');
    const run = tc(['run', '--registry', reg, fixture('tty')], { input: '' });
    expect(run.stdout.toString()).toBe('isatty: 0 0 0\nline 1\nline 2\nline 3\n');
    const { id } = splitId(run.stderr);
    const trace = tc(['trace', '--registry', reg, '--function', 'fd_fdstat_get', '--function', 'fd_write', id]).stdout.toString();
    expect(trace).toContain('fd_fdstat_get(fd=1) = ESUCCESS (stat={filetype=UNKNOWN, flags=0, rights_base=0x8200040, rights_inheriting=0x8200040})');
    // wasi-libc (musl) finds out at the first line that stdout is not a terminal: the rest goes at exit.
    expect(trace.split('\n').filter((l) => l.startsWith('fd_write('))).toHaveLength(2);
  });
});
