/**
 * A reader that goes away is not an error (README.md, "Pipes"): `tc replay <id> | head -1` and the
 * like stop at once, print nothing and exit 141, through real pipes in bash.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, splitId, tc, TC, tempDir } from './helpers/run.js';

/** `bytes` with a custom section of `size` random bytes appended (a valid module, that much larger). */
function withCustomSection(bytes: Buffer, size: number): Buffer {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const name = Buffer.from('padding');
  const body = Buffer.concat([Buffer.from(leb(name.length)), name, randomBytes(size)]);
  return Buffer.concat([bytes, Buffer.from([0, ...leb(body.length)]), body]);
}

/** Run `tc <args> | <reader>` in bash; tc's exit status and stderr. */
function piped(args: string[], reader: string): { status: number; stderr: string; read: Buffer } {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `set -o pipefail; '${process.execPath}' '${TC}' ${quoted} 2>"$ERR" | ${reader}; echo "status=\${PIPESTATUS[0]}" >&2`], {
    env: { ...process.env, ERR: errFile },
  });
  const status = /status=(\d+)/.exec(r.stderr.toString())?.[1];
  return { status: Number(status), stderr: fs.readFileSync(errFile, 'utf8'), read: r.stdout };
}

let reg: string;
let id: string;
let digest: string;
let errFile: string;

describe('a pipe whose reader goes away', () => {
  beforeAll(() => {
    const dir = tempDir();
    reg = join(dir, 'reg');
    errFile = join(dir, 'stderr');
    // A 2 MiB module copying 4 MiB of stdin to stdout: every output below is megabytes, far more than a pipe holds.
    const mod = join(dir, 'cat.wasm');
    fs.writeFileSync(mod, withCustomSection(fs.readFileSync(join(ROOT, 'wasm-fixtures/c/stdin_cat.wasm')), 2 << 20));
    const input = join(dir, 'input');
    fs.writeFileSync(input, randomBytes(4 << 20));
    const run = tc(['run', '--registry', reg, mod], { stdinFile: input });
    expect(run.status).toBe(0);
    expect(run.stdout.length).toBe(4 << 20);
    id = splitId(run.stderr).id;
    digest = JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8')).module.digest;
  });

  it('tc replay | head -c 4: stops quietly with 141, not as a divergence', () => {
    const r = piped(['replay', '--registry', reg, id], 'head -c 4');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
    expect(r.read.length).toBe(4);
  });

  it('tc trace | head -1, in text and JSON: 141 and nothing on stderr', () => {
    for (const output of ['text', 'json']) {
      const r = piped(['trace', '--registry', reg, '-o', output, id], 'head -1');
      expect(r.stderr, output).toBe('');
      expect(r.status, output).toBe(141);
      expect(r.read.toString().split('\n')).toHaveLength(2);
    }
  });

  it('tc export process|module <id> - | head -c 4: 141 and nothing on stderr', () => {
    const proc = piped(['export', 'process', '--registry', reg, id, '-'], 'head -c 4');
    expect(proc.stderr).toBe('');
    expect(proc.status).toBe(141);
    expect(proc.read.toString('latin1')).toBe('PK\x03\x04');
    const mod = piped(['export', 'module', '--registry', reg, digest.slice(7, 19), '-'], 'head -c 4');
    expect(mod.stderr).toBe('');
    expect(mod.status).toBe(141);
    expect(mod.read.toString('latin1')).toBe('\0asm');
  });

  it('a reader that takes everything: exit 0, and the bytes are whole', () => {
    const r = piped(['export', 'process', '--registry', reg, id, '-'], 'wc -c');
    expect([r.status, r.stderr]).toEqual([0, '']);
    const file = join(tempDir(), 'p.tcr');
    expect(tc(['export', 'process', '--registry', reg, id, file]).status).toBe(0);
    expect(Number(r.read.toString().trim())).toBe(fs.statSync(file).size);
  });
});
