/**
 * The page's side of a re-execution: one Web Worker (src/view/app/worker.ts, bundled into the player
 * as text and started from a blob, so it also runs from an HTML file opened from disk), one run at a
 * time; cancel ends the worker.
 */
import workerSource from 'tc:worker-source';
import type { RunResult } from './worker.js';
import type { SecretInfo } from '../../core/secrets.js';

export type { RunResult };

export interface RunRequest {
  readonly module: Uint8Array;
  readonly name: string;
  readonly segments: readonly Uint8Array[];
  readonly finished: boolean;
  readonly until?: number;
  /** The recording's secrets (its manifest's): a divergence names those used before it. */
  readonly secrets?: readonly SecretInfo[];
}

export interface RunCallbacks {
  /** Batches replayed so far. */
  onProgress?(batches: number): void;
  /** What reached the terminal, in order. */
  onOutput?(chunks: readonly [number, Uint8Array][]): void;
}

export class Reexecution {
  private worker: Worker | null = null;
  private url: string | null = null;
  private running: { resolve(r: RunResult): void; reject(e: Error): void; callbacks: RunCallbacks } | null = null;
  private tag = 0;
  private readonly reads = new Map<number, { resolve(b: Uint8Array): void; reject(e: Error): void }>();

  private start(): Worker {
    if (this.worker) return this.worker;
    this.url ??= URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    const w = new Worker(this.url);
    w.onmessage = (e: MessageEvent) => {
      const m = e.data as { type: string } & Record<string, unknown>;
      const r = this.running;
      if (m.type === 'progress') r?.callbacks.onProgress?.(m.batches as number);
      else if (m.type === 'output') r?.callbacks.onOutput?.(m.chunks as [number, Uint8Array][]);
      else if (m.type === 'done') {
        this.running = null;
        r?.resolve(m.result as RunResult);
      } else if (m.type === 'memory') {
        const p = this.reads.get(m.tag as number);
        this.reads.delete(m.tag as number);
        if (m.error) p?.reject(new Error(m.error as string));
        else p?.resolve(m.bytes as Uint8Array);
      }
    };
    w.onerror = (e) => {
      e.preventDefault();
      this.fail(new Error(`the re-execution stopped: ${e.message}`));
    };
    this.worker = w;
    return w;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Re-execute from the start (to `until` when given). Rejects when cancelled. */
  run(request: RunRequest, callbacks: RunCallbacks = {}): Promise<RunResult> {
    if (this.running) this.cancel();
    const w = this.start();
    return new Promise((resolve, reject) => {
      this.running = { resolve, reject, callbacks };
      w.postMessage({ type: 'run', ...request });
    });
  }

  /** Stop the run (the worker ends; the next run starts another). */
  cancel(): void {
    this.worker?.terminate();
    this.worker = null;
    this.fail(new Error('cancelled'));
  }

  private fail(e: Error): void {
    const r = this.running;
    this.running = null;
    r?.reject(e);
    for (const p of this.reads.values()) p.reject(e);
    this.reads.clear();
  }

  /** `length` bytes of the guest's memory at `address`, as the last run left it (paused). */
  memory(address: number, length: number): Promise<Uint8Array> {
    if (this.worker === null) return Promise.reject(new Error('not paused'));
    const tag = ++this.tag;
    return new Promise((resolve, reject) => {
      this.reads.set(tag, { resolve, reject });
      this.worker!.postMessage({ type: 'memory', address, length, tag });
    });
  }
}
