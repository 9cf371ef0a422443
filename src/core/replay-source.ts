/**
 * The source of the replayer's fast paths (src/core/replayer.ts), one per row of the syscall table:
 * straight-line JavaScript generated from the row, like the recorder's. scripts/generate-replay-paths.mjs
 * writes them into src/core/replay-paths.ts, which the replayer uses: the core makes no code at run
 * time (no `new Function`), so that a page with a strict Content-Security-Policy can run it.
 * test/replay-paths.test.ts checks that the file is what this makes.
 */
import { I64_TYPES, SIZEOF, SYSCALLS, type Syscall } from '../wasi/syscalls.js';
import { CLOCK_TIME_GET } from './codec.js';

/** The functions whose fast path takes its i64 params in halves, through an adapter: the one called most. */
export const SPLIT_NAMES = ['clock_time_get'] as const;

/**
 * The helpers the generated fast paths call, by the name they call them, and the module that has each
 * (as `name` or `name: exported`).
 */
export const REPLAY_HELPERS: Readonly<Record<string, string>> = {
  rv: './check.js', eqU32: './check.js', eqU64: './check.js', eqU64Halves: './check.js', eqZigzag: './check.js',
  eqBlob: './check.js', eqGather: './check.js', 'blobAt: blob': './check.js', read: './check.js',
  clamp: './emit.js', iovTotal: './emit.js', u32At: './emit.js',
  put: './capture.js', putTime: './capture.js', scatter: './capture.js',
  joinI64: './split.js',
};

/**
 * The JavaScript source of the fast replay path of one row: the body of a function of C: the cursor,
 * M: memory views, G: the general path,
 * W: onOutput, T: the guest fd table ({@link FdStreams}), ProcExit, RESULT_TRAP, that returns the
 * import function; it calls the {@link REPLAY_HELPERS} by name. With `split`, each i64 param `aN` comes
 * as two numbers `aNl, aNh` (its halves, from an adapter; no `filedelta` param).
 */
