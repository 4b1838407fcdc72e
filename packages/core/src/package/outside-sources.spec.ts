import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipReader } from '../archive/zip-reader';
import { PowerShellStrategy } from '../runtimes/powershell/index';
import { packagePython } from '../runtimes/python/test-support/python-workspace';
import { RubyStrategy } from '../runtimes/ruby/index';
import { makeRequest, tempDir } from '../test-support/workspace';
import { packageFunction } from './pipeline';

/**
 * A symlink in a function's folder ships what it points to, but Nx hashes the link, not the
 * target: files taken from outside the project that way are reported (the package target warns
 * about those no project it depends on holds), links inside the project are not.
 */
async function linkedWorkspace(label: string, files: Record<string, string>): Promise<string> {
  const root = await tempDir(label, { ...files, 'shared/config.txt': 'outside', 'fns/fn/data/own.txt': 'inside' });
  await fsp.symlink('../../shared/config.txt', path.join(root, 'fns/fn/config.txt'));
  await fsp.symlink('../../shared', path.join(root, 'fns/fn/shared'));
  await fsp.symlink('data/own.txt', path.join(root, 'fns/fn/own-link.txt'));
  return root;
}

const OUTSIDE = ['shared/config.txt'];

const PS_HANDLER = 'function Invoke-Fn { param($LambdaInput, $LambdaContext) 1 }\n';

const packagePowerShell = (root: string, include: string[]) => packageFunction(PowerShellStrategy, makeRequest(root, {
  family: 'powershell', runtime: 'provided.al2023', handler: 'handler.ps1::Invoke-Fn', projectRoot: 'fns/fn', include,
}));

describe('sources a function takes from outside its project through symlinks', () => {
  it('python: ships them and reports them, workspace-relative', async () => {
    const root = await linkedWorkspace('outside-py', { 'fns/fn/app.py': 'def handler(e, c):\n    return 1\n' });
    const result = await packagePython(root, undefined, { projectRoot: 'fns/fn' });
    expect(await ZipReader.with(result.zipPath, (z) => z.names)).toEqual(expect.arrayContaining(['config.txt', 'shared/config.txt', 'own-link.txt']));
    expect(result.sourcesOutsideProject).toEqual(OUTSIDE);
  });

  it('ruby: reports them', async () => {
    const root = await linkedWorkspace('outside-rb', { 'fns/fn/app.rb': 'def handler(event:, context:)\n  1\nend\n' });
    const result = await packageFunction(RubyStrategy, makeRequest(root, { family: 'ruby', runtime: 'ruby3.3', handler: 'app.handler', projectRoot: 'fns/fn' }));
    expect(result.sourcesOutsideProject).toEqual(OUTSIDE);
  });

  it('powershell: reports a linked script', async () => {
    const root = await tempDir('outside-ps', { 'fns/fn/handler.ps1': PS_HANDLER, 'shared/helpers.ps1': 'function Get-X { 1 }\n' });
    await fsp.symlink('../../shared/helpers.ps1', path.join(root, 'fns/fn/helpers.ps1'));
    const result = await packagePowerShell(root, []);
    expect(result.sourcesOutsideProject).toEqual(['shared/helpers.ps1']);
  });

  it('include globs: report a linked file they copy', async () => {
    const root = await tempDir('outside-include', { 'fns/fn/handler.ps1': PS_HANDLER, 'shared/config.txt': 'outside' });
    await fsp.mkdir(path.join(root, 'fns/fn/assets'));
    await fsp.symlink('../../../shared/config.txt', path.join(root, 'fns/fn/assets/config.txt'));
    const result = await packagePowerShell(root, ['assets/*.txt']);
    expect(await ZipReader.with(result.zipPath, (z) => z.names)).toContain('assets/config.txt');
    expect(result.sourcesOutsideProject).toEqual(['shared/config.txt']);
  });
});
