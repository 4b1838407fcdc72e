import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../errors';
import { DEFAULT_LIMITS } from '../package/limits';
import { FUNCTION_ZIP, packageFunction } from '../package/pipeline';
import { NodeStrategy } from '../runtimes/node';
import { freshWorkspace } from '../runtimes/node/test-support/fixture-workspace';
import type { FunctionBuildRequest, LayerAssignment } from '../runtimes/types';
import { makeRequest } from '../test-support/workspace';
import { buildLayerProject } from './build-layers';
import { readFunctionShare } from './layer-artifacts';

/**
 * Two layer projects whose scopes both take a function in (one for every node function, one for
 * the orders functions) each plan the package the function shares: the function would get the
 * same files from two layers. Real esbuild and npm, real layer zips.
 */
describe('a function served by two layer projects that both layer the same package', () => {
  let root: string;
  const fn = (name: string, layers: readonly LayerAssignment[] = []): FunctionBuildRequest => makeRequest(root, {
    family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${name}`, layers, options: { format: 'cjs', nodeModules: ['ms'] },
  });
  const shareOf = async (project: string, name: string) => readFunctionShare(path.join(root, 'dist/layers', project), project, name);

  beforeAll(async () => {
    root = await freshWorkspace('layer-overlap', []);
    for (const name of ['orders-a', 'orders-b']) await fsp.cp(path.join(__dirname, '../runtimes/node/fixtures/cjs'), path.join(root, 'apps', name), { recursive: true });
    for (const project of ['all-node', 'orders-node']) {
      await buildLayerProject(NodeStrategy, {
        project, projectRoot: `layers/${project}`, workspaceRoot: root, family: 'node', runtime: 'nodejs22.x', architecture: 'x86_64',
        outputPath: path.join(root, 'dist/layers', project), functions: [fn('orders-a'), fn('orders-b')], minLayerBytes: 0, limits: DEFAULT_LIMITS, compressionLevel: 6,
      });
    }
  });

  it('packages against one layer project', async () => {
    const result = await packageFunction(NodeStrategy, fn('orders-a', await shareOf('all-node', 'orders-a')));
    expect(result.manifest.dependencies.find((d) => d.name === 'ms')?.location).toMatch(/^all-node-[0-9a-f]{8}$/);
  });

  it('fails naming both layers, the package and what to change, and writes no zip', async () => {
    const layers = [...(await shareOf('all-node', 'orders-b')), ...(await shareOf('orders-node', 'orders-b'))];
    expect(layers.map((l) => l.layer)).toEqual([expect.stringMatching(/^all-node-/), expect.stringMatching(/^orders-node-/)]);
    const err = await packageFunction(NodeStrategy, fn('orders-b', layers)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    const lines = (err as LambdaPackageError).message.split('\n');
    expect(lines[0]).toBe(`node:layers - orders-b gets nodejs/node_modules/ms/index.js from two layers: ${layers[0].layer} and ${layers[1].layer}`);
    expect(lines).toContain('  both supply: ms@2.1.3');
    expect(lines.at(-1)).toBe('  Fix: let one layer project serve orders-b: narrow "functions" in the lambda-layer.json of all-node or orders-node so that only one of them takes it in');
    expect(existsSync(path.join(root, 'dist/apps/orders-b', FUNCTION_ZIP))).toBe(false);
  });
});
