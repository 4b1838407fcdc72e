import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it, vi } from 'vitest';
import type { LayerPlanFile } from '@nx-lambda/core';
import { freshWorkspace } from '../../../../core/src/runtimes/node/test-support/fixture-workspace';
import { writeFiles } from '../../../../core/src/test-support/workspace';
import nodeExecutor from '../node/node.impl';
import layerExecutor from './layer.impl';

const FIXTURES = path.join(__dirname, '../../../../core/src/runtimes/node/fixtures');

interface Fn {
  options: Record<string, unknown>;
  /** Depends on the layer project in the graph (createDependencies' edge). */
  dependent?: boolean;
}

/**
 * A real workspace (npm-installed) with the layer project layers/shared-node and node functions
 * under apps/ (the `cjs` fixture: requires ms), and the ExecutorContext Nx would hand its targets.
 */
async function workspace(label: string, layerMarker: Record<string, unknown>, fns: Record<string, Fn>): Promise<{ ws: string; contextFor(project: string): ExecutorContext }> {
  const ws = await freshWorkspace(label, []);
  for (const name of Object.keys(fns)) await fsp.cp(path.join(FIXTURES, 'cjs'), path.join(ws, 'apps', name), { recursive: true });
  await writeFiles(ws, { 'layers/shared-node/lambda-layer.json': JSON.stringify(layerMarker) });
  const projects: Record<string, unknown> = { 'shared-node': { root: 'layers/shared-node', targets: { layer: { executor: '@nx-lambda/plugin:layer' } } } };
  const dependencies: Record<string, { source: string; target: string; type: string }[]> = { 'shared-node': [] };
  for (const [name, fn] of Object.entries(fns)) {
    projects[name] = { root: `apps/${name}`, tags: [], targets: { package: { executor: '@nx-lambda/plugin:node', options: fn.options } } };
    dependencies[name] = fn.dependent === false ? [] : [{ source: name, target: 'shared-node', type: 'static' }];
  }
  const contextFor = (project: string) => ({
    root: ws, cwd: ws, isVerbose: false, projectName: project, projectGraph: { nodes: {}, dependencies },
    projectsConfigurations: { version: 2, projects }, nxJsonConfiguration: {},
  }) as unknown as ExecutorContext;
  return { ws, contextFor };
}

