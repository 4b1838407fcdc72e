import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { executorContext } from '../test-support/context';
import { tempDir } from '../../../../core/src/test-support/workspace';
import powershellExecutor from './powershell.impl';

const contextFor = (ws: string, project: string, root: string) => executorContext(ws, project, { [project]: root });

describe('@nx-lambda/plugin:powershell', () => {
  it('builds the runtime layer into dist/{projectRoot}/layer.zip with runtimeLayer: true', async () => {
    const ws = await tempDir('ps-executor-layer', { 'vendor/pwsh/pwsh': '#!/bin/sh\nexec pwsh "$@"\n' });
    await fsp.chmod(path.join(ws, 'vendor/pwsh/pwsh'), 0o755);
    const logged = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await powershellExecutor({ runtime: 'provided.al2023', handler: '', runtimeLayer: true, pwshDistribution: 'vendor/pwsh' }, contextFor(ws, 'ps-runtime', 'layers/ps-runtime'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/layers/ps-runtime/layer.zip') });
    // Relative to the workspace: Nx replays a cached task's output in other checkouts.
    expect(logged.mock.calls.flat().join('\n')).toContain('ps-runtime: dist/layers/ps-runtime/layer.zip\n');
    logged.mockRestore();
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/layers/ps-runtime/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'powershell-runtime', compatibleRuntimes: ['provided.al2023', 'provided.al2'] });
  });

  it('returns success: false for a function without scripts', async () => {
    const ws = await tempDir('ps-executor-empty', { 'apps/empty/README.md': 'x' });
    const result = await powershellExecutor({ handler: 'handler.ps1', runtime: 'provided.al2023' }, contextFor(ws, 'empty', 'apps/empty'));
    expect(result).toEqual({ success: false });
  });
});
