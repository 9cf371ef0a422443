/**
 * The progress bar of `tc push` and `tc pull` (cli-progress): bytes moved of the total, the rate and
 * the time left, on stderr. Only on a terminal, and only for a transfer that takes longer than a
 * second: a quick one, or one whose stderr is a pipe or a file, prints nothing.
 */
import { SingleBar } from 'cli-progress';
import { humanBytes } from './render.js';

/** Bytes moved so far, of the total planned. */
export interface Progress {
  readonly bytes: number;
  readonly total: number;
}

/** Where the bar goes: a terminal's stream (stderr), or anything shaped like one (tests). */
export interface BarStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string, cb?: () => void): boolean;
}

export interface ProgressBar {
  /** The transfer moved on. */
  update(p: Progress): void;
  /** The transfer is over (done or failed): the bar, if shown, ends its line. */
  stop(): void;
}

/**
 * A progress bar for a transfer named `label` (`push`, `pull`) that shows itself on `stream` once
 * `delayMs` have passed, if the transfer is not over by then and `stream` is a terminal.
 * `now` gives the time in ms (tests).
 */
export function progressBar(label: string, options: { readonly stream?: BarStream; readonly delayMs?: number; readonly now?: () => number } = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return { update: () => {}, stop: () => {} };
  const now = options.now ?? Date.now;
  const start = now();
  let latest: Progress = { bytes: 0, total: 0 };
  let bar: SingleBar | undefined;
  let over = false;
  const payload = (p: Progress) => {
    const seconds = Math.max((now() - start) / 1000, 0.001);
    return { done: humanBytes(p.bytes), all: humanBytes(p.total), rate: `${humanBytes(Math.round(p.bytes / seconds))}/s` };
  };
  const show = () => {
    if (over) return;
    bar = new SingleBar({
      stream: stream as NodeJS.WritableStream,
      format: `${label} [{bar}] {percentage}% | {done} of {all} | {rate} | ETA {eta_formatted}`,
      barsize: 30,
      hideCursor: false,
      etaBuffer: 50,
      fps: 10,
    });
    bar.start(Math.max(latest.total, 1), latest.bytes, payload(latest));
  };
  const timer = setTimeout(show, options.delayMs ?? 1000);
  timer.unref?.();
  return {
    update(p) {
      latest = p;
      if (bar === undefined) return;
      if (p.total !== bar.getTotal()) bar.setTotal(Math.max(p.total, 1));
      bar.update(p.bytes, payload(p));
    },
    stop() {
      over = true;
      clearTimeout(timer);
      if (bar === undefined) return;
      bar.update(latest.bytes, payload(latest));
      bar.stop();
    },
  };
}
