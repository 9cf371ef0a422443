/**
 * A compact reader of the sections of a WebAssembly core module that describe its interface: types,
 * imports, functions, tables, memories, globals, exports and tags. It gives what
 * `WebAssembly.Module.imports/exports` do not: function signatures and memory/table limits.
 *
 * Binary format: https://webassembly.github.io/spec/core/binary/modules.html
 *
 * Each known section is read on its own: a section this reader does not understand (for example a
 * type section using the GC proposal's recursive types) leaves the types it would have given as
 * unknown (`?`) and the rest of the module is still read.
 */

/** The module is not a WebAssembly core module, or a section cannot be read. */
export class WasmParseError extends Error {}

/** A value type as WAT spells it (`i32`, `funcref`, `(ref null 3)`, ...). */
export type ValType = string;

/** A function signature. */
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/**
 * Limits of a memory (in pages) or a table (in elements). `max` is absent when unbounded.
 * `pageSize` is in bytes (64 KiB unless the custom-page-sizes proposal sets another).
 */
export interface Limits {
  readonly min: number;
  readonly max?: number;
  readonly shared: boolean;
  readonly memory64: boolean;
  readonly pageSize?: number;
}

export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

/** What an import or export is: its kind and, when known, its type. */
export type ExternType =
  | { readonly kind: 'function'; readonly type?: FuncType }
  | { readonly kind: 'table'; readonly element?: ValType; readonly limits?: Limits }
  | { readonly kind: 'memory'; readonly limits?: Limits }
  | { readonly kind: 'global'; readonly type?: ValType; readonly mutable?: boolean }
  | { readonly kind: 'tag'; readonly type?: FuncType };

export type WasmImport = { readonly module: string; readonly name: string } & ExternType;
export type WasmExport = { readonly name: string; readonly index: number } & ExternType;

/** A memory of the module (imported ones first, as in the memory index space). */
export interface WasmMemory {
  readonly index: number;
  readonly limits: Limits;
  /** `module.name` when the memory is imported. */
  readonly import?: string;
  /** Names it is exported under. */
  readonly exports: readonly string[];
}

/** The interface of a module. */
export interface WasmInfo {
  readonly imports: readonly WasmImport[];
  readonly exports: readonly WasmExport[];
  readonly memories: readonly WasmMemory[];
  /** Functions defined by the module (not imported). */
  readonly definedFunctions: number;
  /** Sections that could not be read (`type: <reason>`); the types they give are unknown. */
  readonly unreadable: readonly string[];
}

