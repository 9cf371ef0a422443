/**
 * A validator of asciicast v2 files, after the spec (https://docs.asciinema.org/manual/asciicast/v2/):
 * newline-delimited JSON, a header object first, then one event array a line.
 */

/** The header: version, terminal size, and the optional fields the spec names. */
export interface CastHeader {
  readonly version: 2;
  readonly width: number;
  readonly height: number;
  readonly timestamp?: number;
  readonly duration?: number;
  readonly idle_time_limit?: number;
  readonly command?: string;
  readonly title?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly theme?: { readonly fg: string; readonly bg: string; readonly palette: string };
}

/** An event: time in seconds, type (`o` output, `i` input, `m` marker, `r` resize), data. */
export type CastEvent = readonly [time: number, code: 'o' | 'i' | 'm' | 'r', data: string];

const HEADER_KEYS = new Set(['version', 'width', 'height', 'timestamp', 'duration', 'idle_time_limit', 'command', 'title', 'env', 'theme']);
const COLOUR = /^#[0-9a-fA-F]{6}$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isPositiveInteger = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Check the header; throws naming what is wrong. */
export function checkHeader(h: unknown): CastHeader {
  if (!isObject(h)) throw new Error('header: not a JSON object');
  for (const k of Object.keys(h)) if (!HEADER_KEYS.has(k)) throw new Error(`header: unknown key ${k}`);
  if (h.version !== 2) throw new Error(`header: version ${JSON.stringify(h.version)}, not 2`);
  if (!isPositiveInteger(h.width) || !isPositiveInteger(h.height)) throw new Error('header: width and height must be positive integers');
  if (h.timestamp !== undefined && !Number.isSafeInteger(h.timestamp)) throw new Error('header: timestamp must be an integer (Unix seconds)');
  if (h.duration !== undefined && !isTime(h.duration)) throw new Error('header: duration must be a number of seconds');
  if (h.idle_time_limit !== undefined && !(isTime(h.idle_time_limit) && h.idle_time_limit > 0)) throw new Error('header: idle_time_limit must be positive');
  for (const k of ['command', 'title'] as const) if (h[k] !== undefined && typeof h[k] !== 'string') throw new Error(`header: ${k} must be a string`);
  if (h.env !== undefined && !(isObject(h.env) && Object.values(h.env).every((v) => typeof v === 'string'))) throw new Error('header: env must map names to strings');
  if (h.theme !== undefined) {
    const t = h.theme;
    const palette = isObject(t) && typeof t.palette === 'string' ? t.palette.split(':') : [];
    if (!isObject(t) || typeof t.fg !== 'string' || !COLOUR.test(t.fg) || typeof t.bg !== 'string' || !COLOUR.test(t.bg) || ![8, 16].includes(palette.length) || !palette.every((c) => COLOUR.test(c))) {
      throw new Error('header: theme must be { fg, bg, palette } of #rrggbb colours (8 or 16 in the palette)');
    }
  }
  return h as unknown as CastHeader;
}

/** Check one event, after one at `previous` seconds; throws naming what is wrong. */
export function checkEvent(e: unknown, previous: number): CastEvent {
  if (!Array.isArray(e) || e.length !== 3) throw new Error('event: not an array of 3');
  const [time, code, data] = e as unknown[];
  if (!isTime(time)) throw new Error(`event: time ${JSON.stringify(time)} is not a number of seconds`);
  if (time < previous) throw new Error(`event: time ${time} before the previous event's ${previous}`);
  if (code !== 'o' && code !== 'i' && code !== 'm' && code !== 'r') throw new Error(`event: type ${JSON.stringify(code)}`);
  if (typeof data !== 'string') throw new Error('event: data is not a string');
  if (code === 'r' && !/^\d+x\d+$/.test(data)) throw new Error(`event: resize to ${JSON.stringify(data)}`);
  return e as unknown as CastEvent;
}

/** Parse and check a whole file; throws naming the line at fault. */
export function parseCast(text: string): { header: CastHeader; events: CastEvent[] } {
  if (!text.endsWith('\n')) throw new Error('the file does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const at = (i: number, f: () => void) => {
    try {
      f();
    } catch (e) {
      throw new Error(`line ${i + 1}: ${(e as Error).message}`);
    }
  };
  let header: CastHeader | undefined;
  at(0, () => (header = checkHeader(JSON.parse(lines[0]!))));
  const events: CastEvent[] = [];
  for (let i = 1; i < lines.length; i++) at(i, () => events.push(checkEvent(JSON.parse(lines[i]!), events.at(-1)?.[0] ?? 0)));
  const last = events.at(-1)?.[0] ?? 0;
  if (header!.duration !== undefined && header!.duration < last) throw new Error(`header: duration ${header!.duration} before the last event (${last})`);
  return { header: header!, events };
}
