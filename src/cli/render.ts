/**
 * Rendering of the registry commands' data: `-o text` (tables declared once per resource, rendered
 * with cli-table3 without borders, as timecraft prints them), `-o json` and `-o yaml`.
 *
 * Human units: bytes as `1.21 KiB` (powers of 1024, 3 significant digits), times relative to now
 * (`3 minutes ago`) and absolute (RFC 1123, UTC), durations from ns (`15.2ms`, `2m30s`),
 * the space compression saved as a percentage (`58.27%`).
 */
import Table from 'cli-table3';
import YAML from 'yaml';
import { UsageError } from '../errors.js';
import { absoluteTime, humanBytes, humanDuration, percent, relativeTime } from '../human.js';
import type { AsciicastExport } from '../api/registry.js';
import type { ImportResult, ExportResult } from '../registry/archive.js';
import type { BatchStats, ModuleDescription, ModuleItem, ProcessDescription, ProcessSummary, SegmentStats } from '../registry/inspect.js';
import type { ModuleInfo } from '../registry/registry.js';
import type { GcResult } from './commands/gc.js';
import type { RmResult } from './commands/rm.js';

export { absoluteTime, humanBytes, humanDuration, percent, relativeTime };

export const OUTPUT_FORMATS = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Check a `-o` value. */
export function outputFormat(value: string | undefined): OutputFormat {
  const v = value ?? 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(v)) throw new UsageError(`-o ${v}: expected one of ${OUTPUT_FORMATS.join(', ')}`);
  return v as OutputFormat;
}

/** A table column: its header and how a row shows in it. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T, now: Date) => string;
}

const NO_BORDER = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};

/** Render rows as a borderless table with a header line; ends with a newline. */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[], now: Date = new Date()): string {
  const t = new Table({
    head: columns.map((c) => c.header),
    chars: NO_BORDER,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of rows) t.push(columns.map((c) => c.value(r, now)));
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}

/** `data` as JSON (2-space indent) or YAML, or `text()` for -o text. */
export function render(format: OutputFormat, data: unknown, text: () => string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(data, null, 2) + '\n';
    case 'yaml':
      return YAML.stringify(data);
    case 'text':
      return text();
  }
}


