/**
 * The exit-code scheme (README.md, "Exit codes"), end to end through bin/tc.js: the guest's statuses
 * 0-125, proc_exit of 126 and more as a trap (134), and each of tc's own codes, 250-254.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, splitId, tc, TC, tcAsync, tempDir } from './helpers/run.js';
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

  it('proc_exit(126), (255), (256), (2^32-1) trap as in wasmtime: exit 134, recorded as trapped, and replay ends the same way', async () => {
    const reg = join(tempDir(), 'reg');
    const statuses = [126, 255, 256, 4294967295];
    const runs = await Promise.all(statuses.map((status) => tcAsync(['run', '--registry', reg, EXIT_STATUS, String(status)])));
    const ids = runs.map((r) => splitId(r.stderr).id);
    const replays = await Promise.all(ids.map((id) => tcAsync(['replay', '--registry', reg, id])));
    statuses.forEach((status, i) => {
      const run = runs[i]!;
      const id = ids[i]!;
      expect(run.status, `${status}`).toBe(134);
      expect(run.stdout.toString()).toBe('exiting\n');
      const rest = splitId(run.stderr).rest.toString();
      const message = `proc_exit(${status}): exit status outside [0, 126)`;
      const lines = rest.split('\n');
      expect(lines[0]).toBe(`tc: trap: ${message}`);
      expect(lines[1]).toMatch(/^ {4}at .*wasm/);
      expect(manifest(reg, id)).toMatchObject({ status: 'trapped', exitCode: 134, trap: message });
      // The log keeps the call as it was made.
      expect(tc(['trace', '--registry', reg, '--function', 'proc_exit', id]).stdout.toString()).toBe(`proc_exit(rval=${status})\n`);
      expect(replays[i]!.status, `${status}`).toBe(134);
      expect(replays[i]!.stdout.toString()).toBe('exiting\n');
      expect(replays[i]!.stderr.toString()).toBe(rest);
    });
    const ps = JSON.parse(tc(['get', 'ps', '--registry', reg, '-o', 'json']).stdout.toString());
    expect(ps.map((p: { status: string; exitCode: number }) => [p.status, p.exitCode])).toEqual(statuses.map(() => ['trapped', 134]));
  });

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

describe('--exit-status-file', () => {
  const read = (file: string) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    const status = JSON.parse(text);
    expect(Object.keys(status)).toEqual(['id', 'outcome', 'exitCode', 'tcExitCode', 'records', 'message']);
    return status;
  };

  it('tc run and tc replay: exited, trapped, and without recording', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const file = join(dir, 'status.json');
    const run = tc(['run', '--registry', reg, '--exit-status-file', file, EXIT_STATUS, '7']);
    expect(run.status).toBe(7);
    const { id } = splitId(run.stderr);
    const records = manifest(reg, id).records;
    expect(read(file)).toEqual({ id, outcome: 'exited', exitCode: 7, tcExitCode: 7, records, message: null });
    expect(tc(['replay', '--registry', reg, '--exit-status-file', file, id]).status).toBe(7);
    expect(read(file)).toEqual({ id, outcome: 'exited', exitCode: 7, tcExitCode: 7, records, message: null });

    const trap = tc(['run', '--registry', reg, `--exit-status-file=${file}`, EXIT_STATUS, '256']);
    const trapped = { id: splitId(trap.stderr).id, outcome: 'trapped', exitCode: null, tcExitCode: 134, records, message: 'proc_exit(256): exit status outside [0, 126)' };
    expect(read(file)).toEqual(trapped);
    expect(tc(['replay', '--registry', reg, '--exit-status-file', file, trapped.id]).status).toBe(134);
    expect(read(file)).toEqual(trapped);

    expect(tc(['run', '--no-record', '--exit-status-file', file, EXIT_STATUS, '0']).status).toBe(0);
    expect(read(file)).toEqual({ id: null, outcome: 'exited', exitCode: 0, tcExitCode: 0, records: null, message: null });
    // Written under a temporary name and renamed: nothing else is left beside it.
    expect(fs.readdirSync(dir).sort()).toEqual(['reg', 'status.json']);
  });

  it("tc's own failures: error, usage, diverged, log-ended, damaged, and a closed output", () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const file = join(dir, 'status.json');
    const notWasm = join(dir, 'x.wasm');
    fs.writeFileSync(notWasm, 'hello');
    expect(tc(['run', '--registry', reg, '--exit-status-file', file, notWasm]).status).toBe(250);
    expect(read(file)).toEqual({ id: null, outcome: 'error', exitCode: null, tcExitCode: 250, records: null, message: `${notWasm}: not a WebAssembly module (bad magic)` });
    expect(tc(['run', '--env', '=x', '--exit-status-file', file, EXIT_STATUS]).status).toBe(251);
    expect(read(file)).toMatchObject({ outcome: 'error', tcExitCode: 251, message: '--env "=x": expected NAME=VALUE or NAME' });
    expect(tc(['replay', '--registry', reg, '--exit-status-file', file, 'ffff']).status).toBe(250);
    expect(read(file)).toEqual({ id: null, outcome: 'error', exitCode: null, tcExitCode: 250, records: null, message: "no process matches 'ffff'" });

    const a = splitId(tc(['run', '--registry', reg, writeWat(dir, 'a.wasm', printerWat('one\n', 3, 0))]).stderr).id;
    const b = splitId(tc(['run', '--registry', reg, writeWat(dir, 'b.wasm', printerWat('one\n', 2, 0))]).stderr).id;
    const ma = manifest(reg, a);
    // a's log with b's module: two writes, then proc_exit where a third write was recorded.
    fs.writeFileSync(join(reg, 'processes', a, 'manifest.json'), JSON.stringify({ ...ma, module: manifest(reg, b).module }));
    expect(tc(['replay', '--registry', reg, '--exit-status-file', file, a]).status).toBe(252);
    expect(read(file)).toEqual({ id: a, outcome: 'diverged', exitCode: null, tcExitCode: 252, records: 2, message: 'replay diverged at record 2: unexpected syscall (expected fd_write, got proc_exit)' });
    fs.writeFileSync(join(reg, 'processes', a, 'manifest.json'), JSON.stringify({ ...ma, status: 'recording', exitCode: undefined, pid: 0x7fffffff }));
    const seg = join(reg, 'processes', a, 'log', '00000000');
    const whole = fs.readFileSync(seg);
    fs.writeFileSync(seg, whole.subarray(0, whole.length - 1));
    expect(tc(['replay', '--registry', reg, '--exit-status-file', file, a]).status).toBe(253);
    expect(read(file)).toEqual({ id: a, outcome: 'log-ended', exitCode: null, tcExitCode: 253, records: 0, message: 'log ends at record 0: the recording did not finish' });
    fs.writeFileSync(join(reg, 'processes', a, 'manifest.json'), JSON.stringify(ma));
    expect(tc(['replay', '--registry', reg, '--exit-status-file', file, a]).status).toBe(254);
    expect(read(file)).toMatchObject({ id: a, outcome: 'damaged', exitCode: null, tcExitCode: 254, records: null, message: expect.stringMatching(/^segment 0, batch 0: /) });

    // The reader of the guest's output goes away mid-replay.
    const long = splitId(tc(['run', '--registry', reg, writeWat(dir, 'long.wasm', printerWat('x'.repeat(1023) + '\n', 1000, 0))]).stderr).id;
    const r = spawnSync('bash', ['-c', `'${process.execPath}' '${TC}' replay --registry '${reg}' --exit-status-file '${file}' ${long} | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`]);
    expect(r.stdout.toString()).toBe('141\n');
    expect(read(file)).toEqual({ id: long, outcome: 'error', exitCode: null, tcExitCode: 141, records: null, message: 'fd 1: closed by its reader' });
  });

  it('a file in a directory that does not exist is refused before the guest runs', () => {
    const dir = tempDir();
    const r = tc(['run', '--registry', join(dir, 'reg'), '--exit-status-file', join(dir, 'no', 'status.json'), EXIT_STATUS, '3']);
    expect(r.status).toBe(251);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.toString()).toBe(`tc: --exit-status-file ${join(dir, 'no', 'status.json')}: no such directory\n`);
    expect(fs.existsSync(join(dir, 'reg'))).toBe(false);
  });
});
