import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../errors';
import { compileGlobs } from '../package/globs';
import { tempDir } from '../test-support/workspace';
import { collectTree } from './collect-tree';
import { ZipReader } from './zip-reader';
import { writeDeterministicZip } from './zip-writer';

async function collectError(root: string): Promise<LambdaPackageError> {
  const err = await collectTree(root).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LambdaPackageError);
  return err as LambdaPackageError;
}

describe('collectTree', () => {
  it('stores a symlink to a file inside the root as the file content', async () => {
    const root = await tempDir('link-file', { 'real/config.json': '{"a":1}' });
    await fsp.symlink('real/config.json', path.join(root, 'config.json'));
    const target = path.join(await tempDir('link-file-out'), 'f.zip');
    await writeDeterministicZip(target, (await collectTree(root)).entries);
    const zip = await ZipReader.open(target);
    try {
      expect((await zip.read('config.json')).toString()).toBe('{"a":1}');
      expect(zip.entry('config.json')!.mode).toBe(0o644);
    } finally {
      await zip.close();
    }
  });

  it('stores a symlink to a folder inside the root as the folder content', async () => {
    const root = await tempDir('link-dir', { 'shared/util.js': 'x' });
    await fsp.symlink('shared', path.join(root, 'alias'));
    const names = (await collectTree(root)).entries.map((e) => e.name);
    expect(names).toContain('alias/util.js');
    expect(names).toContain('shared/util.js');
  });

  it('refuses a symlink that leaves the root, naming it', async () => {
    const outside = await tempDir('outside', { 'secret.txt': 'no' });
    const root = await tempDir('escape', { 'ok.js': '' });
    await fsp.symlink(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
    const err = await collectError(root);
    expect(err.message).toMatch(/^archive:collect - symlink "leak.txt" points outside the package/);
    expect(err.hint).toMatch(/copy the target into the package/);
  });

  it('refuses a relative symlink that climbs out with ..', async () => {
    const parent = await tempDir('climb', { 'secret.txt': 'no', 'pkg/ok.js': '' });
    await fsp.symlink('../secret.txt', path.join(parent, 'pkg', 'up.txt'));
    expect((await collectError(path.join(parent, 'pkg'))).message).toContain('symlink "up.txt" points outside the package');
  });

  it('refuses a dangling symlink, naming it', async () => {
    const root = await tempDir('dangling', { 'ok.js': '' });
    await fsp.mkdir(path.join(root, 'lib'));
    await fsp.symlink('missing.js', path.join(root, 'lib', 'gone.js'));
    const err = await collectError(root);
    expect(err.message).toMatch(/^archive:collect - symlink "lib\/gone.js" dangles/);
    expect(err.message).toContain('missing.js');
  });

  it('refuses a symlink loop', async () => {
    const root = await tempDir('loop', { 'a/file.txt': '' });
    await fsp.symlink('..', path.join(root, 'a', 'up'));
    expect((await collectError(root)).message).toContain('symlink "a/up" forms a loop');
  });

  it('leaves out excluded paths and reports them, a directory as one entry', async () => {
    const root = await tempDir('exclude', { 'a.js': '', '.git/HEAD': 'ref', 'keep/.env': 'X=1' });
    const tree = await collectTree(root, { exclude: compileGlobs(['.git/', '.env']) });
    expect(tree.entries.map((e) => e.name)).toEqual(['a.js']);
    expect(tree.excluded.sort()).toEqual(['.git/', 'keep/.env']);
  });

  it('gives no entry to a folder emptied by excludes (nested too) nor to one empty in the source: the zip is a function of the files', async () => {
    const exclude = compileGlobs(['.env', '*.pem', 'fixtures/']);
    const zipOf = async (root: string) => {
      const target = path.join(await tempDir('emptied-out'), 'f.zip');
      await writeDeterministicZip(target, (await collectTree(root, { exclude })).entries);
      return { names: await ZipReader.with(target, (z) => z.names), bytes: await fsp.readFile(target) };
    };
    const withSecrets = await tempDir('emptied', {
      'index.js': 'x', 'config/.env': 'K=1', 'certs/deep/server.pem': 'key', 'certs/deep/other.pem': 'key', 'lib/fixtures/a.json': '{}', 'lib/util.js': 'y',
    });
    await fsp.mkdir(path.join(withSecrets, 'tmp'));
    const zip = await zipOf(withSecrets);
    expect(zip.names).toEqual(['index.js', 'lib/', 'lib/util.js']);
    // The same files without the excluded ones and the empty folder (a git checkout has none) give
    // the same bytes: the zip does not say where a secret was, and a cache hit equals a rebuild.
    const without = await tempDir('emptied-none', { 'index.js': 'x', 'lib/util.js': 'y' });
    expect((await zipOf(without)).bytes.equals(zip.bytes)).toBe(true);
  });

  it('adds the prefix and its parent folders (layer layout)', async () => {
    const root = await tempDir('prefix', { 'mod/index.js': '' });
    const names = (await collectTree(root, { prefix: 'nodejs/node_modules/' })).entries.map((e) => e.name).sort();
    expect(names).toEqual(['nodejs/', 'nodejs/node_modules/', 'nodejs/node_modules/mod/', 'nodejs/node_modules/mod/index.js']);
  });

  it('refuses a FIFO', async () => {
    const root = await tempDir('fifo', { 'ok.js': '' });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    expect((await collectError(root)).message).toContain('"pipe" is neither a file nor a directory');
  });
});
