/**
 * strace-style formatting of records, derived from the syscall table:
 *
 *   fd_write(fd=1, iovs=[14 bytes "Hello, World!\n"]) = ESUCCESS (nwritten=14)
 *
 * Shown: the scalar params no input or output refers to, then the inputs; after the result, the
 * outputs (only on success). Flags print as witx names joined by `|`, errno as `E` + witx name.
 * Given the {@link SecretMarks} of a recording's secrets, a placeholder prints as `‹secret NAME›`
 * (part of one as `‹secret NAME[from:to]›`) instead of its bytes.
 */
import { errnoName } from '../wasi/errno.js';
import { ADVICE, CLOCKID, FDFLAGS, FILETYPE, FSTFLAGS, LOOKUPFLAGS, OFLAGS, RIFLAGS, SDFLAGS, WHENCE } from '../wasi/layout.js';
import { SIZEOF, type Input, type Output, type OutputType, type ScalarType, type Syscall } from '../wasi/syscalls.js';
import { RESULT_TRAP, type LogRecord } from './codec.js';
import { NO_STREAM, STREAM_NAMES } from './streams.js';
import { secretLabel, type SecretMarks } from './secrets.js';

/** Bytes shown in a preview before `...`. */
export const PREVIEW_BYTES = 32;

const invert = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [v, k])) as Record<number, string>;
const CLOCK_NAMES = invert(CLOCKID);
const FILETYPE_NAMES = invert(FILETYPE);
const WHENCE_NAMES = invert(WHENCE);

