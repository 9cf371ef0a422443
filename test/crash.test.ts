/**
 * A recording must survive the crash it is meant to explain: SIGKILL at any moment leaves a replayable
 * prefix; SIGINT/SIGTERM close the log and mark the process interrupted.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tickerWat, writeWat } from './helpers/wat.js';
import { TC, tc, tempDir } from './helpers/run.js';

interface Started {
  id: Promise<string>;
  exit: Promise<{ code: number | null; signal: string | null; stdout: string }>;
  kill(sig: NodeJS.Signals): void;
  /** Resolves once stdout holds at least `n` bytes. */
  stdoutAtLeast(n: number): Promise<void>;
}

function start(args: string[]): Started {
  const p = spawn(process.execPath, [TC, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: [number, () => void][] = [];
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const [n, r] of waiters) if (out.length >= n) r();
  });
  const id = new Promise<string>((resolve) => {
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('\n')) resolve(err.split('\n')[0]!);
    });
  });
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) =>
    p.on('close', (code, signal) => resolve({ code, signal, stdout: out })),
  );
  return {
    id,
    exit,
    kill: (sig) => p.kill(sig),
    stdoutAtLeast: (n) => new Promise((resolve) => (out.length >= n ? resolve() : waiters.push([n, resolve]))),
  };
}

const manifest = (reg: string, id: string) => JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));

