import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../core/src/test-support/workspace';
import { ProjectFolder, WorkspaceFiles } from './workspace-files';

describe('WorkspaceFiles', () => {
  it('reads a file once per graph computation (many functions name one library manifest); the next computation reads it again', async () => {
    const ws = await tempDir('workspace-files', { 'libs/a/pyproject.toml': 'v1\n', 'fns/f/go.mod': 'module f\n' });
    const files = new WorkspaceFiles(ws);
    expect(files.text('libs/a/pyproject.toml')).toBe('v1\n');
    await fsp.writeFile(path.join(ws, 'libs/a/pyproject.toml'), 'v2\n');
    expect(files.text('libs/a/pyproject.toml')).toBe('v1\n');
    expect(new WorkspaceFiles(ws).text('libs/a/pyproject.toml')).toBe('v2\n');
    expect([files.text('libs/a/missing.txt'), files.text('libs/a'), files.isFile('libs/a'), files.isFile('libs/a/pyproject.toml')]).toEqual([undefined, undefined, false, true]);
  });

  it('lists a project folder once and reads its files through the computation\'s reads', async () => {
    const ws = await tempDir('workspace-files', { 'fns/f/go.mod': 'module f\n', 'fns/f/b.ps1': '', 'fns/f/a.ps1': '', 'fns/f/sub/c.ps1': '' });
    const files = new WorkspaceFiles(ws);
    const folder = new ProjectFolder(files, 'fns/f');
    expect(folder.filesEndingIn('.ps1')).toEqual(['fns/f/a.ps1', 'fns/f/b.ps1']);
    expect([folder.has('go.mod'), folder.has('pom.xml'), folder.text('go.mod'), folder.text('pom.xml')]).toEqual([true, false, 'module f\n', undefined]);
    expect(new ProjectFolder(files, 'fns/missing').filesEndingIn('.ps1')).toEqual([]);
  });
});
