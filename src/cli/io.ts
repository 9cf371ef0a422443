/**
 * Synchronous, unbuffered output for the CLI (works with pipes set non-blocking by a parent). A write
 * to a pipe whose reader has gone (`tc trace <id> | head -1`) throws {@link OutputClosed}: the CLI then
 * stops quietly with exit 141, as a program killed by SIGPIPE (Node ignores SIGPIPE, so the write
 * fails with EPIPE instead).
 */
import { writeSync } from 'node:fs';
import { OutputClosed } from '../errors.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `data` to host fd `fd`, retrying on EAGAIN. Throws {@link OutputClosed} on EPIPE. */
export function writeFd(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EPIPE') throw new OutputClosed(fd);
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
}

export const stdout = (s: string | Uint8Array): void => writeFd(1, s);
export const stderr = (s: string | Uint8Array): void => writeFd(2, s);
