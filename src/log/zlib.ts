/**
 * Node's zlib for the log: the CRC-32 of batches and their inflating. The portable core has its own
 * (src/core/crc32.ts, fflate); on Node these run several times faster (docs/RATIONALE.md, "Batches are
 * compressed with Node's zlib, not fflate").
 */
import { crc32 as zlibCrc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Codec } from '../core/segment.js';

/** Bytes summed by {@link crc32} before it sets zlib up for its fast CRC-32. */
const FAST_CRC_AFTER = 4 * 1024 * 1024;
let summed = 0;

/**
 * zlib's CRC-32 of `bytes`, continuing from `value`. zlib uses the CPU's carry-less multiplication
 * (~3.3 GB/s here, against ~1.9) only once a deflate or inflate stream has been set up in the
 * process, and the first one costs ~1.3 ms: this sets one up once 4 MiB have been summed here (a
 * reader of large stored batches, or the writer of one).
 */
export function crc32(bytes: Uint8Array, value = 0): number {
  if (summed < FAST_CRC_AFTER && (summed += bytes.length) >= FAST_CRC_AFTER) deflateRawSync(new Uint8Array(0), { level: 1, memLevel: 1, windowBits: 9 });
  return zlibCrc32(bytes, value);
}

/**
 * Raw DEFLATE `payload` into `size` bytes (-1: as many as it takes). One output chunk larger than the records: zlib then returns
 * it as it is (with the default 16 KiB chunks it would copy them all into one buffer at the end). The
 * chunk is allocated before inflating: a header's size is believed up to 16 MiB. Throws zlib's error.
 */
export function inflate(payload: Uint8Array, size: number): Uint8Array {
  const out = size < 0 ? inflateRawSync(payload) : inflateRawSync(payload, { maxOutputLength: Math.max(size, 1), chunkSize: Math.min(size, 1 << 24) + 64 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // a plain view: Buffer#subarray is slower
}

/** The log's checksum and inflate on Node. */
export const ZLIB: Codec = { crc32, inflate };
