/**
 * Fuzzing the registry: a few real recordings are damaged in many generated ways (a flipped byte
 * anywhere in a segment, a segment cut at any length, garbage appended, the manifest flipped, cut or
 * with a field replaced, the module deleted or changed, a segment file deleted), and every command that reads a process must answer with a
 * documented exit code and one-line errors, never a crash; `tc verify` must report the damage and name
 * where it is.
 *
 * Set TC_FUZZ_SEED to replay a run fast-check reported, TC_FUZZ_SCALE=10 for ten times the runs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../src/registry/registry.js';
import { problemLine, verifyProcess } from '../src/registry/verify.js';
import { decodeRecord, timestampOffset } from '../src/core/codec.js';
import { DEFAULT_LIMITS, LogWriter } from '../src/timemachine/log.js';
import { readSegment, batches, segmentFiles, logCursor } from '../src/log/files.js';
import { ROOT, splitId, tc, tcAsync as spawnTc, tempDir } from './helpers/run.js';

const C = join(ROOT, 'wasm-fixtures/c');
const seed = process.env.TC_FUZZ_SEED === undefined ? undefined : Number(process.env.TC_FUZZ_SEED);
/** TC_FUZZ_SCALE multiplies the number of runs (for a longer hunt than the test suite's). */
const scale = Math.max(1, Number(process.env.TC_FUZZ_SCALE ?? 1) || 1);
const params = (numRuns: number) => ({ numRuns: Math.round(numRuns * scale), endOnFailure: true, ...(seed === undefined ? {} : { seed }) });

/** Where each batch of a segment file lies: [start, payload start, end) in bytes. */
interface Frame {
  readonly start: number;
  readonly payload: number;
  readonly end: number;
}

/** A recorded process and what its pristine copy gives. */
interface Proc {
  readonly name: string;
  readonly id: string;
  /** Per segment file (in order), its frames. */
  readonly frames: readonly (readonly Frame[])[];
  readonly digest: string;
  readonly exitCode: number;
}

/** The batches of a log as read (headers and records), as one string, to compare logs by meaning. */
function logDigest(logDir: string): string {
  const out: string[] = [];
  for (const b of batches(logDir)) out.push(`${JSON.stringify(b.info)}:${Buffer.from(b.records).toString('base64')}`);
  return out.join('|');
}

function framesOf(path: string, index: number): Frame[] {
  const bytes = fs.readFileSync(path);
  const frames: Frame[] = [];
  let pos = 0;
  for (const { info } of readSegment(path, index, { headersOnly: true })) {
    const payload = pos + 4 + bytes.readUInt32LE(pos);
    frames.push({ start: pos, payload, end: payload + info.compressedSize });
    pos = payload + info.compressedSize;
  }
  expect(pos).toBe(bytes.length);
  return frames;
}

/**
 * Rewrite a process's log with small batches and segments (same records, same timestamps), so that
 * damage can land in any batch of any segment; the manifest's segment summaries follow.
 */
