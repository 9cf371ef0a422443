/**
 * tc export process --format asciicast: the terminal's size recorded by tc run, the file against the
 * asciicast v2 spec (test/helpers/asciicast.ts), and its events against what tc replay prints to a
 * terminal, byte for byte.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asciicast } from '../src/registry/asciicast.js';
import type { Manifest } from '../src/registry/registry.js';
import { parseCast, type CastEvent } from './helpers/asciicast.js';
import { ROOT, splitId, tc, tempDir } from './helpers/run.js';
import { onTerminal, recordOnTerminal, TC_LINE } from './helpers/terminal.js';
import { stepsWat, writeWat, type Step } from './helpers/wat.js';

const manifest = (reg: string, id: string): Manifest => JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8'));

/** The export of `id` as asciicast, parsed and checked against the spec. */
function cast(reg: string, id: string, ...opts: string[]) {
  const r = tc(['export', 'process', id, '--format', 'asciicast', '-', '--registry', reg, ...opts]);
  expect(r.status, r.stderr.toString()).toBe(0);
  expect(r.stderr.toString()).toBe('');
  return { text: r.stdout.toString('utf8'), ...parseCast(r.stdout.toString('utf8')) };
}

const outputOf = (events: readonly CastEvent[]) => events.filter((e) => e[1] === 'o').map((e) => e[2]).join('');

// 'é' cut after its first byte, '🙂' after its first (that write holds nothing else), stderr between
// them, then stdout moved onto fd 2 (what reaches it through fd 2 is stdout's, and fd 1 is closed).
const STEPS: Step[] = [
  { write: 1, bytes: Buffer.from([0x68, 0xc3]) },
  { write: 1, bytes: Buffer.from([0xa9, 0x6c, 0x6c, 0x6f, 0x0a]) },
  { write: 2, bytes: 'to stderr\n' },
  { write: 1, bytes: Buffer.from([0xf0]) },
  { clock: 1 },
  { write: 1, bytes: Buffer.from([0x9f, 0x99, 0x82, 0x20, 0x73, 0x6d, 0x69, 0x6c, 0x65, 0x0a]) },
  { renumber: [1, 2] },
  { write: 2, bytes: 'stdout on fd 2\n' },
  { write: 1, bytes: 'fd 1 is closed: not printed\n' },
];

