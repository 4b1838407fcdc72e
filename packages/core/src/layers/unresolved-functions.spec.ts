import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaPackageError, UnexpectedStepError } from '../errors';
import { DEFAULT_LIMITS } from '../package/limits';
import { packageFunction } from '../package/pipeline';
import { NodeStrategy } from '../runtimes/node';
import { freshWorkspace } from '../runtimes/node/test-support/fixture-workspace';
import { PythonStrategy } from '../runtimes/python';
import { isolatedPipExec } from '../runtimes/python/test-support/python-workspace';
import { serveSimpleIndex, SimpleIndex } from '../runtimes/python/test-support/simple-index';
import type { FunctionBuildRequest, RuntimeStrategy } from '../runtimes/types';
import { makeRequest, tempDir } from '../test-support/workspace';
import { buildLayerProject, LayerProjectRequest, LayerProjectResult } from './build-layers';
import { LayerPlanFile, PLAN_FILE, readFunctionShare } from './layer-artifacts';
import { readJson, writePaddedWheel, writePythonFunction } from './test-support/layered-workspace';

/**
 * One broken function in a layer's scope (an option its runtime refuses, a requirement no index
 * has) is its own failure: the layer plans for the others, names it, and its package target
 * reports the error. Real esbuild, npm and pip.
 */
function layerRequest(root: string, family: 'node' | 'python', functions: FunctionBuildRequest[]): LayerProjectRequest {
  const project = `shared-${family}`;
  return {
    project, projectRoot: `layers/${project}`, workspaceRoot: root, family, runtime: family === 'node' ? 'nodejs22.x' : 'python3.12', architecture: 'x86_64',
    outputPath: path.join(root, 'dist/layers', project), functions, minLayerBytes: 0, limits: DEFAULT_LIMITS, compressionLevel: 6,
  };
}

