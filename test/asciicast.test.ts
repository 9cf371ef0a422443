/**
 * The terminal's size, recorded by tc run when the guest's stdout is a terminal.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/registry/registry.js';
import { ROOT, splitId, TC, tc, tempDir } from './helpers/run.js';

/** `command` (a shell line) on a terminal of `columns` x `rows`: what the terminal got. */
function onTerminal(command: string, columns = 100, rows = 30): Buffer {
  const r = spawnSync('script', ['-qec', `stty cols ${columns} rows ${rows}; ${command}`, '/dev/null'], { input: '', maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

const node = `'${process.execPath}' '${TC}'`;

/** Record `wasm` with its stdout on a terminal; its id. */
function recordOnTerminal(reg: string, wasm: string): string {
  const out = onTerminal(`${node} run --registry '${reg}' '${wasm}'`).toString('latin1');
  return /^([0-9a-f-]{36})\r\n/.exec(out)![1]!;
}

const manifest = (reg: string, id: string): Manifest => JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));

let reg: string;
beforeAll(() => {
  reg = join(tempDir(), 'reg');
});

describe('tc run records the terminal size', () => {
  it('when stdout is a terminal: { columns, rows } in the manifest; otherwise nothing', () => {
    const id = recordOnTerminal(reg, join(ROOT, 'wasm-fixtures/c/hello.wasm'));
    expect(manifest(reg, id).terminal).toEqual({ columns: 100, rows: 30 });
    const piped = splitId(tc(['run', '--registry', reg, join(ROOT, 'wasm-fixtures/c/hello.wasm')]).stderr).id;
    expect(manifest(reg, piped).terminal).toBeUndefined();
    expect(tc(['verify', '--registry', reg, id]).status).toBe(0);
  });
});