describe('crash safety', () => {
  it('SIGKILL at random moments leaves a log that replays up to its last batch', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // Writes forever, with some computation between writes.
    const mod = writeWat(dir, 'ticker.wasm', tickerWat('tick\n', 0, 2000));
    for (const waitBytes of [5, 500, 5_000, 50_000, 200_000, 400_000]) {
      const run = start(['--registry', reg, mod]);
      const id = await run.id;
      await run.stdoutAtLeast(waitBytes);
      run.kill('SIGKILL');
      const { signal, stdout } = await run.exit;
      expect(signal).toBe('SIGKILL');
      expect(manifest(reg, id).status).toBe('recording');
      const rep = tc(['replay', '--registry', reg, id]);
      expect(rep.status).toBe(253);
      const m = /^tc: log ends at record (\d+): the recording did not finish\n$/.exec(rep.stderr.toString());
      expect(m).not.toBeNull();
      const replayed = rep.stdout.toString();
      // Every replayed record is a tick the run printed; none is invented.
      expect(replayed).toBe('tick\n'.repeat(Number(m![1])));
      expect(stdout.startsWith(replayed)).toBe(true);
      const listed = tc(['get', 'process', '--registry', reg, '-o', 'json']);
      const proc = JSON.parse(listed.stdout.toString()).find((p: { id: string }) => p.id === id);
      expect(proc.status).toBe('incomplete');
    }
  });

  it('a record made just before a long computation is on disk within the batch time, whatever the rate', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // One write, then ~forever of pure computation.
    const mod = writeWat(dir, 'one.wasm', tickerWat('once\n', 0, 2_000_000_000));
    const run = start(['--registry', reg, mod]);
    const id = await run.id;
    await run.stdoutAtLeast(5);
    // Poll the log (not the clock) until the record is there; the recorder flushes batches older than
    // 100 ms even while the guest computes.
    const seg = join(reg, 'processes', id, 'log', '00000000');
    for (let i = 0; i < 200 && !(fs.existsSync(seg) && fs.statSync(seg).size > 0); i++) await new Promise((r) => setTimeout(r, 25));
    run.kill('SIGKILL');
    await run.exit;
    const t = tc(['trace', '--registry', reg, id]);
    expect(t.stdout.toString()).toBe('fd_write(fd=1, iovs=[5 bytes "once\\n"]) = ESUCCESS (nwritten=5) [stdout]\n');
  });

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig} stops the guest, closes the log, marks the process interrupted and exits ${code}`, async () => {
      const dir = tempDir();
      const reg = join(dir, 'reg');
      const mod = writeWat(dir, 'ticker.wasm', tickerWat('tick\n', 0, 20000));
      const statusFile = join(dir, 'status.json');
      const run = start(['--registry', reg, '--exit-status-file', statusFile, mod]);
      const id = await run.id;
      await run.stdoutAtLeast(1000);
      // SIGTERM is relayed by the log-writing thread, which is up once it has written a batch (the
      // first ~30 ms of a run, before that thread is up, give SIGTERM its default action).
      const seg = join(reg, 'processes', id, 'log', '00000000');
      while (!(fs.existsSync(seg) && fs.statSync(seg).size > 0)) await new Promise((r) => setTimeout(r, 10));
      run.kill(sig);
      const { code: exitCode, stdout } = await run.exit;
      expect(exitCode).toBe(code);
      const m = manifest(reg, id);
      expect(m.status).toBe('interrupted');
      expect(m.exitCode).toBe(code);
      expect(m.records).toBeGreaterThan(0);
      expect(JSON.parse(fs.readFileSync(statusFile, 'utf8'))).toEqual({ id, outcome: 'interrupted', exitCode: null, tcExitCode: code, records: m.records, message: `interrupted by ${sig}` });
      const rep = tc(['replay', '--registry', reg, id]);
      expect(rep.stdout.toString()).toBe('tick\n'.repeat(m.records));
      expect(stdout.startsWith(rep.stdout.toString())).toBe(true);
      expect(rep.stderr.toString()).toBe(`tc: log ends at record ${m.records}: the recording did not finish\n`);
      expect(rep.status).toBe(253);
    });
  }

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig} stops a guest that computes without calling the host, exits ${code} and keeps the log`, async () => {
      const dir = tempDir();
      const reg = join(dir, 'reg');
      // One write, then ~forever of pure computation: nothing but the signal can end it.
      const mod = writeWat(dir, 'one.wasm', tickerWat('once\n', 0, 2_000_000_000));
      const run = start(['--registry', reg, mod]);
      const id = await run.id;
      const seg = join(reg, 'processes', id, 'log', '00000000');
      while (!(fs.existsSync(seg) && fs.statSync(seg).size > 0)) await new Promise((r) => setTimeout(r, 10));
      run.kill(sig);
      const { code: exitCode, stdout } = await run.exit;
      expect(exitCode).toBe(code);
      expect(stdout).toBe('once\n');
      const m = manifest(reg, id);
      expect([m.status, m.exitCode, m.records]).toEqual(['interrupted', code, 1]);
      const t = tc(['trace', '--registry', reg, id]);
      expect(t.stdout.toString()).toBe('fd_write(fd=1, iovs=[5 bytes "once\\n"]) = ESUCCESS (nwritten=5) [stdout]\n');
    });
  }
});

describe('a full disk during recording', () => {
  it('keeps the guest running, marks the process incomplete, and the log so far replays', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // Slow enough for several batches (each flushed after 100 ms); the disk fills up after the first.
    const mod = writeWat(dir, 'ticker.wasm', tickerWat('tick\n', 20000, 30000));
    const r = tc(['run', '--registry', reg, mod], {
      nodeArgs: ['--import', join(import.meta.dirname, 'helpers/full-disk.mjs')],
      env: { TC_FULL_DISK_AFTER: '10000' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('tick\n'.repeat(20000));
    const lines = r.stderr.toString().split('\n');
    const id = lines[0]!;
    expect(lines.slice(1).join('\n')).toMatch(/^tc: recording stopped: ENOSPC: no space left on device, write\n$/);
    const m = manifest(reg, id);
    expect(m.status).toBe('incomplete');
    expect(m.exitCode).toBe(0);
    const rep = tc(['replay', '--registry', reg, id]);
    expect(rep.status).toBe(253);
    const got = /^tc: log ends at record (\d+): the recording did not finish\n$/.exec(rep.stderr.toString());
    expect(got).not.toBeNull();
    expect(Number(got![1])).toBeGreaterThan(0);
    expect(rep.stdout.toString()).toBe('tick\n'.repeat(Number(got![1])));
  });
});
