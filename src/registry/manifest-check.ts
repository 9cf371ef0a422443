/** Checking a manifest's shape (processes/<uuid>/manifest.json, see src/registry/registry.ts). */
import { secretProblems } from './secrets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const STATUSES: readonly string[] = ['recording', 'exited', 'trapped', 'interrupted', 'incomplete'];

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isSize = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isTime = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * Check the manifest's fields; returns the problems (messages without the `manifest: ` prefix).
 * `id` is the process directory's name. Not `strict`: only what readers need (fields present with
 * the right types); `strict` (tc verify) also wants the pid, numbered segments and, for a finished
 * process, its exit code, record count and end time.
 */
export function manifestProblems(m: unknown, id: string, strict = true): string[] {
  if (!isObject(m)) return ['not a JSON object'];
  const out: string[] = [];
  const bad = (what: string) => out.push(what);
  if (m.version !== 1) bad(`unsupported version ${JSON.stringify(m.version)}`);
  if (typeof m.id !== 'string' || !UUID.test(m.id)) bad(`bad process id ${JSON.stringify(m.id)}`);
  else if (m.id !== id) bad(`id ${m.id} is not the process's (${id})`);
  if (!isTime(m.startTime)) bad('startTime is missing or not a time');
  if (m.endTime !== undefined && !isTime(m.endTime)) bad('endTime is not a time');
  if (!isObject(m.module)) bad('module is missing');
  else {
    if (typeof m.module.digest !== 'string' || !DIGEST.test(m.module.digest)) bad(`bad module digest ${JSON.stringify(m.module.digest)}`);
    if (typeof m.module.name !== 'string') bad('module name is missing');
    if (!isCount(m.module.size)) bad('module size is missing or not a size');
  }
  if (!isStrings(m.args)) bad('args is not a list of strings');
  if (!isStrings(m.env)) bad('env is not a list of strings');
  if (!Array.isArray(m.dirs) || !m.dirs.every((d) => isObject(d) && typeof d.host === 'string' && typeof d.guest === 'string')) bad('dirs is not a list of { host, guest }');
  if (!isObject(m.runtime) || !['tc', 'node', 'v8'].every((k) => typeof (m.runtime as Record<string, unknown>)[k] === 'string')) bad('runtime is not { tc, node, v8 }');
  if (strict && !Number.isSafeInteger(m.pid)) bad('pid is missing or not a number');
  if (m.terminal !== undefined && !(isObject(m.terminal) && isSize(m.terminal.columns) && isSize(m.terminal.rows))) bad('terminal is not { columns, rows }');
  if (typeof m.status !== 'string' || !STATUSES.includes(m.status)) bad(`bad status ${JSON.stringify(m.status)}`);
  if (m.exitCode !== undefined && !Number.isSafeInteger(m.exitCode)) bad('exitCode is not a number');
  if (m.trap !== undefined && typeof m.trap !== 'string') bad('trap is not a string');
  if (m.records !== undefined && !isCount(m.records)) bad('records is not a count');
  if (!Array.isArray(m.segments) || !m.segments.every((s) => isObject(s) && isCount(s.index))) bad('segments is not a list of segment summaries');
  else if (strict && !m.segments.every((s, i) => (s as { index: number }).index === i)) bad('segments are not numbered from 0 without gaps');
  out.push(...redactionProblems(m));
  if (strict && (m.status === 'exited' || m.status === 'trapped') && out.length === 0) {
    if (m.exitCode === undefined) bad(`status ${m.status} without an exitCode`);
    if (m.records === undefined) bad(`status ${m.status} without a record count`);
    if (m.endTime === undefined) bad(`status ${m.status} without an endTime`);
  }
  return out;
}

/** Problems of a manifest's `secrets` and `redaction` (both optional): see src/registry/registry.ts. */
export function redactionProblems(m: Record<string, unknown>): string[] {
  const out = m.secrets === undefined ? [] : secretProblems(m.secrets);
  const r = m.redaction;
  if (r !== undefined && (!isObject(r) || typeof r.from !== 'string' || !UUID.test(r.from) || !['replays', 'diverges'].includes(r.verdict as string) || typeof r.message !== 'string' || (r.record !== undefined && !isCount(r.record)))) {
    out.push('redaction is not { from, verdict, record?, message }');
  }
  return out;
}
