/**
 * Sizes, durations and times as people read them, for the command line and the player (portable: no
 * Node API).
 */
const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** `512 B`, `1.21 KiB`, `118 MiB`. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  let v = n / 1024;
  let i = 0;
  while (i < BYTE_UNITS.length - 1 && Number(significant(v)) >= 1024) {
    v /= 1024;
    i++;
  }
  return `${significant(v)} ${BYTE_UNITS[i]}`;
}

/** 3 significant digits, without trailing zeros (`1.21`, `12.5`, `118`, `2`). */
function significant(v: number): string {
  const s = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const TIME_UNITS: readonly [string, number][] = [
  ['year', 365 * 86400_000],
  ['month', 30 * 86400_000],
  ['week', 7 * 86400_000],
  ['day', 86400_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** `3 minutes ago`, `1 hour later`, `now` (under a second). */
export function relativeTime(iso: string, now: Date): string {
  const d = now.getTime() - Date.parse(iso);
  if (Number.isNaN(d)) return '(unknown)';
  const abs = Math.abs(d);
  const unit = TIME_UNITS.find(([, ms]) => abs >= ms);
  if (unit === undefined) return 'now';
  const n = Math.floor(abs / unit[1]);
  return `${n} ${unit[0]}${n === 1 ? '' : 's'} ${d > 0 ? 'ago' : 'later'}`;
}

/** `Mon, 29 May 2023 23:00:41 GMT`. */
export const absoluteTime = (iso: string): string => new Date(iso).toUTCString();

/** A duration in ns: `850ns`, `12.3µs`, `15.2ms`, `1.25s`, `2m30s`, `1h2m`, `3d4h`. */
export function humanDuration(ns: number): string {
  if (ns < 1e3) return `${Math.round(ns)}ns`;
  if (ns < 1e6) return `${significant(ns / 1e3)}µs`;
  if (ns < 1e9) return `${significant(ns / 1e6)}ms`;
  if (ns < 60e9) return `${significant(ns / 1e9)}s`;
  return compound(Math.floor(ns / 1e9));
}

function compound(s: number): string {
  const parts: [number, string, number, string] =
    s < 3600 ? [Math.floor(s / 60), 'm', s % 60, 's'] : s < 86400 ? [Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'm'] : [Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h'];
  return `${parts[0]}${parts[1]}${parts[2] ? `${parts[2]}${parts[3]}` : ''}`;
}

/** A fraction as a percentage: `58.27%`. */
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;
