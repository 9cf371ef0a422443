/**
 * Loading and checking a module before it runs: a core WebAssembly module (not a component) that
 * exports `_start` and a memory, importing only `wasi_snapshot_preview1` functions that exist.
 */
import { SYSCALL, WASI_MODULE } from '../wasi/syscalls.js';
import { ModuleError } from '../errors.js';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A compiled module and the imports it asks for that WASI preview1 does not provide. */
export interface LoadedModule {
  readonly module: WebAssembly.Module;
  /** `module.name` of every import that is not a known wasi_snapshot_preview1 function. */
  readonly unknownImports: readonly WebAssembly.ModuleImportDescriptor[];
}

/**
 * Compile `bytes` and check it can run as a WASI command. `name` is used in messages.
 * Throws {@link ModuleError} for: not wasm, a component, a module that does not compile, no `_start`,
 * no exported memory.
 */
export async function loadModule(bytes: Uint8Array, name: string): Promise<LoadedModule> {
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ModuleError(`${name}: not a WebAssembly module (bad magic)`);
  }
  const version = bytes[4]! | (bytes[5]! << 8);
  const layer = bytes[6]! | (bytes[7]! << 8);
  if (layer === 1) throw new ModuleError(`${name}: a WebAssembly component, not a core module (tc runs WASI preview1 core modules)`);
  if (version !== 1 || layer !== 0) throw new ModuleError(`${name}: unsupported WebAssembly version ${version}`);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new ModuleError(`${name}: invalid module: ${(e as Error).message.replace(/^WebAssembly\.compile\(\): /, '')}`);
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new ModuleError(`${name}: no _start function exported (tc runs WASI commands)`);
  }
  if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new ModuleError(`${name}: no memory exported`);
  }
  const unknownImports = WebAssembly.Module.imports(module).filter(
    (i) => !(i.module === WASI_MODULE && i.kind === 'function' && Object.hasOwn(SYSCALL, i.name)),
  );
  return { module, unknownImports };
}

/** `module.name (kind)` list for messages. */
export const describeImports = (imports: readonly WebAssembly.ModuleImportDescriptor[]): string =>
  imports.map((i) => `${i.module}.${i.name}${i.kind === 'function' ? '' : ` (${i.kind})`}`).join(', ');

/**
 * Stubs for unknown imports that trap when called (`--trap-unknown-imports`). Only functions can be
 * stubbed; another kind of unknown import throws ModuleError.
 */
export function trappingImports(imports: readonly WebAssembly.ModuleImportDescriptor[]): WebAssembly.Imports {
  const out: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const i of imports) {
    if (i.kind !== 'function') throw new ModuleError(`cannot stub unknown import ${describeImports([i])}`);
    (out[i.module] ??= {})[i.name] = () => {
      throw new WebAssembly.RuntimeError(`unknown import ${i.module}.${i.name} called`);
    };
  }
  return out;
}
