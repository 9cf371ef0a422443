import { lstatSync, readlinkSync } from 'node:fs';
import { errno } from '../wasi/errno.js';

/** Most symlinks followed while resolving one path before ELOOP (Linux's limit). */
export const MAX_SYMLINKS = 40;

/** A resolved guest path: the host path to use and its components relative to the preopen root. */
export type Resolved = { readonly errno: 0; readonly host: string; readonly rel: readonly string[] } | { readonly errno: number };

/**
 * Resolve `path`, relative to the directory `base` (components below the preopen `root`), to a host path
 * that is guaranteed to lie inside `root`.
 *
 * Components are walked one by one: `.` is skipped, `..` pops (popping past the root is ENOTCAPABLE),
 * and every symlink met on the way (and the last component too when `followLast`) is read and its target
 * spliced in: an absolute target is ENOTCAPABLE, more than {@link MAX_SYMLINKS} links is ELOOP.
 * An absolute `path` is ENOTCAPABLE; an empty one ENOENT; one holding NUL is EINVAL.
 * A trailing `/` asks for a directory: the last component is followed and the host path keeps the slash,
 * so the host reports ENOTDIR for a file.
 *
 * The host is never asked about anything outside `root` (only `lstat`/`readlink` below it).
 * Races with other processes changing the tree between resolution and use are not defended against.
 */
export function resolvePath(root: string, base: readonly string[], path: string, followLast: boolean): Resolved {
  if (path.length === 0) return { errno: errno.NOENT };
  if (path.includes('\0')) return { errno: errno.INVAL };
  if (path.startsWith('/')) return { errno: errno.NOTCAPABLE };
  const trailingSlash = path.endsWith('/');
  if (trailingSlash) followLast = true;
  const stack = [...base];
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  let links = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '..') {
      if (stack.length === 0) return { errno: errno.NOTCAPABLE };
      stack.pop();
      continue;
    }
    stack.push(c);
    const last = pending.length === 0;
    if (last && !followLast) break;
    const host = hostPath(root, stack);
    const st = lstatSync(host, { throwIfNoEntry: false });
    if (st === undefined) {
      if (last) break;
      return { errno: errno.NOENT };
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) return { errno: errno.LOOP };
      const target = readlinkSync(host);
      if (target.startsWith('/')) return { errno: errno.NOTCAPABLE };
      stack.pop();
      pending = [...target.split('/').filter((t) => t !== '' && t !== '.'), ...pending];
    } else if (!last && !st.isDirectory()) {
      return { errno: errno.NOTDIR };
    }
  }
  const host = hostPath(root, stack);
  return { errno: 0, host: trailingSlash && stack.length > 0 ? `${host}/` : host, rel: stack };
}

/** Join a preopen root and components. */
export function hostPath(root: string, rel: readonly string[]): string {
  return rel.length === 0 ? root : `${root}/${rel.join('/')}`;
}
