import * as fs from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePath, resolvesAsIs, shortcutPays, walkPath, type Resolved } from '../src/host/sandbox.js';
import { errno } from '../src/wasi/errno.js';
import { tempDir } from './helpers/run.js';

/**
 * The answer without the `lstat` the walk may hand over, after checking that one: it is the `lstat`
 * of the host path, which is no symlink.
 */
function withoutStat(r: Resolved | { threw?: string }): unknown {
  if (!('stat' in r) || r.stat === undefined) return r;
  const { stat, ...rest } = r;
  const now = fs.lstatSync(r.host, { bigint: true });
  expect([stat.ino, stat.dev, stat.mode, stat.isSymbolicLink()]).toEqual([now.ino, now.dev, now.mode, false]);
  return rest;
}

/** outside/secret, root/{a.txt, d/b.txt, links...} */
function tree() {
  const top = tempDir();
  const root = join(top, 'root');
  fs.mkdirSync(join(root, 'd', 'e'), { recursive: true });
  fs.mkdirSync(join(top, 'outside'));
  fs.writeFileSync(join(top, 'outside', 'secret'), 'secret');
  fs.writeFileSync(join(root, 'a.txt'), 'a');
  fs.writeFileSync(join(root, 'd', 'b.txt'), 'b');
  fs.symlinkSync('d/b.txt', join(root, 'to-b'));
  fs.symlinkSync('../a.txt', join(root, 'd', 'up-a'));
  fs.symlinkSync(join(top, 'outside'), join(root, 'abs-out'));
  fs.symlinkSync('../outside', join(root, 'rel-out'));
  fs.symlinkSync('d/../../outside/secret', join(root, 'rel-out-2'));
  fs.symlinkSync('chain-2', join(root, 'chain-1'));
  fs.symlinkSync('rel-out', join(root, 'chain-2'));
  fs.symlinkSync('loop-b', join(root, 'loop-a'));
  fs.symlinkSync('loop-a', join(root, 'loop-b'));
  fs.symlinkSync('d', join(root, 'to-d'));
  return { top, root };
}

describe('resolvePath keeps every path inside the preopen', () => {
  const { root } = tree();
  const ok = (path: string, follow: boolean, rel: string[], base: string[] = []) =>
    expect(withoutStat(resolvePath(root, base, path, follow))).toEqual({ errno: 0, host: rel.length ? `${root}/${rel.join('/')}` : root, rel });
  const refused = (path: string, follow: boolean, e: number, base: string[] = []) => expect(resolvePath(root, base, path, follow)).toEqual({ errno: e });

  it('resolves plain, dotted and nested paths', () => {
    ok('a.txt', false, ['a.txt']);
    ok('./d/./b.txt', false, ['d', 'b.txt']);
    ok('d/e/../b.txt', false, ['d', 'b.txt']);
    ok('.', false, []);
    ok('d/..', false, []);
    ok('new-file', true, ['new-file']);
    ok('b.txt', false, ['d', 'b.txt'], ['d']);
    ok('../a.txt', false, ['a.txt'], ['d']);
  });

  it('follows symlinks inside the root, the last one only when asked', () => {
    ok('to-b', true, ['d', 'b.txt']);
    ok('to-b', false, ['to-b']);
    ok('d/up-a', true, ['a.txt']);
    ok('to-d/b.txt', false, ['d', 'b.txt']);
  });

  it('refuses .. past the root and absolute paths with EPERM (as wasmtime)', () => {
    refused('..', false, errno.PERM);
    refused('../root/a.txt', false, errno.PERM);
    refused('d/../../x', false, errno.PERM);
    refused('../../a.txt', false, errno.PERM, ['d']);
    refused('/etc/passwd', false, errno.PERM);
    refused('/', true, errno.PERM);
  });

  it('refuses symlinks that point outside: absolute, relative, through chains', () => {
    refused('abs-out/secret', false, errno.PERM);
    refused('abs-out', true, errno.PERM);
    refused('rel-out/secret', false, errno.PERM);
    refused('rel-out-2', true, errno.PERM);
    refused('chain-1/secret', false, errno.PERM);
    refused('chain-1', true, errno.PERM);
  });

  it('stops symlink loops with ELOOP', () => {
    refused('loop-a', true, errno.LOOP);
    refused('loop-a/x', false, errno.LOOP);
  });

  it('rejects empty paths, NUL bytes and missing or non-directory components', () => {
    refused('', false, errno.NOENT);
    refused('a\0b', false, errno.INVAL);
    refused('missing/x', false, errno.NOENT);
    refused('a.txt/x', false, errno.NOTDIR);
  });

  it('hands over the lstat of the last component when it followed it to something that is no symlink', () => {
    const r = walkPath(root, [], 'to-b', true);
    expect('stat' in r && r.stat?.ino).toBe(fs.lstatSync(join(root, 'd', 'b.txt'), { bigint: true }).ino);
    expect('stat' in r && r.stat?.isFile()).toBe(true);
    expect('stat' in walkPath(root, [], 'to-d/b.txt', false)).toBe(false); // the last not followed: not looked at
    expect('stat' in walkPath(root, [], 'new-file', true)).toBe(false); // nothing there
    expect('stat' in walkPath(root, [], 'd/', true)).toBe(false); // the host path keeps its slash
    expect('stat' in walkPath(root, [], '.', true)).toBe(false); // no component walked
  });

  it('a dangling symlink as the last component is kept (no follow) or resolved inside (follow)', () => {
    fs.symlinkSync('not-yet', join(root, 'dangling'));
    ok('dangling', false, ['dangling']);
    ok('dangling', true, ['not-yet']);
  });
});

