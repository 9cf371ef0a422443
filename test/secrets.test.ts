/**
 * The secret scrubber of the core (src/core/secrets.ts) on generated streams: hiding then restoring
 * gives every byte back, however the data is cut into reads; no whole secret is left in what is
 * hidden, and a secret split across reads leaves at most its first splitBytes(length) - 1 bytes in
 * clear; the marks find what was hidden.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/core/codec.js';
import { SecretMarks, SecretScrubber, secretUses, splitBytes, type SecretValue } from '../src/core/secrets.js';
import { SYSCALL } from '../src/wasi/syscalls.js';

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

/** Does `hay` hold `needle` anywhere? */
function holds(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

// Data and secrets are made of lowercase letters and punctuation; placeholders of capitals and
// digits, so that the data never holds a placeholder by chance (tc's placeholders are random
// letters and digits of a large alphabet: that chance is stated, not tested).
const DATA = 'abc-_.:';
const PLACE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const secretArb = fc.array(fc.constantFrom(...DATA), { minLength: 4, maxLength: 12 }).map((a) => a.join(''));
/** Distinct characters, as tc draws placeholders (none repeats a run of its own start: see placeholderProblem). */
function placeholderFor(value: string, seed: number): string {
  const chars = [...PLACE];
  for (let i = chars.length - 1, x = seed + 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.slice(0, value.length).join('');
}

/** A stream made of filler and occurrences of the secrets, and where to cut it into reads. */
const streamArb = fc
  .record({
    secrets: fc.uniqueArray(secretArb, { minLength: 1, maxLength: 3 }),
    parts: fc.array(fc.oneof(fc.nat({ max: 2 }).map((i) => ({ secret: i })), fc.array(fc.constantFrom(...DATA), { maxLength: 10 }).map((a) => ({ text: a.join('') }))), { maxLength: 14 }),
    cuts: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 }),
    seed: fc.nat({ max: 1 << 16 }),
  })
  .map(({ secrets, parts, cuts, seed }) => {
    // One shuffle for all of them, cut into pieces: no two placeholders share a character.
    const pool = placeholderFor('x'.repeat(PLACE.length), seed);
    let used = 0;
    const values: SecretValue[] = secrets.map((s, i) => ({ name: `S${i}`, value: bytes(s), placeholder: bytes(pool.slice(used, (used += s.length))) }));
    const data = bytes(parts.map((p) => ('secret' in p ? secrets[p.secret % secrets.length]! : p.text)).join(''));
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (let k = 0; at < data.length; k++) {
      const n = Math.min(cuts[k % cuts.length]!, data.length - at);
      chunks.push(data.slice(at, at + n));
      at += n;
    }
    return { values, data, chunks };
  });

