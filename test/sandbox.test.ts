import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePath } from '../src/host/sandbox.js';
import { errno } from '../src/wasi/errno.js';
import { tempDir } from './helpers/run.js';

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
    expect(resolvePath(root, base, path, follow)).toEqual({ errno: 0, host: rel.length ? `${root}/${rel.join('/')}` : root, rel });
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

  it('refuses .. past the root and absolute paths with ENOTCAPABLE', () => {
    refused('..', false, errno.NOTCAPABLE);
    refused('../root/a.txt', false, errno.NOTCAPABLE);
    refused('d/../../x', false, errno.NOTCAPABLE);
    refused('../../a.txt', false, errno.NOTCAPABLE, ['d']);
    refused('/etc/passwd', false, errno.NOTCAPABLE);
    refused('/', true, errno.NOTCAPABLE);
  });

  it('refuses symlinks that point outside: absolute, relative, through chains', () => {
    refused('abs-out/secret', false, errno.NOTCAPABLE);
    refused('abs-out', true, errno.NOTCAPABLE);
    refused('rel-out/secret', false, errno.NOTCAPABLE);
    refused('rel-out-2', true, errno.NOTCAPABLE);
    refused('chain-1/secret', false, errno.NOTCAPABLE);
    refused('chain-1', true, errno.NOTCAPABLE);
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

  it('a dangling symlink as the last component is kept (no follow) or resolved inside (follow)', () => {
    fs.symlinkSync('not-yet', join(root, 'dangling'));
    ok('dangling', false, ['dangling']);
    ok('dangling', true, ['not-yet']);
  });
});
