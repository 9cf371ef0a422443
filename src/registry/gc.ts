/**
 * Garbage collection of a registry: old processes, and the modules no process uses any more.
 *
 * Which processes: with `olderThan`, those that started more than that long ago; with `keep` N, all
 * but the N newest; with both, those matching both; with neither, none (only unused modules go).
 * A process being recorded right now is never deleted. Modules used by no remaining process are.
 * So are the temporary files and directories a tc that died left (a killed import, pull, redact or
 * rm: see tempPath in src/registry/store.ts), once their writer is not running on this machine and
 * they have not changed for an hour (a writer on another machine sharing the directory).
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { listModules, listProcesses, treeSize, type ProcessSummary } from './inspect.js';
import type { Registry } from './registry.js';
import { tempWriter } from './store.js';
import { moduleSize, removeModule, removeProcess, type DeletedModule, type DeletedProcess } from './remove.js';

export interface GcOptions {
  /** `30s`, `10m`, `2h`, `7d`, `1w` (and sums like `1h30m`). */
  olderThan?: string;
  /** Keep the N newest processes. */
  keep?: string | number;
  /** Report what would be deleted; delete nothing. */
  dryRun?: boolean;
  /** The current time (tests). */
  now?: Date;
}

/** A temporary file or directory that a tc that died left in the registry. Size in bytes. */
export interface Leftover {
  /** Its path in the registry (`processes/<uuid>.tmp-<pid>-...`). */
  readonly path: string;
  /** The process id of the tc that wrote it. */
  readonly pid: number;
  readonly size: number;
}

/** What `tc gc` did (or would do, with --dry-run). Sizes in bytes. */
export interface GcResult {
  readonly dryRun: boolean;
  readonly processes: readonly DeletedProcess[];
  readonly modules: readonly DeletedModule[];
  /** Temporary files left by a tc that died (none in a bucket: see tc push's own orphans, in `processes`). */
  readonly leftovers: readonly Leftover[];
  /** Processes left alone because they are being recorded right now. */
  readonly live: readonly string[];
  readonly freed: { readonly processes: number; readonly modules: number; readonly bytes: number };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86400_000, w: 7 * 86400_000 };

/**
 * Parse `30s`, `10m`, `2h`, `7d`, `1w`, `1h30m`, `1.5h` to milliseconds. Throws UsageError naming
 * `option` (the command-line option the duration came with).
 */
export function parseDuration(text: string, option = '--older-than'): number {
  const s = text.trim();
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
  let ms = 0;
  let pos = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (m === null) break;
    ms += Number(m[1]) * UNITS[m[2]!]!;
    pos = part.lastIndex;
  }
  if (s.length === 0 || pos !== s.length) throw new UsageError(`${option} ${text}: expected a duration like 30s, 10m, 2h, 7d`);
  return ms;
}

function parseKeep(v: string | number): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--keep ${v}: expected a number of processes (0 or more)`);
  return n;
}

/** The processes a collection deletes, and those it keeps because they are being recorded. */
export interface GcSelection {
  readonly dryRun: boolean;
  /** Ids of the processes to delete. */
  readonly doomed: ReadonlySet<string>;
  /** Ids of the processes being recorded right now (never deleted). */
  readonly live: readonly string[];
}

/**
 * Which of `all` (newest first; status `recording` for one being recorded right now) a collection
 * with `opts` deletes (see the file comment): the choice `tc gc` makes, in a registry or a bucket.
 * Throws UsageError for bad options.
 */
export function selectGarbage(all: readonly ProcessSummary[], opts: GcOptions = {}): GcSelection {
  const cutoff = opts.olderThan === undefined ? undefined : (opts.now ?? new Date()).getTime() - parseDuration(opts.olderThan);
  const keep = opts.keep === undefined ? undefined : parseKeep(opts.keep);
  const live = all.filter((p) => p.status === 'recording').map((p) => p.id);
  const doomed = new Set<string>();
  if (cutoff !== undefined || keep !== undefined) {
    all.forEach((p, rank) => {
      if (p.status === 'recording' || p.startTime === undefined) return;
      if (keep !== undefined && rank < keep) return;
      if (cutoff !== undefined && !(Date.parse(p.startTime) < cutoff)) return;
      doomed.add(p.id);
    });
  }
  return { dryRun: opts.dryRun === true, doomed, live };
}

/** Collect garbage in `registry` (see the file comment). Throws UsageError for bad options. */
export function collectGarbage(registry: Registry, opts: GcOptions = {}): GcResult {
  const all = listProcesses(registry); // newest first
  const { dryRun, doomed, live } = selectGarbage(all, opts);
  const processes: DeletedProcess[] = all
    .filter((p) => doomed.has(p.id))
    .map((p) => ({ id: p.id, startTime: p.startTime, size: dryRun ? p.size : removeProcess(registry, p.id) }));

  // Modules still used: by the processes left (listed again after deleting, to see new ones).
  const remaining = dryRun ? all.filter((p) => !doomed.has(p.id)) : listProcesses(registry);
  const used = new Set(remaining.map((p) => p.module?.digest));
  const modules: DeletedModule[] = listModules(registry)
    .filter((m) => !used.has(m.digest))
    .map((m) => ({ digest: m.digest, name: m.name, size: dryRun ? moduleSize(registry, m.digest) : removeModule(registry, m.digest) }));

  const leftovers = findLeftovers(registry, (opts.now ?? new Date()).getTime() - LEFTOVER_AGE_MS);
  if (!dryRun) for (const l of leftovers) fs.rmSync(join(registry.root, l.path), { recursive: true, force: true });

  const bytes = [...processes, ...modules, ...leftovers].reduce((n, x) => n + x.size, 0);
  return { dryRun, processes, modules, leftovers, live, freed: { processes: processes.length, modules: modules.length, bytes } };
}

/** How long a leftover must have been unchanged before gc deletes it (ms). */
const LEFTOVER_AGE_MS = 3600_000;

/** Whether process `pid` runs on this machine (EPERM: it does, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * The temporary entries in modules/, processes/ and each process directory whose writer is not
 * running and that have not changed since `cutoff` (ms since the epoch).
 */
export function findLeftovers(registry: Registry, cutoff: number): Leftover[] {
  const out: Leftover[] = [];
  const scan = (dir: string, deeper: boolean) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(join(registry.root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      const pid = tempWriter(e.name);
      if (pid === undefined) {
        if (deeper && e.isDirectory()) scan(path, false);
        continue;
      }
      const full = join(registry.root, path);
      const st = fs.lstatSync(full, { throwIfNoEntry: false });
      if (st === undefined || pid === process.pid || running(pid) || st.mtimeMs >= cutoff) continue;
      out.push({ path, pid, size: treeSize(full) });
    }
  };
  scan('modules', false);
  scan('processes', true);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

