/** Change one byte of a record's input in a process's log, re-encoding its batch (checksum and sizes stay consistent). */
import * as fs from 'node:fs';
import { ByteReader, decodeRecord } from '../../src/core/codec.js';
import { PORTABLE_CODEC } from '../../src/core/portable-codec.js';
import { bytesSource, segmentFrames, unpackBatch } from '../../src/core/segment.js';
import { segmentFiles } from '../../src/log/files.js';
import { encodeBatch } from '../../src/timemachine/log.js';

/** Flip bit 5 of byte `at` of input `input` of record `record` in the log in `logDir`. Throws when there is no such byte. */
export function alterInput(logDir: string, record: number, at = 0, input = 0): void {
  let changed = false;
  for (const seg of segmentFiles(logDir)) {
    const src = bytesSource(new Uint8Array(fs.readFileSync(seg.path)));
    const parts: Uint8Array[] = [];
    for (const f of segmentFrames(src, seg.index)) {
      const recs = unpackBatch(src, seg.index, f, { keepTimestampOffset: true }, PORTABLE_CODEC, { bytes: new Uint8Array(0) }).slice();
      const info = f.info;
      if (record >= info.firstOffset && record < info.firstOffset + info.recordCount) {
        const r = new ByteReader(recs);
        for (let n = info.firstOffset; n <= record; n++) {
          const rec = decodeRecord(r, n, 0);
          if (n !== record) continue;
          const bytes = rec.inputs[input];
          if (bytes === undefined || at >= bytes.length) throw new Error(`record ${record} has no input byte ${at}`);
          recs[bytes.byteOffset - recs.byteOffset + at]! ^= 0x20;
          changed = true;
        }
      }
      const { segment, batch, firstOffset, firstTimestamp, lastTimestamp, recordCount } = info;
      parts.push(...encodeBatch({ segment, batch, firstOffset, firstTimestamp, lastTimestamp, recordCount }, recs, 6, info.filter));
    }
    fs.writeFileSync(seg.path, Buffer.concat(parts));
  }
  if (!changed) throw new Error(`no record ${record} in ${logDir}`);
}
