// A large module (DEFER_MODULE_BYTES and up) is hashed and stored by whoever writes the log, with the
// process's first manifest. These run tc in this process with a stand-in for the log-writing thread,
// so that each path is taken for sure: the main thread writing the log itself, and the thread
// claiming the log and then dying before it hashed the module.
import { createHash, randomFillSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runModule } from '../src/run.js';
import { Registry } from '../src/registry/registry.js';
import { verifyProcess } from '../src/registry/verify.js';
import { claimLog, type RingMemory } from '../src/timemachine/ring.js';
import type { WriterJob, WriterModule } from '../src/writer.js';
import { wat2wasm } from './helpers/wat.js';
import { tempDir } from './helpers/run.js';

/** A module of ~1.5 MB (a data segment of random bytes) that prints "big\n" and exits 0. */
function bigModule(): Uint8Array {
  const data = randomFillSync(Buffer.alloc(1536 * 1024));
  const escaped = Array.from(data, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return wat2wasm(`(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 32)
  (data (i32.const 16) "big\\n")
  (data (i32.const 4096) "${escaped}")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 4))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
}

/** A stand-in for the log-writing thread; `onJob` sees the job it is sent, `sent` every message. */
function standIn(onJob: (job: WriterJob, self: EventEmitter) => void = () => {}, sent: unknown[] = []): Worker {
  const w = new EventEmitter();
  return Object.assign(w, {
    postMessage: (m: WriterJob | WriterModule) => {
      sent.push(m);
      if (!('hash' in m)) onJob(m, w);
    },
    terminate: async () => 0,
  }) as unknown as Worker;
}

function setUp() {
  const dir = tempDir();
  const bytes = bigModule();
  expect(bytes.length).toBeGreaterThan(1 << 20);
  const module = join(dir, 'big.wasm');
  fs.writeFileSync(module, bytes);
  const out = join(dir, 'stdout');
  const fd = fs.openSync(out, 'w');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return { dir, reg: join(dir, 'reg'), module, bytes, out, fd, digest };
}

describe('a large module', () => {
  it('is hashed and stored by the main thread when it writes the log itself', async () => {
    const s = setUp();
    const sent: unknown[] = [];
    const r = await runModule({ module: s.module, registry: s.reg, stdio: [0, s.fd, 2], writerThread: standIn(undefined, sent) });
    fs.closeSync(s.fd);
    expect(r.exitCode).toBe(0);
    // The bytes went ahead of the job, for the thread to hash while the module compiles.
    expect(sent.length).toBe(2);
    expect(Buffer.from((sent[0] as WriterModule).hash).equals(Buffer.from(s.bytes))).toBe(true);
    expect((sent[0] as WriterModule).hash.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect((sent[1] as WriterJob).module?.bytes).toBe((sent[0] as WriterModule).hash);
    expect(fs.readFileSync(s.out, 'utf8')).toBe('big\n');
    const registry = new Registry(s.reg);
    const m = registry.readManifest(r.id!);
    expect(m.module).toEqual({ digest: s.digest, name: 'big.wasm', size: s.bytes.length });
    expect(m.status).toBe('exited');
    expect(Buffer.from(registry.getModule(s.digest)).equals(Buffer.from(s.bytes))).toBe(true);
    expect(verifyProcess(registry, r.id!).problems).toEqual([]);

    // Run again: the module is stored once, and the manifest names the stored one.
    const devNull = fs.openSync('/dev/null', 'w');
    const again = await runModule({ module: s.module, registry: s.reg, stdio: [0, devNull, 2], writerThread: standIn() });
    fs.closeSync(devNull);
    expect(registry.readManifest(again.id!).module).toEqual(m.module);
    expect(registry.listModules()).toEqual([m.module]);
  });

  it('is named by the manifest when the log-writing thread dies after claiming the log', async () => {
    const s = setUp();
    const dying = standIn((job, self) => {
      expect(job.module?.manifest.module.digest).toBe('');
      expect(claimLog(job.ring as RingMemory, 'writer')).toBe(true);
      setImmediate(() => self.emit('exit', 1));
    });
    const errors: string[] = [];
    const r = await runModule({ module: s.module, registry: s.reg, stdio: [0, s.fd, 2], writerThread: dying, onError: (e) => errors.push(e) });
    fs.closeSync(s.fd);
    expect(r.exitCode).toBe(0);
    expect(r.status).toBe('incomplete');
    expect(errors).toEqual(['recording stopped: the log-writing thread stopped']);
    const registry = new Registry(s.reg);
    const m = registry.readManifest(r.id!);
    expect(m.module).toEqual({ digest: s.digest, name: 'big.wasm', size: s.bytes.length });
    expect(m.status).toBe('incomplete');
    // Nobody stored it: tc verify says so.
    expect(registry.listModules()).toEqual([]);
    expect(verifyProcess(registry, r.id!).problems.map((p) => p.where)).toContain('module');
  });
});