function bits(v: number, flags: Record<string, number>): string {
  if (v === 0) return '0';
  const names: string[] = [];
  let rest = v;
  for (const [k, b] of Object.entries(flags)) {
    if (v & b) {
      names.push(k);
      rest &= ~b;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

/** A scalar param as a trace shows it. */
export function formatScalar(type: ScalarType, v: number | bigint): string {
  const n = Number(v);
  switch (type) {
    case 'clockid':
      return CLOCK_NAMES[n] ?? String(n);
    case 'advice':
      return ADVICE[n] ?? String(n);
    case 'fdflags':
      return bits(n, FDFLAGS);
    case 'fstflags':
      return bits(n, FSTFLAGS);
    case 'lookupflags':
      return bits(n, LOOKUPFLAGS);
    case 'oflags':
      return bits(n, OFLAGS);
    case 'riflags':
      return bits(n, RIFLAGS);
    case 'sdflags':
      return bits(n, SDFLAGS);
    case 'whence':
      return WHENCE_NAMES[n] ?? String(n);
    case 'rights':
      return `0x${BigInt(v).toString(16)}`;
    case 'ptr':
      return `0x${n.toString(16)}`;
    default:
      return String(v);
  }
}

/**
 * Escape bytes for a preview: printable ASCII as is, \n \r \t \\ \" and \xNN otherwise; the first
 * `max` bytes, then `...`. A secret's placeholder (with `marks`) prints as `‹secret NAME›`, whole
 * when it starts within the first `max` bytes.
 */
export function escapeBytes(b: Uint8Array, max = PREVIEW_BYTES, marks?: SecretMarks): string {
  let s = '';
  const n = Math.min(b.length, max);
  const runs = marks === undefined || marks.empty ? [] : marks.find(b);
  let r = 0;
  let i = 0;
  for (; i < n; i++) {
    const run = runs[r];
    if (run !== undefined && run.start === i) {
      s += secretLabel(run.name, run.from, run.to, run.length);
      i = run.end - 1;
      r++;
      continue;
    }
    const c = b[i]!;
    if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `"${s}"${b.length > Math.max(i, max) ? '...' : ''}`;
}

const bytesPreview = (b: Uint8Array, marks?: SecretMarks) => `[${b.length} bytes ${escapeBytes(b, PREVIEW_BYTES, marks)}]`;
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** An input as a trace shows it. */
export function formatInput(input: Input, b: Uint8Array, marks?: SecretMarks): string {
  switch (input.kind) {
    case 'string':
      return escapeBytes(b, 256, marks);
    case 'ciovecs':
      return bytesPreview(b, marks);
    case 'subscriptions': {
      const v = dv(b);
      const subs: string[] = [];
      for (let p = 0; p + SIZEOF.subscription <= b.length; p += SIZEOF.subscription) {
        const userdata = v.getBigUint64(p, true);
        const tag = v.getUint8(p + 8);
        if (tag === 0) {
          const id = v.getUint32(p + 16, true);
          const abs = v.getUint16(p + 40, true) & 1 ? ', ABSTIME' : '';
          subs.push(`clock(userdata=${userdata}, id=${CLOCK_NAMES[id] ?? id}, timeout=${v.getBigUint64(p + 24, true)}${abs})`);
        } else subs.push(`${tag === 1 ? 'fd_read' : tag === 2 ? 'fd_write' : `tag${tag}`}(userdata=${userdata}, fd=${v.getUint32(p + 16, true)})`);
      }
      return `[${subs.join(', ')}]`;
    }
  }
}

function formatFixed(type: OutputType, b: Uint8Array): string {
  const v = dv(b);
  const need = { u32: 4, fd: 4, size: 4, timestamp: 8, filesize: 8, roflags: 2, fdstat: 24, filestat: 64, prestat: 8 }[type];
  if (b.length < need) return bytesPreview(b);
  switch (type) {
    case 'u32':
    case 'fd':
    case 'size':
      return String(v.getUint32(0, true));
    case 'roflags':
      return String(v.getUint16(0, true));
    case 'timestamp':
    case 'filesize':
      return String(v.getBigUint64(0, true));
    case 'fdstat':
      return `{filetype=${FILETYPE_NAMES[v.getUint8(0)] ?? v.getUint8(0)}, flags=${bits(v.getUint16(2, true), FDFLAGS)}, rights_base=0x${v.getBigUint64(8, true).toString(16)}, rights_inheriting=0x${v.getBigUint64(16, true).toString(16)}}`;
    case 'filestat':
      return `{dev=${v.getBigUint64(0, true)}, ino=${v.getBigUint64(8, true)}, filetype=${FILETYPE_NAMES[v.getUint8(16)] ?? v.getUint8(16)}, nlink=${v.getBigUint64(24, true)}, size=${v.getBigUint64(32, true)}, atim=${v.getBigUint64(40, true)}, mtim=${v.getBigUint64(48, true)}, ctim=${v.getBigUint64(56, true)}}`;
    case 'prestat':
      return `{tag=${v.getUint8(0) === 0 ? 'dir' : v.getUint8(0)}, pr_name_len=${v.getUint32(4, true)}}`;
  }
}

/** An output as a trace shows it. */
export function formatOutput(output: Output, b: Uint8Array, marks?: SecretMarks): string {
  switch (output.kind) {
    case 'fixed':
      return formatFixed(output.type, b);
    case 'iovecs':
      return bytesPreview(b, marks);
    case 'buffer':
      if (output.entries === 'string') return escapeBytes(b, 256, marks);
      if (output.entries === 'dirents') {
        const v = dv(b);
        const names: string[] = [];
        let p = 0;
        while (p + SIZEOF.dirent <= b.length) {
          const len = v.getUint32(p + 16, true);
          names.push(escapeBytes(b.subarray(p + SIZEOF.dirent, p + SIZEOF.dirent + len), 64, marks));
          p += SIZEOF.dirent + len;
        }
        return `[${b.length} bytes: ${names.join(', ')}]`;
      }
      return bytesPreview(b, marks);
    case 'events': {
      const v = dv(b);
      const evs: string[] = [];
      for (let p = 0; p + SIZEOF.event <= b.length; p += SIZEOF.event) {
        const type = v.getUint8(p + 10);
        evs.push(`{userdata=${v.getBigUint64(p, true)}, error=${errnoName(v.getUint16(p + 8, true))}, type=${['CLOCK', 'FD_READ', 'FD_WRITE'][type] ?? type}${type ? `, nbytes=${v.getBigUint64(p + 16, true)}` : ''}}`);
      }
      return `[${evs.join(', ')}]`;
    }
    case 'strings':
      return output.part === 'list' ? `[${b.length / 4} pointers]` : escapeBytes(b, 256, marks);
  }
}

/** Names of params that an input or output refers to (hidden from the call's argument list). */
const hiddenCache = new Map<Syscall, Set<string>>();
function hidden(sc: Syscall): Set<string> {
  let h = hiddenCache.get(sc);
  if (!h) {
    h = new Set<string>();
    for (const i of sc.inputs) for (const k of ['ptr', 'len', 'iovs', 'count'] as const) if (k in i) h.add((i as Record<string, string>)[k]!);
    for (const o of sc.outputs) for (const k of ['ptr', 'len', 'iovs', 'used', 'count'] as const) if (k in o) h.add((o as Record<string, string>)[k]!);
    hiddenCache.set(sc, h);
  }
  return h;
}

/** The result as a trace shows it: `ESUCCESS`, `ENOENT`, or `trap: <message>`. */
export function formatResult(rec: Pick<LogRecord, 'result' | 'trap'>, marks?: SecretMarks): string {
  return rec.result === RESULT_TRAP ? `trap: ${marks === undefined ? (rec.trap ?? '') : marks.text(rec.trap ?? '')}` : errnoName(rec.result);
}

/** The call part of a trace line: `name(params, inputs)`. */
export function formatCall(sc: Syscall, params: readonly (number | bigint)[], inputs: readonly Uint8Array[], marks?: SecretMarks): string {
  const h = hidden(sc);
  const parts: string[] = [];
  sc.params.forEach((p, i) => {
    if (!h.has(p.name)) parts.push(`${p.name}=${formatScalar(p.type, params[i]!)}`);
  });
  sc.inputs.forEach((inp, i) => parts.push(`${inp.name}=${formatInput(inp, inputs[i]!, marks)}`));
  return `${sc.name}(${parts.join(', ')})`;
}

/**
 * One trace line for a record (no newline). `stream`: the host stream the record's write reached, as
 * `FdStreams.follow` tells it (1 stdout, 2 stderr), marked at the end as ` [stdout]`; `marks`: the
 * recording's secrets, shown as `‹secret NAME›` where their placeholders are.
 */
export function formatRecord(rec: LogRecord, stream: number = NO_STREAM, marks?: SecretMarks): string {
  const call = formatCall(rec.syscall, rec.params, rec.inputs, marks);
  if (!rec.syscall.returnsErrno && rec.result !== RESULT_TRAP) return call;
  let line = `${call} = ${formatResult(rec, marks)}`;
  if (rec.result === 0 && rec.syscall.outputs.length > 0) {
    line += ` (${rec.syscall.outputs.map((o, i) => `${o.name}=${formatOutput(o, rec.outputs[i]!, marks)}`).join(', ')})`;
  }
  if (stream === 1 || stream === 2) line += ` [${STREAM_NAMES[stream]}]`;
  return line;
}

/**
 * A record as JSON-ready data (`tc trace -o json`): byte fields as escaped previews. A failed call
 * (an errno, a trap) has no `outputs`, as its trace line shows none. `stream` (`stdout`, `stderr`) on
 * a write that reached that host stream, and `marks`, as in {@link formatRecord}.
 */
export function recordJson(rec: LogRecord, stream: number = NO_STREAM, marks?: SecretMarks): Record<string, unknown> {
  const sc = rec.syscall;
  return {
    offset: rec.offset,
    time: rec.timestamp,
    function: sc.name,
    params: Object.fromEntries(sc.params.map((p, i) => [p.name, typeof rec.params[i] === 'bigint' ? rec.params[i]!.toString() : rec.params[i]])),
    result: formatResult(rec, marks),
    inputs: Object.fromEntries(sc.inputs.map((inp, i) => [inp.name, { size: rec.inputs[i]!.length, preview: formatInput(inp, rec.inputs[i]!, marks) }])),
    ...(rec.result === 0 ? { outputs: Object.fromEntries(sc.outputs.map((o, i) => [o.name, { size: rec.outputs[i]!.length, preview: formatOutput(o, rec.outputs[i]!, marks) }])) } : {}),
    ...(stream === 1 || stream === 2 ? { stream: STREAM_NAMES[stream] } : {}),
  };
}
