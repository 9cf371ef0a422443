/**
 * i64 parameters without BigInt. A JavaScript import that takes an i64 gets it as a BigInt, which V8
 * allocates at every call (measured: a 1,000,000-call loop into a `(i32, i64, i32) -> i32` import
 * took ~20 ms, ~13 ms through the adapter below, and the BigInts then cost garbage collections). An
 * adapter is a tiny wasm module that imports the JavaScript function with each i64 split into two
 * i32 (low half, then high half) and exports a function of the original signature: the guest calls
 * it wasm to wasm, and it calls the JavaScript function with numbers only.
 *
 * A guest that imports the function with another signature cannot link against an adapter
 * (WebAssembly.LinkError): {@link instantiateWasi} then instantiates it without adapters.
 */

import { I64_TYPES, type Syscall } from '../wasi/syscalls.js';
import { vu } from './emit.js';

/** The core-wasm type of each parameter of a function. */
export type CoreParams = readonly ('i32' | 'i64')[];

/** The core-wasm parameter types of a WASI function. */
export const coreParams = (sc: Syscall): CoreParams => sc.params.map((p) => (I64_TYPES.has(p.type) ? 'i64' : 'i32'));

const I32 = 0x7f;
const I64 = 0x7e;
const compiled = new Map<string, WebAssembly.Module>();

const lebBuf = new Uint8Array(10);

/** The unsigned LEB128 of `n` (a small non-negative integer), as the records' varints write it. */
const leb = (n: number): number[] => Array.from(lebBuf.subarray(0, vu(lebBuf, 0, n)));

const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

/** The adapter module for `params` (the result is one i32, or none when `result` is false). */
function adapterModule(params: CoreParams, result: boolean): WebAssembly.Module {
  const key = `${params.join(',')}>${result}`;
  let m = compiled.get(key);
  if (m !== undefined) return m;
  const results = result ? [1, I32] : [0];
  const split = params.flatMap((p) => (p === 'i64' ? [I32, I32] : [I32]));
  const types = [0x60, ...leb(split.length), ...split, ...results, 0x60, ...leb(params.length), ...params.map((p) => (p === 'i64' ? I64 : I32)), ...results];
  const code: number[] = [0x00]; // no locals
  params.forEach((p, i) => {
    const get = [0x20, ...leb(i)]; // local.get i
    if (p === 'i32') code.push(...get);
    // low half: i32.wrap_i64; high half: i64.shr_u by 32, then i32.wrap_i64
    else code.push(...get, 0xa7, ...get, 0x42, 0x20, 0x88, 0xa7);
  });
  code.push(0x10, 0x00, 0x0b); // call 0, end
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...types]),
    ...section(2, [1, ...name('j'), ...name('f'), 0x00, 0x00]),
    ...section(3, [1, 0x01]),
    ...section(7, [1, ...name('f'), 0x00, 0x01]),
    ...section(10, [1, ...leb(code.length), ...code]),
  ]);
  m = new WebAssembly.Module(bytes);
  compiled.set(key, m);
  return m;
}

/**
 * A wasm function of the signature `params` -> i32 (or -> nothing when `result` is false) that calls
 * `fn` with each i64 parameter as two numbers, its low and its high 32 bits (each as a signed i32:
 * take `>>> 0` for the unsigned half).
 */
export function splitI64(params: CoreParams, fn: (...args: number[]) => number | void, result = true): (...args: never[]) => unknown {
  const instance = new WebAssembly.Instance(adapterModule(params, result), { j: { f: fn } });
  return instance.exports.f as (...args: never[]) => unknown;
}

/** The i64 a wasm function was passed, as JavaScript would have received it (a signed BigInt), from its halves. */
export function joinI64(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/**
 * Instantiate a guest with imports made by `imports(adapt)`: first with adapters (`adapt` true), and
 * when that does not link (the guest imports a function with another signature), again without.
 * Synchronous: the module is compiled already, and `WebAssembly.instantiate` would resolve only on a
 * later turn of the event loop, after whatever else is queued there (during a recording, the
 * log-writing thread's messages: ~1.5 ms before hello's guest starts).
 */
export function instantiateWasi(module: WebAssembly.Module, imports: (adapt: boolean) => WebAssembly.Imports): WebAssembly.Instance {
  try {
    return new WebAssembly.Instance(module, imports(true));
  } catch (e) {
    if (!(e instanceof WebAssembly.LinkError)) throw e;
    return new WebAssembly.Instance(module, imports(false));
  }
}