describe('paths the host resolves as they are skip the walk', () => {
  const { top, root } = tree();
  const canonical = fs.realpathSync(root);

  it('takes the shortcut only for symlink-free paths through directories', () => {
    fs.mkdirSync(join(canonical, 'd', 'e', 'f'), { recursive: true });
    fs.writeFileSync(join(canonical, 'd', 'e', 'f', 'g.txt'), 'g');
    const asIs = (rel: string[], follow: boolean, walked = rel.length) => resolvesAsIs(canonical, rel, walked, follow);
    expect(asIs(['d', 'e', 'f', 'g.txt'], true)).toBe(true);
    expect(asIs(['d', 'e', 'f', 'g.txt'], false)).toBe(true);
    expect(asIs(['d', 'e', 'f', 'new.txt'], true)).toBe(true); // missing last: created there
    expect(asIs(['d', 'e', 'f', 'g.txt'], true, 2)).toBe(true); // the directory's own components are checked too
    expect(asIs(['to-d', 'b.txt'], false)).toBe(false); // a symlink on the way
    expect(asIs(['to-b'], true)).toBe(false); // the last, followed
    expect(asIs(['d', 'up-a'], false)).toBe(false); // the last, not followed: left to the walk
    expect(asIs(['a.txt', 'x'], false)).toBe(false); // through a file: ENOTDIR
    expect(asIs(['missing', 'x'], true)).toBe(false);
    expect(asIs(['dangling-2'], true)).toBe(true); // nothing there at all
    fs.symlinkSync('nowhere', join(canonical, 'dangling-2'));
    expect(asIs(['dangling-2'], true)).toBe(false); // now a dangling symlink
    expect(asIs(['d', 'b.txt'], true, 0)).toBe(true); // nothing walked
    expect(asIs(['d', 'b.txt'], false, 1)).toBe(true); // only the last, not followed
    // A root reached through a symlink never resolves as it is: the walk does everything.
    const linked = join(top, 'root-link');
    fs.symlinkSync(canonical, linked);
    expect(resolvesAsIs(linked, ['d', 'b.txt'], 2, true)).toBe(false);
    expect(withoutStat(resolvePath(linked, [], 'd/b.txt', true))).toEqual({ errno: 0, host: `${linked}/d/b.txt`, rel: ['d', 'b.txt'] });
  });

  it('takes it where one realpath costs less than the lstats of the walk', () => {
    // realpath reads the root's components too (~0.55 µs each); the walk lstats those it follows (~2.4 µs).
    expect(shortcutPays('/home/me/src', 0, 1, true)).toBe(false);
    expect(shortcutPays('/tmp', 0, 1, true)).toBe(true);
    expect(shortcutPays('/home/me/src', 0, 4, true)).toBe(true);
    expect(shortcutPays('/home/me/src', 0, 4, false)).toBe(true);
    expect(shortcutPays('/home/me/src', 0, 2, false)).toBe(false);
    expect(shortcutPays('/home/me/src', 6, 2, true)).toBe(false);
    expect(shortcutPays('/a/b/c/d/e/f/g/h/i/j', 0, 2, true)).toBe(false);
  });

  it('answers every path as the walk does, in generated trees of directories, files and symlinks', () => {
    const names = ['a', 'b', 'c'];
    const targets = ['a', 'b/c', '../a', '../../a', '../../../../x', 'missing', 'a/missing', '.', '..', 'c/../b', 'b/', '/ABS', '/tmp'];
    const kind = fc.constantFrom('none', 'dir', 'dir', 'file', 'link');
    const entries = fc.array(fc.tuple(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }), kind, fc.constantFrom(...targets)), { maxLength: 30 });
    const component = fc.constantFrom('a', 'b', 'c', 'a', 'b', 'c', '.', '..', '', 'missing');
    const path = fc.tuple(fc.array(component, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([cs, slash]) => cs.join('/') + (slash ? '/' : ''));
    const query = fc.tuple(fc.array(fc.constantFrom(...names), { maxLength: 2 }), path, fc.boolean());
    const isDir = (at: string, follow: boolean) => {
      try {
        return (follow ? fs.statSync : fs.lstatSync)(at, { throwIfNoEntry: false })?.isDirectory() === true;
      } catch {
        return false; // ENOTDIR, ELOOP
      }
    };
    const exists = (at: string) => {
      try {
        return fs.lstatSync(at, { throwIfNoEntry: false }) !== undefined;
      } catch {
        return false;
      }
    };
    let n = 0;
    let shortcuts = 0;
    fc.assert(
      fc.property(entries, fc.array(query, { minLength: 40, maxLength: 40 }), (spec, queries) => {
        const r = join(top, `gen-${n++}`);
        fs.mkdirSync(r);
        const rr = fs.realpathSync(r);
        for (const [parts, k, target] of [...spec].sort((x, y) => x[0].length - y[0].length)) {
          const at = join(rr, ...parts);
          if (k === 'none' || !isDir(join(at, '..'), true) || exists(at)) continue;
          if (k === 'dir') fs.mkdirSync(at);
          else if (k === 'file') fs.writeFileSync(at, 'x');
          else fs.symlinkSync(target === '/ABS' ? join(rr, 'a') : target, at);
        }
        // Besides the generated paths, every entry made, and a new file in it.
        const made = spec.map(([parts]) => parts).filter((parts) => exists(join(rr, ...parts)));
        const more = made.flatMap((parts) => [parts.join('/'), `${parts.join('/')}/new`].flatMap((p) => [[[], p, true], [[], p, false], [parts.slice(0, 1), parts.slice(1).join('/') || '.', true]] as const));
        for (const [base, p, follow] of [...queries, ...more]) {
          // The directory fd's own components are those of a real directory.
          const b = isDir(join(rr, ...base), false) ? base : [];
          const outcome = (f: typeof walkPath) => {
            try {
              return f(rr, b, p, follow);
            } catch (e) {
              return { threw: (e as { code?: string }).code };
            }
          };
          expect(withoutStat(outcome(resolvePath)), `${p} from ${b.join('/')} follow=${follow}`).toEqual(withoutStat(outcome(walkPath)));
          const pending = p.split('/').filter((c) => c !== '' && c !== '.');
          if (!p.endsWith('/') && !pending.includes('..') && shortcutPays(rr, b.length, pending.length, follow) && resolvesAsIs(rr, [...b, ...pending], pending.length, follow)) shortcuts++;
        }
      }),
      // A fixed seed: the same trees every run, so that the count below is the same every run too
      // (with a random one, it fell under 50 now and then).
      { numRuns: 60, seed: 20261207 },
    );
    // The property is about the shortcut: it was taken, and for more than trivial paths.
    expect(shortcuts).toBeGreaterThan(50);
  });
});