const SECTION = { type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, tag: 13 } as const;
const SECTION_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SECTION).map(([k, v]) => [v, k]));
const KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
const NUM_TYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };
/** Abstract heap types (negative s33 codes, as bytes) and their reference-type shorthands. */
const HEAP_TYPES: Record<number, string> = {
  0x70: 'func', 0x6f: 'extern', 0x6e: 'any', 0x6d: 'eq', 0x6c: 'i31', 0x6b: 'struct', 0x6a: 'array',
  0x71: 'none', 0x72: 'noextern', 0x73: 'nofunc', 0x69: 'exn', 0x74: 'noexn',
};

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    pos: number,
    readonly end: number,
  ) {
    this.pos = pos;
  }
  byte(): number {
    if (this.pos >= this.end) throw new WasmParseError('unexpected end of section');
    return this.bytes[this.pos++]!;
  }
  /** Unsigned LEB128 (up to 64 bits, as a number: exact up to 2^53). */
  uleb(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new WasmParseError('LEB128 number too long');
  }
  /** Signed LEB128 (up to 64 bits; only validated and skipped, or small values returned). */
  sleb(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return b & 0x40 ? result - scale : result;
    }
    throw new WasmParseError('LEB128 number too long');
  }
  skip(n: number): void {
    if (this.pos + n > this.end) throw new WasmParseError('unexpected end of section');
    this.pos += n;
  }
  name(): string {
    const len = this.uleb();
    const start = this.pos;
    this.skip(len);
    return new TextDecoder().decode(this.bytes.subarray(start, start + len));
  }
  vec<T>(item: () => T): T[] {
    const n = this.uleb();
    if (n > this.end - this.pos) throw new WasmParseError(`implausible vector length ${n}`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

function heapType(r: Reader): string {
  const first = r.bytes[r.pos];
  if (first !== undefined && HEAP_TYPES[first] !== undefined) {
    r.pos++;
    return HEAP_TYPES[first];
  }
  const index = r.sleb();
  if (index < 0) throw new WasmParseError(`unknown heap type ${index}`);
  return String(index);
}

function valType(r: Reader): ValType {
  const b = r.byte();
  const num = NUM_TYPES[b];
  if (num) return num;
  const abstract = HEAP_TYPES[b];
  if (abstract) return `${abstract}ref`;
  if (b === 0x63) return `(ref null ${heapType(r)})`;
  if (b === 0x64) return `(ref ${heapType(r)})`;
  throw new WasmParseError(`unknown value type 0x${b.toString(16)}`);
}

function funcType(r: Reader): FuncType {
  const form = r.byte();
  if (form !== 0x60) throw new WasmParseError(`unsupported type form 0x${form.toString(16)}`);
  return { params: r.vec(() => valType(r)), results: r.vec(() => valType(r)) };
}

function limits(r: Reader): Limits {
  const flags = r.byte();
  if (flags & ~0x0f) throw new WasmParseError(`unknown limits flags 0x${flags.toString(16)}`);
  const min = r.uleb();
  const max = flags & 0x01 ? r.uleb() : undefined;
  const pageSize = flags & 0x08 ? 2 ** r.uleb() : undefined;
  return { min, ...(max === undefined ? {} : { max }), shared: (flags & 0x02) !== 0, memory64: (flags & 0x04) !== 0, ...(pageSize === undefined ? {} : { pageSize }) };
}

function tableType(r: Reader): { element: ValType; limits: Limits } {
  const element = valType(r);
  return { element, limits: limits(r) };
}

function globalType(r: Reader): { type: ValType; mutable: boolean } {
  const type = valType(r);
  const mut = r.byte();
  if (mut > 1) throw new WasmParseError(`bad global mutability ${mut}`);
  return { type, mutable: mut === 1 };
}

/** Skip a constant expression (a global's initializer) up to and including its `end`. */
function skipConstExpr(r: Reader): void {
  for (;;) {
    const op = r.byte();
    switch (op) {
      case 0x0b: return; // end
      case 0x41: case 0x42: r.sleb(); break; // i32.const, i64.const
      case 0x43: r.skip(4); break; // f32.const
      case 0x44: r.skip(8); break; // f64.const
      case 0x23: case 0xd2: r.uleb(); break; // global.get, ref.func
      case 0xd0: heapType(r); break; // ref.null
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e: break; // extended-const arithmetic
      case 0xfd: { // v128.const
        if (r.uleb() !== 12) throw new WasmParseError('unsupported SIMD instruction in a constant expression');
        r.skip(16);
        break;
      }
      default: throw new WasmParseError(`unsupported instruction 0x${op.toString(16)} in a constant expression`);
    }
  }
}

/**
 * Read the interface of a core module. Throws {@link WasmParseError} when `bytes` is not a
 * WebAssembly core module or its section framing is broken; a section whose content cannot be read
 * is listed in `unreadable` instead.
 */
export function wasmInfo(bytes: Uint8Array): WasmInfo {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmParseError('not a WebAssembly module (bad magic)');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) throw new WasmParseError('not a WebAssembly core module of version 1');

  let types: (FuncType | undefined)[] | undefined;
  const imports: WasmImport[] = [];
  let functionTypes: number[] | undefined;
  const tables: { element: ValType; limits: Limits }[] = [];
  let globals: ({ type: ValType; mutable: boolean } | undefined)[] | undefined;
  const memories: { limits: Limits; import?: string }[] = [];
  let tags: number[] | undefined;
  let rawExports: { name: string; kind: ExternKind; index: number }[] = [];
  const importedOf = { function: [] as number[], global: [] as ({ type: ValType; mutable: boolean } | undefined)[], tag: [] as number[] };
  const unreadable: string[] = [];

  const top = new Reader(bytes, 8, bytes.length);
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.uleb();
    const start = top.pos;
    top.skip(size);
    const r = new Reader(bytes, start, start + size);
    try {
      switch (id) {
        case SECTION.type:
          types = r.vec(() => funcType(r));
          break;
        case SECTION.import:
          r.vec(() => {
            const module = r.name();
            const name = r.name();
            const kindByte = r.byte();
            switch (kindByte) {
              case 0x00: {
                const typeIndex = r.uleb();
                importedOf.function.push(typeIndex);
                imports.push({ module, name, kind: 'function', type: types?.[typeIndex] });
                break;
              }
              case 0x01: {
                const t = tableType(r);
                tables.push(t);
                imports.push({ module, name, kind: 'table', ...t });
                break;
              }
              case 0x02: {
                const l = limits(r);
                memories.push({ limits: l, import: `${module}.${name}` });
                imports.push({ module, name, kind: 'memory', limits: l });
                break;
              }
              case 0x03: {
                const g = globalType(r);
                importedOf.global.push(g);
                imports.push({ module, name, kind: 'global', ...g });
                break;
              }
              case 0x04: {
                r.byte(); // attribute: exception
                const typeIndex = r.uleb();
                importedOf.tag.push(typeIndex);
                imports.push({ module, name, kind: 'tag', type: types?.[typeIndex] });
                break;
              }
              default:
                throw new WasmParseError(`unknown import kind 0x${kindByte.toString(16)}`);
            }
          });
          break;
        case SECTION.function:
          functionTypes = r.vec(() => r.uleb());
          break;
        case SECTION.table:
          tables.push(...r.vec(() => tableType(r)));
          break;
        case SECTION.memory:
          memories.push(...r.vec(() => ({ limits: limits(r) })));
          break;
        case SECTION.global:
          globals = r.vec(() => {
            const g = globalType(r);
            skipConstExpr(r);
            return g;
          });
          break;
        case SECTION.export:
          rawExports = r.vec(() => {
            const name = r.name();
            const kindByte = r.byte();
            const kind = KINDS[kindByte];
            if (kind === undefined) throw new WasmParseError(`unknown export kind 0x${kindByte.toString(16)}`);
            return { name, kind, index: r.uleb() };
          });
          break;
        case SECTION.tag:
          tags = r.vec(() => {
            r.byte();
            return r.uleb();
          });
          break;
        default:
          continue;
      }
      if (r.pos !== r.end) throw new WasmParseError('section size mismatch');
    } catch (e) {
      if (!(e instanceof WasmParseError)) throw e;
      unreadable.push(`${SECTION_NAMES[id] ?? id}: ${e.message}`);
      if (id === SECTION.global) globals = undefined;
    }
  }

  const funcTypeIndex = [...importedOf.function, ...(functionTypes ?? [])];
  const allGlobals = [...importedOf.global, ...(globals ?? [])];
  const tagTypeIndex = [...importedOf.tag, ...(tags ?? [])];
  const exports: WasmExport[] = rawExports.map(({ name, kind, index }): WasmExport => {
    switch (kind) {
      case 'function': {
        const ti = funcTypeIndex[index];
        return { name, index, kind, type: ti === undefined ? undefined : types?.[ti] };
      }
      case 'table': {
        return { name, index, kind, ...tables[index] };
      }
      case 'memory': {
        return { name, index, kind, limits: memories[index]?.limits };
      }
      case 'global':
        return { name, index, kind, ...(allGlobals[index] ?? {}) };
      case 'tag': {
        const ti = tagTypeIndex[index];
        return { name, index, kind, type: ti === undefined ? undefined : types?.[ti] };
      }
    }
  });

  return {
    imports,
    exports,
    memories: memories.map((m, index) => ({
      index,
      limits: m.limits,
      ...(m.import === undefined ? {} : { import: m.import }),
      exports: exports.filter((e) => e.kind === 'memory' && e.index === index).map((e) => e.name),
    })),
    definedFunctions: functionTypes?.length ?? 0,
    unreadable,
  };
}

