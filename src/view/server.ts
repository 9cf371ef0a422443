/**
 * `tc view`'s server: the player (built into dist/view/) and a small JSON API over the registry's raw
 * files, or over one exported recording (a `.tcr`) held in memory. The browser decodes the log itself
 * with the portable core; the server reads files and serves bytes.
 *
 * Safety: it binds 127.0.0.1 only; it answers a fixed set of routes whose ids must be process ids (a
 * path names no file: nothing outside the registry or the player can be reached, encoded or not); a
 * change (annotations, delete) needs the per-run token the printed URL carries, in a header a page of
 * another site cannot send without the browser asking this server first (it says no), and a JSON body.
 *
 * API (all under /api, JSON unless said):
 *   GET    /api/info                          { mode: 'registry' | 'archive', id?, writable }
 *   GET    /api/processes                     the processes, as `tc get process -o json`
 *   GET    /api/processes/<id>                { manifest, segments: count, annotations }
 *   GET    /api/processes/<id>/log/<n>        segment n's bytes (application/octet-stream)
 *   GET    /api/processes/<id>/module         the module's bytes (application/wasm)
 *   GET    /api/processes/<id>/export         the `.tcr` (attachment)
 *   PUT    /api/processes/<id>/annotations    body: the notes; token; answers them as stored
 *   DELETE /api/processes/<id>                token
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { TcRegistry } from '../api/registry.js';
import { isTcError, TcError } from '../errors.js';
import { ANNOTATIONS_ENTRY, checkAnnotations, type Annotation } from '../registry/annotations.js';
import { MANIFEST_ENTRY, MODULE_ENTRY } from '../registry/archive.js';
import type { ProcessSummary } from '../registry/inspect.js';
import { PROCESS_ID, type Manifest } from '../registry/registry.js';
import { SecretMarks } from '../core/secrets.js';
import { segmentFileName } from '../core/segment.js';
import { pageHtml, type PlayerAssets } from './page.js';

/** What the server shows: a registry, or one recording read from a `.tcr`. */
export type ViewSource = { readonly kind: 'registry'; readonly registry: TcRegistry } | { readonly kind: 'archive'; readonly path: string };

export interface ViewServerOptions {
  readonly source: ViewSource;
  /** Port to listen on: 0 for any; when the one asked for is taken, another is used (`fellBack`). */
  readonly port: number;
  /** Fail instead of falling back when `port` is taken (it was asked for explicitly). */
  readonly strictPort?: boolean;
  /** The player's built files (default: read from dist/view/ beside this bundle). */
  readonly assets?: PlayerAssets;
}

export interface ViewServer {
  readonly server: Server;
  readonly port: number;
  /** The token changes need (it is in {@link url}). */
  readonly token: string;
  /** The URL to open: the library, or the player of the archive's recording. */
  readonly url: string;
  /** Whether the port asked for was taken and another one used. */
  readonly fellBack: boolean;
  close(): Promise<void>;
}

/** Where the player's built files are: dist/view/, seen from the bundles in dist/ or dist/commands/, or from src/view/. */
export function playerAssets(): PlayerAssets {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = [join(here, 'view'), join(here, '..', 'view'), join(here, '..', '..', 'dist', 'view')].find((d) => fs.existsSync(join(d, 'player.js')));
  if (dir === undefined) throw new TcError('the player is not built: run `make build`');
  return { js: fs.readFileSync(join(dir, 'player.js'), 'utf8'), css: fs.readFileSync(join(dir, 'player.css'), 'utf8') };
}

/** An exported recording, unpacked (read-only). */
interface Archive {
  readonly manifest: Manifest;
  readonly module: Uint8Array;
  readonly segments: Uint8Array[];
  readonly annotations: Annotation[];
  readonly bytes: Uint8Array;
}

