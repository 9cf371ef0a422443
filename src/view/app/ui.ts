/** Small DOM helpers of the player. */

type Attrs = Record<string, string | number | boolean | EventListener | undefined>;
type Child = Node | string | null | undefined | false;

/** An element with attributes (`on<event>` are listeners, `class`, `title`, ...) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Thousands separated: `1,000,002`. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** A time in ns since the process started, for the position: `1.234567 s`. */
export const seconds = (ns: number): string => `${(ns / 1e9).toFixed(6)} s`;

/** Parse a position typed by a person: a record (`1234`, `#1234`) or a time (`1.5s`, `250ms`, `20us`, `300ns`). */
export function parsePosition(text: string): { record: number } | { time: number } | null {
  const t = text.trim().toLowerCase();
  let m = /^#?(\d+)$/.exec(t);
  if (m) return { record: Number(m[1]) };
  m = /^(\d+(?:\.\d+)?)\s*(s|ms|us|µs|ns)$/.exec(t);
  if (!m) return null;
  const scale = { s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 }[m[2] as 's'];
  return { time: Number(m[1]) * scale };
}

/** A hex + text dump of `bytes`, 16 a line, addresses from `base`. */
export function hexDump(bytes: Uint8Array, base = 0, max = 4096): string {
  const lines: string[] = [];
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i += 16) {
    const row = bytes.subarray(i, Math.min(n, i + 16));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(base + i).toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${text}`);
  }
  if (bytes.length > n) lines.push(`… ${count(bytes.length - n)} more bytes`);
  return lines.join('\n');
}