describe('a layer whose scope holds a broken node function', () => {
  let root: string;
  const node = (name: string, over: Partial<FunctionBuildRequest> = {}) => makeRequest(root, {
    family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${name}`, ...over,
    options: { format: 'cjs', nodeModules: ['ms'], ...over.options },
  });
  const scope = () => [node('good-one'), node('bad-format', { options: { format: 'umd' } }), node('good-two'), node('bad-runtime', { runtime: 'nodejs-latest' })];
  let result: LayerProjectResult;

  beforeAll(async () => {
    root = await freshWorkspace('layer-broken', []);
    for (const name of ['good-one', 'good-two', 'bad-format', 'bad-runtime']) await copyCjs(root, name);
    result = await buildLayerProject(NodeStrategy, layerRequest(root, 'node', scope()));
  });

  it('plans the layers for the functions it can resolve and leaves out the broken ones', async () => {
    const plan = await readJson<LayerPlanFile>(path.join(root, 'dist/layers/shared-node', PLAN_FILE));
    expect(Object.keys(plan.functions).sort()).toEqual(['good-one', 'good-two']);
    expect(plan.layers.map((l) => [l.functions, l.dependencies.map((d) => d.name)])).toEqual([[['good-one', 'good-two'], ['ms']]]);
    expect(plan.unresolved).toEqual([
      { function: 'bad-format', error: 'node:options - bad-format: format "umd" is not supported' },
      { function: 'bad-runtime', error: 'node:options - "nodejs-latest" is not a Node.js Lambda runtime' },
    ]);
    expect(existsSync(path.join(root, 'dist/layers/shared-node/functions/bad-format.json'))).toBe(false);
  });

  it('says which functions it left out, why, and that their package targets report it', () => {
    expect(result.summary[0]).toBe('shared-node: 1 layer(s) for 2 function(s) (2 left out)');
    expect(result.summary.join('\n')).toContain([
      '  warning: bad-format is left out of the layers: its dependencies could not be resolved',
      '    node:options - bad-format: format "umd" is not supported',
      '    its package target reports the error in full; the layers serve the other functions',
    ].join('\n'));
  });

  it('leaves the error to the broken function\'s own packaging, and the good ones package with their layers', async () => {
    const share = await readFunctionShare(path.join(root, 'dist/layers/shared-node'), 'shared-node', 'bad-format');
    expect(share).toEqual([]);
    await expect(packageFunction(NodeStrategy, node('bad-format', { options: { format: 'umd' } }))).rejects.toThrow(/^node:options - bad-format: format "umd" is not supported/);
    const goodShare = await readFunctionShare(path.join(root, 'dist/layers/shared-node'), 'shared-node', 'good-one');
    const packaged = await packageFunction(NodeStrategy, node('good-one', { layers: goodShare }));
    expect(packaged.manifest.dependencies.find((d) => d.name === 'ms')?.location).toBe(goodShare[0].layer);
  });

  it('fails when no function in scope resolves: nothing to plan, and the cause may be the machine', async () => {
    const out = path.join(root, 'dist/layers/all-broken');
    const err = await buildLayerProject(NodeStrategy, { ...layerRequest(root, 'node', [node('bad-format', { options: { format: 'umd' } })]), project: 'all-broken', outputPath: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as Error).message).toMatch(/^layer:all-broken - no function in scope could be resolved \(1\)\n {2}node:options - bad-format: format "umd" is not supported\n/);
    expect(existsSync(out)).toBe(false);
  });

  it('still fails on an unexpected error (a bug), naming the step', async () => {
    const buggy: RuntimeStrategy = {
      ...NodeStrategy,
      resolve: (ctx) => (ctx.request.projectName === 'good-two' ? Promise.reject(new TypeError('cannot read properties of undefined')) : NodeStrategy.resolve(ctx)),
    };
    const err = await buildLayerProject(buggy, { ...layerRequest(root, 'node', scope()), outputPath: path.join(root, 'dist/layers/buggy') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedStepError);
    expect((err as Error).message).toBe('layer:shared-node:resolve:good-two - unexpected error: cannot read properties of undefined');
  });
});

/** The `cjs` fixture function (requires ms) under apps/<name>. */
async function copyCjs(root: string, name: string): Promise<void> {
  await fsp.cp(path.join(__dirname, '../runtimes/node/fixtures/cjs'), path.join(root, 'apps', name), { recursive: true });
}

describe('a layer whose scope holds a python function with a requirement no index has', () => {
  let root: string;
  let index: SimpleIndex;
  const python = (name: string) => makeRequest(root, { family: 'python', runtime: 'python3.12', handler: 'app.handler', projectRoot: `fns/${name}`, options: { indexUrl: index.url } });
  const exec = () => isolatedPipExec(path.join(root, '.pip-cache'));
  let result: LayerProjectResult;

  beforeAll(async () => {
    root = await tempDir('layer-broken-py');
    const wheels = path.join(root, '.wheels');
    await fsp.mkdir(wheels);
    await writePaddedWheel(wheels, 'alpha', '1.0.0', 20_000);
    index = await serveSimpleIndex(wheels);
    await writePythonFunction(root, 'fns/py-one', { alpha: '1.0.0' });
    await writePythonFunction(root, 'fns/py-two', { alpha: '1.0.0', 'nonexistent-pkg': '1.0.0' });
    await writePythonFunction(root, 'fns/py-three', { alpha: '1.0.0' });
    result = await buildLayerProject(PythonStrategy, layerRequest(root, 'python', ['py-one', 'py-two', 'py-three'].map(python)), { exec: exec() });
  });

  afterAll(async () => {
    await index?.close();
  });

  it('plans the layer for the others and names the broken one with its error', async () => {
    expect(Object.keys(result.plan.functions).sort()).toEqual(['py-one', 'py-three']);
    expect(result.plan.layers.map((l) => l.functions)).toEqual([['py-one', 'py-three']]);
    expect(result.plan.unresolved).toEqual([{ function: 'py-two', error: 'python:install - nonexistent-pkg was not found on the package index' }]);
    expect(result.summary.join('\n')).toContain('  warning: py-two is left out of the layers: its dependencies could not be resolved\n    python:install - nonexistent-pkg was not found on the package index\n');
  });

  it('leaves the full error to py-two\'s own packaging', async () => {
    const err = await packageFunction(PythonStrategy, python('py-two'), { exec: exec() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as Error).message).toContain('requirement: nonexistent-pkg==1.0.0 (needed by py-two');
  });
});
