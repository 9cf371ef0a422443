/**
 * Reliability and security, end to end (spawning bin/tc.js): bad ids and unusable registries give a
 * one-line error and change nothing; the registry is private (directories 0700, files 0600); several
 * `tc run` at once share one registry safely; a guest cannot reach outside its preopen; a recording
 * that is killed keeps what it flushed, and `tc verify` tells a cut-short log from a damaged one.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSegment } from '../src/log/files.js';
import { ROOT, snapshot, splitId, tc, TC, tcAsync, tempDir, type Spawned } from './helpers/run.js';
import { printerWat, tickerWat, writeWat } from './helpers/wat.js';

const C = join(ROOT, 'wasm-fixtures/c');
const HELLO = join(C, 'hello.wasm');

/** One line on stderr, `tc: ...`, nothing on stdout, exit 250. */
function expectOneLineError(r: Spawned, what: string, message: RegExp): void {
  const context = `${what} -> ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect(r.status, context).toBe(250);
  expect(r.stdout.length, context).toBe(0);
  expect(r.stderr.toString(), context).toMatch(/^tc: [^\n]+\n$/);
  expect(r.stderr.toString(), context).toMatch(message);
}

/** The commands that take a process id. */
const BY_ID: readonly string[][] = [['replay'], ['trace'], ['verify'], ['describe', 'process']];

describe('bad input: a one-line error, a non-zero exit, and the registry unchanged', () => {
  it('an unknown id and an ambiguous prefix, for replay, trace, verify and describe', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const r = tc(['run', '--registry', reg, HELLO]);
    expect(r.status).toBe(0);
    const { id } = splitId(r.stderr);
    // A second process whose id shares the first 8 characters: the prefix is ambiguous.
    let twin = id;
    while (twin === id) twin = id.slice(0, 8) + randomUUID().slice(8);
    fs.cpSync(join(reg, 'processes', id), join(reg, 'processes', twin), { recursive: true });
    const mp = join(reg, 'processes', twin, 'manifest.json');
    fs.writeFileSync(mp, fs.readFileSync(mp, 'utf8').replace(id, twin), { mode: 0o600 });
    const unknown = [...'0123456789abcdef'].find((c) => c !== id[0])! + '1b2c3d';
    const before = snapshot(reg);
    const [first, second] = [id, twin].sort();
    for (const cmd of BY_ID) {
      expectOneLineError(tc([...cmd, unknown, '--registry', reg]), `${cmd.join(' ')} ${unknown}`, new RegExp(`^tc: no process matches '${unknown}'\\n$`));
      expectOneLineError(tc([...cmd, id.slice(0, 8), '--registry', reg]), `${cmd.join(' ')} ${id.slice(0, 8)}`, new RegExp(`^tc: process id '${id.slice(0, 8)}' is ambiguous: ${first}, ${second}\\n$`));
    }
    // The full ids still work: the twin is a real process.
    for (const full of [id, twin]) expect(tc(['verify', '--registry', reg, full]).status).toBe(0);
    expect(snapshot(reg)).toEqual(before);
  });

  it('a registry that cannot be a directory: the path is a file, its parent is a file, an ancestor is a file', () => {
    // Tests run as root, whom chmod does not stop: a path under a regular file fails for everyone.
    const dir = tempDir();
    const file = join(dir, 'file.txt');
    fs.writeFileSync(file, 'not a registry\n');
    const before = snapshot(dir);
    for (const reg of [file, join(file, 'reg'), join(file, 'a', 'reg')]) {
      const run = tc(['run', '--registry', reg, HELLO]);
      expectOneLineError(run, `run --registry ${reg}`, /not a directory/);
      for (const cmd of BY_ID) expectOneLineError(tc([...cmd, 'abc', '--registry', reg]), `${cmd.join(' ')} --registry ${reg}`, /not a directory/);
      expectOneLineError(tc(['get', 'process', '--registry', reg]), `get process --registry ${reg}`, /not a directory/);
      expect(snapshot(dir)).toEqual(before);
    }
  });
});

/** Every directory (mode 0700) and file (0600) below `root`, `root` included: path -> octal mode. */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string, rel: string) => {
    const st = fs.lstatSync(path);
    out[rel || '.'] = (st.mode & 0o777).toString(8);
    if (st.isDirectory()) for (const name of fs.readdirSync(path)) walk(join(path, name), rel ? `${rel}/${name}` : name);
  };
  walk(root, '');
  return out;
}

describe('registry permissions', () => {
  it('directories are created 0700 and files 0600, whatever the umask, by tc run and by tc import', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const imported = join(dir, 'imported');
    const old = process.umask(0); // the children inherit it: only the modes tc asks for protect the files
    let id: string;
    try {
      const r = tc(['run', '--registry', reg, join(C, 'clocks.wasm')]);
      expect(r.status).toBe(0);
      id = splitId(r.stderr).id;
      const tcr = join(dir, 'p.tcr');
      expect(tc(['export', 'process', id, tcr, '--registry', reg]).status).toBe(0);
      expect(tc(['import', tcr, '--registry', imported]).status).toBe(0);
    } finally {
      process.umask(old);
    }
    for (const root of [reg, imported]) {
      const m = JSON.parse(fs.readFileSync(join(root, 'processes', id, 'manifest.json'), 'utf8'));
      const hex = m.module.digest.slice('sha256:'.length);
      const expected: Record<string, string> = {
        '.': '700',
        modules: '700',
        [`modules/${hex}`]: '600',
        [`modules/${hex}.json`]: '600',
        processes: '700',
        [`processes/${id}`]: '700',
        [`processes/${id}/manifest.json`]: '600',
        [`processes/${id}/log`]: '700',
        [`processes/${id}/log/00000000`]: '600',
      };
      // Exactly these entries, with these modes (nothing else is left behind, e.g. temporary files).
      expect(modes(root), root).toEqual(expected);
    }
  });
});


describe('concurrency', () => {
  it('8 tc run of one module at once into a fresh registry: 8 processes, the module stored once, each replays', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const mod = join(C, 'args_env.wasm');
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => tcAsync(['run', '--registry', reg, '--env', `RUN=${i}`, mod, `run-${i}`])));
    const ids: string[] = [];
    runs.forEach((r, i) => {
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.toString()).toContain(`argv[1]=run-${i}\n`);
      ids.push(splitId(r.stderr).id);
    });
    expect(new Set(ids).size).toBe(8);
    expect(fs.readdirSync(join(reg, 'processes')).sort()).toEqual([...ids].sort());
    const digest = JSON.parse(fs.readFileSync(join(reg, 'processes', ids[0]!, 'manifest.json'), 'utf8')).module.digest as string;
    const hex = digest.slice('sha256:'.length);
    expect(fs.readdirSync(join(reg, 'modules')).sort()).toEqual([hex, `${hex}.json`]);
    expect(Object.keys(snapshot(reg)).filter((p) => p.includes('.tmp-'))).toEqual([]);
    const replays = await Promise.all(ids.map((id) => tcAsync(['replay', '--registry', reg, id])));
    replays.forEach((r, i) => {
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(r.stdout.equals(runs[i]!.stdout), `replay of run ${i}`).toBe(true);
      expect(r.stderr.length, r.stderr.toString()).toBe(0);
    });
    const verified = await Promise.all(ids.map((id) => tcAsync(['verify', '--registry', reg, id])));
    for (const v of verified) expect(v.status, v.stdout.toString()).toBe(0);
  });
});

describe('sandbox', () => {
  it('a guest trying every way out of its preopen changes nothing outside it, and the trace shows the refusals', () => {
    const top = tempDir();
    const pre = join(top, 'pre');
    fs.mkdirSync(pre);
    fs.mkdirSync(join(top, 'outside'));
    fs.writeFileSync(join(top, 'outside', 'secret'), 'secret\n');
    fs.writeFileSync(join(top, 'x'), 'next to the preopen\n');
    const reg = join(tempDir(), 'reg');
    const before = snapshot(top);
    const r = tc(['run', '--registry', reg, '--dir', `${pre}::/sandbox`, join(C, 'sandbox.wasm'), '/sandbox']);
    const out = r.stdout.toString();
    expect(r.status, out).toBe(0);
    expect(out).toContain('escapes: 0\n');
    expect(out).not.toContain('ESCAPED');
    expect(out).not.toContain('secret\n');
    // Nothing beside the preopen was created, changed or removed (and the guest cleaned up inside it).
    expect(snapshot(top)).toEqual(before);

    const { id } = splitId(r.stderr);
    const t = tc(['trace', '--registry', reg, id]);
    expect(t.status).toBe(0);
    const trace = t.stdout.toString();
    for (const line of [
      /^path_open\(fd=3, .*path="\.\.\/x"\) = EPERM$/m,
      /^path_open\(fd=3, .*path="\/etc\/passwd"\) = EPERM$/m,
      /^path_open\(fd=3, .*path="sub\/\.\.\/\.\.\/x"\) = EPERM$/m,
      /^path_filestat_get\(fd=3, flags=SYMLINK_FOLLOW, path="\.\."\) = EPERM$/m,
      /^path_create_directory\(fd=3, path="\.\.\/escape_dir"\) = EPERM$/m,
      /^path_symlink\(fd=3, old_path="\/etc", new_path="to_etc"\) = EPERM$/m,
      /^path_open\(fd=3, .*path="via_self\/x"\) = EPERM$/m,
      /^path_open\(fd=3, .*path="to_up\/created_outside"\) = ENOENT$/m,
      /^path_open\(fd=3, .*path="loop_a"\) = ELOOP$/m,
      /^path_filestat_get\(fd=3, flags=SYMLINK_FOLLOW, path="loop_a"\) = ELOOP$/m,
      /^path_link\(old_fd=3, old_flags=0, new_fd=3, old_path="\/etc\/passwd", new_path="stolen"\) = EPERM$/m,
      /^path_rename\(fd=3, new_fd=3, old_path="inside_dir", new_path="\.\.\/moved_out"\) = EPERM$/m,
      /^path_symlink\(fd=3, old_path="x", new_path="\.\.\/planted"\) = EPERM$/m,
      /^path_unlink_file\(fd=3, path="\.\.\/x"\) = EPERM$/m,
      /^path_remove_directory\(fd=3, path="\.\."\) = EPERM$/m,
    ]) {
      expect(trace).toMatch(line);
    }
    // No call naming a path that leads out lexically (absolute, or `..` first) succeeded. A symlink's
    // old_path is its target text, not a path that is opened: `sub/to_root -> ..` stays inside.
    const lines = trace.split('\n').filter((l) => l.startsWith('path_'));
    expect(lines.length).toBeGreaterThan(40);
    for (const l of lines) {
      const paths = [...l.matchAll(/\b(\w*path)="([^"]*)"/g)].filter(([, name]) => !(l.startsWith('path_symlink(') && name === 'old_path')).map(([, , v]) => v!);
      if (paths.some((p) => p.startsWith('/') || p === '..' || p.startsWith('../'))) expect(l).not.toMatch(/= ESUCCESS\b/);
    }

    // Replay gives the same output and touches nothing.
    const replay = tc(['replay', '--registry', reg, id]);
    expect(replay.status).toBe(0);
    expect(replay.stdout.equals(r.stdout)).toBe(true);
    expect(snapshot(top)).toEqual(before);
  });
});

/** Start `tc run` of a guest that writes forever; resolves once its first batch is on disk. */
async function startTicker(reg: string, mod: string) {
  const child = spawn(process.execPath, [TC, 'run', '--registry', reg, mod], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const segment = () => {
    const id = /^([0-9a-f-]{36})\n/.exec(err)?.[1];
    return id === undefined ? undefined : { id, path: join(reg, 'processes', id, 'log', '00000000') };
  };
  // Poll for the first segment (a guard of 30 s against a hang, not a timing assertion).
  for (let i = 0; i < 3000; i++) {
    const s = segment();
    if (s !== undefined && (fs.statSync(s.path, { throwIfNoEntry: false })?.size ?? 0) > 0) return { child, exited, id: s.id };
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`no batch was written: ${err}`);
}

describe('a recording that is killed', () => {
  it('SIGKILL: the batches written stay; verify says ok, replay runs them and reports the end (exit 253)', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const mod = writeWat(dir, 'ticker.wasm', tickerWat('tick\n', 0, 20000));
    const { child, exited, id } = await startTicker(reg, mod);
    // While it runs, verify reads a growing log: not damage.
    const live = tc(['verify', '--registry', reg, id]);
    expect(live.status, live.stdout.toString()).toBe(0);
    expect(live.stdout.toString()).toMatch(/^ok: \d+ records, \d+ batch(es)?, 1 segment \(still being recorded\)\n$/m);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('recording');
    expect(m.records).toBeUndefined();
    const got = tc(['get', 'process', '-o', 'json', '--registry', reg]);
    expect(JSON.parse(got.stdout.toString())).toMatchObject([{ id, status: 'incomplete' }]);

    // Wherever the kill landed (between batches or inside one), the log is not damaged.
    const v = tc(['verify', '--registry', reg, id]);
    const lines = v.stdout.toString().trimEnd().split('\n');
    expect(v.status, v.stdout.toString()).toBe(0);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^segment 0, batch \d+: the segment ends inside a batch \(the recording did not finish\)$/);
    const summary = /^ok: (\d+) records, \d+ batch(es)?, 1 segment \(the recording did not finish\)$/.exec(lines.at(-1)!);
    expect(summary, lines.at(-1)).not.toBeNull();
    const records = Number(summary![1]);
    expect(records).toBeGreaterThan(0);

    // Replay runs every record kept (each one a write of "tick"), then stops with exit 253.
    const r = tc(['replay', '--registry', reg, id]);
    expect(r.status, r.stderr.toString()).toBe(253);
    expect(r.stderr.toString()).toBe(`tc: log ends at record ${records}: the recording did not finish\n`);
    expect(r.stdout.toString()).toBe('tick\n'.repeat(records));
  });

  it('a log cut inside its last batch: not damage for a recording that did not finish, damage for one that did', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const run = tc(['run', '--registry', reg, join(C, 'clocks.wasm')]);
    expect(run.status).toBe(0);
    const { id } = splitId(run.stderr);
    const seg = join(reg, 'processes', id, 'log', '00000000');
    fs.truncateSync(seg, fs.statSync(seg).size - 10);
    const line = 'segment 0, batch 0: the segment ends inside a batch (the recording did not finish)\n';

    const finished = tc(['verify', '--registry', reg, id]);
    expect(finished.status).toBe(254);
    expect(finished.stdout.toString()).toBe(`${line}damaged: 1 problem (read: 0 records, 0 batches, 1 segment)\n`);

    // The same log under the manifest of a recording that was killed (still "recording", its tc gone).
    const mp = join(reg, 'processes', id, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mp, 'utf8'));
    for (const k of ['records', 'exitCode', 'endTime']) delete m[k];
    m.status = 'recording';
    m.pid = 2 ** 22 + 1; // above Linux's pid_max: no such process
    fs.writeFileSync(mp, JSON.stringify(m, null, 2));
    const killed = tc(['verify', '--registry', reg, id]);
    expect(killed.status, killed.stdout.toString()).toBe(0);
    expect(killed.stdout.toString()).toBe(`${line}ok: 0 records, 0 batches, 1 segment (the recording did not finish)\n`);
    const json = JSON.parse(tc(['verify', '-o', 'json', '--registry', reg, id]).stdout.toString());
    expect(json).toMatchObject({ id, ok: true, unfinished: true, status: 'incomplete', problems: [{ where: 'log', segment: 0, batch: 0, damage: false }] });
  });

  it('one payload byte flipped in the second batch: tc verify names that batch and exits 254, replay and trace stop there', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // 40,000 writes: two batches (a batch ends at 32,768 records).
    const run = tc(['run', '--registry', reg, writeWat(dir, 'p.wasm', printerWat('x\n', 40_000))]);
    expect(run.status).toBe(0);
    const { id } = splitId(run.stderr);
    const seg = join(reg, 'processes', id, 'log', '00000000');
    const bytes = fs.readFileSync(seg);
    // Batch 1's frame: after batch 0's size-prefixed header and its payload.
    const [b0, b1] = [...readSegment(seg, 0, { headersOnly: true })].map((b) => b.info);
    expect(b1).toBeDefined();
    const payload1 = 4 + bytes.readUInt32LE(0) + b0!.compressedSize;
    const at = payload1 + 4 + bytes.readUInt32LE(payload1) + Math.floor(b1!.compressedSize / 2);
    bytes[at]! ^= 0x01;
    fs.writeFileSync(seg, bytes);
    const v = tc(['verify', '--registry', reg, id]);
    expect(v.status).toBe(254);
    expect(v.stdout.toString().split('\n')[0]).toMatch(/^segment 0, batch 1: checksum mismatch \(the header says 0x[0-9a-f]{8}, the stored bytes give 0x[0-9a-f]{8}\)$/);
    const t = tc(['trace', '--registry', reg, id]);
    expect(t.status).toBe(254);
    expect(t.stderr.toString()).toMatch(/segment 0, batch 1: checksum mismatch/);
    const r = tc(['replay', '-q', '--registry', reg, id]);
    expect(r.status).toBe(254);
    expect(r.stderr.toString()).toMatch(/segment 0, batch 1: checksum mismatch/);
  });

  it('SIGTERM: the guest is stopped, the log closed whole, the process marked interrupted (exit 143)', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const mod = writeWat(dir, 'ticker.wasm', tickerWat('tick\n', 0, 20000));
    const { child, exited, id } = await startTicker(reg, mod);
    child.kill('SIGTERM');
    expect((await exited).code).toBe(143);
    const m = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ status: 'interrupted', exitCode: 143 });
    const v = tc(['verify', '--registry', reg, id]);
    expect(v.status, v.stdout.toString()).toBe(0);
    expect(v.stdout.toString()).toMatch(new RegExp(`^ok: ${m.records} records, \\d+ batch(es)?, \\d+ segments?\\n$`));
  });
});
