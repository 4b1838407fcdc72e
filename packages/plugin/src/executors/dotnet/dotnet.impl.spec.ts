import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executorContext } from '../test-support/context';
import { tempDir } from '../../../../core/src/test-support/workspace';
import dotnetExecutor from './dotnet.impl';

const NO_DEPS = path.join(__dirname, '../../../../core/src/runtimes/dotnet/fixtures/no-deps');

const contextFor = (ws: string, project: string, root: string) => executorContext(ws, project, { [project]: root });

describe('@nx-lambda/plugin:dotnet', () => {
  it('packages a function into dist/{projectRoot} and reports success', async () => {
    const ws = await tempDir('dotnet-executor');
    await fsp.cp(NO_DEPS, path.join(ws, 'apps/no-deps'), { recursive: true });
    const result = await dotnetExecutor({ handler: 'NoDeps::NoDeps.Function::Upper', runtime: 'dotnet10' }, contextFor(ws, 'no-deps', 'apps/no-deps'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/apps/no-deps/function.zip') });
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/apps/no-deps/manifest.json'), 'utf8'));
    expect(manifest.notes).toMatchObject({ layersSupported: false, targetFramework: 'net10.0' });
  });

  it('returns success: false for a project folder without a .csproj', async () => {
    const ws = await tempDir('dotnet-executor-empty', { 'apps/empty/Function.cs': 'class A {}' });
    const result = await dotnetExecutor({ handler: 'Empty::Empty.Function::Handler', runtime: 'dotnet8' }, contextFor(ws, 'empty', 'apps/empty'));
    expect(result).toEqual({ success: false });
  });
});