export function replaySource(sc: Syscall, split = false): string {
  const arg = (name: string) => `a${sc.index[name]}`;
  const u32 = (name: string) => `(${arg(name)} >>> 0)`;
  const wide = (i: number) => split && I64_TYPES.has(sc.params[i]!.type);
  if (split && sc.params.some((p) => p.type === 'filedelta')) throw new Error(`${sc.name}: a filedelta param cannot be split`);
  const params = sc.params.map((_, i) => (wide(i) ? `a${i}l, a${i}h` : `a${i}`)).join(', ');
  const slow = `return G(${sc.params.map((_, i) => (wide(i) ? `joinI64(a${i}l, a${i}h)` : `a${i}`)).join(', ')});`;
  const L: string[] = [];
  L.push(`return function ${sc.name}(${params}) {`);
  L.push(`  const r = C.reader;`);
  L.push(`  if (r === null) ${slow}`);
  L.push(`  const b = r.buf, end = b.length;`);
  L.push(`  let p = r.pos;`);
  L.push(`  if (p >= end || b[p] !== ${sc.id}) ${slow}`);
  L.push(`  p = rv(b, p + 1, end);`);
  L.push(`  if (p < 0) ${slow}`);
  L.push(`  const d = read.value;`);
  sc.params.forEach((prm, i) => {
    if (wide(i)) L.push(`  p = eqU64Halves(b, p, end, a${i}l, a${i}h);`);
    else if (prm.type === 'filedelta') L.push(`  p = eqZigzag(b, p, end, a${i});`);
    else if (I64_TYPES.has(prm.type)) L.push(`  p = eqU64(b, p, end, a${i});`);
    else L.push(`  p = eqU32(b, p, end, a${i} >>> 0);`);
    L.push(`  if (p < 0) ${slow}`);
  });
  L.push(`  const m = M.current(), size = m.u8.length;`);
  sc.inputs.forEach((inp, k) => {
    if (inp.kind === 'ciovecs') {
      L.push(`  p = eqGather(b, p, end, m, ${u32(inp.iovs)}, ${u32(inp.len)}, iovTotal(m, ${u32(inp.iovs)}, ${u32(inp.len)}));`);
      L.push(`  if (p < 0) ${slow}`);
      L.push(`  const i${k}at = read.at, i${k}len = read.value;`);
    } else {
      const len = inp.kind === 'string' ? u32(inp.len) : `${u32(inp.count)} * ${SIZEOF.subscription}`;
      L.push(`  p = eqBlob(b, p, end, m.u8, ${u32(inp.ptr)}, clamp(size, ${u32(inp.ptr)}, ${len}));`);
      L.push(`  if (p < 0) ${slow}`);
    }
  });
  L.push(`  p = rv(b, p, end);`);
  L.push(`  if (p < 0) ${slow}`);
  L.push(`  const res = read.value;`);
  L.push(`  if (res === RESULT_TRAP) ${slow}`);
  sc.outputs.forEach((_, k) => {
    L.push(`  p = blobAt(b, p, end);`);
    L.push(`  if (p < 0) ${slow}`);
    L.push(`  const q${k} = read.at, l${k} = read.value;`);
  });
  // Everything matched: apply the record (a time the TimestampOffset filter left as an offset from
  // the record's timestamp gets it added back).
  L.push(`  C.consumed(p, d);`);
  sc.outputs.forEach((out, k) => {
    if (out.kind === 'iovecs') L.push(`  scatter(b, q${k}, l${k}, m, ${u32(out.iovs)}, ${u32(out.len)});`);
    else if (sc.id === CLOCK_TIME_GET) L.push(`  if (C.offsetTimes && l${k} === 8) putTime(b, q${k}, m, ${u32(out.ptr)}, C.timestamp);`, `  else put(b, q${k}, l${k}, m, ${u32(out.ptr)});`);
    else L.push(`  put(b, q${k}, l${k}, m, ${u32(out.ptr)});`);
  });
  if (sc.name === 'fd_write') {
    L.push(`  if (res === 0 && W !== undefined) {`);
    L.push(`    const s = T.stream(a0 >>> 0);`);
    L.push(`    if (s === 1 || s === 2) W(s, b.subarray(i0at, i0at + Math.min(u32At(m, ${u32('nwritten')}), i0len)));`);
    L.push(`  }`);
  }
  // The calls that change what a guest fd refers to (see FdStreams.follow).
  if (sc.name === 'fd_close') L.push(`  if (res === 0) T.closed(a0 >>> 0);`);
  if (sc.name === 'fd_renumber') L.push(`  if (res === 0) T.renumbered(a0 >>> 0, a1 >>> 0);`);
  if (sc.name === 'path_open' || sc.name === 'sock_accept') {
    L.push(`  if (res === 0 && l0 === 4) T.opened((b[q0] | (b[q0 + 1] << 8) | (b[q0 + 2] << 16) | (b[q0 + 3] << 24)) >>> 0);`);
  }
  if (sc.name === 'proc_exit') L.push(`  throw new ProcExit(a0);`);
  else L.push(`  return res;`);
  L.push(`};`);
  return L.join('\n');
}

/**
 * src/core/replay-paths.ts: the fast path of every row, and of each row in {@link SPLIT_NAMES} taking
 * its i64 params in halves, as factories of (C, M, G, W, T, ProcExit, RESULT_TRAP).
 */
export function replayPathsModule(): string {
  const byModule = new Map<string, string[]>();
  for (const [name, from] of Object.entries(REPLAY_HELPERS)) byModule.set(from, [...(byModule.get(from) ?? []), name.includes(':') ? `${name.split(': ')[1]} as ${name.split(':')[0]}` : name]);
  const factory = (sc: Syscall, split: boolean) =>
    `  ${sc.name}: function (C, M, G, W, T, ProcExit, RESULT_TRAP) {\n${replaySource(sc, split).split('\n').map((l) => `    ${l}`).join('\n')}\n  },`;
  return [
    '// Generated from replaySource() in src/core/replay-source.ts by scripts/generate-replay-paths.mjs',
    '// (make replay-paths): do not edit. test/replay-paths.test.ts checks that it is up to date.',
    '// @ts-nocheck',
    '/* eslint-disable */',
    ...[...byModule].map(([from, names]) => `import { ${names.join(', ')} } from '${from}';`),
    '',
    '/** The fast replay path of every function, as a factory of (C, M, G, W, T, ProcExit, RESULT_TRAP). */',
    'export const FAST = {',
    ...SYSCALLS.map((sc) => factory(sc, false)),
    '};',
    '',
    '/** The fast paths taking their i64 params in halves (through an adapter). */',
    'export const FAST_SPLIT = {',
    ...SPLIT_NAMES.map((n) => factory(SYSCALLS.find((sc) => sc.name === n)!, true)),
    '};',
    '',
  ].join('\n');
}