/** `(i32, i32) -> i32`, `() -> ()`, `(i64) -> (i32, i32)`; `?` when unknown. */
export function formatFuncType(t: FuncType | undefined): string {
  if (t === undefined) return '?';
  const results = t.results.length === 1 ? t.results[0]! : `(${t.results.join(', ')})`;
  return `(${t.params.join(', ')}) -> ${results}`;
}

const DEFAULT_PAGE = 65536;

function pages(n: number, pageSize: number): string {
  return `${n} page${n === 1 ? '' : 's'} (${bytesText(n * pageSize)})`;
}

function bytesText(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    i++;
  }
  return `${v} ${units[i]}`;
}

/** Memory limits: `min 1 page (64 KiB), max 16 pages (1 MiB), shared`. */
export function formatMemoryLimits(l: Limits): string {
  const size = l.pageSize ?? DEFAULT_PAGE;
  const parts = [`min ${pages(l.min, size)}`, l.max === undefined ? 'no max' : `max ${pages(l.max, size)}`];
  if (l.shared) parts.push('shared');
  if (l.memory64) parts.push('memory64');
  if (l.pageSize !== undefined) parts.push(`page size ${l.pageSize}`);
  return parts.join(', ');
}

/** The type of an import or export as one line: `(i32) -> i32`, `memory min 1 page (64 KiB), no max`, ... */
export function formatExternType(t: ExternType): string {
  switch (t.kind) {
    case 'function':
    case 'tag':
      return formatFuncType(t.type);
    case 'memory':
      return t.limits === undefined ? '?' : formatMemoryLimits(t.limits);
    case 'table':
      if (t.element === undefined || t.limits === undefined) return '?';
      return `${t.element}, min ${t.limits.min}${t.limits.max === undefined ? ', no max' : `, max ${t.limits.max}`}${t.limits.memory64 ? ', table64' : ''}`;
    case 'global':
      return t.type === undefined ? '?' : t.mutable ? `(mut ${t.type})` : t.type;
  }
}