/** Runs `run` with console.log, .warn and .error captured; returns its result and everything printed. */
async function captured<T>(run: () => Promise<T>): Promise<{ out: T; printed: string }> {
  const lines: string[] = [];
  const spies = (['log', 'warn', 'error'] as const).map((s) => vi.spyOn(console, s).mockImplementation((...m: unknown[]) => void lines.push(String(m[0]))));
  try {
    return { out: await run(), printed: lines.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

const cjs = { handler: 'src/handler.handler', runtime: 'nodejs22.x', format: 'cjs', nodeModules: ['ms'] };

/** The layer target of shared-node (minLayerBytes 0) run once over `fns`: it succeeds; what it printed. */
async function planned(label: string, fns: Record<string, Fn>, options: Record<string, unknown> = {}) {
  const { ws, contextFor } = await workspace(label, { family: 'node', runtime: 'nodejs22.x', minLayerBytes: 0 }, fns);
  const layer = await captured(() => layerExecutor(options, contextFor('shared-node')));
  expect(layer.out).toEqual({ success: true });
  return { ws, contextFor, printed: layer.printed };
}

describe('@nx-lambda/plugin:layer', () => {
  it('plans for the good function when another function of its scope is broken, and names the broken one', async () => {
    const { ws, contextFor } = await workspace('layer-exec-broken', { family: 'node', runtime: 'nodejs22.x', minLayerBytes: 0 }, {
      'node-one': { options: cjs },
      'node-two': { options: { ...cjs, format: 'umd' } },
    });
    const layer = await captured(() => layerExecutor({}, contextFor('shared-node')));
    expect(layer.out).toEqual({ success: true });
    const plan = JSON.parse(await fsp.readFile(path.join(ws, 'dist/layers/shared-node/plan.json'), 'utf8')) as LayerPlanFile;
    expect(Object.keys(plan.functions)).toEqual(['node-one']);
    expect(plan.unresolved).toEqual([{ function: 'node-two', error: 'node:options - node-two: format "umd" is not supported' }]);
    expect(layer.printed).toContain('shared-node: 0 layer(s) for 1 function(s) (1 left out)');
    expect(layer.printed).toContain([
      '  warning: node-two is left out of the layers: its dependencies could not be resolved',
      '    node:options - node-two: format "umd" is not supported',
      '    its package target reports the error in full',
    ].join('\n'));

    // Each package target then runs on its own: the broken one fails with its own message.
    const broken = await captured(() => nodeExecutor(contextFor('node-two').projectsConfigurations.projects['node-two'].targets!.package.options, contextFor('node-two')));
    expect(broken.out).toEqual({ success: false });
    expect(broken.printed).toMatch(/^node-two:options - the node executor refuses an option\n {2}"format" is "umd"/);
    const good = await captured(() => nodeExecutor(cjs as never, contextFor('node-one')));
    expect(good.out).toMatchObject({ success: true });
    expect(existsSync(path.join(ws, 'dist/apps/node-one/function.zip'))).toBe(true);
  });

  it('warns, naming them and the layer\'s architecture, when its functions run on another architecture (plugin defaults in nx.json)', async () => {
    const arm = { ...cjs, architecture: 'arm64' };
    const { contextFor } = await workspace('layer-exec-arm', { family: 'node', runtime: 'nodejs22.x' }, { 'node-one': { options: arm }, 'node-two': { options: arm } });
    const layer = await captured(() => layerExecutor({}, contextFor('shared-node')));
    expect(layer.out).toEqual({ success: true });
    expect(layer.printed).toContain([
      'shared-node:layer - serves no function: the node functions in its scope run on another architecture than the layer',
      '  layer shared-node: x86_64',
      '  node-one: arm64',
      '  node-two: arm64',
      '  Fix: set "architecture": "arm64" in layers/shared-node/lambda-layer.json, or create another layer project for them',
    ].join('\n'));
    expect(layer.printed).toContain('shared-node: 0 layer(s) for 0 function(s)');
  });

  it('warns when a function it serves is also served by another layer project of its family', async () => {
    const { contextFor } = await workspace('layer-exec-two', { family: 'node', runtime: 'nodejs22.x', minLayerBytes: 0 }, { 'orders-a': { options: cjs }, 'orders-b': { options: cjs }, other: { options: cjs } });
    const context = contextFor('shared-node');
    // A second layer project (inferred: tagged with its family) whose "functions" take the orders functions in.
    context.projectsConfigurations.projects['orders-node'] = { root: 'layers/orders-node', tags: ['lambda-layer', 'lambda-layer:node'], targets: { layer: { executor: '@nx-lambda/plugin:layer' } } };
    context.projectsConfigurations.projects['py-deps'] = { root: 'layers/py-deps', tags: ['lambda-layer', 'lambda-layer:python'], targets: { layer: { executor: '@nx-lambda/plugin:layer' } } };
    for (const fn of ['orders-a', 'orders-b']) context.projectGraph.dependencies[fn].push({ source: fn, target: 'orders-node', type: 'implicit' });
    context.projectGraph.dependencies.other.push({ source: 'other', target: 'py-deps', type: 'implicit' });
    const layer = await captured(() => layerExecutor({}, context));
    expect(layer.out).toEqual({ success: true });
    expect(layer.printed).toContain([
      'shared-node:layer - orders-a, orders-b are also served by orders-node: each layer project plans alone, so a package both layer for them would reach them twice, and their package target then fails',
      '  Fix: let one layer project serve each function: narrow "functions" in layers/shared-node/lambda-layer.json or in the lambda-layer.json of orders-node',
    ].join('\n'));
    expect(layer.printed).not.toContain('other is also');
  });

  it('warns at planning time, naming each function and its sizes, when the plan cannot keep it under unzippedLimitMiB', async () => {
    // 0.005 MiB (5.1 KiB): less than the layer with ms that both functions use, so no plan fits under it.
    const { ws, printed } = await planned('layer-exec-limit', { 'node-one': { options: cjs }, 'node-two': { options: cjs } }, { unzippedLimitMiB: 0.005 });
    const plan = JSON.parse(await fsp.readFile(path.join(ws, 'dist/layers/shared-node/plan.json'), 'utf8')) as LayerPlanFile;
    const [built] = plan.layers;
    const size = (built.size / 1024).toFixed(1);
    for (const fn of ['node-one', 'node-two']) {
      expect(printed).toContain([
        `  warning: ${fn} is ${size} KiB unzipped with its layers before its own code, over the 5.1 KiB limit of layer project shared-node ("unzippedLimitMiB")`,
        `    dependencies kept in ${fn}: 0 B`,
        `    layer ${built.name}: ${size} KiB`,
        `    the plan could not keep it under that limit (it uses these dependencies itself). Fix: raise "unzippedLimitMiB" of shared-node to what Lambda allows, or drop dependencies ${fn} does not need`,
      ].join('\n'));
    }
  });

  it('warns, naming the function, when the plan gives it more layers than its own maxLayers; its package target then fails', async () => {
    const { ws, contextFor, printed } = await planned('layer-exec-max', { 'node-one': { options: { ...cjs, maxLayers: 0 } }, 'node-two': { options: cjs } });
    expect(printed).toContain([
      '  warning: node-one gets 1 layer(s) from shared-node, over its own "maxLayers" of 0: its package target will fail',
      '    Fix: set "maxLayers" of shared-node to 0 so the plan keeps to it, leave node-one out of its "functions", or raise "maxLayers" of node-one (Lambda allows 5)',
    ].join('\n'));
    expect(printed).not.toContain('node-two gets');
    const pkg = await captured(() => nodeExecutor({ ...cjs, maxLayers: 0 } as never, contextFor('node-one')));
    expect(pkg.out).toEqual({ success: false });
    expect(pkg.printed).toMatch(/^node:limits - uses 1 layers; its "maxLayers" allows 0\n {2}layers: shared-node-[0-9a-f]{8}\n {2}Fix: raise "maxLayers" \(Lambda allows 5\), or set the layer project's "maxLayers" to 0/);
    expect(existsSync(path.join(ws, 'dist/apps/node-one/function.zip'))).toBe(false);
  });

  it('gives no size warning when the functions fit', async () => {
    const { printed } = await planned('layer-exec-fits', { 'node-one': { options: cjs }, 'node-two': { options: cjs } });
    expect(printed).toContain('shared-node: 1 layer(s) for 2 function(s)');
    expect(printed).not.toContain('unzipped with its layers');
    expect(printed).not.toContain('"maxLayers"');
  });

  it('warns, naming the functions there are, when "functions" in lambda-layer.json matches none', async () => {
    const { contextFor } = await workspace('layer-exec-scope', { family: 'node', runtime: 'nodejs22.x', functions: ['nope-*'] }, {
      'node-one': { options: cjs, dependent: false },
      'node-two': { options: cjs, dependent: false },
    });
    const layer = await captured(() => layerExecutor({}, contextFor('shared-node')));
    expect(layer.out).toEqual({ success: true });
    expect(layer.printed).toContain([
      'shared-node:layer - serves no function: no node function is in its scope',
      '  "functions": ["nope-*"] (layers/shared-node/lambda-layer.json) matches none of: node-one, node-two',
    ].join('\n'));
  });
});