function readArchive(path: string): Archive {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TcError(`${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new TcError(`${path}: not a .tcr recording (${(e as Error).message})`);
  }
  const text = (name: string) => new TextDecoder().decode(files[name]!);
  if (files[MANIFEST_ENTRY] === undefined || files[MODULE_ENTRY] === undefined) throw new TcError(`${path}: not a .tcr recording (no ${MANIFEST_ENTRY} or ${MODULE_ENTRY})`);
  const manifest = JSON.parse(text(MANIFEST_ENTRY)) as Manifest;
  const segments: Uint8Array[] = [];
  for (let i = 0; files[`log/${segmentFileName(i)}`] !== undefined; i++) segments.push(files[`log/${segmentFileName(i)}`]!);
  const annotations = files[ANNOTATIONS_ENTRY] === undefined ? [] : checkAnnotations(JSON.parse(text(ANNOTATIONS_ENTRY)));
  return { manifest, module: files[MODULE_ENTRY]!, segments, annotations, bytes };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Start the server. Throws TcError when the source cannot be read or (with strictPort) the port is taken. */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const assets = options.assets ?? playerAssets();
  const token = randomBytes(16).toString('hex');
  const source = options.source;
  const archive = source.kind === 'archive' ? readArchive(source.path) : null;
  const registry = source.kind === 'registry' ? source.registry : null;
  const page = pageHtml(assets, { mode: archive ? 'archive' : 'registry' });

  const send = (res: ServerResponse, status: number, body: string | Uint8Array, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...extra,
    });
    res.end(body);
  };
  const json = (res: ServerResponse, value: unknown, status = 200) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  /** The full id of `id` (a process id in the URL, exactly). */
  const processId = (id: string): string => {
    if (!PROCESS_ID.test(id)) throw new HttpError(404, 'no such process');
    if (archive) {
      if (id !== archive.manifest.id) throw new HttpError(404, 'no such process');
      return id;
    }
    try {
      return registry!.resolveProcess(id) === id ? id : (() => { throw new HttpError(404, 'no such process'); })();
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(404, 'no such process');
    }
  };

  /** A change: the token in its header, a JSON body where one is sent, and not from another origin. */
  const checkChange = (req: IncomingMessage, port: number) => {
    if (req.headers['x-tc-token'] !== token) throw new HttpError(403, 'a change needs the token of the URL tc view printed');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}`) throw new HttpError(403, 'a change from another origin');
  };

  const body = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return reject(new HttpError(415, 'expected application/json'));
      const parts: Buffer[] = [];
      let size = 0;
      req.on('data', (b: Buffer) => {
        size += b.length;
        if (size > 16 << 20) reject(new HttpError(413, 'too large'));
        else parts.push(b);
      });
      req.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
        } catch {
          reject(new HttpError(400, 'not JSON'));
        }
      });
      req.on('error', reject);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, port: number) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    // Pages and assets.
    if (method === 'GET' && (parts.length === 0 || (parts.length === 2 && parts[0] === 'p'))) {
      return send(res, 200, page, 'text/html; charset=utf-8', { 'content-security-policy': CSP });
    }
    if (method === 'GET' && url.pathname === '/assets/player.js') return send(res, 200, assets.js, 'text/javascript; charset=utf-8');
    if (method === 'GET' && url.pathname === '/assets/player.css') return send(res, 200, assets.css, 'text/css; charset=utf-8');
    if (parts[0] !== 'api') throw new HttpError(404, 'not found');
    if (method === 'GET' && parts.length === 2 && parts[1] === 'info') {
      return json(res, { mode: archive ? 'archive' : 'registry', ...(archive ? { id: archive.manifest.id } : {}), writable: !archive });
    }
    if (parts[1] !== 'processes') throw new HttpError(404, 'not found');
    if (method === 'GET' && parts.length === 2) {
      if (archive) return json(res, [summary(archive)]);
      return json(res, registry!.processes().map((p) => withManifest(registry!, p)));
    }
    const id = processId(parts[2] ?? '');
    const rest = parts.slice(3);
    if (method === 'GET' && rest.length === 0) {
      if (archive) return json(res, { manifest: archive.manifest, segments: archive.segments.length, annotations: archive.annotations });
      const d = registry!.describeProcess(id);
      return json(res, { manifest: registry!.registry.readManifest(id), segments: d.segments.length, annotations: registry!.annotations(id) });
    }
    if (method === 'GET' && rest.length === 2 && rest[0] === 'log' && /^\d{1,8}$/.test(rest[1]!)) {
      const n = Number(rest[1]);
      if (archive) {
        const s = archive.segments[n];
        if (s === undefined) throw new HttpError(404, 'no such segment');
        return send(res, 200, s, 'application/octet-stream');
      }
      const bytes = registry!.registry.store.get(`processes/${id}/log/${segmentFileName(n)}`);
      if (bytes === undefined) throw new HttpError(404, 'no such segment');
      return send(res, 200, bytes, 'application/octet-stream');
    }
    if (method === 'GET' && rest.length === 1 && rest[0] === 'module') {
      if (archive) return send(res, 200, archive.module, 'application/wasm');
      return send(res, 200, registry!.registry.getModule(registry!.registry.readManifest(id).module.digest), 'application/wasm');
    }
    if (method === 'GET' && rest.length === 1 && rest[0] === 'export') {
      const disposition = { 'content-disposition': `attachment; filename="${id}.tcr"` };
      if (archive) return send(res, 200, archive.bytes, 'application/zip', disposition);
      const chunks: Uint8Array[] = [];
      registry!.exportProcess(id, (c) => chunks.push(c.slice()));
      return send(res, 200, Buffer.concat(chunks), 'application/zip', disposition);
    }
    if (method === 'PUT' && rest.length === 1 && rest[0] === 'annotations') {
      checkChange(req, port);
      if (archive) throw new HttpError(409, 'an exported recording is read-only');
      const saved = registry!.setAnnotations(id, (await body(req)) as Annotation[]);
      return json(res, saved);
    }
    if (method === 'DELETE' && rest.length === 0) {
      checkChange(req, port);
      if (archive) throw new HttpError(409, 'an exported recording is read-only');
      registry!.removeProcesses([id]);
      return json(res, { deleted: id });
    }
    throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    handle(req, res, port).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : isTcError(e) ? 400 : 500;
      if (!res.headersSent) json(res, { error: (e as Error)?.message ?? String(e) }, status);
      else res.end();
    });
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(e);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve((server.address() as AddressInfo).port);
      });
    });
  let port: number;
  let fellBack = false;
  try {
    port = await listen(options.port);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EADDRINUSE' || options.strictPort) throw new TcError(`port ${options.port}: ${(e as { code?: string }).code === 'EADDRINUSE' ? 'in use' : (e as Error).message}`);
    port = await listen(0);
    fellBack = true;
  }
  const where = archive ? `/p/${archive.manifest.id}` : '/';
  return {
    server,
    port,
    token,
    fellBack,
    url: `http://127.0.0.1:${port}${where}?token=${token}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The page's Content-Security-Policy: its own script and style, WebAssembly, workers from blobs, nothing from elsewhere. */
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A row of the library for an exported recording, from its manifest. */
function summary(a: Archive) {
  const m = a.manifest;
  return {
    id: m.id,
    startTime: m.startTime,
    endTime: m.endTime,
    module: m.module,
    args: m.args.map((x) => new SecretMarks(m.secrets ?? []).text(x)),
    status: m.status,
    exitCode: m.exitCode,
    records: m.records ?? 0,
    size: a.segments.reduce((n, s) => n + s.length, 0),
  };
}

/** A row of the library: `tc get process`'s, with the args and the end time of the manifest (when it reads). */
function withManifest(registry: TcRegistry, p: ProcessSummary) {
  try {
    const m = registry.registry.readManifest(p.id);
    const marks = new SecretMarks(m.secrets ?? []);
    return { ...p, args: m.args.map((x) => marks.text(x)), ...(m.endTime ? { endTime: m.endTime } : {}) };
  } catch {
    return p;
  }
}
