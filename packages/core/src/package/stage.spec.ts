import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { copyTree, notFunctionSource } from './stage';

describe('copyTree', () => {
  it('copies a linked folder as real files, and refuses a link back to a folder being copied, naming it', async () => {
    const src = await tempDir('stage-links', { 'fn/app.py': 'x', 'shared/util.py': 'y' });
    await fsp.symlink('../shared', path.join(src, 'fn/shared'));
    const out = await tempDir('stage-out');
    await copyTree(path.join(src, 'fn'), out);
    expect((await fsp.lstat(path.join(out, 'shared/util.py'))).isFile()).toBe(true);

    await fsp.symlink('.', path.join(src, 'fn/loop'));
    await expect(copyTree(path.join(src, 'fn'), await tempDir('stage-out'))).rejects.toThrow(/fn\/loop" is a symlink loop: it leads back to the folder being copied/);
    await fsp.rm(path.join(src, 'fn/loop'));
    await fsp.symlink('..', path.join(src, 'shared/up'));
    await expect(copyTree(path.join(src, 'fn'), await tempDir('stage-out'))).rejects.toThrow(/fn\/shared\/up\/fn" is a symlink loop/);
  });

  it('names a dangling link as dangling', async () => {
    const src = await tempDir('stage-dangling', { 'app.py': 'x' });
    await fsp.symlink('missing.py', path.join(src, 'gone.py'));
    await expect(copyTree(src, await tempDir('stage-out'))).rejects.toThrow(/gone.py" is a dangling symlink/);
  });
});

describe('notFunctionSource', () => {
  it('is events/ at the root and every folder that is a project of its own', async () => {
    const root = await tempDir('stage-nested', { 'events/a.json': '{}', 'lib/events/b.json': '{}', 'sub/lambda.json': '{}', 'tools/project.json': '{}', 'lib/x.py': '' });
    const skip = notFunctionSource(root);
    expect(['events', 'sub', 'tools'].every((d) => skip(d, true))).toBe(true);
    expect(['lib', 'lib/events'].some((d) => skip(d, true))).toBe(false);
    expect(skip('events', false)).toBe(false);
    const withOutput = notFunctionSource(root, path.join(root, 'lib', 'out'));
    expect([withOutput('lib/out', true), withOutput('lib', true), skip('lib/out', true)]).toEqual([true, false, false]);
  });
});
