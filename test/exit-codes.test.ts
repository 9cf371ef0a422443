/**
 * The exit-code scheme (README.md, "Exit codes"), end to end through bin/tc.js: the guest's statuses
 * 0-125, proc_exit of 126 and more as a trap (134), and each of tc's own codes, 250-254.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, splitId, tc, tcAsync, tempDir } from './helpers/run.js';
import { printerWat, writeWat } from './helpers/wat.js';

const EXIT_CODE = join(ROOT, 'wasm-fixtures/c/exit_code.wasm');
const EXIT_STATUS = join(ROOT, 'wasm-fixtures/wat/exit_status.wasm');

const manifest = (reg: string, id: string) => JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));

describe('exit codes', () => {
  it("tc run and tc replay exit with the guest's status 0-125, by exit(), return and raw proc_exit, also where tc's old codes were", async () => {
    const reg = join(tempDir(), 'reg');
    const cases: [number, string][] = [
      [0, 'exit'], [1, 'exit'], [2, 'return'], [3, 'raw'], [4, 'exit'], [5, 'return'], [42, 'raw'], [125, 'exit'], [125, 'raw'],
    ];
    const runs = await Promise.all(cases.map(([code, how]) => tcAsync(['run', '--registry', reg, EXIT_CODE, String(code), how])));
    const replays = await Promise.all(runs.map((r) => tcAsync(['replay', '--registry', reg, splitId(r.stderr).id])));
    cases.forEach(([code, how], i) => {
      const what = `${code} via ${how}`;
      expect(runs[i]!.status, what).toBe(code);
      expect(runs[i]!.stdout.toString(), what).toBe(`exiting with ${code} via ${how}\n${how === 'raw' ? '' : 'atexit\n'}`);
      expect(splitId(runs[i]!.stderr).rest.length, what).toBe(0);
      expect(manifest(reg, splitId(runs[i]!.stderr).id), what).toMatchObject({ status: 'exited', exitCode: code });
      expect(replays[i]!.status, what).toBe(code);
      expect(replays[i]!.stdout.equals(runs[i]!.stdout), what).toBe(true);
      expect(replays[i]!.stderr.toString(), what).toBe('');
    });
  });

  for (const status of [126, 255, 256, 4294967295]) {
    it(`proc_exit(${status}) traps as in wasmtime: exit 134, recorded as trapped, and replay ends the same way`, () => {
      const reg = join(tempDir(), 'reg');
      const run = tc(['run', '--registry', reg, EXIT_STATUS, String(status)]);
      expect(run.status).toBe(134);
      expect(run.stdout.toString()).toBe('exiting\n');
      const { id, rest } = splitId(run.stderr);
      const message = `proc_exit(${status}): exit status outside [0, 126)`;
      const lines = rest.toString().split('\n');
      expect(lines[0]).toBe(`tc: trap: ${message}`);
      expect(lines[1]).toMatch(/^ {4}at .*wasm/);
      expect(manifest(reg, id)).toMatchObject({ status: 'trapped', exitCode: 134, trap: message });
      // The log keeps the call as it was made.
      expect(tc(['trace', '--registry', reg, '--function', 'proc_exit', id]).stdout.toString()).toBe(`proc_exit(rval=${status})\n`);
      const rep = tc(['replay', '--registry', reg, id]);
      expect(rep.status).toBe(134);
      expect(rep.stdout.toString()).toBe('exiting\n');
      expect(rep.stderr.toString()).toBe(rest.toString());
      const ps = JSON.parse(tc(['get', 'ps', '--registry', reg, '-o', 'json']).stdout.toString());
      expect(ps.map((p: { status: string; exitCode: number }) => [p.status, p.exitCode])).toEqual([['trapped', 134]]);
    });
  }

  it('proc_exit(256) without recording traps too (the shell would have seen 0)', () => {
    const r = tc(['run', '--no-record', EXIT_STATUS, '256']);
    expect(r.status).toBe(134);
    expect(r.stderr.toString().split('\n')[0]).toBe('tc: trap: proc_exit(256): exit status outside [0, 126)');
  });

  it("tc's own failures exit 250-254, never a code a guest can produce", () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // 250: an error reported in one line.
    const unknown = tc(['replay', '--registry', reg, 'ffff']);
    expect([unknown.status, unknown.stderr.toString()]).toEqual([250, "tc: no process matches 'ffff'\n"]);
    // 251: a bad command line.
    const usage = tc(['replay', '--bogus', 'x']);
    expect([usage.status, usage.stderr.toString()]).toEqual([251, "tc: unknown option '--bogus'\n"]);
    expect(tc(['run', '--env', '=x', EXIT_STATUS]).status).toBe(251);

    // 252: a replay that diverges (the recording pointed at a module that writes other bytes).
    const a = splitId(tc(['run', '--registry', reg, writeWat(dir, 'a.wasm', printerWat('one\n', 1, 3))]).stderr).id;
    const b = splitId(tc(['run', '--registry', reg, writeWat(dir, 'b.wasm', printerWat('two\n', 1, 3))]).stderr).id;
    const ma = manifest(reg, a);
    fs.writeFileSync(join(reg, 'processes', a, 'manifest.json'), JSON.stringify({ ...ma, module: manifest(reg, b).module }));
    const diverged = tc(['replay', '--registry', reg, a]);
    expect(diverged.status).toBe(252);
    expect(diverged.stderr.toString()).toMatch(/^tc: replay diverged at record 0: unexpected bytes iovs\n/);

    // 253: a log that ends because its recording did not finish.
    fs.writeFileSync(join(reg, 'processes', a, 'manifest.json'), JSON.stringify({ ...ma, status: 'recording', exitCode: undefined, pid: 0x7fffffff }));
    fs.truncateSync(join(reg, 'processes', a, 'log', '00000000'), 0);
    const ended = tc(['replay', '--registry', reg, a]);
    expect([ended.status, ended.stderr.toString()]).toEqual([253, 'tc: log ends at record 0: the recording did not finish\n']);

    // 254: damage, for verify and replay.
    fs.writeFileSync(join(reg, 'processes', b, 'log', '00000000'), fs.readFileSync(join(reg, 'processes', b, 'log', '00000000')).subarray(0, 20));
    const verify = tc(['verify', '--registry', reg, b]);
    expect(verify.status).toBe(254);
    expect(verify.stdout.toString()).toMatch(/^segment 0, batch 0: .*\ndamaged: 1 problem/);
    const damaged = tc(['replay', '--registry', reg, b]);
    expect(damaged.status).toBe(254);
    expect(damaged.stderr.toString()).toMatch(/^tc: segment 0, batch 0: /);
  });
});