const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : /[hs]$/.test(word) ? 'es' : 's'}`;

// --- tc get ---------------------------------------------------------------------------------------

/** A resource type `tc get` knows. */
export interface ResourceType {
  readonly type: string;
  readonly aliases: readonly string[];
  readonly description: string;
}

export const RESOURCE_COLUMNS: readonly Column<ResourceType>[] = [
  { header: 'RESOURCE TYPE', value: (r) => r.type },
  { header: 'ALIASES', value: (r) => r.aliases.join(', ') },
  { header: 'DESCRIPTION', value: (r) => r.description },
];

/** The EXIT column: the exit code, with the way the process ended when it is not a plain exit. */
export function exitText(p: Pick<ProcessSummary, 'status' | 'exitCode'>): string {
  if (p.exitCode === undefined) return p.status;
  return p.status === 'exited' ? String(p.exitCode) : `${p.exitCode} (${p.status})`;
}

export const PROCESS_COLUMNS: readonly Column<ProcessSummary>[] = [
  { header: 'PROCESS ID', value: (p) => p.id },
  { header: 'START', value: (p, now) => (p.startTime === undefined ? '(unknown)' : relativeTime(p.startTime, now)) },
  { header: 'MODULE', value: (p) => p.module?.name ?? '(unknown)' },
  { header: 'EXIT', value: (p) => exitText(p) },
  { header: 'RECORDS', value: (p) => String(p.records) },
  { header: 'SIZE', value: (p) => humanBytes(p.size) },
];

/** First 12 hex digits of a module digest. */
export const shortDigest = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

export const MODULE_COLUMNS: readonly Column<ModuleInfo>[] = [
  { header: 'MODULE ID', value: (m) => shortDigest(m.digest) },
  { header: 'MODULE NAME', value: (m) => m.name },
  { header: 'SIZE', value: (m) => humanBytes(m.size) },
];

// --- tc describe ----------------------------------------------------------------------------------

export const SEGMENT_COLUMNS: readonly Column<SegmentStats>[] = [
  { header: 'SEGMENT', value: (s) => String(s.index) },
  { header: 'RECORDS', value: (s) => String(s.records) },
  { header: 'BATCHES', value: (s) => String(s.batches) },
  { header: 'DURATION', value: (s) => humanDuration(s.duration) },
  { header: 'SIZE', value: (s) => humanBytes(s.size) },
  { header: 'UNCOMPRESSED SIZE', value: (s) => humanBytes(s.uncompressedSize) },
  { header: 'COMPRESSED SIZE', value: (s) => humanBytes(s.compressedSize) },
  { header: 'COMPRESSION', value: (s) => percent(s.compression) },
];

export const BATCH_COLUMNS: readonly Column<BatchStats>[] = [
  { header: 'BATCH', value: (b) => String(b.batch) },
  { header: 'FIRST OFFSET', value: (b) => String(b.firstOffset) },
  { header: 'RECORDS', value: (b) => String(b.records) },
  { header: 'DURATION', value: (b) => humanDuration(b.duration) },
  { header: 'UNCOMPRESSED SIZE', value: (b) => humanBytes(b.uncompressedSize) },
  { header: 'COMPRESSED SIZE', value: (b) => humanBytes(b.compressedSize) },
  { header: 'COMPRESSION', value: (b) => percent(b.compression) },
  { header: 'CODEC', value: (b) => b.codec },
];

const IMPORT_COLUMNS: readonly Column<ModuleItem>[] = [
  { header: 'MODULE', value: (i) => i.module ?? '' },
  { header: 'NAME', value: (i) => i.name },
  { header: 'KIND', value: (i) => i.kind },
  { header: 'TYPE', value: (i) => i.type },
];

const EXPORT_COLUMNS: readonly Column<ModuleItem>[] = [
  { header: 'NAME', value: (i) => i.name },
  { header: 'KIND', value: (i) => i.kind },
  { header: 'TYPE', value: (i) => i.type },
];

const indent = (s: string, by = '  ') => s.split('\n').map((l) => (l ? by + l : l)).join('\n');
const list = (items: readonly string[]) => (items.length ? items.map((i) => `  ${i}\n`).join('') : '  (none)\n');

function statusText(d: ProcessDescription): string {
  switch (d.status) {
    case 'exited':
      return `exited (exit code ${d.exitCode ?? '?'})`;
    case 'trapped':
      return `trapped (exit code ${d.exitCode ?? '?'})${d.trap ? `: ${d.trap}` : ''}`;
    case 'interrupted':
      return `interrupted${d.exitCode === undefined ? '' : ` (exit code ${d.exitCode})`}`;
    case 'recording':
      return `recording (pid ${d.pid})`;
    case 'incomplete':
      return 'incomplete (the recording did not finish)';
  }
}

/** `tc describe process` as text. */
export function processText(d: ProcessDescription, now: Date = new Date()): string {
  let out = '';
  out += `ID:       ${d.id}\n`;
  out += `Start:    ${relativeTime(d.startTime, now)}, ${absoluteTime(d.startTime)}\n`;
  out += `Runtime:  tc ${d.runtime.tc}, Node ${d.runtime.node}, V8 ${d.runtime.v8}\n`;
  out += `Module:   ${d.module.digest}: ${d.module.name} (${humanBytes(d.module.size)})\n`;
  out += `Args:\n${list(d.args)}`;
  out += `Env:\n${list(d.env)}`;
  if (d.dirs.length) out += `Dirs:\n${list(d.dirs.map((x) => (x.host === x.guest ? x.host : `${x.host} -> ${x.guest}`)))}`;
  if (d.secrets?.length) out += `Secrets:\n${list(d.secrets.map((x) => `${x.name} (${x.source}, ${plural(x.length, 'byte')})`))}`;
  if (d.redaction) out += `Redacted: from ${d.redaction.from}: ${d.redaction.message}\n`;
  out += `Status:   ${statusText(d)}\n`;
  const lowerBound = d.endTime === undefined ? ' (until the last record)' : '';
  out += `Duration: ${d.duration === undefined ? '(unknown)' : humanDuration(d.duration) + lowerBound}\n`;
  out += `Records:  ${d.records}, ${plural(d.batches, 'batch')}, ${plural(d.segments.length, 'segment')}, `;
  out += `${humanBytes(d.compressedSize)}/${humanBytes(d.uncompressedSize)} (compression: ${percent(d.compression)})\n`;
  if (d.damage) out += `Log:      ends early: ${d.damage}\n`;
  out += '---\n';
  out += table(SEGMENT_COLUMNS, d.segments, now);
  for (const s of d.segments) {
    if (s.recordBatches === undefined) continue;
    out += `\nSegment ${s.index}:\n${indent(table(BATCH_COLUMNS, s.recordBatches, now))}`;
  }
  return out;
}

/** `tc describe module` as text. */
export function moduleText(d: ModuleDescription): string {
  let out = '';
  out += `ID:        ${d.digest}\n`;
  out += `Name:      ${d.name}\n`;
  out += `Size:      ${humanBytes(d.size)}\n`;
  if (d.functions !== undefined) out += `Functions: ${d.functions} defined, ${d.imports.filter((i) => i.kind === 'function').length} imported\n`;
  out += 'Memory:\n';
  if (d.memories.length === 0) out += '  (none)\n';
  for (const m of d.memories) {
    const where = [m.import ? `imported from ${m.import}` : '', m.exports.length ? `exported as ${m.exports.join(', ')}` : ''].filter(Boolean).join(', ');
    const size = (n: number) => `${plural(n, 'page')} (${humanBytes(n * m.pageSize)})`;
    const flags = [m.shared ? 'shared' : '', m.memory64 ? 'memory64' : '', m.pageSize !== 65536 ? `page size ${m.pageSize}` : ''].filter(Boolean);
    out += `  ${m.index}: min ${size(m.min)}, ${m.max === undefined ? 'no max' : `max ${size(m.max)}`}${flags.length ? `, ${flags.join(', ')}` : ''}${where ? ` (${where})` : ''}\n`;
  }
  out += `Imports:\n${d.imports.length ? indent(table(IMPORT_COLUMNS, d.imports)) : '  (none)\n'}`;
  out += `Exports:\n${d.exports.length ? indent(table(EXPORT_COLUMNS, d.exports)) : '  (none)\n'}`;
  if (d.unreadable?.length) out += `Unreadable:\n${list(d.unreadable)}`;
  return out;
}

// --- tc export / import / rm / gc -----------------------------------------------------------------

export const exportText = (r: ExportResult | AsciicastExport, dest: string): string =>
  'format' in r
    ? `exported process ${r.id} to ${dest} as asciicast (${plural(r.events, 'event')}, ${r.width}x${r.height}, ${humanDuration(r.duration * 1e9)}, ${humanBytes(r.size)})\n`
    : `exported ${r.kind} ${r.kind === 'module' ? shortDigest(r.id) : r.id} to ${dest} (${humanBytes(r.size)})\n`;

/** `tc import` prints the process id. */
export const importText = (r: ImportResult): string => `${r.id}\n`;

/** `tc rm` prints the ids it deleted, one a line: process ids, or module ids (12 hex digits, as `tc get module`). */
export const rmText = (r: RmResult): string =>
  r.type === 'process' ? r.deleted.map((d) => `${d.id}\n`).join('') : r.deleted.map((d) => `${shortDigest(d.digest)}\n`).join('');

export function gcText(r: GcResult): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  let out = '';
  for (const p of r.processes) out += `${verb} process ${p.id} (${humanBytes(p.size)})\n`;
  for (const m of r.modules) out += `${verb} module ${shortDigest(m.digest)} ${m.name} (${humanBytes(m.size)})\n`;
  for (const l of r.leftovers) out += `${verb} ${l.path}, left by tc ${l.pid} (${humanBytes(l.size)})\n`;
  for (const id of r.live) out += `kept process ${id}: still being recorded\n`;
  out += `${r.dryRun ? 'would free' : 'freed'} ${humanBytes(r.freed.bytes)}: ${plural(r.freed.processes, 'process')}, ${plural(r.freed.modules, 'module')}\n`;
  return out;
}
