/**
 * The registry's storage: keyed blobs in a directory. Keys are `/`-separated relative paths.
 * Writes are atomic (temp file + rename), so readers and concurrent writers never see a partial blob.
 * Directories are created 0700 and files 0600: recordings hold environment values and file data.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TcError } from '../errors.js';

/** A store of keyed blobs; a remote object store can implement it later. */
export interface Store {
  /** The blob at `key`, or undefined. */
  get(key: string): Uint8Array | undefined;
  /**
   * Write `bytes` at `key` atomically, replacing any blob there; its directory is created, unless
   * `create` is false (the write then fails with ENOENT when the directory is gone).
   */
  put(key: string, bytes: Uint8Array | string, options?: { readonly create?: boolean }): void;
  /** Write `bytes` at `key` unless a blob is there already; true when written. */
  putIfAbsent(key: string, bytes: Uint8Array): boolean;
  /** Keys directly below `prefix` (one level), sorted; with `kind`, only the files or only the directories. */
  list(prefix: string, kind?: 'file' | 'dir'): string[];
  /** Delete the blob, or the whole tree, at `key`; no error when absent. */
  delete(key: string): void;
  /** Size in bytes of the blob at `key`, or undefined. */
  size(key: string): number | undefined;
  /** Local path of `key` (for streaming segment reads and appends). */
  path(key: string): string;
}

let temps = 0;

/**
 * A temporary name beside `path`, for a file written and then renamed into place: unique among
 * writers (the process id, a count, and a random part for writers on other hosts sharing the
 * directory). Not a secret, so Math.random: node:crypto's randomBytes costs ~0.5 ms on first use.
 */
export const tempPath = (path: string): string => `${path}.tmp-${process.pid}-${temps++}-${Math.random().toString(36).slice(2, 10)}`;

/** The process id of the writer of a {@link tempPath} named `name`, or undefined for another name. */
export function tempWriter(name: string): number | undefined {
  const m = /\.tmp-(\d+)-/.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/** Thrown when the registry cannot be written or read (one-line message). */
export class RegistryError extends TcError {}

/** A {@link Store} on a local directory. */
export class DirStore implements Store {
  constructor(readonly root: string) {}

  path(key: string): string {
    return join(this.root, key);
  }

  get(key: string): Uint8Array | undefined {
    try {
      return readFileSync(this.path(key));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  put(key: string, bytes: Uint8Array | string, options: { readonly create?: boolean } = {}): void {
    const target = this.path(key);
    if (options.create !== false) mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    const tmp = tempPath(target);
    try {
      writeFileSync(tmp, bytes, { mode: 0o600 });
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  putIfAbsent(key: string, bytes: Uint8Array): boolean {
    if (existsSync(this.path(key))) return false;
    this.put(key, bytes);
    return true;
  }

  list(prefix: string, kind?: 'file' | 'dir'): string[] {
    try {
      return readdirSync(this.path(prefix), { withFileTypes: true })
        .filter((d) => !d.name.includes('.tmp-') && (kind === undefined || (kind === 'dir' ? d.isDirectory() : d.isFile())))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    }
  }

  delete(key: string): void {
    rmSync(this.path(key), { recursive: true, force: true });
  }

  size(key: string): number | undefined {
    return statSync(this.path(key), { throwIfNoEntry: false })?.size;
  }
}
