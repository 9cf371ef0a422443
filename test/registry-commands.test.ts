import * as fs from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSegment } from '../src/log/files.js';
import { describe as describeCmd, renderDescribe } from '../src/cli/commands/describe.js';
import { exportResource, exportTo } from '../src/cli/commands/export.js';
import { gc, parseDuration } from '../src/cli/commands/gc.js';
import { get, renderGet } from '../src/cli/commands/get.js';
import { importFile } from '../src/cli/commands/import.js';
import { rm } from '../src/cli/commands/rm.js';
import { humanBytes, humanDuration, percent, relativeTime } from '../src/cli/render.js';
import { TcError, UsageError } from '../src/errors.js';
import { ArchiveError } from '../src/registry/archive.js';
import { Registry, sha256, UnknownIdError, type Manifest } from '../src/registry/registry.js';
import { formatFuncType, wasmInfo } from '../src/registry/wasm-info.js';
import type { ProcessDescription, ProcessSummary } from '../src/registry/inspect.js';
import type { DeletedProcess } from '../src/registry/remove.js';
import { encodeBatch, segmentFileName, type SegmentSummary } from '../src/timemachine/log.js';
import { SYSCALL } from '../src/wasi/syscalls.js';
import { Filter } from '../src/format/tc/format/filter.js';
import { ROOT, snapshot, splitId, tc, tempDir } from './helpers/run.js';
import { printerWat, wat2wasm, writeWat } from './helpers/wat.js';

// --- helpers ---------------------------------------------------------------------------------------

/** A pid that is not alive: a child that has exited. */
const deadPid = (() => {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
})();

interface BatchSpec {
  records: number;
  firstTimestamp: number;
  lastTimestamp: number;
  /** Deflate level: 0 stores, 6 deflates (when the batch has 100 bytes or more: the records repeat, so it pays). */
  level: 0 | 6;
}

/** One sched_yield record that returned 0: function id, timestamp delta 0, result 0 (3 bytes). */
const YIELD = [SYSCALL.sched_yield.id, 0, 0];
const records = (n: number) => new Uint8Array(Array.from({ length: n }, () => YIELD).flat());

interface Written {
  segments: { size: number; batches: { compressed: number; uncompressed: number; records: number }[] }[];
}

/**
 * Write a process into `reg` directly: its module, a manifest and segment files of batches of
 * sched_yield records, built with the log's own encoder.
 */
function writeProcess(
  reg: Registry,
  opts: {
    id: string;
    startTime: string;
    module?: Uint8Array;
    moduleName?: string;
    status?: Manifest['status'];
    pid?: number;
    exitCode?: number;
    env?: string[];
    segments: BatchSpec[][];
    /** Cut this many bytes off the end of the last segment. */
    cut?: number;
    /** Leave the totals out of the manifest (as a killed recording's). */
    noTotals?: boolean;
  },
): Written {
  const bytes = opts.module ?? wat2wasm(printerWat('hi\n'));
  const mod = reg.putModule(bytes, opts.moduleName ?? 'printer.wasm');
  const logDir = reg.logDir(opts.id);
  fs.mkdirSync(logDir, { recursive: true });
  const written: Written = { segments: [] };
  const summaries: SegmentSummary[] = [];
  let offset = 0;
  opts.segments.forEach((batches, index) => {
    const parts: Uint8Array[] = [];
    const seg: Written['segments'][number] = { size: 0, batches: [] };
    batches.forEach((b, batch) => {
      const [h, p] = encodeBatch(
        { segment: index, batch, firstOffset: offset, firstTimestamp: b.firstTimestamp, lastTimestamp: b.lastTimestamp, recordCount: b.records },
        records(b.records),
        b.level,
        Filter.TimestampOffset,
      );
      offset += b.records;
      parts.push(h, p);
      seg.batches.push({ compressed: p.length, uncompressed: 3 * b.records, records: b.records });
    });
    let file = Buffer.concat(parts);
    if (opts.cut && index === opts.segments.length - 1) file = file.subarray(0, file.length - opts.cut);
    fs.writeFileSync(join(logDir, segmentFileName(index)), file);
    seg.size = file.length;
    written.segments.push(seg);
    summaries.push({
      index,
      records: seg.batches.reduce((n, b) => n + b.records, 0),
      batches: batches.length,
      size: file.length,
      uncompressedSize: seg.batches.reduce((n, b) => n + b.uncompressed, 0),
      compressedSize: seg.batches.reduce((n, b) => n + b.compressed, 0),
      firstTimestamp: batches[0]?.firstTimestamp ?? 0,
      lastTimestamp: batches.at(-1)?.lastTimestamp ?? 0,
    });
  });
  const status = opts.status ?? 'exited';
  const m: Manifest = {
    version: 1,
    id: opts.id,
    startTime: opts.startTime,
    ...(status === 'exited' ? { endTime: new Date(Date.parse(opts.startTime) + 1500).toISOString() } : {}),
    module: mod,
    args: ['printer.wasm', 'one'],
    env: opts.env ?? ['HOME=/home/guest', 'TOKEN=secret'],
    dirs: [],
    runtime: { tc: '0.1.0', node: '20.0.0', v8: '11.3' },
    pid: opts.pid ?? deadPid,
    status,
    ...(opts.exitCode === undefined ? {} : { exitCode: opts.exitCode }),
    ...(opts.noTotals ? {} : { records: offset }),
    segments: summaries,
  };
  reg.writeManifest(m);
  return written;
}

const ID_A = 'aaaaaaaa-1111-4111-8111-111111111111';
const ID_B = 'aaaaaaaa-2222-4222-8222-222222222222';
const ID_C = 'cccccccc-3333-4333-8333-333333333333';
const T0 = '2021-03-04T05:06:07.000Z';
const NOW = new Date(Date.parse(T0) + 3 * 60_000 + 5000);

/** Cells of a rendered table line (columns are separated by two spaces or more). */
const cells = (line: string) => line.trim().split(/ {2,}/);

/** Record `args` with the built CLI into `registry`. */
function record(registry: string, args: string[]) {
  const r = tc(['run', '--registry', registry, ...args]);
  const { id, rest } = splitId(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: rest, id };
}

/** Expect a failed command: exit `code`, stderr one `tc: ` line containing `text`, nothing on stdout. */
function expectOneLineError(r: { status: number; stdout: Buffer; stderr: Buffer }, text: string, code = 250) {
  const err = r.stderr.toString();
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err.startsWith('tc: ')).toBe(true);
  expect(err).toContain(text);
  expect(r.stdout.length).toBe(0);
  expect(r.status).toBe(code);
}

