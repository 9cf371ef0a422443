/**
 * Annotations: notes people attach to a process's records in the player (`tc view`). Kept beside the
 * manifest as `processes/<id>/annotations.json` (docs/registry.md), carried by export and import,
 * removed with the process.
 */
import { TcError } from '../errors.js';
import { ProcessRemovedError, type Registry } from './registry.js';

/** The file, in a process's directory and in a `.tcr` archive. */
export const ANNOTATIONS_ENTRY = 'annotations.json';

/** One note at a record. Times are ISO 8601. */
export interface Annotation {
  /** Unique within the process (the player makes them). */
  readonly id: string;
  /** The record offset the note is at. */
  readonly record: number;
  readonly text: string;
  readonly created: string;
  readonly updated?: string;
}

/** Notes are short: the file holds at most this many, each at most this long (characters). */
export const MAX_ANNOTATIONS = 10_000;
export const MAX_TEXT = 10_000;

/** A problem with annotations given to tc: one line, exit 250. */
export class AnnotationError extends TcError {}

/**
 * Check `value` (parsed JSON: `{ "annotations": [...] }`, or the list itself) and return the notes,
 * sorted by record then creation. Throws {@link AnnotationError} saying what is wrong.
 */
export function checkAnnotations(value: unknown): Annotation[] {
  const list = Array.isArray(value) ? value : (value as { annotations?: unknown } | null)?.annotations;
  if (!Array.isArray(list)) throw new AnnotationError('annotations: expected a list');
  if (list.length > MAX_ANNOTATIONS) throw new AnnotationError(`annotations: ${list.length} notes, at most ${MAX_ANNOTATIONS}`);
  const ids = new Set<string>();
  const out = list.map((a: unknown, i): Annotation => {
    const o = a as Record<string, unknown> | null;
    const bad = (what: string): never => {
      throw new AnnotationError(`annotation ${i}: ${what}`);
    };
    if (o === null || typeof o !== 'object') bad('not an object');
    if (typeof o!.id !== 'string' || !/^[\w-]{1,64}$/.test(o!.id)) bad('bad id');
    if (ids.has(o!.id as string)) bad(`id ${o!.id} twice`);
    ids.add(o!.id as string);
    if (!Number.isSafeInteger(o!.record) || (o!.record as number) < 0) bad('bad record');
    if (typeof o!.text !== 'string' || (o!.text as string).length > MAX_TEXT) bad('bad text');
    if (typeof o!.created !== 'string' || Number.isNaN(Date.parse(o!.created as string))) bad('bad created time');
    if (o!.updated !== undefined && (typeof o!.updated !== 'string' || Number.isNaN(Date.parse(o!.updated as string)))) bad('bad updated time');
    return { id: o!.id as string, record: o!.record as number, text: o!.text as string, created: o!.created as string, ...(o!.updated === undefined ? {} : { updated: o!.updated as string }) };
  });
  return out.sort((a, b) => a.record - b.record || a.created.localeCompare(b.created));
}

/** The file's bytes for `list`. */
export function annotationsFile(list: readonly Annotation[]): string {
  return `${JSON.stringify({ version: 1, annotations: list }, null, 2)}\n`;
}

/** The notes of process `id` (a full id): none when it has no file. Throws AnnotationError for a damaged file. */
export function readAnnotations(registry: Registry, id: string): Annotation[] {
  const bytes = registry.store.get(`processes/${id}/${ANNOTATIONS_ENTRY}`);
  if (bytes === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new AnnotationError(`process ${id}: ${ANNOTATIONS_ENTRY} is not JSON (${(e as Error).message})`);
  }
  return checkAnnotations(parsed);
}

/**
 * Replace the notes of process `id` (a full id) with `list` (checked), atomically, into the process's
 * directory that is there: throws ProcessRemovedError when it is gone, AnnotationError for a bad list.
 */
export function writeAnnotations(registry: Registry, id: string, list: unknown): Annotation[] {
  const checked = checkAnnotations(list);
  try {
    registry.store.put(`processes/${id}/${ANNOTATIONS_ENTRY}`, annotationsFile(checked), { create: false });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new ProcessRemovedError(id);
    throw e;
  }
  return checked;
}