describe('SecretScrubber', () => {
  it('hides and restores a stream exactly, however it is cut into reads', () => {
    fc.assert(
      fc.property(streamArb, ({ values, data, chunks }) => {
        const hide = new SecretScrubber(values, 'hide');
        const restore = new SecretScrubber(values, 'restore');
        const hidden = chunks.map((c) => {
          const h = c.slice();
          hide.blob(h, 6);
          return h;
        });
        const back = hidden.map((h) => {
          const r = h.slice();
          restore.blob(r, 6);
          return r;
        });
        expect(Buffer.concat(back)).toEqual(Buffer.from(data));
        // No whole secret in what is hidden, however the reads put it back together.
        const all = Buffer.concat(hidden);
        for (const v of values) expect(holds(all, v.value), `${new TextDecoder().decode(all)} holds ${v.name}`).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('a secret split across reads leaves at most its first splitBytes - 1 bytes in clear', () => {
    const value = bytes('hunter2-correct-horse');
    const placeholder = bytes('Q'.repeat(value.length).replace(/Q/g, (_, i: number) => PLACE[i % PLACE.length]!));
    const s: SecretValue = { name: 'PASSWORD', value, placeholder };
    const data = bytes(`user=alice pass=${'hunter2-correct-horse'} end\n`);
    const at = data.indexOf(value[0]!, 10);
    // Cut the stream at every place inside the secret, and in three pieces around it.
    for (let cut = at + 1; cut < at + value.length; cut++) {
      for (const second of [cut + 1, cut + 3, data.length]) {
        const hide = new SecretScrubber([s], 'hide');
        const pieces = [data.slice(0, cut), data.slice(cut, Math.min(second, data.length)), data.slice(Math.min(second, data.length))].filter((p) => p.length > 0);
        const hidden = pieces.map((p) => {
          const h = p.slice();
          hide.blob(h, 2);
          return h;
        });
        const all = Buffer.concat(hidden);
        const clear = [...all.subarray(at, at + value.length)].filter((b, i) => b === value[i]).length;
        const inFirst = cut - at;
        expect(clear, `cut after ${inFirst} bytes`).toBeLessThan(splitBytes(value.length));
        if (inFirst >= splitBytes(value.length)) expect(clear, `cut after ${inFirst} bytes`).toBe(0);
        else if (second === data.length) expect(clear, `cut after ${inFirst} bytes`).toBe(inFirst);
      }
    }
  });

  it('leaves blobs alone that are not streams: no bet on a split, whole occurrences only', () => {
    const s: SecretValue = { name: 'T', value: bytes('tok3n-value'), placeholder: bytes('ABCDEFGHIJK') };
    const hide = new SecretScrubber([s], 'hide');
    const b = bytes('x tok3n-value y tok3n');
    expect(hide.blob(b)).toBe(true);
    expect(new TextDecoder().decode(b)).toBe('x ABCDEFGHIJK y tok3n');
    expect(hide.text('API=tok3n-value')).toBe('API=ABCDEFGHIJK');
  });

  it('scrubs the blobs of an encoded record, never its structure', () => {
    // fd_write(fd=1, iovs=...) whose data holds the secret, and whose params hold its first byte.
    const s: SecretValue = { name: 'K', value: bytes('\x01\x02ab'), placeholder: bytes('WXYZ') };
    const w = new ByteWriter(64);
    w.u8(SYSCALL.fd_write.id);
    w.varint(5);
    for (const v of [1, 0x102, 1, 0x200]) w.varint(v);
    const data = bytes('..\x01\x02ab..');
    w.blob(data, 0, data.length);
    w.varint(0);
    w.blob(new Uint8Array([8, 0, 0, 0]), 0, 4);
    const rec = w.buf.slice(0, w.pos);
    const before = rec.slice();
    new SecretScrubber([s], 'hide').record(rec);
    const changed = [...rec.keys()].filter((i) => rec[i] !== before[i]);
    expect(new TextDecoder().decode(rec.subarray(rec.indexOf(0x2e), rec.indexOf(0x2e) + 8))).toBe('..WXYZ..');
    expect(changed).toHaveLength(4);
  });
});

describe('SecretMarks', () => {
  const marks = new SecretMarks([{ name: 'API_TOKEN', placeholder: 'Zq81Lx0PmWv2' }]);
  it('finds whole placeholders and parts of one at either end of a blob', () => {
    expect(marks.find(bytes('Bearer Zq81Lx0PmWv2\n')).map((r) => [r.start, r.end, r.from, r.to])).toEqual([[7, 19, 0, 12]]);
    expect(marks.find(bytes('Bearer Zq81Lx')).map((r) => [r.start, r.end, r.from, r.to])).toEqual([[7, 13, 0, 6]]);
    expect(marks.find(bytes('0PmWv2\n')).map((r) => [r.start, r.end, r.from, r.to])).toEqual([[0, 6, 6, 12]]);
    // Three bytes are too few to tell.
    expect(marks.find(bytes('xx Zq8'))).toEqual([]);
    expect(marks.text('API_TOKEN=Zq81Lx0PmWv2')).toBe('API_TOKEN=‹secret API_TOKEN›');
  });

  it('names the secrets records use, the latest first', () => {
    const rec = (offset: number, s: string) => ({ offset, inputs: [bytes(s)], outputs: [] });
    const other = new SecretMarks([{ name: 'API_TOKEN', placeholder: 'Zq81Lx0PmWv2' }, { name: 'PASSWORD', placeholder: 'Hh7Yt' }]);
    expect(secretUses([rec(0, 'Hh7Yt'), rec(1, 'nothing'), rec(2, 'x Zq81Lx0PmWv2'), rec(3, 'y')], other)).toEqual([
      { name: 'API_TOKEN', record: 2 },
      { name: 'PASSWORD', record: 0 },
    ]);
  });
});
