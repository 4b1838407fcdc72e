import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../archive/zip-reader';
import { LambdaPackageError } from '../errors';
import { invokeFunction } from '../invoke/invoke-function';
import { DEFAULT_LIMITS } from '../package/limits';
import { FUNCTION_ZIP, packageFunction, PackageResult } from '../package/pipeline';
import { strategyFor } from '../runtimes';
import { NodeStrategy } from '../runtimes/node';
import { PythonStrategy } from '../runtimes/python';
import { isolatedPipExec } from '../runtimes/python/test-support/python-workspace';
import { serveSimpleIndex, SimpleIndex } from '../runtimes/python/test-support/simple-index';
import { makeRequest, tempDir } from '../test-support/workspace';
import type { FunctionBuildRequest, LayerAssignment, RuntimeFamily, RuntimeStrategy } from '../runtimes/types';
import { dependencyKey } from '../runtimes/types';
import { buildLayerProject, LayerProjectRequest } from './build-layers';
import { LAYER_MANIFEST, LAYER_ZIP, LayerManifest, LayerPlanFile, readFunctionShare } from './layer-artifacts';
import { NodeFunctionSpec, NPM_EXPECTED, readJson, writeNodeFunction, writeNpmWorkspace, writePaddedWheel, writePythonFunction } from './test-support/layered-workspace';

/**
 * Six node functions and five python functions with overlapping dependencies: layers planned and
 * built from real packages, every function packaged against its share, then each function run from
 * its own zip plus its layers unzipped where Lambda puts them.
 */
const NODE: Record<string, NodeFunctionSpec> = {
  n1: { uses: ['ms', 'dayjs', 'uuid'], nodeModules: ['dayjs', 'uuid'] },
  n2: { uses: ['ms', 'dayjs', 'uuid'], nodeModules: ['dayjs', 'uuid'] },
  n3: { uses: ['ms', 'dayjs', 'zod'], nodeModules: ['dayjs', 'zod'] },
  n4: { uses: ['ms', 'dayjs', 'zod'], nodeModules: ['dayjs', 'zod'] },
  n5: { uses: ['ms', 'zod', 'lodash'], nodeModules: ['zod'] },
  n6: { uses: ['ms', 'lodash'], nodeModules: [] },
};
const WHEELS: Record<string, number> = { alpha: 40_000, beta: 80_000, gamma: 20_000, delta: 60_000, epsilon: 30_000 };
const PYTHON: Record<string, string[]> = {
  p1: ['alpha', 'beta'],
  p2: ['alpha', 'beta', 'gamma'],
  p3: ['alpha', 'gamma'],
  p4: ['beta', 'delta'],
  p5: ['delta', 'epsilon'],
};
const pins = (names: string[]) => Object.fromEntries(names.map((n) => [n, '1.0.0']));

let root: string;
let index: SimpleIndex;
const pipExec = () => isolatedPipExec(path.join(root, '.pip-cache'));

function functionRequest(family: 'node' | 'python', name: string, layers: readonly LayerAssignment[]): FunctionBuildRequest {
  return family === 'node'
    // CommonJS here; ESM bundles load layered packages too (through the banner's require), tested with the node runtime.
    ? makeRequest(root, { family, runtime: 'nodejs20.x', handler: 'src/handler.handler', projectRoot: `apps/${name}`, layers, options: { format: 'cjs', nodeModules: NODE[name].nodeModules } })
    : makeRequest(root, { family, runtime: 'python3.12', handler: 'app.handler', projectRoot: `fns/${name}`, layers, options: { indexUrl: index.url } });
}

function layerRequest(family: RuntimeFamily, project: string, functions: FunctionBuildRequest[], out = project): LayerProjectRequest {
  return {
    project, projectRoot: `layers/${project}`, workspaceRoot: root, family, runtime: family === 'node' ? 'nodejs20.x' : 'python3.12',
    architecture: 'x86_64', outputPath: path.join(root, 'dist/layers', out), functions, minLayerBytes: 0, limits: DEFAULT_LIMITS, compressionLevel: 6,
  };
}

const exec = (family: RuntimeFamily) => (family === 'python' ? { exec: pipExec() } : {});

