import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { freshWorkspace } from '../../../../core/src/runtimes/node/test-support/fixture-workspace';
import nodeExecutor from './node.impl';

function contextFor(ws: string, project: string): ExecutorContext {
  return {
    root: ws, cwd: ws, isVerbose: false, projectName: project,
    projectsConfigurations: { version: 2, projects: { [project]: { root: `apps/${project}` } } },
  } as unknown as ExecutorContext;
}

describe('@nx-lambda/plugin:node', () => {
  it('packages a function into dist/{projectRoot} and reports success', async () => {
    const ws = await freshWorkspace('executor', ['with-deps']);
    const result = await nodeExecutor({ handler: 'src/handler.handler', runtime: 'nodejs22.x', minify: true }, contextFor(ws, 'with-deps'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/apps/with-deps/function.zip') });
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/apps/with-deps/manifest.json'), 'utf8'));
    expect(manifest.notes.lambdaHandler).toBe('index.handler');
  });

  it('returns success: false for bad input instead of throwing', async () => {
    const ws = await freshWorkspace('executor-bad', ['with-deps']);
    const result = await nodeExecutor({ handler: 'src/missing.handler', runtime: 'nodejs22.x' }, contextFor(ws, 'with-deps'));
    expect(result).toEqual({ success: false });
  });
});
