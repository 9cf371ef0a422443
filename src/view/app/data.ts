/**
 * Where the player's recordings come from: `tc view`'s JSON API (src/view/server.ts), or the data an
 * exported HTML file holds inline (src/view/page.ts). Both give the raw files; the page decodes them.
 */
import type { Annotation } from '../../registry/annotations.js';
import type { Manifest } from '../../registry/registry.js';

/** A row of the library: `tc get process`'s, with the args and the duration. */
export interface ProcessRow {
  readonly id: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly module?: { readonly name: string; readonly digest: string };
  readonly args?: readonly string[];
  readonly status: string;
  readonly exitCode?: number;
  readonly records: number;
  readonly size: number;
}

/** What the player reads of a process. */
export interface Recording {
  readonly manifest: Manifest;
  readonly annotations: Annotation[];
  readonly segments: Uint8Array[];
}

export interface Backend {
  /** `registry`: `tc view` over a registry; `archive`: `tc view file.tcr`; `file`: an exported HTML file. */
  readonly mode: 'registry' | 'archive' | 'file';
  /** Whether notes and deletes are kept (only a registry served with the token). */
  readonly writable: boolean;
  /** The process a single-recording page shows. */
  readonly only?: string;
  processes(): Promise<ProcessRow[]>;
  recording(id: string, onProgress?: (loaded: number, total: number) => void): Promise<Recording>;
  /** The module's bytes, or null when this page has none (an export made with --no-module). */
  module(id: string): Promise<Uint8Array | null>;
  saveAnnotations(id: string, list: readonly Annotation[]): Promise<Annotation[]>;
  remove(id: string): Promise<void>;
  /** Where the `.tcr` downloads from, or null. */
  exportUrl(id: string): string | null;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${url}: ${res.status} ${res.statusText}`);
  }
  if (!res.ok) throw new Error((value as { error?: string }).error ?? `${url}: ${res.status}`);
  return value as T;
}

async function getBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The server's API, with the token from the page's URL for changes. */
export async function httpBackend(): Promise<Backend> {
  const info = await getJson<{ mode: 'registry' | 'archive'; id?: string; writable: boolean }>('/api/info');
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const change = (method: string, body?: unknown): RequestInit => ({
    method,
    headers: { 'x-tc-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const base = (id: string) => `/api/processes/${encodeURIComponent(id)}`;
  return {
    mode: info.mode,
    writable: info.writable && token !== '',
    ...(info.id ? { only: info.id } : {}),
    processes: () => getJson<ProcessRow[]>('/api/processes'),
    async recording(id, onProgress) {
      const p = await getJson<{ manifest: Manifest; segments: number; annotations: Annotation[] }>(base(id));
      const segments: Uint8Array[] = [];
      for (let i = 0; i < p.segments; i++) {
        segments.push(await getBytes(`${base(id)}/log/${i}`));
        onProgress?.(i + 1, p.segments);
      }
      return { manifest: p.manifest, annotations: p.annotations, segments };
    },
    module: (id) => getBytes(`${base(id)}/module`),
    saveAnnotations: (id, list) => getJson<Annotation[]>(`${base(id)}/annotations`, change('PUT', list)),
    remove: async (id) => void (await getJson(base(id), change('DELETE'))),
    exportUrl: (id) => `${base(id)}/export`,
  };
}

/** Base64 to bytes (atob's string would double the memory of a large module). */
export function fromBase64(s: string): Uint8Array {
  const table = new Uint8Array(128);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n = (table[s.charCodeAt(i)]! << 18) | (table[s.charCodeAt(i + 1)]! << 12) | (table[s.charCodeAt(i + 2)]! << 6) | table[s.charCodeAt(i + 3)]!;
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** The recording inlined in an exported HTML file (`#tc-data`, see src/view/page.ts). Notes changed here stay in the page. */
export function fileBackend(element: HTMLElement): Backend {
  const data = JSON.parse(element.textContent ?? '') as { manifest: Manifest; annotations: Annotation[]; segments: string[]; module: string | null };
  const m = data.manifest;
  let notes = data.annotations;
  const segments = data.segments.map(fromBase64);
  const row: ProcessRow = { id: m.id, startTime: m.startTime, ...(m.endTime ? { endTime: m.endTime } : {}), module: m.module, args: m.args, status: m.status, ...(m.exitCode === undefined ? {} : { exitCode: m.exitCode }), records: m.records ?? 0, size: segments.reduce((n, s) => n + s.length, 0) };
  return {
    mode: 'file',
    writable: false,
    only: m.id,
    processes: async () => [row],
    recording: async () => ({ manifest: m, annotations: notes, segments }),
    module: async () => (data.module === null ? null : fromBase64(data.module)),
    saveAnnotations: async (_id, list) => (notes = [...list]),
    remove: async () => {
      throw new Error('an exported recording cannot be deleted from its page');
    },
    exportUrl: () => null,
  };
}