async function buildLayers(strategy: RuntimeStrategy, project: string, names: string[], out = project) {
  const fam = strategy.family as 'node' | 'python';
  return buildLayerProject(strategy, layerRequest(fam, project, names.map((n) => functionRequest(fam, n, [])), out), exec(fam));
}

const zipNames = (zipPath: string) => ZipReader.with(zipPath, (zip) => zip.fileNames);

interface Built {
  plan: LayerPlanFile;
  shares: Record<string, LayerAssignment[]>;
  packaged: Record<string, PackageResult>;
}

async function buildFamily(strategy: RuntimeStrategy, project: string, names: string[]): Promise<Built> {
  const fam = strategy.family as 'node' | 'python';
  const { plan } = await buildLayers(strategy, project, names);
  const shares: Record<string, LayerAssignment[]> = {};
  const packaged: Record<string, PackageResult> = {};
  for (const name of names) {
    shares[name] = await readFunctionShare(path.join(root, 'dist/layers', project), project, name);
    packaged[name] = await packageFunction(strategy, functionRequest(fam, name, shares[name]), exec(fam));
  }
  return { plan, shares, packaged };
}

/** Names the layers of this function supply to it. */
const suppliedNames = (b: Built, fn: string) => Object.keys(b.plan.functions[fn].supplied).map((k) => k.slice(0, k.lastIndexOf('@')));

let node: Built;
let python: Built;

beforeAll(async () => {
  root = await tempDir('layers-e2e');
  await writeNpmWorkspace(root);
  for (const [name, spec] of Object.entries(NODE)) await writeNodeFunction(root, `apps/${name}`, spec);
  const wheels = path.join(root, '.wheels');
  await fsp.mkdir(wheels);
  for (const [name, bytes] of Object.entries(WHEELS)) await writePaddedWheel(wheels, name, '1.0.0', bytes);
  index = await serveSimpleIndex(wheels);
  for (const [name, uses] of Object.entries(PYTHON)) await writePythonFunction(root, `fns/${name}`, pins(uses));
  node = await buildFamily(NodeStrategy, 'node-shared', Object.keys(NODE));
  python = await buildFamily(PythonStrategy, 'py-shared', Object.keys(PYTHON));
});

afterAll(async () => {
  await index?.close();
});

