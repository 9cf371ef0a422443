/**
 * Views of a guest's linear memory for host functions, the recorder and the replayer. Portable.
 */
import type { GuestMemory } from './capture.js';

/** A WASI import function: wasm values in, errno (or nothing) out. */
export type ImportFn = (...args: never[]) => number | void;

/** Memory views shared by every import function; refreshed when memory.grow detaches the buffer. */
export class MemoryViews implements GuestMemory {
  u8 = new Uint8Array(0);
  view = new DataView(new ArrayBuffer(0));
  private memory: WebAssembly.Memory | null = null;
  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.refresh();
  }
  /** Make sure the views cover the current buffer. */
  current(): GuestMemory {
    if (this.u8.byteLength === 0 && this.memory !== null) this.refresh();
    return this;
  }
  private refresh(): void {
    this.u8 = new Uint8Array(this.memory!.buffer);
    this.view = new DataView(this.memory!.buffer);
  }
}

