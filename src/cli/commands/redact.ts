/**
 * `tc redact <id>`: a new process with secrets taken out of a recording already made; prints its id
 * and whether it replays without them (or the data, with -o json|yaml).
 */
import { redact, type RedactResult } from '../../api/redact.js';
import { stdout } from '../io.js';
import { outputFormat, render } from '../render.js';

export interface RedactCommandOptions {
  registry?: string;
  output?: string;
  env?: string[];
  value?: string[];
  file?: string[];
}

/** The text of `tc redact`: the new id, then the verdict. */
export const redactText = (r: RedactResult): string => `${r.id}\n${r.redaction.message}\n`;

/** `tc redact`: returns the exit code (0 whatever the verdict: the new process is there). */
export async function redactCommand(id: string, opts: RedactCommandOptions): Promise<number> {
  const format = outputFormat(opts.output);
  const r = await redact(id, { registry: opts.registry, env: opts.env, values: opts.value, files: opts.file });
  stdout(render(format, r, () => redactText(r)));
  return 0;
}