function resplit(procDir: string): void {
  const logDir = join(procDir, 'log');
  const next = join(procDir, 'log.split');
  const w = new LogWriter(next, { ...DEFAULT_LIMITS, batchRecords: 60, batchNs: Number.MAX_SAFE_INTEGER, segmentBytes: 1400 });
  const c = logCursor(logDir);
  for (let r = c.next(); r !== null; r = c.next()) {
    const start = r.pos;
    const rec = decodeRecord(r, c.offset, c.previousTimestamp);
    const bytes = c.recordBytes(start, r.pos).slice();
    // Read back, a clock_time_get time is the value itself: stored, its offset from the timestamp.
    timestampOffset(bytes, rec.timestamp, false);
    w.appendRecords(bytes, 0, bytes.length);
  }
  w.close();
  fs.rmSync(logDir, { recursive: true });
  fs.renameSync(next, logDir);
  const mp = join(procDir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(mp, 'utf8'));
  m.segments = w.segments;
  fs.writeFileSync(mp, JSON.stringify(m, null, 2) + '\n');
}

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** `tc args...` without waiting (commands of one mutation run side by side: they only read). */
async function tcAsync(args: string[]): Promise<Result> {
  const r = await spawnTc(args);
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

const DOCUMENTED = [0, 134, 250, 251, 252, 253, 254];

/** Messages of JavaScript's own errors: tc ran into data its code did not expect (the CLI prints only the message). */
const ENGINE_ERROR = /Cannot read propert(y|ies) of|is not a function|is not iterable|Cannot convert|Cannot destructure|Maximum call stack|Invalid (time value|array length|string length|typed array length)|allocation failed|out of memory/;

/**
 * The command answered without crashing: a documented exit code, and every stderr line is `tc: ...`,
 * a divergence report's `  expected:`/`  actual:` line, or a wasm frame after `tc: trap:`. No stack
 * of tc's own, no JS error names outside a quoted trap message.
 */
function expectNoCrash(what: string, r: Result, guestExit: number): void {
  const context = `${what} -> ${r.status}\n${r.stderr}`;
  expect([...DOCUMENTED, guestExit], context).toContain(r.status);
  expect(r.stderr, context).not.toContain('node:internal');
  let trapped = false;
  for (const line of r.stderr.split('\n').filter((l) => l !== '')) {
    if (line.startsWith('tc: trap: ')) {
      trapped = true;
      continue;
    }
    if (/^ {4}at /.test(line)) {
      expect(trapped && line.includes('wasm'), `a stack line outside a wasm trap: ${context}`).toBe(true);
      continue;
    }
    expect(line, context).toMatch(/^(tc: |  expected: |  actual: {3})/);
    expect(line, context).not.toMatch(/\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/);
    expect(line, context).not.toMatch(ENGINE_ERROR);
  }
}

describe('fuzz: damaged recordings', () => {
  let dir: string;
  let reg: string;
  let pristine: string;
  const procs: Proc[] = [];
  const procDir = (p: Proc) => join(reg, 'processes', p.id);
  const moduleFile = (p: Proc) => {
    const m = JSON.parse(fs.readFileSync(join(join(pristine, 'processes', p.id), 'manifest.json'), 'utf8'));
    return join(reg, 'modules', m.module.digest.slice('sha256:'.length));
  };
  const segPath = (p: Proc, s: number) => segmentFiles(join(procDir(p), 'log'))[s]!.path;

  beforeAll(() => {
    dir = tempDir('tc-fuzz-');
    reg = join(dir, 'reg');
    pristine = join(dir, 'pristine');
    const data = join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(join(data, 'seed.txt'), 'seeded content\n');
    const runs: [string, string[]][] = [
      ['hello', [join(C, 'hello.wasm')]],
      ['clocks', [join(C, 'clocks.wasm')]],
      ['files', ['--dir', `${data}::/work`, join(C, 'files.wasm'), '/work']],
    ];
    for (const [name, args] of runs) {
      const r = tc(['run', '--registry', reg, ...args]);
      expect(r.status, r.stderr.toString()).toBe(0);
      const { id } = splitId(r.stderr);
      if (name === 'clocks') resplit(join(reg, 'processes', id));
      const logDir = join(reg, 'processes', id, 'log');
      const frames = segmentFiles(logDir).map((s) => framesOf(s.path, s.index));
      procs.push({ name, id, frames, digest: logDigest(logDir), exitCode: 0 });
    }
    const clocks = procs.find((p) => p.name === 'clocks')!;
    expect(clocks.frames.length).toBeGreaterThan(2);
    expect(clocks.frames[0]!.length, JSON.stringify(clocks.frames.map((f) => f.map((x) => x.end - x.start)))).toBeGreaterThan(2);
    for (const p of procs) {
      const v = tc(['verify', '--registry', reg, p.id]);
      expect(v.status, v.stdout.toString()).toBe(0);
      const replay = tc(['replay', '-q', '--registry', reg, p.id]);
      expect(replay.status, replay.stderr.toString()).toBe(p.exitCode);
    }
    fs.cpSync(reg, pristine, { recursive: true });
  });

  /** Put the pristine registry back. */
  const restore = () => {
    fs.rmSync(reg, { recursive: true, force: true });
    fs.cpSync(pristine, reg, { recursive: true });
  };

  /** Run replay, trace, describe and verify on `p`; each must not crash. Returns them by name. */
  async function commands(p: Proc, what: string) {
    const [replay, trace, describeP, verify] = await Promise.all([
      tcAsync(['replay', '-q', '--registry', reg, p.id]),
      tcAsync(['trace', '--registry', reg, p.id]),
      tcAsync(['describe', 'process', '--registry', reg, p.id]),
      tcAsync(['verify', '--registry', reg, p.id]),
    ]);
    expectNoCrash(`replay after ${what}`, replay, p.exitCode);
    expectNoCrash(`trace after ${what}`, trace, p.exitCode);
    expectNoCrash(`describe after ${what}`, describeP, p.exitCode);
    expectNoCrash(`verify after ${what}`, verify, p.exitCode);
    for (const [name, r] of [['trace', trace], ['describe', describeP], ['verify', verify]] as const) {
      expect(r.stderr.split('\n').filter((l) => l !== '').length, `${name} after ${what}: ${r.stderr}`).toBeLessThanOrEqual(1);
    }
    expect([0, 254], `verify after ${what}: ${verify.stdout}${verify.stderr}`).toContain(verify.status);
    return { replay, trace, describe: describeP, verify };
  }

  const procArb = fc.integer({ min: 0, max: 2 });

  it('a flipped byte anywhere in a segment: verify names its segment and batch, or the log still means the same', async () => {
    await fc.assert(
      fc.asyncProperty(procArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (pi, si, pos0, xor) => {
        restore();
        const p = procs[pi]!;
        const s = si % p.frames.length;
        const frames = p.frames[s]!;
        const pos = pos0 % frames.at(-1)!.end;
        const b = frames.findIndex((f) => pos < f.end);
        const path = segPath(p, s);
        const bytes = fs.readFileSync(path);
        bytes[pos] = bytes[pos]! ^ xor;
        fs.writeFileSync(path, bytes);
        const what = `flipping byte ${pos} (batch ${b}) of segment ${s} of ${p.name} with ^${xor}`;
        const r = await commands(p, what);
        const named = `segment ${s}, batch ${b}: `;
        if (r.verify.status === 0) {
          // Only bytes the reader never looks at (flatbuffers padding and the like) go unnoticed.
          expect(logDigest(join(procDir(p), 'log')), `verify found nothing after ${what}`).toBe(p.digest);
        } else expect(r.verify.stdout, what).toContain(named);
        if (pos >= frames[b]!.payload) {
          // The stored bytes are under the CRC: every reader says where the damage is.
          expect(r.verify.status, what).toBe(254);
          expect(r.trace.status, `${what}: ${r.trace.stderr}`).toBe(254);
          expect(r.trace.stderr, what).toContain(named);
          expect(r.replay.status, `${what}: ${r.replay.stderr}`).toBe(254);
          expect(r.replay.stderr, what).toContain(named);
        }
      }),
      params(14),
    );
  });

  it('a segment cut at any length: verify reports it as damage (the recordings finished)', async () => {
    await fc.assert(
      fc.asyncProperty(procArb, fc.nat(), fc.nat(), async (pi, si, len0) => {
        restore();
        const p = procs[pi]!;
        const s = si % p.frames.length;
        const frames = p.frames[s]!;
        const len = len0 % frames.at(-1)!.end;
        const path = segPath(p, s);
        fs.truncateSync(path, len);
        const what = `cutting segment ${s} of ${p.name} to ${len} bytes`;
        const r = await commands(p, what);
        expect(r.verify.status, what).toBe(254);
        const b = frames.findIndex((f) => len > f.start && len < f.end);
        if (len === 0) expect(r.verify.stdout, what).toContain(`segment ${s}: the segment file is empty`);
        else if (b >= 0) expect(r.verify.stdout, what).toContain(`segment ${s}, batch ${b}: the segment ends inside a batch (the recording did not finish)`);
        else if (s === p.frames.length - 1) expect(r.verify.stdout, what).toMatch(/^manifest: /m);
        else expect(r.verify.stdout, what).toContain(`segment ${s + 1}, batch 0: first_offset`);
      }),
      params(8),
    );
  });

  it('garbage appended to a segment: verify names the batch after the last one', async () => {
    await fc.assert(
      fc.asyncProperty(procArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (pi, si, garbage) => {
        restore();
        const p = procs[pi]!;
        const s = si % p.frames.length;
        fs.appendFileSync(segPath(p, s), garbage);
        const what = `appending ${Buffer.from(garbage).toString('hex')} to segment ${s} of ${p.name}`;
        const r = await commands(p, what);
        expect(r.verify.status, what).toBe(254);
        expect(r.verify.stdout, what).toContain(`segment ${s}, batch ${p.frames[s]!.length}: `);
      }),
      params(5),
    );
  });

  const manifestPath = (p: Proc) => join(procDir(p), 'manifest.json');
  const parses = (bytes: Uint8Array) => {
    try {
      JSON.parse(Buffer.from(bytes).toString('utf8'));
      return true;
    } catch {
      return false;
    }
  };

  it('a flipped or cut manifest: verify says the manifest is not JSON whenever it is not', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), xor: fc.constant(0) }),
    );
    await fc.assert(
      fc.asyncProperty(procArb, mutation, async (pi, m) => {
        restore();
        const p = procs[pi]!;
        const bytes = fs.readFileSync(manifestPath(p));
        const at = m.at % bytes.length;
        let mutated: Uint8Array;
        if (m.kind === 'flip') {
          bytes[at] = bytes[at]! ^ m.xor;
          mutated = bytes;
        } else mutated = bytes.subarray(0, at);
        fs.writeFileSync(manifestPath(p), mutated);
        const what = m.kind === 'flip' ? `flipping byte ${at} of the manifest of ${p.name} with ^${m.xor}` : `cutting the manifest of ${p.name} to ${at} bytes`;
        const r = await commands(p, what);
        if (!parses(mutated)) {
          expect(r.verify.status, what).toBe(254);
          expect(r.verify.stdout, what).toMatch(/^manifest: not JSON/m);
        }
      }),
      params(9),
    );
  });

  /** Every path into a JSON value (objects and arrays), the root included. */
  const pathsOf = (v: unknown, path: (string | number)[] = []): (string | number)[][] => {
    if (v === null || typeof v !== 'object') return [path];
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    return [path, ...keys.flatMap((k) => pathsOf((v as Record<string | number, unknown>)[k], [...path, k]))];
  };
  const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

  it('a manifest field of another type, or gone: verify names the manifest', async () => {
    await fc.assert(
      fc.asyncProperty(procArb, fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { freq: 4, nil: undefined }), async (pi, pick, value) => {
        restore();
        const p = procs[pi]!;
        const original = JSON.parse(fs.readFileSync(manifestPath(p), 'utf8'));
        const paths = pathsOf(original);
        const path = paths[pick % paths.length]!;
        const parentOf = (root: unknown) => path.slice(0, -1).reduce((o, k) => (o as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
        const old = path.length === 0 ? original : parentOf(original)[path.at(-1)!];
        fc.pre(value === undefined ? path.length > 0 : kindOf(value) !== kindOf(old));
        let mutated: unknown = structuredClone(original);
        let what: string;
        if (value === undefined) {
          delete parentOf(mutated)[path.at(-1)!];
          what = `deleting ${path.join('.')} from the manifest of ${p.name}`;
        } else {
          if (path.length === 0) mutated = value;
          else parentOf(mutated)[path.at(-1)!] = value;
          what = `setting ${path.join('.') || 'the manifest'} of ${p.name} to ${JSON.stringify(value)}`;
        }
        fs.writeFileSync(manifestPath(p), JSON.stringify(mutated, null, 2));
        const r = await commands(p, what);
        expect(r.verify.status, `${what}: ${r.verify.stdout}`).toBe(254);
        expect(r.verify.stdout, what).toMatch(/^manifest: /m);
      }),
      params(8),
    );
  });

  it('the module deleted or changed, or a segment file gone: verify says which', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete module' as const), n: fc.constant(0), xor: fc.constant(0) }),
      fc.record({ kind: fc.constant('flip module' as const), n: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('delete segment' as const), n: fc.nat(), xor: fc.constant(0) }),
    );
    await fc.assert(
      fc.asyncProperty(procArb, mutation, async (pi, m) => {
        restore();
        const p = procs[pi]!;
        let what: string;
        let expected: string;
        if (m.kind === 'delete module') {
          fs.rmSync(moduleFile(p));
          what = `deleting the module of ${p.name}`;
          expected = 'module: sha256:';
        } else if (m.kind === 'flip module') {
          const bytes = fs.readFileSync(moduleFile(p));
          const at = m.n % bytes.length;
          bytes[at] = bytes[at]! ^ m.xor;
          fs.writeFileSync(moduleFile(p), bytes);
          what = `flipping byte ${at} of the module of ${p.name} with ^${m.xor}`;
          expected = 'module: the stored bytes hash to sha256:';
        } else {
          const s = m.n % p.frames.length;
          fs.rmSync(segPath(p, s));
          what = `deleting segment ${s} of ${p.name}`;
          expected = `segment ${s}: the segment file ${String(s).padStart(8, '0')} is missing`;
        }
        const r = await commands(p, what);
        expect(r.verify.status, what).toBe(254);
        expect(r.verify.stdout, what).toContain(expected);
        if (m.kind === 'delete module') {
          expect(r.replay.status, what).toBe(250);
          expect(r.replay.stderr, what).toMatch(/^tc: module sha256:[0-9a-f]{64} is not in the registry\n$/);
        }
      }),
      params(6),
    );
  });

  it('in process, many more flips of the split log: found at the right batch, nothing earlier blamed, or harmless', () => {
    restore();
    const p = procs.find((x) => x.name === 'clocks')!;
    const registry = new Registry(reg);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (si, pos0, xor) => {
        const s = si % p.frames.length;
        const frames = p.frames[s]!;
        const pos = pos0 % frames.at(-1)!.end;
        const b = frames.findIndex((f) => pos < f.end);
        const path = segPath(p, s);
        const orig = fs.readFileSync(path);
        const bytes = Buffer.from(orig);
        bytes[pos] = bytes[pos]! ^ xor;
        fs.writeFileSync(path, bytes);
        try {
          const v = verifyProcess(registry, p.id);
          const what = `flipping byte ${pos} (batch ${b}) of segment ${s} with ^${xor}: ${v.problems.map(problemLine).join('; ')}`;
          if (v.ok) {
            expect(logDigest(join(procDir(p), 'log')), what).toBe(p.digest);
            return;
          }
          expect(v.problems.some((q) => q.segment === s && q.batch === b), what).toBe(true);
          const before = (q: { segment?: number; batch?: number }) => q.segment! < s || (q.segment === s && q.batch !== undefined && q.batch < b);
          expect(v.problems.filter((q) => q.where === 'log').some(before), what).toBe(false);
          if (pos >= frames[b]!.payload) expect(v.problems.find((q) => q.batch === b)!.message, what).toMatch(/^checksum mismatch/);
        } finally {
          fs.writeFileSync(path, orig);
        }
      }),
      params(400),
    );
  });
});
