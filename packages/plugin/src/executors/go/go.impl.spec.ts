import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorContext } from '../test-support/context';
import { goWorkspace, requireGo } from '../../../../core/src/runtimes/go/test-support/go-workspace';
import goExecutor from './go.impl';

const contextFor = (ws: string, project: string, root: string) => executorContext(ws, project, { [project]: root });

describe('@nx-lambda/plugin:go', () => {
  let ws: string;
  beforeAll(async () => {
    requireGo();
    ws = await goWorkspace('go-executor', { 'with-deps': 'apps', 'no-main': 'apps/no-main' });
  });
  afterAll(() => fsp.rm(ws, { recursive: true, force: true }));

  it('packages a function into dist/{projectRoot} and reports success', async () => {
    const result = await goExecutor({ handler: 'bootstrap', runtime: 'provided.al2023' }, contextFor(ws, 'hello', 'apps/hello'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/apps/hello/function.zip') });
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/apps/hello/manifest.json'), 'utf8'));
    expect(manifest.notes.layersSupported).toBe(false);
  });

  it('returns success: false for a project without a main package', async () => {
    const result = await goExecutor({ handler: 'bootstrap', runtime: 'provided.al2023' }, contextFor(ws, 'no-main', 'apps/no-main'));
    expect(result).toEqual({ success: false });
  });
});
