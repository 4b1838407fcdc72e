import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../package/limits';
import { NodeStrategy } from '../runtimes/node';
import { freshWorkspace } from '../runtimes/node/test-support/fixture-workspace';
import { makeRequest } from '../test-support/workspace';
import { buildLayerProject } from './build-layers';
import { LAYER_MANIFEST, LayerManifest, LayerPlanFile, PLAN_FILE } from './layer-artifacts';
import { readJson } from './test-support/layered-workspace';

/**
 * One node layer project serving functions on nodejs20.x and nodejs22.x: the layer deploy
 * publishes must say it is for both. Real esbuild and npm, a real layer zip.
 */
describe('a node layer serving functions of two runtimes', () => {
  let root: string;
  let manifest: LayerManifest;

  beforeAll(async () => {
    root = await freshWorkspace('layer-runtimes', []);
    const runtimes: Record<string, string> = { old: 'nodejs20.x', new: 'nodejs22.x', newer: 'nodejs22.x' };
    for (const name of Object.keys(runtimes)) await fsp.cp(path.join(__dirname, '../runtimes/node/fixtures/cjs'), path.join(root, 'apps', name), { recursive: true });
    const functions = Object.entries(runtimes).map(([name, runtime]) =>
      makeRequest(root, { family: 'node', runtime, handler: 'src/handler.handler', projectRoot: `apps/${name}`, options: { format: 'cjs', nodeModules: ['ms'] } }));
    const outputPath = path.join(root, 'dist/layers/node-deps');
    await buildLayerProject(NodeStrategy, {
      project: 'node-deps', projectRoot: 'layers/node-deps', workspaceRoot: root, family: 'node', runtime: 'nodejs22.x', architecture: 'x86_64',
      outputPath, functions, minLayerBytes: 0, limits: DEFAULT_LIMITS, compressionLevel: 6,
    });
    const plan = await readJson<LayerPlanFile>(path.join(outputPath, PLAN_FILE));
    expect(plan.layers.map((l) => l.functions)).toEqual([['new', 'newer', 'old']]);
    manifest = await readJson<LayerManifest>(path.join(outputPath, plan.layers[0].name, LAYER_MANIFEST));
  });

  it('lists the runtimes of every function it serves as compatible', () => {
    expect(manifest.compatibleRuntimes).toEqual(['nodejs20.x', 'nodejs22.x']);
    expect(manifest.compatibleArchitectures).toEqual(['x86_64']);
  });
});
