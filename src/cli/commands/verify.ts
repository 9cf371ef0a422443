/**
 * `tc verify <process-id>`: check a whole process (manifest, module, every batch and record of its
 * log) and print one line per problem, then a summary. Exit 0 when nothing is damaged, 254 when
 * something is (src/registry/verify.ts says what is checked).
 */
import { EXIT } from '../../errors.js';
import { openRegistry } from '../../api/registry.js';
import type { VerifyResult } from '../../registry/verify.js';
import { problemLine } from '../../registry/verify.js';
import { stdout } from '../io.js';
import { outputFormat, render } from '../render.js';

export interface VerifyOptions {
  registry?: string;
  /** `text` (default), `json` or `yaml`. */
  output?: string;
}

/** Verify process `id` (a unique prefix). Throws UnknownIdError for an unknown or ambiguous id. */
export function verify(id: string, opts: VerifyOptions = {}): VerifyResult {
  return openRegistry(opts.registry).verify(id);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The text `tc verify` prints: one line per problem, then `ok: ...` or `damaged: ...`. */
export function verifyText(r: VerifyResult): string {
  const lines = r.problems.map(problemLine);
  const counts = `${plural(r.records, 'record')}, ${plural(r.batches, 'batch').replace(/batchs$/, 'batches')}, ${plural(r.segments, 'segment')}`;
  if (r.ok) {
    const note = r.status === 'recording' ? ' (still being recorded)' : r.unfinished || r.status === 'incomplete' ? ' (the recording did not finish)' : '';
    lines.push(`ok: ${counts}${note}`);
  }
  else {
    const n = r.problems.filter((p) => p.damage).length;
    lines.push(`damaged: ${plural(n, 'problem')} (read: ${counts})`);
  }
  return `${lines.join('\n')}\n`;
}

/** `tc verify`: prints, returns 0 when clean and {@link EXIT.CORRUPT} when damaged. */
export function verifyCommand(id: string, opts: VerifyOptions): number {
  const format = outputFormat(opts.output);
  const r = verify(id, opts);
  stdout(render(format, r, () => verifyText(r)));
  return r.ok ? 0 : EXIT.CORRUPT;
}