describe('layers end to end: node', () => {
  it('plans layers for the packages several functions install, sized from a real install', () => {
    const layered = node.plan.layers.flatMap((l) => l.dependencies.map((d) => d.name)).sort();
    expect(layered).toEqual(expect.arrayContaining(['dayjs', 'uuid', 'zod']));
    for (const l of node.plan.layers) for (const d of l.dependencies) expect(d.size, `${l.name} ${d.name}`).toBeGreaterThan(0);
    const dayjs = node.plan.layers.find((l) => l.dependencies.some((d) => d.name === 'dayjs'))!;
    expect(dayjs.functions).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('keeps a bundled package in the functions when its installed copy is larger than its bundled copies', () => {
    const kept = node.plan.functions.n6.kept.find((k) => k.key.startsWith('lodash@'));
    expect(kept?.reason).toMatch(/in a layer it takes \d+ bytes, more than its 2 copies/);
  });

  it('leaves the layered packages out of every function zip', async () => {
    for (const name of Object.keys(NODE)) {
      const names = await zipNames(node.packaged[name].zipPath);
      for (const dep of suppliedNames(node, name)) expect(names.filter((n) => n.startsWith(`node_modules/${dep}/`)), `${name} ${dep}`).toEqual([]);
    }
    expect(await zipNames(node.packaged.n5.zipPath)).not.toContain('node_modules/zod/package.json');
  });

  it('lays out node layer zips under nodejs/node_modules', async () => {
    for (const layer of node.plan.layers) {
      const names = await zipNames(path.join(root, 'dist/layers/node-shared', layer.name, LAYER_ZIP));
      expect(names.every((n) => n.startsWith('nodejs/node_modules/')), layer.name).toBe(true);
      for (const d of layer.dependencies) expect(names, layer.name).toContain(`nodejs/node_modules/${d.name}/package.json`);
    }
  });

  it('sizes layer packages from the workspace\'s installed copies, byte for byte what the layer zips hold', async () => {
    const layered = node.plan.layers.flatMap((l) => l.dependencies.map((d) => ({ layer: l.name, d })));
    const inWorkspace = await NodeStrategy.layerSizesInWorkspace!(root, layered.map(({ d }) => d));
    expect(inWorkspace.size).toBe(layered.length); // read in place: no layer was staged to measure them
    for (const { layer, d } of layered) {
      const prefix = `nodejs/node_modules/${d.name}/`;
      const inZip = await ZipReader.with(path.join(root, 'dist/layers/node-shared', layer, LAYER_ZIP), (zip) =>
        zip.entries.filter((e) => e.type === 'file' && e.name.startsWith(prefix) && !e.name.slice(prefix.length).includes('node_modules/')).reduce((n, e) => n + e.size, 0));
      expect(inWorkspace.get(dependencyKey(d)), `${layer} ${d.name}`).toBe(inZip);
    }
  });

  it('records the layers and where each dependency lives in the function manifests', () => {
    const m = node.packaged.n1.manifest;
    expect(m.layers).toEqual(node.shares.n1.map((s) => s.layer));
    const dayjsLayer = node.plan.functions.n1.supplied[Object.keys(node.plan.functions.n1.supplied).find((k) => k.startsWith('dayjs@'))!];
    expect(m.dependencies.find((d) => d.name === 'dayjs')).toMatchObject({ location: dayjsLayer });
  });

  it('runs every function from its zip with its layers unzipped into /opt', async () => {
    for (const [name, spec] of Object.entries(NODE)) {
      const layerZips = node.shares[name].map((s) => path.join(root, s.artifactDir!, LAYER_ZIP));
      const r = await invokeFunction({
        family: 'node', runtime: 'nodejs20.x', handler: String(node.packaged[name].manifest.notes?.lambdaHandler), zipPath: node.packaged[name].zipPath, layerZips, timeoutMs: 10_000,
      });
      expect(r.error ?? r.initError, `${name}: ${r.logs}`).toBeUndefined();
      expect(r.response, name).toEqual(Object.fromEntries(spec.uses.map((u) => [u, NPM_EXPECTED[u]])));
    }
  });
});

describe('layers end to end: python', () => {
  it('groups distributions by the exact set of functions that use them', () => {
    const byFunctions = Object.fromEntries(python.plan.layers.map((l) => [l.functions.join(','), l.dependencies.map((d) => d.name).sort()]));
    expect(byFunctions).toEqual({ 'p1,p2,p3': ['alpha'], 'p1,p2,p4': ['beta'], 'p2,p3': ['gamma'], 'p4,p5': ['delta'] });
    expect(python.plan.functions.p5.kept.map((k) => k.key)).toEqual(['epsilon@1.0.0#any']);
  });

  it('leaves the layered distributions out of every function zip', async () => {
    for (const name of Object.keys(PYTHON)) {
      const names = await zipNames(python.packaged[name].zipPath);
      for (const dep of suppliedNames(python, name)) expect(names.filter((n) => n.startsWith(`${dep}/`)), `${name} ${dep}`).toEqual([]);
    }
    expect(await zipNames(python.packaged.p5.zipPath)).toContain('epsilon/__init__.py');
  });

  it('lays out python layer zips under python/', async () => {
    for (const layer of python.plan.layers) {
      const names = await zipNames(path.join(root, 'dist/layers/py-shared', layer.name, LAYER_ZIP));
      expect(names.every((n) => n.startsWith('python/')), layer.name).toBe(true);
      for (const d of layer.dependencies) expect(names, layer.name).toContain(`python/${d.name}/__init__.py`);
    }
  });

  it('records the layers in the function manifests', () => {
    expect(python.packaged.p2.manifest.layers).toHaveLength(3);
    expect(python.packaged.p2.manifest.dependencies.filter((d) => d.location === 'function')).toEqual([]);
    expect(python.packaged.p5.manifest.dependencies.find((d) => d.name === 'epsilon')).toMatchObject({ location: 'function' });
  });

  it('runs every function from its zip with its layers unzipped into /opt', async () => {
    for (const [name, uses] of Object.entries(PYTHON)) {
      const layerZips = python.shares[name].map((s) => path.join(root, s.artifactDir!, LAYER_ZIP));
      const r = await invokeFunction({ family: 'python', runtime: 'python3.12', handler: 'app.handler', zipPath: python.packaged[name].zipPath, layerZips, timeoutMs: 10_000 });
      expect(r.error ?? r.initError, `${name}: ${r.logs}`).toBeUndefined();
      expect(r.response, name).toEqual(Object.fromEntries(uses.map((u) => [u, `${u} 1.0.0`])));
    }
  });

  it('fails, naming both sources, when the function ships a file its layer supplies', async () => {
    const vendored = 'fns/p1-vendored';
    await fsp.cp(path.join(root, 'fns/p1'), path.join(root, vendored), { recursive: true });
    await fsp.mkdir(path.join(root, vendored, 'alpha'));
    await fsp.writeFile(path.join(root, vendored, 'alpha/__init__.py'), 'def value():\n    return "vendored"\n');
    const request = { ...functionRequest('python', 'p1', python.shares.p1), projectName: 'p1-vendored', projectRoot: vendored, outputPath: path.join(root, 'dist', vendored) };
    const alphaLayer = python.plan.functions.p1.supplied['alpha@1.0.0#any'];
    const err = await packageFunction(PythonStrategy, request, exec('python')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as LambdaPackageError).message).toMatch(/^python:layers/);
    expect((err as LambdaPackageError).message).toContain(`p1-vendored and layer ${alphaLayer} both supply alpha/__init__.py`);
    expect(existsSync(path.join(root, 'dist', vendored, FUNCTION_ZIP))).toBe(false);
  });
});

describe('layers end to end: python, after p4 gains gamma (a real rebuild)', () => {
  let after: LayerPlanFile;
  const hasGamma = (l: { dependencies: { name: string }[] }) => l.dependencies.some((d) => d.name === 'gamma');
  beforeAll(async () => {
    await writePythonFunction(root, 'fns/p4', pins([...PYTHON.p4, 'gamma']));
    try {
      after = (await buildLayers(PythonStrategy, 'py-shared', Object.keys(PYTHON), 'py-shared-changed')).plan;
    } finally {
      await writePythonFunction(root, 'fns/p4', pins(PYTHON.p4));
    }
  });

  it('moves only the dependency whose users changed', () => {
    expect(after.layers.find(hasGamma)?.functions).toEqual(['p2', 'p3', 'p4']);
  });

  it('keeps every unrelated layer: same name, dependencies and functions', () => {
    const unrelated = (plan: LayerPlanFile) => plan.layers.filter((l) => !hasGamma(l)).map(({ name, functions, dependencies }) => ({ name, functions, dependencies }));
    expect(unrelated(after)).toEqual(unrelated(python.plan));
  });

  it('rebuilds the unchanged layers byte for byte', async () => {
    for (const layer of python.plan.layers.filter((l) => !hasGamma(l))) {
      const first = await readJson<LayerManifest>(path.join(root, 'dist/layers/py-shared', layer.name, LAYER_MANIFEST));
      const second = await readJson<LayerManifest>(path.join(root, 'dist/layers/py-shared-changed', layer.name, LAYER_MANIFEST));
      expect(second.sha256, layer.name).toBe(first.sha256);
    }
  });
});

describe('layers end to end: refused families', () => {
  for (const family of ['go', 'dotnet'] as const) {
    it(`refuses a ${family} layer project: ${family} compiles its dependencies in`, async () => {
      const err = await buildLayerProject(strategyFor(family), { ...layerRequest(family, `${family}-shared`, []), runtime: family === 'go' ? 'provided.al2023' : 'dotnet8' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LambdaPackageError);
      expect((err as LambdaPackageError).message).toMatch(new RegExp(`^layer:${family}-shared`));
      expect((err as LambdaPackageError).message).toContain(`${family} functions cannot use dependency layers`);
      expect((err as LambdaPackageError).message).toContain(`${family} compiles its dependencies into the function`);
      expect(existsSync(path.join(root, 'dist/layers', `${family}-shared`))).toBe(false);
    });
  }
});
