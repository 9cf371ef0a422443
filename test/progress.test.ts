/**
 * The progress bar of tc push and tc pull (src/cli/progress.ts): on a terminal, once a transfer has
 * taken a second, bytes moved of the total, the rate and the time left; never on a pipe, and not for
 * a transfer over within the second. Time is vitest's fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressBar, type BarStream } from '../src/cli/progress.js';

const MiB = 1024 * 1024;

/** A stream that keeps what is written to it, a terminal or not. */
function stream(isTTY: boolean): BarStream & { text: () => string } {
  const out: string[] = [];
  return {
    isTTY,
    columns: 120,
    write(s: string, cb?: () => void) {
      out.push(s);
      cb?.();
      return true;
    },
    text: () => out.join(''),
  };
}

/** The terminal's escapes: CSI sequences (cursor moves, line clears, wrapping) and saving or restoring the cursor. */
const ESCAPES = /\x1b(\[[0-9;?]*[A-Za-z]|[78])/g;

/** The last line drawn: the text after the last carriage return or cursor move, escapes removed. */
const screen = (s: string): string => s.split(/\r|\x1b\[\d*G/).map((l) => l.replace(ESCAPES, '').trim()).filter((l) => l !== '').at(-1)!;

describe('the progress bar', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows on a terminal once a transfer has taken a second: bytes of the total, the rate, the time left; then ends its line', () => {
    const term = stream(true);
    const bar = progressBar('push', { stream: term });
    bar.update({ bytes: 4 * MiB, total: 64 * MiB });
    vi.advanceTimersByTime(999);
    expect(term.text()).toBe('');
    vi.advanceTimersByTime(1);
    expect(screen(term.text())).toMatch(/^push \[.{30}\] 6% \| 4 MiB of 64 MiB \| 4 MiB\/s \| ETA /);
    for (let s = 2; s <= 4; s++) {
      vi.advanceTimersByTime(1000);
      bar.update({ bytes: 16 * s * MiB - 32 * MiB, total: 64 * MiB });
    }
    expect(screen(term.text())).toMatch(/^push \[.{30}\] 50% \| 32 MiB of 64 MiB \| 8 MiB\/s \| ETA \d+s$/);
    vi.advanceTimersByTime(1000);
    bar.update({ bytes: 64 * MiB, total: 64 * MiB });
    bar.stop();
    expect(term.text().endsWith('\n')).toBe(true);
    expect(screen(term.text())).toMatch(/^push \[={30}\] 100% \| 64 MiB of 64 MiB \| 12\.8 MiB\/s \| ETA 0s$/);
  });

  it('prints nothing on a pipe, nor for a transfer over within a second', () => {
    const pipe = stream(false);
    const onPipe = progressBar('pull', { stream: pipe });
    for (let s = 1; s <= 5; s++) {
      vi.advanceTimersByTime(1000);
      onPipe.update({ bytes: s * MiB, total: 5 * MiB });
    }
    onPipe.stop();
    expect(pipe.text()).toBe('');

    const term = stream(true);
    const quick = progressBar('pull', { stream: term });
    vi.advanceTimersByTime(500);
    quick.update({ bytes: MiB, total: MiB });
    quick.stop();
    vi.advanceTimersByTime(5000);
    expect(term.text()).toBe('');
  });
});
