import { lstatSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
import { errno } from '../wasi/errno.js';

/** Most symlinks followed while resolving one path before ELOOP (Linux's limit). */
export const MAX_SYMLINKS = 40;

/**
 * A resolved guest path: the host path to use and its components relative to the preopen root, and
 * `stat`, the `lstat` of `host` (bigint), when the walk made it: the last component followed, and no
 * symlink (so it is also `host`'s `stat`).
 */
export type Resolved =
  | { readonly errno: 0; readonly host: string; readonly rel: readonly string[]; readonly stat?: BigIntStats }
  | { readonly errno: number };

/**
 * Resolve `path`, relative to the directory `base` (components below the preopen `root`), to a host path
 * that is guaranteed to lie inside `root`.
 *
 * Components are walked one by one: `.` is skipped, `..` pops (popping past the root is EPERM),
 * and every symlink met on the way (and the last component too when `followLast`) is read and its target
 * spliced in: an absolute target is EPERM, more than {@link MAX_SYMLINKS} links is ELOOP.
 * An absolute `path` is EPERM (every way out is EPERM, as under wasmtime); an empty one ENOENT; one holding NUL is EINVAL.
 * A trailing `/` asks for a directory: the last component is followed and the host path keeps the slash,
 * so the host reports ENOTDIR for a file.
 *
 * The host is never asked about anything outside `root` (only `lstat`, `readlink` and `realpath` of paths below it).
 * Races with other processes changing the tree between resolution and use are not defended against.
 *
 * A path without `..` whose components the host resolves to themselves (no symlink on the way: see
 * {@link resolvesAsIs}) is answered without the walk, with the result the walk ({@link walkPath})
 * would give.
 */
export function resolvePath(root: string, base: readonly string[], path: string, followLast: boolean): Resolved {
  return resolve(root, base, path, followLast, true);
}

/** {@link resolvePath} by the component walk alone, for every path. */
export function walkPath(root: string, base: readonly string[], path: string, followLast: boolean): Resolved {
  return resolve(root, base, path, followLast, false);
}

function resolve(root: string, base: readonly string[], path: string, followLast: boolean, asIs: boolean): Resolved {
  if (path.length === 0) return { errno: errno.NOENT };
  if (path.includes('\0')) return { errno: errno.INVAL };
  if (path.startsWith('/')) return { errno: errno.PERM };
  const trailingSlash = path.endsWith('/');
  if (trailingSlash) followLast = true;
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  if (asIs && !trailingSlash && shortcutPays(root, base.length, pending.length, followLast) && !pending.includes('..')) {
    const rel = base.length === 0 ? pending : [...base, ...pending];
    if (resolvesAsIs(root, rel, pending.length, followLast)) return { errno: 0, host: hostPath(root, rel), rel };
  }
  const stack = [...base];
  let links = 0;
  let stat: BigIntStats | undefined;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '..') {
      if (stack.length === 0) return { errno: errno.PERM };
      stack.pop();
      continue;
    }
    stack.push(c);
    const last = pending.length === 0;
    if (last && !followLast) break;
    const host = hostPath(root, stack);
    const st = lstatSync(host, { bigint: last, throwIfNoEntry: false });
    if (st === undefined) {
      if (last) break;
      return { errno: errno.NOENT };
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) return { errno: errno.LOOP };
      const target = readlinkSync(host);
      if (target.startsWith('/')) return { errno: errno.PERM };
      stack.pop();
      pending = [...target.split('/').filter((t) => t !== '' && t !== '.'), ...pending];
    } else if (!last && !st.isDirectory()) {
      return { errno: errno.NOTDIR };
    } else if (last && !trailingSlash) {
      stat = st as BigIntStats;
    }
  }
  const host = hostPath(root, stack);
  if (stat !== undefined) return { errno: 0, host, rel: stack, stat };
  return { errno: 0, host: trailingSlash && stack.length > 0 ? `${host}/` : host, rel: stack };
}

/**
 * Whether the walk of {@link resolvePath} over the last `walked` components of `rel` (those of the
 * path, after the directory's own) would meet no symlink and no missing component or non-directory
 * before the last. True when the host's `realpath(3)` of the whole of `rel` gives that very path
 * back: a symlink cannot resolve to its own path (that is a loop), so every component is then a
 * directory, the last one anything but a symlink. A missing last component (a file about to be
 * created) passes when its parent resolves so and the last does not exist at all; a dangling
 * symlink, a symlink as the last component even when it is not to be followed, and any error are
 * left to the walk, which gives the errno. One `realpath` (~3 µs for four components here) against
 * one `lstat` and a Stats object per component (~2.5 µs each).
 */
export function resolvesAsIs(root: string, rel: readonly string[], walked: number, followLast: boolean): boolean {
  if (walked === 0 || (walked === 1 && !followLast)) return true;
  const host = hostPath(root, rel);
  try {
    return realpathSync.native(host) === host;
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') return false;
  }
  try {
    const parent = hostPath(root, rel.slice(0, -1));
    return (parent === root || realpathSync.native(parent) === parent) && lstatSync(host, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

/**
 * Whether {@link resolvesAsIs} is expected to cost less than the walk over `walked` components of a
 * path below `baseDepth` components of the directory, below `root`. `realpath(3)` reads every
 * component from the host's `/`, the root's own included, at ~0.55 µs each here; the walk takes
 * ~2.4 µs (an `lstat`, its Stats object and its share of garbage collection) for each component it
 * looks at: all of them with `followLast`, else all but the last. So a single followed component
 * below a root three deep (`/home/me/src`) is walked, four components below it are not.
 */
export function shortcutPays(root: string, baseDepth: number, walked: number, followLast: boolean): boolean {
  let rootDepth = 0;
  for (let i = 0; i < root.length; i++) if (root.charCodeAt(i) === 47) rootDepth++;
  return 4 * (followLast ? walked : walked - 1) > rootDepth + baseDepth + walked;
}

/** Join a preopen root and components. */
export function hostPath(root: string, rel: readonly string[]): string {
  return rel.length === 0 ? root : `${root}/${rel.join('/')}`;
}
