import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../package/limits';
import { NodeStrategy } from '../runtimes/node';
import { freshWorkspace } from '../runtimes/node/test-support/fixture-workspace';
import { makeRequest } from '../test-support/workspace';
import { buildLayerProject } from './build-layers';

/**
 * What the layer target prints when a dependency several functions share gets no layer: the user
 * sees which one, for which functions and why, without opening plan.json. Real esbuild and npm.
 */
describe('the summary of a layer target that keeps a shared dependency in the functions', () => {
  it('names the dependency, its functions and the reason, and points at plan.json', async () => {
    const root = await freshWorkspace('layer-summary', []);
    for (const name of ['fn-a', 'fn-b']) await fsp.cp(path.join(__dirname, '../runtimes/node/fixtures/cjs'), path.join(root, 'apps', name), { recursive: true });
    const functions = ['fn-a', 'fn-b'].map((name) =>
      makeRequest(root, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${name}`, options: { format: 'cjs', nodeModules: ['ms'] } }));
    const { plan, summary } = await buildLayerProject(NodeStrategy, {
      project: 'node-deps', projectRoot: 'layers/node-deps', workspaceRoot: root, family: 'node', runtime: 'nodejs22.x', architecture: 'x86_64',
      outputPath: path.join(root, 'dist/layers/node-deps'), functions, minLayerBytes: 1024 * 1024, limits: DEFAULT_LIMITS, compressionLevel: 6,
    });
    expect(plan.layers).toEqual([]);
    const reason = plan.functions['fn-a'].kept.find((k) => k.key === 'ms@2.1.3#any')!.reason;
    expect(reason).toMatch(/^shared group of \d+ bytes is below minLayerBytes 1048576$/);
    expect(summary.slice(0, 1)).toEqual(['node-deps: 0 layer(s) for 2 function(s)']);
    expect(summary.slice(2)).toEqual([
      '  shared but kept in the functions (dist/layers/node-deps/plan.json says why for each function):',
      `    ms@2.1.3 (fn-a, fn-b): ${reason}`,
    ]);
  });
});
