/**
 * The portable codec: the CRC-32 of src/core/crc32.ts and fflate's inflate. A module of its own so that
 * what does not use it (Node's replay, with zlib) does not load fflate and build its tables at start-up.
 */
import { inflateSync } from 'fflate';
import { crc32 } from './crc32.js';
import type { Codec } from './segment.js';

/** The portable codec. Node's zlib is faster (src/log/zlib.ts). */
export const PORTABLE_CODEC: Codec = {
  crc32,
  inflate: (payload, size) => (size < 0 ? inflateSync(payload) : inflateSync(payload, { out: new Uint8Array(size) })),
};