let top: string;
let reg: string;
let utf8: string;
beforeAll(() => {
  top = tempDir();
  reg = join(top, 'reg');
  utf8 = writeWat(top, 'utf8.wasm', stepsWat(STEPS));
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

describe('tc export process --format asciicast', () => {
  it("its events' data, concatenated, is what tc replay prints to a terminal, byte for byte", () => {
    const id = recordOnTerminal(reg, utf8);
    const c = cast(reg, id);
    const replayed = onTerminal(`${TC_LINE} replay --registry '${reg}' ${id}`);
    expect(replayed.toString('utf8')).toBe('héllo\r\nto stderr\r\n🙂 smile\r\nstdout on fd 2\r\n');
    expect(Buffer.from(outputOf(c.events), 'utf8').equals(replayed)).toBe(true);
  });

  it('a character cut between two writes goes out whole with the write that completes it, at its time', () => {
    const id = recordOnTerminal(reg, utf8);
    const { events, header } = cast(reg, id);
    expect(events.map((e) => [e[1], e[2]])).toEqual([
      ['o', 'h'],
      ['o', 'éllo\r\n'],
      ['o', 'to stderr\r\n'],
      // The write of 🙂's first byte alone made no event.
      ['o', '🙂 smile\r\n'],
      ['o', 'stdout on fd 2\r\n'],
    ]);
    // Each at its write's time: the records' timestamps (the fd_write records, in order, less the
    // first byte of 🙂 and the write to a closed fd 1), in seconds to the microsecond.
    const trace = tc(['trace', '--registry', reg, '-o', 'json', id]).stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
    const writes = trace.filter((r) => r.stream !== undefined);
    expect(writes).toHaveLength(6);
    const times = writes.filter((_, i) => i !== 3).map((r) => Math.round(r.time / 1e3) / 1e6);
    expect(events.map((e) => e[0])).toEqual(times);
    expect(header.duration).toBe(Math.round(trace.at(-1).time / 1e3) / 1e6);
  });

  it('the header: the recorded terminal, the start, the title, TERM and SHELL from the environment; --size overrides', () => {
    const id = recordOnTerminal(reg, utf8);
    const m = manifest(reg, id);
    const { header } = cast(reg, id);
    expect(header).toEqual({
      version: 2,
      width: 100,
      height: 30,
      timestamp: Math.floor(Date.parse(m.startTime) / 1000),
      duration: expect.any(Number),
      title: utf8,
      env: {},
    });
    expect(cast(reg, id, '--size', '132x43').header).toMatchObject({ width: 132, height: 43 });
    const piped = tc(['run', '--registry', reg, '--env', 'TERM=xterm-256color', '--env', 'SHELL=/bin/zsh', '--env', 'HOME=/home/x', join(ROOT, 'wasm-fixtures/c/args_env.wasm'), 'one', 'two']);
    const other = cast(reg, splitId(piped.stderr).id);
    expect(other.header).toMatchObject({ width: 80, height: 24, title: `${join(ROOT, 'wasm-fixtures/c/args_env.wasm')} one two`, env: { TERM: 'xterm-256color', SHELL: '/bin/zsh' } });
    expect(outputOf(other.events)).toBe(piped.stdout.toString().replaceAll('\n', '\r\n'));
  });

  it('--stderr-color shows stderr in red; bytes that are not UTF-8 show as U+FFFD', () => {
    const id = recordOnTerminal(reg, utf8);
    const coloured = cast(reg, id, '--stderr-color').events.map((e) => e[2]);
    expect(coloured).toEqual(['h', 'éllo\r\n', '\x1b[31mto stderr\r\n\x1b[39m', '🙂 smile\r\n', 'stdout on fd 2\r\n']);
    const bad = writeWat(top, 'bad.wasm', stepsWat([{ write: 1, bytes: Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x82]) }]));
    const r = tc(['run', '--registry', reg, bad]);
    expect(cast(reg, splitId(r.stderr).id).events.map((e) => e[2])).toEqual(['a\ufffdb', '\ufffd']);
  });

  it('markers become m events among the output, in time order (none unless given)', () => {
    const m = { version: 1, id: 'x', startTime: '2024-01-01T00:00:00.000Z', module: { digest: '', name: 'm.wasm', size: 0 }, args: [], env: [], dirs: [], runtime: { tc: '', node: '', v8: '' }, pid: 0, status: 'exited', segments: [] } as unknown as Manifest;
    const write = (timestamp: number, text: string) => ({ timestamp, syscall: { id: 26, name: 'fd_write' }, params: [1, 0, 1, 8], result: 0, inputs: [Buffer.from(text)], outputs: [Buffer.from([text.length, 0, 0, 0])] }) as never;
    const records = [write(1_000_000, 'a'), write(3_000_000, 'b')];
    expect(asciicast(m, records).events).toEqual([
      [0.001, 'o', 'a'],
      [0.003, 'o', 'b'],
    ]);
    const c = asciicast(m, records, { markers: [{ time: 3_000_000, label: 'then b' }, { time: 500_000, label: 'start' }] });
    expect(c.events).toEqual([
      [0.0005, 'm', 'start'],
      [0.001, 'o', 'a'],
      [0.003, 'o', 'b'],
      [0.003, 'm', 'then b'],
    ]);
    expect(c.header).toMatchObject({ width: 80, height: 24, title: 'm.wasm', duration: 0.003, timestamp: 1704067200 });
  });

  it('to a file: written whole, and -o json says what was written', () => {
    const id = recordOnTerminal(reg, utf8);
    const file = join(top, 'out.cast');
    const r = tc(['export', 'process', id, '--format', 'asciicast', file, '--registry', reg, '-o', 'json']);
    expect(r.status, r.stderr.toString()).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(r.stdout.toString())).toEqual({ kind: 'process', id, format: 'asciicast', size: Buffer.byteLength(text), width: 100, height: 30, duration: parseCast(text).header.duration, events: 5, path: file });
    expect(text).toBe(cast(reg, id).text);
  });

  it('bad input: a one-line error and a non-zero exit, nothing written', () => {
    const id = recordOnTerminal(reg, utf8);
    const file = join(top, 'never.cast');
    const cases: [string[], number, RegExp][] = [
      [['process', id, '--format', 'asciicast', '--size', '80', file], 251, /^tc: --size 80: expected COLUMNSxROWS, as 120x40\n$/],
      [['process', id, '--format', 'asciicast', '--size', '0x24', file], 251, /^tc: --size 0x24: expected COLUMNSxROWS/],
      [['process', id, '--format', 'asciicast', '--size', 'axb', file], 251, /^tc: --size axb: expected COLUMNSxROWS/],
      [['process', id, '--size', '80x24', file], 251, /^tc: --size: only with --format asciicast\n$/],
      [['process', id, '--stderr-color', file], 251, /^tc: --stderr-color: only with --format asciicast\n$/],
      [['module', manifest(reg, id).module.digest.slice(7, 19), '--format', 'asciicast', file], 251, /^tc: --format asciicast: only a process exports as an asciicast\n$/],
      [['process', id, '--format', 'gif', file], 251, /^tc: option '--format <format>' argument 'gif' is invalid/],
      [['process', 'ffffffff', '--format', 'asciicast', file], 250, /^tc: no process matches 'ffffffff'\n$/],
    ];
    for (const [args, status, message] of cases) {
      const r = tc(['export', ...args, '--registry', reg]);
      expect(r.status, args.join(' ')).toBe(status);
      expect(r.stderr.toString(), args.join(' ')).toMatch(message);
      expect(r.stderr.toString().trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('the validator', () => {
  it('refuses what the spec does not allow', () => {
    const ok = '{"version":2,"width":80,"height":24}\n[0.5,"o","a"]\n';
    expect(parseCast(ok).events).toEqual([[0.5, 'o', 'a']]);
    for (const bad of [
      '{"version":1,"width":80,"height":24}\n',
      '{"version":2,"width":80}\n',
      '{"version":2,"width":80,"height":24,"colour":1}\n',
      '{"version":2,"width":80,"height":24,"timestamp":1.5}\n',
      '{"version":2,"width":80,"height":24,"duration":0.1}\n[0.5,"o","a"]\n',
      '{"version":2,"width":80,"height":24}\n[0.5,"o","a"]\n[0.4,"o","b"]\n',
      '{"version":2,"width":80,"height":24}\n[0.5,"x","a"]\n',
      '{"version":2,"width":80,"height":24}\n[0.5,"o","a",1]\n',
      '{"version":2,"width":80,"height":24}\n[0.5,"r","wide"]\n',
      '{"version":2,"width":80,"height":24}\n[0.5,"o","a"]',
    ]) {
      expect(() => parseCast(bad), bad).toThrow();
    }
  });
});
