/**
 * A recording as an asciicast v2 file (https://docs.asciinema.org/manual/asciicast/v2/), the format
 * asciinema records and its player plays: a header line, then one event a line.
 *
 *   {"version":2,"width":80,"height":24,"timestamp":1717171717,"duration":0.004312,"title":"hello.wasm","env":{"TERM":"xterm"}}
 *   [0.003951,"o","Hello, World!\r\n"]
 *
 * The events are the writes that reached the terminal, by the rule replay and `tc trace` follow
 * (FdStreams in src/core/streams.ts: a successful `fd_write` to the host's stdout or stderr, whatever
 * the guest's fd number), stdout and stderr alike, in log order, each at its record's time (the
 * recorded clock: seconds since the process started, to the microsecond). The data is what a terminal
 * receives: a newline goes out as CR LF, as the terminal driver's ONLCR (on by default) sends it.
 *
 * Event data is a JSON string, so text: each stream's bytes are decoded as UTF-8 as they come. A
 * character cut between two writes is held back and goes out whole with the write that completes it
 * (a write that holds only the start of one makes no event); bytes that are not UTF-8, and a
 * character still cut when the log ends, become U+FFFD, as a terminal shows them. So the events'
 * data, concatenated and encoded, is byte for byte what replay prints to a terminal, as long as the
 * program prints UTF-8.
 */
import { FdStreams, writtenBytes } from '../core/streams.js';
import type { LogRecord } from '../core/codec.js';
import { UsageError } from '../errors.js';
import type { Manifest, TerminalSize } from './registry.js';

/** The header line of an asciicast v2 file. */
export interface AsciicastHeader {
  readonly version: 2;
  /** Columns and rows of the terminal. */
  readonly width: number;
  readonly height: number;
  /** When the recording started, in seconds since the Unix epoch. */
  readonly timestamp: number;
  /** Seconds from the start to the last record. */
  readonly duration: number;
  readonly title: string;
  /** TERM and SHELL, when the guest's environment had them. */
  readonly env: Readonly<Record<string, string>>;
}

/** An event: seconds since the start, `o` (output) or `m` (a marker), and its data (text, or the marker's label). */
export type AsciicastEvent = readonly [time: number, code: 'o' | 'm', data: string];

/** A marker for the player: `label` at `time` ns since the start. */
export interface AsciicastMarker {
  readonly time: number;
  readonly label: string;
}

export interface AsciicastOptions {
  /** The terminal's size (default: the recording's terminal, when its stdout was one, else 80x24). */
  readonly size?: TerminalSize;
  /** Colour stderr's output red (SGR 31, back to the default colour after each write). */
  readonly stderrColor?: boolean;
  /**
   * Markers to put among the events (`m` events), in any order. None by default: a recording has no
   * annotations yet; this is where the player's will go.
   */
  readonly markers?: readonly AsciicastMarker[];
}

/** An asciicast: its header and its events, in time order. */
export interface Asciicast {
  readonly header: AsciicastHeader;
  readonly events: readonly AsciicastEvent[];
}

/** The size of a terminal no recording told: asciinema's own default. */
export const DEFAULT_SIZE: TerminalSize = { columns: 80, rows: 24 };

/** The records the cast is made from: a log's, in order. */
type CastRecord = Pick<LogRecord, 'timestamp' | 'syscall' | 'params' | 'result' | 'inputs' | 'outputs'>;

/** ns since the start as asciicast's seconds, to the microsecond. */
const seconds = (ns: number): number => Math.round(ns / 1e3) / 1e6;

const RED = '\x1b[31m';
const DEFAULT_COLOUR = '\x1b[39m';

/**
 * The asciicast of a process: its manifest (size, start, title, environment) and its log's records in
 * order. Throws what reading the records throws.
 */
export function asciicast(manifest: Manifest, records: Iterable<CastRecord>, options: AsciicastOptions = {}): Asciicast {
  const size = options.size ?? manifest.terminal ?? DEFAULT_SIZE;
  const streams = new FdStreams();
  // One decoder a stream: each holds a character cut at the end of a write until the next write of its stream.
  const decoders = [null, new TextDecoder('utf-8', { ignoreBOM: true }), new TextDecoder('utf-8', { ignoreBOM: true })] as const;
  const events: AsciicastEvent[] = [];
  const output = (time: number, stream: 1 | 2, text: string): void => {
    if (text === '') return;
    const data = text.replaceAll('\n', '\r\n');
    events.push([seconds(time), 'o', stream === 2 && options.stderrColor ? `${RED}${data}${DEFAULT_COLOUR}` : data]);
  };
  let last = 0;
  for (const rec of records) {
    last = rec.timestamp;
    const s = streams.follow(rec);
    if (s === 1 || s === 2) output(rec.timestamp, s, decoders[s].decode(writtenBytes(rec), { stream: true }));
  }
  // What is left of a cut character shows as U+FFFD, at the end.
  output(last, 1, decoders[1].decode());
  output(last, 2, decoders[2].decode());
  const markers = [...(options.markers ?? [])].sort((a, b) => a.time - b.time).map((m): AsciicastEvent => [seconds(m.time), 'm', m.label]);
  const env = Object.fromEntries(
    manifest.env
      .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])
      .filter(([name]) => name === 'TERM' || name === 'SHELL'),
  ) as Record<string, string>;
  const lastEvent = events.length > 0 ? events[events.length - 1]![0] : 0;
  return {
    header: {
      version: 2,
      width: size.columns,
      height: size.rows,
      timestamp: Math.floor(Date.parse(manifest.startTime) / 1000),
      duration: Math.max(seconds(last), lastEvent),
      title: manifest.args.length > 0 ? manifest.args.join(' ') : manifest.module.name,
      env,
    },
    events: mergeByTime(events, markers),
  };
}

/** Two lists of events in time order as one; at the same time, `a`'s first. */
function mergeByTime(a: readonly AsciicastEvent[], b: readonly AsciicastEvent[]): AsciicastEvent[] {
  if (b.length === 0) return a as AsciicastEvent[];
  const out: AsciicastEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]![0] <= b[j]![0])) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** The file's lines, each ending with a newline: the header, then the events. */
export function* asciicastLines(cast: Asciicast): Generator<string> {
  const { version, width, height, timestamp, duration, title, env } = cast.header; // in this order
  yield `${JSON.stringify({ version, width, height, timestamp, duration, title, env })}\n`;
  for (const e of cast.events) yield `${JSON.stringify(e)}\n`;
}

/** Parse `--size WxH` (`120x40`): positive columns and rows. Throws UsageError. */
export function parseSize(text: string): TerminalSize {
  const m = /^([1-9]\d{0,4})x([1-9]\d{0,4})$/.exec(text);
  if (m === null) throw new UsageError(`--size ${text}: expected COLUMNSxROWS, as 120x40`);
  return { columns: Number(m[1]), rows: Number(m[2]) };
}