const RANDOM_WAT = `(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $random_get (i32.const 64) (i32.const 32)))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 32))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

const SPIN_WAT = `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $again
      (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0)))
      (br $again))))`;

// --- in-process: the command functions against a temporary registry ---------------------------------

describe('registry commands, in-process', () => {
  let dir: string;
  let reg: Registry;
  let written: Written;
  beforeAll(() => {
    dir = join(tempDir(), 'reg');
    reg = new Registry(dir);
    written = writeProcess(reg, {
      id: ID_A,
      startTime: T0,
      exitCode: 3,
      segments: [
        [
          { records: 40, firstTimestamp: 1_000, lastTimestamp: 5_000, level: 6 },
          { records: 5, firstTimestamp: 6_000, lastTimestamp: 2_000_000, level: 0 },
        ],
        [{ records: 30, firstTimestamp: 3_000_000, lastTimestamp: 3_500_000, level: 6 }],
      ],
    });
    writeProcess(reg, {
      id: ID_B,
      startTime: '2021-03-04T05:07:00.000Z',
      module: wat2wasm(printerWat('other\n')),
      moduleName: 'other.wasm',
      segments: [[{ records: 2, firstTimestamp: 0, lastTimestamp: 10, level: 0 }]],
      exitCode: 0,
    });
  });

  it('get lists the resource types', () => {
    const r = get(undefined, { registry: dir });
    expect(r.type).toBe('resources');
    expect(r.type === 'resources' && r.items.map((i) => i.type)).toEqual(['process', 'module']);
    const json = JSON.parse(renderGet(r, 'json'));
    expect(json[0]).toEqual({ type: 'process', aliases: ['ps', 'proc', 'procs', 'processes'], description: expect.any(String) });
    expect(json[1].aliases).toEqual(['mo', 'mod', 'mods', 'modules']);
  });

  it('get accepts every alias and refuses an unknown type', () => {
    for (const a of ['process', 'ps', 'proc', 'procs', 'processes']) expect(get(a, { registry: dir }).type).toBe('process');
    for (const a of ['module', 'mo', 'mod', 'mods', 'modules']) expect(get(a, { registry: dir }).type).toBe('module');
    expect(() => get('profiles', { registry: dir })).toThrow(UsageError);
    expect(() => get('profiles', { registry: dir })).toThrow("no resource type matching 'profiles'");
  });

  it('get process: newest first, totals from the manifest, size on disk', () => {
    const r = get('ps', { registry: dir });
    expect(r.type).toBe('process');
    const items = r.items as ProcessSummary[];
    expect(items.map((p) => p.id)).toEqual([ID_B, ID_A]);
    const a = items[1]!;
    expect(a.startTime).toBe(T0);
    expect(a.module?.name).toBe('printer.wasm');
    expect(a.status).toBe('exited');
    expect(a.exitCode).toBe(3);
    expect(a.records).toBe(75);
    const manifestSize = fs.statSync(join(dir, 'processes', ID_A, 'manifest.json')).size;
    expect(a.size).toBe(manifestSize + written.segments[0]!.size + written.segments[1]!.size);
  });

  it('get process renders the table with relative start times', () => {
    const text = renderGet(get('process', { registry: dir }), 'text', NOW);
    const lines = text.trimEnd().split('\n');
    expect(cells(lines[0]!)).toEqual(['PROCESS ID', 'START', 'MODULE', 'EXIT', 'RECORDS', 'SIZE']);
    expect(cells(lines[1]!)).toEqual([ID_B, '2 minutes ago', 'other.wasm', '0', '2', expect.stringMatching(/^[\d.]+ (B|KiB)$/)]);
    expect(cells(lines[2]!).slice(0, 5)).toEqual([ID_A, '3 minutes ago', 'printer.wasm', '3', '75']);
    expect(lines).toHaveLength(3);
  });

  it('get module: 12-hex ids, names, sizes; JSON and YAML give the same list', () => {
    const r = get('mod', { registry: dir });
    const printer = wat2wasm(printerWat('hi\n'));
    const other = wat2wasm(printerWat('other\n'));
    const expected = [
      { digest: sha256(printer), name: 'printer.wasm', size: printer.length },
      { digest: sha256(other), name: 'other.wasm', size: other.length },
    ].sort((x, y) => x.digest.localeCompare(y.digest));
    expect(r.items).toEqual(expected);
    expect(JSON.parse(renderGet(r, 'json'))).toEqual(expected);
    expect(YAML.parse(renderGet(r, 'yaml'))).toEqual(expected);
    const lines = renderGet(r, 'text').trimEnd().split('\n');
    expect(cells(lines[0]!)).toEqual(['MODULE ID', 'MODULE NAME', 'SIZE']);
    expect(cells(lines[1]!)).toEqual([expected[0]!.digest.slice(7, 19), expected[0]!.name, `${expected[0]!.size} B`]);
  });

  it('describe process: segment and batch statistics from the headers', () => {
    const r = describeCmd('process', 'aaaaaaaa-1', { registry: dir, verbose: true });
    expect(r.type).toBe('process');
    const d = r.data as ProcessDescription;
    const seg0 = written.segments[0]!;
    const seg1 = written.segments[1]!;
    const compressed = [...seg0.batches, ...seg1.batches].reduce((n, b) => n + b.compressed, 0);
    expect(seg0.batches[0]!.compressed).toBeLessThan(120); // deflated
    expect(seg1.batches[0]!.compressed).toBe(90); // under 100 bytes: stored as it is
    expect(d.id).toBe(ID_A);
    expect(d.records).toBe(75);
    expect(d.batches).toBe(3);
    expect(d.size).toBe(seg0.size + seg1.size);
    expect(d.uncompressedSize).toBe(225);
    expect(d.compressedSize).toBe(compressed);
    expect(d.compression).toBeCloseTo(1 - compressed / 225, 12);
    expect(d.duration).toBe(1500 * 1e6);
    expect(d.env).toEqual(['HOME=/home/guest', 'TOKEN=secret']);
    expect(d.segments).toHaveLength(2);
    const s0 = d.segments[0]!;
    expect([s0.index, s0.records, s0.batches, s0.size, s0.uncompressedSize, s0.firstTimestamp, s0.lastTimestamp, s0.duration]).toEqual([
      0, 45, 2, seg0.size, 135, 1_000, 2_000_000, 1_999_000,
    ]);
    expect(s0.recordBatches?.map((b) => [b.batch, b.firstOffset, b.records, b.duration, b.codec])).toEqual([
      [0, 0, 40, 4_000, 'deflate'],
      [1, 40, 5, 1_994_000, 'none'],
    ]);
    expect(s0.recordBatches?.[1]!.compression).toBe(0);
    const s1 = d.segments[1]!;
    expect([s1.index, s1.records, s1.batches, s1.duration]).toEqual([1, 30, 1, 500_000]);
    expect(s1.recordBatches?.[0]!.firstOffset).toBe(45);
    expect(s1.recordBatches?.[0]!.codec).toBe('none');
    expect(d.damage).toBeUndefined();
  });

  it('describe process: env names only unless verbose; JSON is the same data', () => {
    const r = describeCmd('ps', ID_A, { registry: dir });
    const d = r.data as ProcessDescription;
    expect(d.env).toEqual(['HOME', 'TOKEN']);
    expect(d.segments[0]!.recordBatches).toBeUndefined();
    const json = JSON.parse(renderDescribe(r, 'json'));
    expect(json.records).toBe(75);
    expect(json.env).toEqual(['HOME', 'TOKEN']);
    expect(json.status).toBe('exited');
    expect(json.exitCode).toBe(3);
    expect(json.module).toEqual(reg.readManifest(ID_A).module);
    expect(json.runtime).toEqual({ tc: '0.1.0', node: '20.0.0', v8: '11.3' });
    expect(json.segments.map((s: { records: number }) => s.records)).toEqual([45, 30]);
    expect(YAML.parse(renderDescribe(r, 'yaml'))).toEqual(json);
  });

  it('describe process renders text as timecraft does', () => {
    const r = describeCmd('process', ID_A, { registry: dir, verbose: true });
    const d = r.data as ProcessDescription;
    const text = renderDescribe(r, 'text', NOW);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`ID:       ${ID_A}`);
    expect(lines[1]).toBe('Start:    3 minutes ago, Thu, 04 Mar 2021 05:06:07 GMT');
    expect(lines[2]).toBe('Runtime:  tc 0.1.0, Node 20.0.0, V8 11.3');
    expect(text).toContain('Env:\n  HOME=/home/guest\n  TOKEN=secret\n');
    expect(text).toContain('Status:   exited (exit code 3)\n');
    expect(text).toContain('Duration: 1.5s\n');
    expect(text).toContain(`Records:  75, 3 batches, 2 segments, ${humanBytes(d.compressedSize)}/${humanBytes(225)} (compression: ${percent(d.compression)})\n`);
    const table = lines.slice(lines.indexOf('---') + 1);
    expect(cells(table[0]!)).toEqual(['SEGMENT', 'RECORDS', 'BATCHES', 'DURATION', 'SIZE', 'UNCOMPRESSED SIZE', 'COMPRESSED SIZE', 'COMPRESSION']);
    expect(cells(table[1]!).slice(0, 4)).toEqual(['0', '45', '2', '2ms']);
    expect(cells(table[2]!).slice(0, 4)).toEqual(['1', '30', '1', '500µs']);
    expect(text).toContain('\nSegment 0:\n');
    expect(text).toContain('\nSegment 1:\n');
    expect(cells(lines[lines.indexOf('Segment 0:') + 1]!)).toEqual(['BATCH', 'FIRST OFFSET', 'RECORDS', 'DURATION', 'UNCOMPRESSED SIZE', 'COMPRESSED SIZE', 'COMPRESSION', 'CODEC']);
    expect(cells(lines[lines.indexOf('Segment 0:') + 3]!)).toEqual(['1', '40', '5', '1.99ms', '15 B', '15 B', '0.00%', 'none']);
  });

  it('compression is the space saved, named alike in text, JSON and YAML', () => {
    const r = describeCmd('process', ID_A, { registry: dir, verbose: true });
    const d = r.data as ProcessDescription;
    const saved = 1 - d.compressedSize / d.uncompressedSize;
    expect(saved).toBeGreaterThan(0.2);
    const json = JSON.parse(renderDescribe(r, 'json'));
    expect(YAML.parse(renderDescribe(r, 'yaml'))).toEqual(json);
    expect(json.compression).toBeCloseTo(saved, 12);
    expect(JSON.stringify(json)).not.toContain('compressionRatio');
    const seg = json.segments[0];
    expect(seg.compression).toBeCloseTo(1 - seg.compressedSize / seg.uncompressedSize, 12);
    expect(seg.recordBatches.map((b: { codec: string; compression: number }) => [b.codec, b.compression])).toEqual([
      ['deflate', 1 - seg.recordBatches[0].compressedSize / 120],
      ['none', 0],
    ]);
    // The text shows the same fraction as a percentage, under the same name.
    const text = renderDescribe(r, 'text', NOW);
    expect(text).toContain(`(compression: ${(saved * 100).toFixed(2)}%)\n`);
    const lines = text.split('\n');
    const segTable = lines.slice(lines.indexOf('---') + 1);
    expect(cells(segTable[0]!).at(-1)).toBe('COMPRESSION');
    expect(cells(segTable[1]!).at(-1)).toBe(`${(seg.compression * 100).toFixed(2)}%`);
  });

  it('a killed recording: incomplete, totals read from the headers up to the cut-short batch', () => {
    const d2 = join(tempDir(), 'reg');
    const r2 = new Registry(d2);
    writeProcess(r2, {
      id: ID_C,
      startTime: T0,
      status: 'recording',
      pid: deadPid,
      noTotals: true,
      cut: 5,
      segments: [
        [{ records: 4, firstTimestamp: 0, lastTimestamp: 100, level: 0 }],
        [
          { records: 6, firstTimestamp: 200, lastTimestamp: 300, level: 0 },
          { records: 9, firstTimestamp: 400, lastTimestamp: 500, level: 0 },
        ],
      ],
    });
    const rows = get('ps', { registry: d2 }).items as ProcessSummary[];
    expect(rows.map((p) => [p.id, p.status, p.records, p.exitCode])).toEqual([[ID_C, 'incomplete', 10, undefined]]);
    expect(renderGet(get('ps', { registry: d2 }), 'text', NOW)).toContain('incomplete');
    const d = describeCmd('process', 'ccc', { registry: d2 }).data as ProcessDescription;
    expect(d.status).toBe('incomplete');
    expect([d.records, d.batches, d.segments.length]).toEqual([10, 2, 2]);
    expect(d.duration).toBe(300);
    expect(d.damage).toMatch(/^segment 1, batch 1: .*did not finish/);
    expect(renderDescribe({ type: 'process', data: d }, 'text', NOW)).toContain('Duration: 300ns (until the last record)\n');
  });

  it('a recording whose tc is alive shows as recording; rm refuses it without --force; gc keeps it; export refuses it', () => {
    const d2 = join(tempDir(), 'reg');
    const r2 = new Registry(d2);
    writeProcess(r2, { id: ID_C, startTime: T0, status: 'recording', pid: process.pid, noTotals: true, segments: [[{ records: 3, firstTimestamp: 0, lastTimestamp: 1, level: 0 }]] });
    expect((get('ps', { registry: d2 }).items as ProcessSummary[])[0]!.status).toBe('recording');
    expect((get('ps', { registry: d2 }).items as ProcessSummary[])[0]!.records).toBe(3);
    expect(() => rm('process', [ID_C], { registry: d2 })).toThrow(/is being recorded \(pid \d+\); --force/);
    expect(() => exportTo('process', ID_C, () => {}, { registry: d2 })).toThrow(/still being recorded/);
    const g = gc({ registry: d2, keep: 0 });
    expect(g.processes).toEqual([]);
    expect(g.live).toEqual([ID_C]);
    expect(g.modules).toEqual([]);
    expect((rm('process', [ID_C], { registry: d2, force: true }).deleted as readonly DeletedProcess[]).map((p) => p.id)).toEqual([ID_C]);
    expect(r2.processIds()).toEqual([]);
  });

  it('ids: a unique prefix resolves; an ambiguous or unknown one lists the candidates', () => {
    expect(() => describeCmd('process', 'aaaaaaaa', { registry: dir })).toThrow(UnknownIdError);
    expect(() => describeCmd('process', 'aaaaaaaa', { registry: dir })).toThrow(`process id 'aaaaaaaa' is ambiguous: ${ID_A}, ${ID_B}`);
    expect(() => describeCmd('process', 'ffff', { registry: dir })).toThrow("no process matches 'ffff'");
    expect(() => describeCmd('module', 'zz', { registry: dir })).toThrow("no module matches 'zz'");
    expect(() => rm('process', [ID_A, 'ffff'], { registry: dir })).toThrow("no process matches 'ffff'");
    expect(reg.processIds()).toEqual([ID_A, ID_B]); // nothing deleted
  });

  it('describe module: imports, exports and memory with their types', () => {
    const digest = reg.readManifest(ID_A).module.digest;
    const r = describeCmd('module', `sha256:${digest.slice(7, 15)}`, { registry: dir });
    expect(r.type).toBe('module');
    expect(r.data).toEqual({
      digest,
      name: 'printer.wasm',
      size: wat2wasm(printerWat('hi\n')).length,
      imports: [
        { module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'function', type: '(i32, i32, i32, i32) -> i32' },
        { module: 'wasi_snapshot_preview1', name: 'proc_exit', kind: 'function', type: '(i32) -> ()' },
      ],
      exports: [
        { name: 'memory', kind: 'memory', type: 'min 1 page (64 KiB), no max' },
        { name: '_start', kind: 'function', type: '() -> ()' },
      ],
      memories: [{ index: 0, min: 1, shared: false, memory64: false, pageSize: 65536, exports: ['memory'] }],
      functions: 1,
    });
    const text = renderDescribe(r, 'text');
    expect(text).toContain(`ID:        ${digest}\n`);
    expect(text).toContain('  0: min 1 page (64 KiB), no max (exported as memory)\n');
    expect(text).toMatch(/wasi_snapshot_preview1 +fd_write +function +\(i32, i32, i32, i32\) -> i32\n/);
  });

  it('export module writes the exact bytes', () => {
    const chunks: Uint8Array[] = [];
    const digest = reg.readManifest(ID_B).module.digest;
    const r = exportTo('module', digest.slice(7, 20), (c) => chunks.push(c), { registry: dir });
    expect(r).toEqual({ kind: 'module', id: digest, size: wat2wasm(printerWat('other\n')).length });
    expect(Buffer.concat(chunks).equals(Buffer.from(wat2wasm(printerWat('other\n'))))).toBe(true);
  });

  it('export process: a zip of manifest, module and segments; the same bytes every time', () => {
    const out = join(tempDir(), 'a.tcr');
    const r = exportResource('process', 'aaaaaaaa-1', out, { registry: dir });
    const bytes = fs.readFileSync(out);
    expect(r).toEqual({ kind: 'process', id: ID_A, size: bytes.length });
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(['manifest.json', 'module.wasm', 'log/00000000', 'log/00000001']);
    expect(JSON.parse(Buffer.from(files['manifest.json']!).toString())).toEqual(reg.readManifest(ID_A));
    expect(Buffer.from(files['module.wasm']!).equals(Buffer.from(wat2wasm(printerWat('hi\n'))))).toBe(true);
    expect(Buffer.from(files['log/00000001']!).equals(fs.readFileSync(join(dir, 'processes', ID_A, 'log', '00000001')))).toBe(true);
    const again: Uint8Array[] = [];
    exportTo('process', ID_A, (c) => again.push(c), { registry: dir });
    expect(Buffer.concat(again).equals(bytes)).toBe(true);
    expect(fs.readdirSync(join(out, '..'))).toEqual(['a.tcr']); // no temporary file left
  });

  it('export then import into an empty registry gives the same process; twice is harmless', () => {
    const out = join(tempDir(), 'a.tcr');
    exportResource('process', ID_A, out, { registry: dir });
    const d2 = join(tempDir(), 'empty');
    const first = importFile(out, { registry: d2 });
    expect(first).toEqual({ id: ID_A, module: reg.readManifest(ID_A).module, records: 75, segments: 2, imported: true });
    const after = snapshot(d2);
    const second = importFile(out, { registry: d2 });
    expect(second.imported).toBe(false);
    expect(second.id).toBe(ID_A);
    expect(snapshot(d2)).toEqual(after);
    expect(snapshot(join(d2, 'processes', ID_A))).toEqual(snapshot(join(dir, 'processes', ID_A)));
    const r2 = new Registry(d2);
    expect(r2.getModule(first.module.digest)).toEqual(reg.getModule(first.module.digest));
    expect(describeCmd('process', ID_A, { registry: d2 }).data).toEqual(describeCmd('process', ID_A, { registry: dir }).data);
  });

  it('import of a killed recording keeps its cut-short log and marks it incomplete', () => {
    const d1 = join(tempDir(), 'reg');
    writeProcess(new Registry(d1), {
      id: ID_C, startTime: T0, status: 'recording', noTotals: true, cut: 3,
      segments: [[{ records: 4, firstTimestamp: 0, lastTimestamp: 1, level: 0 }, { records: 4, firstTimestamp: 2, lastTimestamp: 3, level: 0 }]],
    });
    const out = join(tempDir(), 'k.tcr');
    exportResource('process', ID_C, out, { registry: d1 });
    expect(JSON.parse(Buffer.from(unzipSync(fs.readFileSync(out))['manifest.json']!).toString()).status).toBe('incomplete');
    const d2 = join(tempDir(), 'reg');
    expect(importFile(out, { registry: d2 })).toMatchObject({ id: ID_C, records: 4, imported: true });
    expect(new Registry(d2).readManifest(ID_C).status).toBe('incomplete');
  });

  describe('import refuses a bad archive and leaves the registry unchanged', () => {
    const tcr = () => {
      const out = join(tempDir(), 'a.tcr');
      exportResource('process', ID_A, out, { registry: dir });
      return unzipSync(fs.readFileSync(out));
    };
    const cases: [string, () => Uint8Array, RegExp][] = [
      ['not a zip', () => strToU8('hello, not a zip\n'), /: not a \.tcr recording \(not a readable zip archive/],
      ['an empty file', () => new Uint8Array(0), /: not a \.tcr recording/],
      ['no manifest', () => { const f = tcr(); delete f['manifest.json']; return zipSync(f); }, /: not a \.tcr recording: manifest\.json is missing$/],
      ['no module', () => { const f = tcr(); delete f['module.wasm']; return zipSync(f); }, /: incomplete recording: module\.wasm is missing$/],
      ['a missing segment', () => { const f = tcr(); delete f['log/00000001']; return zipSync(f); }, /: incomplete recording: log\/00000001 is missing$/],
      ['another module', () => { const f = tcr(); f['module.wasm'] = new Uint8Array(wat2wasm(printerWat('evil\n'))); return zipSync(f); }, /: module\.wasm does not match the manifest/],
      ['a damaged batch', () => { const f = tcr(); const s = f['log/00000000']!; s[s.length - 1]! ^= 0xff; return zipSync(f); }, /: the log is damaged: segment 0, batch 1: checksum mismatch \(the header says 0x[0-9a-f]{8}, the stored bytes give 0x[0-9a-f]{8}\)$/],
      ['a finished log cut short', () => { const f = tcr(); f['log/00000001'] = f['log/00000001']!.subarray(0, 20); return zipSync(f); }, /: the log is damaged: segment 1, batch 0/],
      ['a path as id', () => { const f = tcr(); const m = JSON.parse(Buffer.from(f['manifest.json']!).toString()); m.id = '../../etc'; f['manifest.json'] = strToU8(JSON.stringify(m)); return zipSync(f); }, /manifest\.json: bad process id "\.\.\/\.\.\/etc"$/],
      ['a manifest that is not JSON', () => { const f = tcr(); f['manifest.json'] = strToU8('{'); return zipSync(f); }, /manifest\.json is not JSON/],
    ];
    for (const [what, make, message] of cases) {
      it(what, () => {
        const d2 = join(tempDir(), 'reg');
        writeProcess(new Registry(d2), { id: ID_B, startTime: T0, segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
        const before = snapshot(d2);
        const file = join(tempDir(), 'bad.tcr');
        fs.writeFileSync(file, make());
        let error: unknown;
        try {
          importFile(file, { registry: d2 });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ArchiveError);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message.startsWith(file)).toBe(true);
        expect((error as Error).message).not.toContain('\n');
        expect(snapshot(d2)).toEqual(before);
      });
    }
    it('a different recording under an id the registry holds', () => {
      const d2 = join(tempDir(), 'reg');
      writeProcess(new Registry(d2), { id: ID_A, startTime: T0, segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
      const before = snapshot(d2);
      const file = join(tempDir(), 'a.tcr');
      fs.writeFileSync(file, zipSync(tcr()));
      expect(() => importFile(file, { registry: d2 })).toThrow(`process ${ID_A} is in the registry already, with a different recording`);
      expect(snapshot(d2)).toEqual(before);
    });
    it('a file that does not exist', () => {
      expect(() => importFile('/nonexistent/x.tcr', { registry: dir })).toThrow(TcError);
      expect(() => importFile('/nonexistent/x.tcr', { registry: dir })).toThrow('/nonexistent/x.tcr: no such file');
    });
  });

  it('rm deletes processes by prefix and reports their sizes; modules stay', () => {
    const d2 = join(tempDir(), 'reg');
    const r2 = new Registry(d2);
    writeProcess(r2, { id: ID_A, startTime: T0, segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
    writeProcess(r2, { id: ID_B, startTime: T0, segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
    writeProcess(r2, { id: ID_C, startTime: T0, segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
    const sizeA = (get('ps', { registry: d2 }).items as ProcessSummary[]).find((p) => p.id === ID_A)!.size;
    const deleted = rm('procs', ['aaaaaaaa-1', 'cccc', ID_A], { registry: d2 }).deleted as readonly DeletedProcess[];
    expect(deleted.map((p) => p.id)).toEqual([ID_A, ID_C]);
    expect(deleted[0]).toEqual({ id: ID_A, startTime: T0, size: sizeA });
    expect(r2.processIds()).toEqual([ID_B]);
    expect(fs.readdirSync(join(d2, 'processes'))).toEqual([ID_B]);
    expect(r2.listModules()).toHaveLength(1);
    expect(() => rm('module', [ID_B], { registry: d2 })).toThrow(UnknownIdError);
    expect(() => rm('profile', [ID_B], { registry: d2 })).toThrow(UsageError);
  });

  it('gc: --older-than, --keep, both, neither, --dry-run; unused modules go', () => {
    const now = new Date('2024-06-01T00:00:00.000Z');
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86400_000).toISOString();
    const seg = [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 as const }]];
    const ids = ['10000000-0000-4000-8000-000000000000', '20000000-0000-4000-8000-000000000000', '30000000-0000-4000-8000-000000000000', '40000000-0000-4000-8000-000000000000'];
    const fresh = () => {
      const d = join(tempDir(), 'reg');
      const r = new Registry(d);
      // ages 1, 3, 10, 30 days; the two oldest use their own modules
      writeProcess(r, { id: ids[0]!, startTime: at(1), segments: seg });
      writeProcess(r, { id: ids[1]!, startTime: at(3), segments: seg });
      writeProcess(r, { id: ids[2]!, startTime: at(10), segments: seg, module: wat2wasm(printerWat('ten\n')), moduleName: 'ten.wasm' });
      writeProcess(r, { id: ids[3]!, startTime: at(30), segments: seg, module: wat2wasm(printerWat('thirty\n')), moduleName: 'thirty.wasm' });
      r.putModule(wat2wasm(printerWat('orphan\n')), 'orphan.wasm');
      return { d, r };
    };

    const neither = fresh();
    const g0 = gc({ registry: neither.d, now });
    expect(g0.processes).toEqual([]);
    expect(g0.modules.map((m) => m.name)).toEqual(['orphan.wasm']);
    expect(neither.r.listModules().map((m) => m.name).sort()).toEqual(['printer.wasm', 'ten.wasm', 'thirty.wasm']);

    const older = fresh();
    const before = snapshot(older.d);
    const dry = gc({ registry: older.d, olderThan: '7d', dryRun: true, now });
    expect(snapshot(older.d)).toEqual(before);
    expect(dry.dryRun).toBe(true);
    const real = gc({ registry: older.d, olderThan: '7d', now });
    expect({ ...dry, dryRun: false }).toEqual(real);
    expect(real.processes.map((p) => p.id)).toEqual([ids[2], ids[3]]);
    expect(real.modules.map((m) => m.name).sort()).toEqual(['orphan.wasm', 'ten.wasm', 'thirty.wasm']);
    expect(real.freed.processes).toBe(2);
    expect(real.freed.modules).toBe(3);
    expect(real.freed.bytes).toBe(real.processes.reduce((n, p) => n + p.size, 0) + real.modules.reduce((n, m) => n + m.size, 0));
    expect(real.processes.every((p) => p.size > 0) && real.modules.every((m) => m.size > 0)).toBe(true);
    expect(older.r.processIds()).toEqual([ids[0], ids[1]]);

    const keep = fresh();
    expect(gc({ registry: keep.d, keep: '1', now }).processes.map((p) => p.id)).toEqual([ids[1], ids[2], ids[3]]);
    expect(keep.r.processIds()).toEqual([ids[0]]);

    const both = fresh();
    expect(gc({ registry: both.d, keep: 3, olderThan: '2d', now }).processes.map((p) => p.id)).toEqual([ids[3]]);
    expect(both.r.processIds()).toEqual([ids[0], ids[1], ids[2]]);

    expect(() => gc({ registry: both.d, olderThan: '7 days' })).toThrow(UsageError);
    expect(() => gc({ registry: both.d, keep: '-1' })).toThrow(UsageError);
  });

  it('parses durations and formats human units', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    for (const bad of ['', '10', 'h', '5x', '1h 30m', '-1d']) expect(() => parseDuration(bad)).toThrow(UsageError);
    expect([0, 512, 1024, 1234, 2000, 1536 * 1024, 123456789].map(humanBytes)).toEqual(['0 B', '512 B', '1 KiB', '1.21 KiB', '1.95 KiB', '1.5 MiB', '118 MiB']);
    expect([850, 12_345, 15_200_000, 1_250_000_000, 150e9, 3720e9, 2 * 86400e9].map(humanDuration)).toEqual(['850ns', '12.3µs', '15.2ms', '1.25s', '2m30s', '1h2m', '2d']);
    const t = '2024-01-01T00:00:00.000Z';
    const after = (ms: number) => new Date(Date.parse(t) + ms);
    expect(relativeTime(t, after(500))).toBe('now');
    expect(relativeTime(t, after(3 * 60_000))).toBe('3 minutes ago');
    expect(relativeTime(t, after(3600_000))).toBe('1 hour ago');
    expect(relativeTime(t, after(-2 * 86400_000))).toBe('2 days later');
    expect(percent(0.58271)).toBe('58.27%');
  });
});

describe('wasm-info', () => {
  it('reads signatures, limits and global types', () => {
    const bytes = wat2wasm(`(module
      (type $t (func (param i64 f32 f64) (result i32 i64)))
      (import "env" "f" (func $f (type $t)))
      (import "env" "mem" (memory 2 10))
      (import "env" "g" (global $g (mut i64)))
      (import "env" "tbl" (table 3 funcref))
      (func $h (param i32) (result i32) (local.get 0))
      (global $k f64 (f64.const 1.5))
      (global $m (mut i32) (i32.add (i32.const 1) (i32.const 2)))
      (table $own 1 5 externref)
      (export "f" (func $f))
      (export "h" (func $h))
      (export "mem" (memory 0))
      (export "k" (global $k))
      (export "m" (global $m))
      (export "g" (global $g))
      (export "own" (table $own)))`);
    const w = wasmInfo(bytes);
    expect(w.unreadable).toEqual([]);
    expect(w.imports.map((i) => [i.module, i.name, i.kind])).toEqual([['env', 'f', 'function'], ['env', 'mem', 'memory'], ['env', 'g', 'global'], ['env', 'tbl', 'table']]);
    expect(formatFuncType((w.imports[0] as { type?: { params: string[]; results: string[] } }).type)).toBe('(i64, f32, f64) -> (i32, i64)');
    expect(w.memories).toEqual([{ index: 0, limits: { min: 2, max: 10, shared: false, memory64: false }, import: 'env.mem', exports: ['mem'] }]);
    expect(w.definedFunctions).toBe(1);
    const byName = Object.fromEntries(w.exports.map((e) => [e.name, e]));
    expect(byName.h).toEqual({ name: 'h', index: 1, kind: 'function', type: { params: ['i32'], results: ['i32'] } });
    expect(byName.k).toEqual({ name: 'k', index: 1, kind: 'global', type: 'f64', mutable: false });
    expect(byName.m).toEqual({ name: 'm', index: 2, kind: 'global', type: 'i32', mutable: true });
    expect(byName.g).toEqual({ name: 'g', index: 0, kind: 'global', type: 'i64', mutable: true });
    expect(byName.own).toEqual({ name: 'own', index: 1, kind: 'table', element: 'externref', limits: { min: 1, max: 5, shared: false, memory64: false } });
  });

  it('refuses what is not a core module', () => {
    expect(() => wasmInfo(strToU8('not wasm'))).toThrow('bad magic');
    expect(() => wasmInfo(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]))).toThrow('not a WebAssembly core module');
  });
});

// --- end to end through bin/tc.js ------------------------------------------------------------------

describe('registry commands, end to end', () => {
  it('get, describe and export agree with a recorded run', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const hello = join(ROOT, 'wasm-fixtures/c/hello.wasm');
    const run = record(reg, [hello]);
    expect(run.status).toBe(0);

    const ps = tc(['get', 'ps', '--registry', reg, '-o', 'json']);
    expect(ps.status).toBe(0);
    const rows = JSON.parse(ps.stdout.toString());
    expect(rows).toHaveLength(1);
    const manifest = JSON.parse(fs.readFileSync(join(reg, 'processes', run.id, 'manifest.json'), 'utf8'));
    expect(rows[0].id).toBe(run.id);
    expect(rows[0].startTime).toBe(manifest.startTime);
    expect(rows[0].module).toEqual({ digest: sha256(fs.readFileSync(hello)), name: 'hello.wasm', size: fs.statSync(hello).size });
    expect(rows[0].status).toBe('exited');
    expect(rows[0].exitCode).toBe(0);
    expect(rows[0].records).toBe(manifest.records);
    expect(rows[0].records).toBeGreaterThan(0);

    const text = tc(['get', 'processes', '--registry', reg]);
    const lines = text.stdout.toString().trimEnd().split('\n');
    expect(cells(lines[0]!)).toEqual(['PROCESS ID', 'START', 'MODULE', 'EXIT', 'RECORDS', 'SIZE']);
    expect(cells(lines[1]!)[0]).toBe(run.id);
    expect(cells(lines[1]!).slice(2, 5)).toEqual(['hello.wasm', '0', String(manifest.records)]);

    const mods = tc(['get', 'modules', '--registry', reg, '-o', 'yaml']);
    expect(YAML.parse(mods.stdout.toString())).toEqual([rows[0].module]);

    const desc = tc(['describe', 'process', run.id.slice(0, 8), '--registry', reg, '-o', 'json']);
    expect(desc.status).toBe(0);
    const d = JSON.parse(desc.stdout.toString());
    expect(d.id).toBe(run.id);
    expect(d.records).toBe(manifest.records);
    expect(d.batches).toBe(manifest.segments.reduce((n: number, s: { batches: number }) => n + s.batches, 0));
    expect(d.segments.map((s: { index: number; records: number; size: number; compressedSize: number; uncompressedSize: number }) => [s.index, s.records, s.size, s.compressedSize, s.uncompressedSize])).toEqual(
      manifest.segments.map((s: { index: number; records: number; size: number; compressedSize: number; uncompressedSize: number }) => [s.index, s.records, s.size, s.compressedSize, s.uncompressedSize]),
    );
    expect(d.args).toEqual(manifest.args);
    expect(d.runtime).toEqual(manifest.runtime);
    expect(d.status).toBe('exited');

    const descText = tc(['describe', 'ps', run.id, '--registry', reg, '-v']).stdout.toString();
    expect(descText).toContain(`ID:       ${run.id}\n`);
    expect(descText).toContain('Status:   exited (exit code 0)\n');
    expect(descText).toMatch(new RegExp(`\\nRecords:  ${manifest.records}, 1 batch, 1 segment, `));
    expect(descText).toContain('\nSegment 0:\n');

    const mod = tc(['describe', 'module', rows[0].module.digest.slice(7, 13), '--registry', reg, '-o', 'json']);
    const m = JSON.parse(mod.stdout.toString());
    expect(m.digest).toBe(rows[0].module.digest);
    expect(m.imports.find((i: { name: string }) => i.name === 'fd_write')).toEqual({ module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'function', type: '(i32, i32, i32, i32) -> i32' });
    expect(m.exports.map((e: { name: string }) => e.name).sort()).toEqual(['_start', 'memory']);
    expect(m.memories[0].exports).toEqual(['memory']);

    const out = tc(['export', 'module', rows[0].module.digest.slice(7, 19), '-', '--registry', reg]);
    expect(out.status).toBe(0);
    expect(out.stdout.equals(fs.readFileSync(hello))).toBe(true);
  });

  it('a recording exported from one registry and imported into an empty one replays identically', () => {
    const dir = tempDir();
    const reg1 = join(dir, 'one');
    const reg2 = join(dir, 'two');
    const mod = join(dir, 'random.wasm');
    fs.writeFileSync(mod, wat2wasm(RANDOM_WAT));
    const run = record(reg1, [mod]);
    expect(run.status).toBe(0);
    expect(run.stdout.length).toBe(32);
    const clocks = record(reg1, [join(ROOT, 'wasm-fixtures/c/clocks.wasm')]);
    expect(clocks.status).toBe(0);

    for (const original of [run, clocks]) {
      const file = join(dir, `${original.id}.tcr`);
      const ex = tc(['export', 'process', original.id.slice(0, 10), file, '--registry', reg1]);
      expect(ex.status).toBe(0);
      expect(ex.stdout.toString()).toMatch(new RegExp(`^exported process ${original.id} to .* \\(.+\\)\\n$`));
      const piped = tc(['export', 'process', original.id, '-', '--registry', reg1]);
      expect(piped.stdout.equals(fs.readFileSync(file))).toBe(true);

      const im = tc(['import', file, '--registry', reg2]);
      expect(im.stderr.toString()).toBe('');
      expect(im.stdout.toString()).toBe(`${original.id}\n`);
      expect(im.status).toBe(0);
      const again = tc(['import', file, '--registry', reg2, '-o', 'json']);
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout.toString())).toMatchObject({ id: original.id, imported: false });
    }
    fs.rmSync(reg1, { recursive: true });
    fs.rmSync(mod);
    for (const original of [run, clocks]) {
      const rep = tc(['replay', original.id, '--registry', reg2]);
      expect(rep.stderr.toString()).toBe(original.stderr.toString());
      expect(rep.stdout.equals(original.stdout)).toBe(true);
      expect(rep.status).toBe(original.status);
    }
    const ps = JSON.parse(tc(['get', 'ps', '--registry', reg2, '-o', 'json']).stdout.toString());
    expect(ps.map((p: { id: string }) => p.id).sort()).toEqual([run.id, clocks.id].sort());
  });

  /** The whole batches in segment file `seg` (the part of one cut short is not counted). */
  const completeBatches = (seg: string): number => {
    let n = 0;
    try {
      for (const _ of readSegment(seg, 0, { headersOnly: true })) n++;
    } catch {
      // the segment ends inside a batch, or is not there yet
    }
    return n;
  };

  it('a killed recording is incomplete, counted from its batch headers, and traced to the same count', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const mod = join(dir, 'spin.wasm');
    fs.writeFileSync(mod, wat2wasm(SPIN_WAT));
    const child = spawn(process.execPath, [join(ROOT, 'bin/tc.js'), 'run', '--registry', reg, mod], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 60_000;
    let id = '';
    for (;;) {
      id = stderr.split('\n')[0]!;
      const seg = id.length === 36 ? join(reg, 'processes', id, 'log', '00000000') : '';
      // A whole batch on disk (a segment can hold the start of one before it holds all of it).
      if (seg && completeBatches(seg) > 0) break;
      if (Date.now() > deadline) throw new Error(`no log written: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;

    const d = JSON.parse(tc(['describe', 'process', id, '--registry', reg, '-o', 'json']).stdout.toString());
    expect(d.status).toBe('incomplete');
    expect(d.records).toBeGreaterThan(0);
    expect(d.exitCode).toBeUndefined();
    const row = JSON.parse(tc(['get', 'ps', '--registry', reg, '-o', 'json']).stdout.toString())[0];
    expect([row.id, row.status, row.records]).toEqual([id, 'incomplete', d.records]);
    const trace = tc(['trace', id, '--registry', reg]);
    expect(trace.stdout.toString().trimEnd().split('\n')).toHaveLength(d.records);
  });

  it('rm --force of a process being recorded: it stays gone, and the run ends normally for the guest', async () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    // stdin_cat copies stdin until EOF: the recording lasts as long as this test keeps the pipe open.
    const child = spawn(process.execPath, [join(ROOT, 'bin/tc.js'), 'run', '--registry', reg, join(ROOT, 'wasm-fixtures/c/stdin_cat.wasm')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const waitFor = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`${what}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    child.stdin.write('first\n');
    await waitFor('no id', () => stderr.includes('\n'));
    const id = stderr.split('\n')[0]!;
    const seg = join(reg, 'processes', id, 'log', '00000000');
    // The log-writing thread has written a batch: the recording is well under way.
    await waitFor('no batch written', () => stdout === 'first\n' && (fs.statSync(seg, { throwIfNoEntry: false })?.size ?? 0) > 0);
    const rm = tc(['rm', 'process', '--force', id, '--registry', reg]);
    expect([rm.status, rm.stdout.toString()]).toEqual([0, `${id}\n`]);
    child.stdin.write('second\n');
    await waitFor('the guest stopped', () => stdout === 'first\nsecond\n');
    child.stdin.end('third\n');
    expect(await exited).toBe(0);
    expect(stdout).toBe('first\nsecond\nthird\n');
    expect(stderr).toBe(`${id}\ntc: process ${id} was removed while recording; the rest of its log is discarded\n`);
    expect(JSON.parse(tc(['get', 'ps', '--registry', reg, '-o', 'json']).stdout.toString())).toEqual([]);
    expect(fs.readdirSync(join(reg, 'processes'))).toEqual([]);
    const v = tc(['verify', id, '--registry', reg]);
    expect([v.status, v.stderr.toString()]).toEqual([250, `tc: no process matches '${id}'\n`]);
  });

  it('rm and gc through the CLI', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const a = record(reg, [join(ROOT, 'wasm-fixtures/c/hello.wasm')]);
    const b = record(reg, [join(ROOT, 'wasm-fixtures/wat/hello.wasm')]);
    const old = '0dd00000-0000-4000-8000-000000000000';
    writeProcess(new Registry(reg), { id: old, startTime: '2001-01-01T00:00:00.000Z', module: wat2wasm(printerWat('old\n')), moduleName: 'old.wasm', segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });

    const dry = tc(['gc', '--older-than', '7d', '--dry-run', '--registry', reg]);
    expect(dry.status).toBe(0);
    expect(dry.stdout.toString()).toMatch(new RegExp(`^would delete process ${old} \\(.+\\)\\nwould delete module [0-9a-f]{12} old\\.wasm \\(.+\\)\\nwould free .+: 1 process, 1 module\\n$`));
    const gcJson = JSON.parse(tc(['gc', '--older-than', '7d', '--registry', reg, '-o', 'json']).stdout.toString());
    expect(gcJson.dryRun).toBe(false);
    expect(gcJson.processes.map((p: { id: string }) => p.id)).toEqual([old]);
    expect(gcJson.modules.map((m: { name: string }) => m.name)).toEqual(['old.wasm']);
    expect(gcJson.freed.processes).toBe(1);
    expect(gcJson.freed.modules).toBe(1);
    expect(fs.existsSync(join(reg, 'processes', old))).toBe(false);

    const r = tc(['rm', 'process', a.id.slice(0, 8), '--registry', reg]);
    expect(r.stdout.toString()).toBe(`${a.id}\n`);
    expect(r.status).toBe(0);
    const kept = tc(['gc', '--keep', '1', '--registry', reg]);
    expect(kept.stdout.toString()).toMatch(/^deleted module [0-9a-f]{12} hello\.wasm \(.+\)\nfreed .+: 0 processes, 1 module\n$/);
    expect(JSON.parse(tc(['get', 'ps', '--registry', reg, '-o', 'json']).stdout.toString()).map((p: { id: string }) => p.id)).toEqual([b.id]);
    expect(JSON.parse(tc(['get', 'mo', '--registry', reg, '-o', 'json']).stdout.toString())).toHaveLength(1);
  });

  it('gc deletes what a tc that died left under temporary names, once its writer is gone and an hour has passed, and nothing else', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const a = record(reg, [join(ROOT, 'wasm-fixtures/c/hello.wasm')]);
    const hex = fs.readdirSync(join(reg, 'modules')).find((n) => !n.endsWith('.json'))!;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const other = '7e000000-0000-4000-8000-000000000000';
    // What a killed import or pull leaves (a whole process directory, a module), a killed rm (the
    // renamed directory), a killed manifest write (beside the manifest): written by tc `dead`.
    const module = `modules/${hex}.tmp-${dead}-1-a1`;
    const imported = `processes/${other}.tmp-${dead}-0-b2`;
    const removed = `processes/${a.id}.rm.tmp-${dead}-3-c3`;
    const manifest = `processes/${a.id}/manifest.json.tmp-${dead}-2-d4`;
    fs.copyFileSync(join(reg, 'modules', hex), join(reg, module));
    fs.cpSync(join(reg, 'processes', a.id), join(reg, imported), { recursive: true });
    fs.cpSync(join(reg, 'processes', a.id), join(reg, removed), { recursive: true });
    fs.copyFileSync(join(reg, 'processes', a.id, 'manifest.json'), join(reg, manifest));
    const old = [module, imported, removed, manifest].sort();
    const twoHoursAgo = new Date(Date.now() - 7200_000);
    for (const p of old) fs.utimesSync(join(reg, p), twoHoursAgo, twoHoursAgo);
    // Kept: one as old whose writer runs (this test's process), one of a dead writer changed a minute ago.
    const live = `processes/${other}.tmp-${process.pid}-0-e5`;
    const recent = `modules/${hex}.tmp-${dead}-9-f6`;
    fs.mkdirSync(join(reg, live));
    fs.utimesSync(join(reg, live), twoHoursAgo, twoHoursAgo);
    fs.writeFileSync(join(reg, recent), 'x');
    const sizeOf = (p: string): number => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).reduce((n, e) => n + sizeOf(join(p, e)), 0) : fs.statSync(p).size);
    const sizes = old.map((p) => sizeOf(join(reg, p)));
    expect(sizes.every((n) => n > 0)).toBe(true);

    const before = snapshot(reg);
    const dry = tc(['gc', '--dry-run', '--registry', reg, '-o', 'json']);
    expect(dry.status, dry.stderr.toString()).toBe(0);
    expect(snapshot(reg)).toEqual(before);
    const planned = JSON.parse(dry.stdout.toString());
    expect(planned.leftovers).toEqual(old.map((path, i) => ({ path, pid: dead, size: sizes[i] })));
    expect(planned.freed.bytes).toBe(sizes.reduce((n, s) => n + s, 0));

    const done = tc(['gc', '--registry', reg]);
    expect(done.status, done.stderr.toString()).toBe(0);
    expect(done.stdout.toString()).toContain(`deleted ${imported}, left by tc ${dead} (`);
    for (const p of old) expect(fs.existsSync(join(reg, p)), p).toBe(false);
    expect(fs.existsSync(join(reg, live)) && fs.existsSync(join(reg, recent))).toBe(true);
    // The recording and its module are as they were.
    expect(tc(['verify', '--registry', reg, a.id]).status).toBe(0);
    expect(tc(['replay', '-q', '--registry', reg, a.id]).status).toBe(0);
    expect(JSON.parse(tc(['gc', '--dry-run', '--registry', reg, '-o', 'json']).stdout.toString()).leftovers).toEqual([]);
  });

  it('rm module deletes modules no process uses, and refuses one a process uses, naming the process', () => {
    const dir = tempDir();
    const reg = join(dir, 'reg');
    const a = record(reg, [join(ROOT, 'wasm-fixtures/c/hello.wasm')]);
    const b = record(reg, [join(ROOT, 'wasm-fixtures/c/hello.wasm')]);
    const c = record(reg, [join(ROOT, 'wasm-fixtures/wat/hello.wasm')]);
    const unusedMod = record(reg, [writeWat(dir, 'unused.wasm', printerWat('x\n'))]);
    expect(tc(['rm', 'process', unusedMod.id, '--registry', reg]).status).toBe(0);
    const digestOf = (id: string) => JSON.parse(fs.readFileSync(join(reg, 'processes', id, 'manifest.json'), 'utf8')).module.digest as string;
    const [used, other] = [digestOf(a.id), digestOf(c.id)];
    const unused = JSON.parse(tc(['get', 'mo', '--registry', reg, '-o', 'json']).stdout.toString()).find((m: { name: string }) => m.name === 'unused.wasm');
    const before = snapshot(reg);
    const refused = tc(['rm', 'module', unused.digest.slice(7, 15), used.slice(7, 15), '--registry', reg]);
    expectOneLineError(refused, `tc: module ${used.slice(7, 19)} is used by process ${[a.id, b.id].sort().join(', ')}; remove those first (or tc gc)`, 250);
    expect(snapshot(reg)).toEqual(before); // nothing deleted, the unused one neither
    const r = tc(['rm', 'module', unused.digest.slice(7, 15), '--registry', reg]);
    expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([0, `${unused.digest.slice(7, 19)}\n`, '']);
    expect(fs.existsSync(join(reg, 'modules', unused.digest.slice(7)))).toBe(false);
    expect(fs.existsSync(join(reg, 'modules', `${unused.digest.slice(7)}.json`))).toBe(false);
    // Once its process is gone, a module can go too; -o json lists what was deleted.
    expect(tc(['rm', 'process', c.id, '--registry', reg]).status).toBe(0);
    const freed = fs.statSync(join(reg, 'modules', other.slice(7))).size + fs.statSync(join(reg, 'modules', `${other.slice(7)}.json`)).size;
    const j = tc(['rm', 'mod', other.slice(7, 19), '--registry', reg, '-o', 'json']);
    expect(JSON.parse(j.stdout.toString())).toEqual([{ digest: other, name: 'hello.wasm', size: freed }]);
    expect(JSON.parse(tc(['get', 'mo', '--registry', reg, '-o', 'json']).stdout.toString()).map((m: { digest: string }) => m.digest)).toEqual([used]);
    expect(tc(['replay', a.id, '--registry', reg]).status).toBe(0);
  });

  it('anything in processes/ or modules/ that is not a process or a module is skipped, never fatal', () => {
    const reg = join(tempDir(), 'reg');
    const a = record(reg, [join(ROOT, 'wasm-fixtures/c/hello.wasm')]);
    const old = '0dd00000-0000-4000-8000-000000000000';
    writeProcess(new Registry(reg), { id: old, startTime: '2001-01-01T00:00:00.000Z', module: wat2wasm(printerWat('old\n')), moduleName: 'old.wasm', segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
    // What a desktop, an editor or a user leaves around.
    const strays = ['processes/.DS_Store', 'processes/notes.txt', 'processes/backup/manifest.json', 'processes/ffffffff-0000-4000-8000-00000000000f', 'modules/.DS_Store', 'modules/README.json', 'modules/stray/x', `modules/${'e'.repeat(64)}.json`];
    for (const f of strays) {
      fs.mkdirSync(join(reg, f, '..'), { recursive: true });
      fs.writeFileSync(join(reg, f), f.endsWith('.json') && !f.startsWith('modules/e') ? '{"digest": 1}' : 'junk');
    }
    fs.mkdirSync(join(reg, 'modules', `${'f'.repeat(64)}.json`)); // a directory with a module's name
    const listed = () => JSON.parse(tc(['get', 'ps', '--registry', reg, '-o', 'json']).stdout.toString()).map((p: { id: string }) => p.id).sort();
    expect(listed()).toEqual([old, a.id].sort());
    const text = tc(['get', 'ps', '--registry', reg]);
    expect([text.status, text.stderr.toString()]).toEqual([0, '']);
    const mods = tc(['get', 'mo', '--registry', reg, '-o', 'json']);
    expect(mods.status).toBe(0);
    expect(JSON.parse(mods.stdout.toString()).map((m: { name: string }) => m.name).sort()).toEqual(['hello.wasm', 'old.wasm']);
    expect(tc(['describe', 'process', a.id.slice(0, 8), '--registry', reg]).status).toBe(0);
    expect(tc(['export', 'process', a.id, join(reg, '..', 'a.tcr'), '--registry', reg]).status).toBe(0);
    expect(tc(['verify', a.id, '--registry', reg]).status).toBe(0);
    const dry = tc(['gc', '--older-than', '7d', '--dry-run', '--registry', reg]);
    expect([dry.status, dry.stderr.toString()]).toEqual([0, '']);
    const g = tc(['gc', '--older-than', '7d', '--registry', reg, '-o', 'json']);
    expect(g.status).toBe(0);
    expect(JSON.parse(g.stdout.toString())).toMatchObject({ processes: [{ id: old }], modules: [{ name: 'old.wasm' }] });
    expect(tc(['rm', 'process', a.id.slice(0, 8), '--registry', reg]).status).toBe(0);
    expect(listed()).toEqual([]);
    // The strays are left as they were.
    for (const f of strays) expect(fs.existsSync(join(reg, f)), f).toBe(true);
  });

  it('takes TC_REGISTRY when --registry is not given', () => {
    const reg = join(tempDir(), 'reg');
    const run = record(reg, [join(ROOT, 'wasm-fixtures/wat/hello.wasm')]);
    const ps = tc(['get', 'ps', '-o', 'json'], { env: { TC_REGISTRY: reg } });
    expect(JSON.parse(ps.stdout.toString())[0].id).toBe(run.id);
  });

  describe('bad inputs: one line, non-zero exit, registry unchanged', () => {
    let reg: string;
    let tcrDir: string;
    let good: string;
    const ids = ['abcd0000-0000-4000-8000-000000000001', 'abcd0000-0000-4000-8000-000000000002'];
    beforeAll(() => {
      const dir = tempDir();
      reg = join(dir, 'reg');
      tcrDir = join(dir, 'files');
      fs.mkdirSync(tcrDir);
      for (const id of ids) writeProcess(new Registry(reg), { id, startTime: T0, segments: [[{ records: 1, firstTimestamp: 0, lastTimestamp: 0, level: 0 }]] });
      good = join(tcrDir, 'good.tcr');
      exportResource('process', ids[0]!, good, { registry: reg });
      fs.writeFileSync(join(tcrDir, 'notzip.tcr'), 'this is not a zip\n');
      const files = unzipSync(fs.readFileSync(good));
      delete files['module.wasm'];
      fs.writeFileSync(join(tcrDir, 'nomodule.tcr'), zipSync(files));
    });
    const cases: [string, () => string[], string, number?][] = [
      ['an unknown process id', () => ['describe', 'process', 'ffff'], "tc: no process matches 'ffff'"],
      ['an ambiguous prefix', () => ['describe', 'process', 'abcd'], `tc: process id 'abcd' is ambiguous: ${ids[0]}, ${ids[1]}`],
      ['an ambiguous prefix to rm', () => ['rm', 'process', ids[0]!, 'abcd'], "is ambiguous"],
      ['an unknown module', () => ['export', 'module', '999999', join(tcrDir, 'out.wasm')], "tc: no module matches '999999'"],
      ['an unknown process to export', () => ['export', 'process', 'ffff', join(tcrDir, 'out.tcr')], "tc: no process matches 'ffff'"],
      ['a non-zip file to import', () => ['import', join(tcrDir, 'notzip.tcr')], 'notzip.tcr: not a .tcr recording'],
      ['a zip missing the module', () => ['import', join(tcrDir, 'nomodule.tcr')], 'nomodule.tcr: incomplete recording: module.wasm is missing'],
      ['an unknown resource type', () => ['get', 'things'], "tc: no resource type matching 'things'", 251],
      ['a bad duration', () => ['gc', '--older-than', 'soon'], 'tc: --older-than soon: expected a duration', 251],
      ['a bad output format', () => ['get', 'ps', '-o', 'xml'], "'xml' is invalid", 251],
    ];
    for (const [what, args, message, code] of cases) {
      it(what, () => {
        const before = snapshot(reg);
        const filesBefore = fs.readdirSync(tcrDir).sort();
        const r = tc([...args(), '--registry', reg]);
        expectOneLineError(r, message, code ?? 250);
        expect(snapshot(reg)).toEqual(before);
        expect(fs.readdirSync(tcrDir).sort()).toEqual(filesBefore);
      });
    }
  });
});
