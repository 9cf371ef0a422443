/**
 * Moving records from the ring into the log: the loop of the log-writing thread of a recording
 * (src/writer.ts), and what the guest's thread runs itself when the recording ended before that
 * thread was up (a short run).
 */
import { existsSync } from 'node:fs';
import { LogWriter, type LogLimits, type SegmentSummary } from './log.js';
import { RingReader, type OnRecords, type RingMemory } from './ring.js';

/** What a finished log is: its totals, and the error that stopped writing it, if one did. */
export interface LogReport {
  readonly records: number;
  readonly segments: readonly SegmentSummary[];
  /** The message of the error that stopped writing (the records after it were dropped). */
  readonly error?: string;
}

/** How often (ns) {@link LogPump.run} looks whether the log directory is still there. */
const REMOVED_CHECK_NS = 100e6;

/**
 * Drains a ring into a {@link LogWriter}. A failing write (a full disk) stops writing but not
 * draining, so the guest never blocks on a ring nobody empties; the error is reported at the end.
 * So does a log directory that is gone (`tc rm --force` of the process): nothing is created again.
 */
export class LogPump {
  readonly reader: RingReader;
  private readonly writer: LogWriter;
  private error: Error | null = null;
  private checkedAt = 0;
  private readonly append: OnRecords = (buf, start, end, release, cuts, keep) => {
    if (this.error !== null) return;
    try {
      return this.writer.appendRecords(buf, start, end, release, cuts, keep);
    } catch (e) {
      this.error = e as Error;
    }
  };

  /** `logDir` must exist (tc run makes it with the process): it is never created again once removed. */
  constructor(
    ring: RingMemory,
    private readonly logDir: string,
    limits: LogLimits,
  ) {
    this.reader = new RingReader(ring);
    this.writer = new LogWriter(logDir, limits, { create: false });
  }

  /** Move every record committed so far into the log; flush the batch if it is `batchNs` old at `now` (ns). */
  drain(now: number): void {
    this.reader.drain(this.append);
    // Records left in the ring (the start of a batch) that are due: take them, to flush them.
    if (this.error === null && this.writer.keptDue(now)) this.reader.drain(this.append, false);
    if (this.error !== null) return;
    try {
      this.writer.flushIfDue(now);
    } catch (e) {
      this.error = e as Error;
    }
  }

  /**
   * Drain until the producer has closed the ring, waiting on it between drains (yielding to this
   * thread's event loop each time, so its signal handler runs): flushes on time meanwhile. `now` gives
   * ns on the producer's clock.
   */
  async run(now: () => number, waitMs = 5): Promise<void> {
    for (;;) {
      const closed = this.reader.closed;
      const t = now();
      if (this.error === null && t - this.checkedAt >= REMOVED_CHECK_NS) {
        this.checkedAt = t;
        if (!existsSync(this.logDir)) this.error = new Error(`${this.logDir}: removed`);
      }
      this.drain(t);
      if (closed) return;
      await this.reader.wait(waitMs);
    }
  }

  /** Drain what is left, flush and close the log. */
  close(): LogReport {
    this.reader.drain(this.append, false);
    if (this.error === null) {
      try {
        this.writer.close();
      } catch (e) {
        this.error = e as Error;
      }
    }
    const segments = this.writer.segments.map((s) => ({ ...s }));
    return { records: this.writer.recordCount, segments, ...(this.error !== null ? { error: this.error.message } : {}) };
  }
}
