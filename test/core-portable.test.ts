/**
 * The portable core (src/core, `tc-wasm/core`) runs anywhere: bundled for the browser it pulls in no
 * Node module, and it replays real recordings given only the module's bytes and the segments' bytes,
 * in a context that has web-standard globals only and refuses to make code from strings (as a page
 * with a strict Content-Security-Policy does).
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, splitId, tc, tempDir } from './helpers/run.js';
import { loadModule, replayLog, TcError, type SegmentSource } from '../src/core/index.js';

/** The core bundled for the browser, as esbuild makes it. */
async function bundle(format: 'esm' | 'iife') {
  return build({
    entryPoints: [join(ROOT, 'src/core/index.ts')],
    bundle: true,
    platform: 'browser',
    format,
    globalName: format === 'iife' ? 'tcCore' : undefined,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

describe('the portable core', () => {
  it('bundles for the browser with nothing of Node: no node: module, no Buffer, process or require, no code from strings', async () => {
    const r = await bundle('esm');
    const inputs = Object.keys(r.metafile.inputs);
    const ours = inputs.filter((f) => !f.startsWith('node_modules/'));
    expect(ours.every((f) => /^src\/(core|wasi|format)\/|^src\/errors\.ts$/.test(f)), ours.join(' ')).toBe(true);
    expect([...new Set(inputs.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]))].sort()).toEqual(['fflate', 'flatbuffers']);
    const text = r.outputFiles[0]!.text.replace(/\b(ArrayBuffer|SharedArrayBuffer|ByteBuffer)\b/g, '');
    for (const word of [/\bBuffer\b/, /\bprocess\./, /\brequire\(/, /new Function/, /\beval\(/, /from ['"]node:/]) expect(text).not.toMatch(word);
  });

  describe('replays a recording from its bytes alone, where only web APIs exist and strings cannot become code', () => {
    let core: {
      loadModule(bytes: Uint8Array, name: string): Promise<{ module: WebAssembly.Module; unknownImports: WebAssembly.ModuleImportDescriptor[] }>;
      replayLog(module: WebAssembly.Module, o: object): { exitCode: number; records: number };
      readRecords(segments: Uint8Array[], o?: object): Iterable<{ syscall: { name: string }; stream?: string }>;
    };
    beforeAll(async () => {
      const code = (await bundle('iife')).outputFiles[0]!.text;
      // No Node globals: what a page has (TextEncoder, TextDecoder, console) and the language's own
      // (WebAssembly included); eval and new Function refused, WebAssembly allowed.
      const page = createContext({ TextEncoder, TextDecoder, console }, { codeGeneration: { strings: false, wasm: true } });
      runInContext(code, page);
      core = runInContext('tcCore', page);
      expect(() => runInContext('new Function("return 1")()', page)).toThrow(/Code generation from strings disallowed/);
    });

    /** Record `wasm` with `args`, a fresh preopen as /work; the bytes replay needs and what the run showed. */
    function recording(wasm: string, args: string[] = []) {
      const top = tempDir('tc-core-');
      const reg = join(top, 'reg');
      const dir = join(top, 'work');
      fs.mkdirSync(dir);
      const run = tc(['run', '--registry', reg, '--dir', `${dir}::/work`, join(ROOT, wasm), ...args]);
      const { id, rest } = splitId(run.stderr);
      const logDir = join(reg, 'processes', id, 'log');
      const segments = fs.readdirSync(logDir).sort().map((f) => new Uint8Array(fs.readFileSync(join(logDir, f))));
      return { run, stderr: rest.toString(), segments, module: new Uint8Array(fs.readFileSync(join(ROOT, wasm))) };
    }

    const cases: [string, string, string[]][] = [
      ['hello world', 'wasm-fixtures/c/hello.wasm', []],
      ['stdout and stderr moved around the fd table', 'wasm-fixtures/c/renumber.wasm', ['/work']],
      ['files, times and directory listings', 'wasm-fixtures/c/files.wasm', ['/work']],
      ['clocks (times stored as offsets from their records)', 'wasm-fixtures/c/clocks.wasm', []],
      ['an exit code of 7', 'wasm-fixtures/c/exit_code.wasm', ['7']],
    ];
    it.each(cases)('%s', async (_, wasm, args) => {
      const r = recording(wasm, args);
      const { module, unknownImports } = await core.loadModule(r.module, wasm);
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      const outcome = core.replayLog(module, { segments: r.segments, finished: true, unknownImports, onOutput: (stream: number, bytes: Uint8Array) => (stream === 1 ? out : err).push(bytes.slice()) });
      expect(outcome.exitCode).toBe(r.run.status);
      expect(Buffer.concat(out).equals(r.run.stdout)).toBe(true);
      expect(Buffer.concat(err).toString()).toBe(r.stderr);
      // The records read on their own agree: every write that reached stdout, and all of them.
      const records = [...core.readRecords(r.segments, { finished: true })];
      expect(records.length).toBe(outcome.records);
      expect(records.filter((x) => x.stream === 'stdout').length).toBeGreaterThan(0);
    });
  });

  it('a failure of replay itself (a segment source that throws) is an error of tc naming the record, never a trap of the guest', async () => {
    const { module } = await loadModule(new Uint8Array(fs.readFileSync(join(ROOT, 'wasm-fixtures/c/hello.wasm'))), 'hello.wasm');
    const broken: SegmentSource = { size: 100, read: () => { throw new TypeError('the disk went away'); } };
    let err: unknown;
    try {
      replayLog(module, { segments: [broken], finished: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TcError);
    expect((err as Error).message).toBe('replay failed at record 0: the disk went away');
  });

  it('pauses just before a record (until), with the guest memory as it is then; beforeCall sees every record in order', async () => {
    const top = tempDir('tc-core-');
    const reg = join(top, 'reg');
    const run = tc(['run', '--registry', reg, join(ROOT, 'wasm-fixtures/c/hello.wasm')]);
    const { id } = splitId(run.stderr);
    const segment = new Uint8Array(fs.readFileSync(join(reg, 'processes', id, 'log', '00000000')));
    const { module } = await loadModule(new Uint8Array(fs.readFileSync(join(ROOT, 'wasm-fixtures/c/hello.wasm'))), 'hello.wasm');
    const seen: string[] = [];
    const all = replayLog(module, { segments: [segment], finished: true, beforeCall: (offset, fn) => seen.push(`${offset} ${fn}`) });
    expect([all.exitCode, all.paused]).toEqual([0, undefined]);
    expect(seen).toEqual(['0 fd_fdstat_get', '1 fd_write']);
    const out: Uint8Array[] = [];
    const p = replayLog(module, { segments: [segment], finished: true, until: 1, onOutput: (_, b) => out.push(b) });
    expect(p.paused?.offset).toBe(1);
    expect(p.paused?.fn).toBe('fd_write');
    expect(out).toEqual([]);
    // fd_write(fd, iovs, iovs_len, nwritten): the iovecs point at the bytes about to be written.
    const [fd, iovs, n] = p.paused!.args as number[];
    const view = new DataView(p.memory.buffer);
    let text = '';
    for (let i = 0; i < n!; i++) text += new TextDecoder().decode(new Uint8Array(p.memory.buffer, view.getUint32(iovs! + i * 8, true), view.getUint32(iovs! + i * 8 + 4, true)));
    expect([fd, text]).toEqual([1, 'Hello, World!\n']);
  });
});
