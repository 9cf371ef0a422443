/** Synchronous, unbuffered output for the CLI (works with pipes set non-blocking by a parent). */
import { writeSync } from 'node:fs';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `data` to host fd `fd`, retrying on EAGAIN. */
export function writeFd(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
}

export const stdout = (s: string | Uint8Array): void => writeFd(1, s);
export const stderr = (s: string | Uint8Array): void => writeFd(2, s);
