import { describe, expect, it } from 'vitest';
import { LayerCandidate, layerScope, LayerScopeSettings } from './layer-scope';

const node: LayerScopeSettings = { project: 'shared-node', family: 'node', runtime: 'nodejs22.x', architecture: 'x86_64', markerPath: 'layers/shared-node/lambda-layer.json' };
const python: LayerScopeSettings = { project: 'shared-py', family: 'python', runtime: 'python3.12', architecture: 'x86_64', markerPath: 'layers/shared-py/lambda-layer.json' };

const fn = (name: string, options: Partial<LayerCandidate['options']> = {}, over: Partial<LayerCandidate> = {}): LayerCandidate =>
  ({ name, tags: [], options: { handler: 'app.handler', runtime: 'python3.12', ...options }, dependent: true, ...over });

describe('layerScope', () => {
  it('serves the dependents in scope that run on its architecture and runtime, without a warning', () => {
    const scope = layerScope({ ...python, functions: ['orders-*', 'tag:api'] }, [fn('orders-a'), fn('billing', {}, { tags: ['api'] }), fn('other', {}, { dependent: false })]);
    expect(scope.served.map((c) => c.name)).toEqual(['billing', 'orders-a']);
    expect(scope.warnings).toEqual([]);
  });

  it('says that no function matches "functions", naming the functions there are', () => {
    const scope = layerScope({ ...python, functions: ['nope-*'] }, [fn('py-two', {}, { dependent: false }), fn('py-one', {}, { dependent: false })]);
    expect(scope.served).toEqual([]);
    expect(scope.warnings).toEqual([[
      'shared-py:layer - serves no function: no python function is in its scope',
      '  "functions": ["nope-*"] (layers/shared-py/lambda-layer.json) matches none of: py-one, py-two',
      '  Fix: correct the names, globs or tag:<tag> in "functions", or remove "functions" to serve every python function of the layer\'s architecture and runtime',
    ].join('\n')]);
  });

  it('names the functions of another architecture, the layer\'s, and the two ways to serve them', () => {
    const scope = layerScope(python, [fn('py-one', { architecture: 'arm64' }), fn('py-two', { architecture: 'arm64' })]);
    expect(scope.served).toEqual([]);
    expect(scope.warnings).toEqual([[
      'shared-py:layer - serves no function: the python functions in its scope run on another architecture than the layer',
      '  layer shared-py: x86_64, python3.12',
      '  py-one: arm64, python3.12',
      '  py-two: arm64, python3.12',
      '  Fix: set "architecture": "arm64" in layers/shared-py/lambda-layer.json, or create another layer project for them (nx g @nx-lambda/plugin:layer <name> --runtime=python --architecture=arm64 --lambdaRuntime=python3.12)',
    ].join('\n')]);
  });

  it('names another runtime for python; node layers do not care about the runtime', () => {
    const py = layerScope(python, [fn('py-old', { runtime: 'python3.11' })]);
    expect(py.warnings[0]).toMatch(/^shared-py:layer - serves no function: the python functions in its scope run on another runtime than the layer\n/);
    expect(py.warnings[0]).toContain('  py-old: x86_64, python3.11\n  Fix: set "runtime": "python3.11" in layers/shared-py/lambda-layer.json');
    expect(layerScope(node, [fn('n1', { runtime: 'nodejs20.x' })]).served.map((c) => c.name)).toEqual(['n1']);
  });

  it('names a dependent on another platform while it serves others', () => {
    const scope = layerScope(python, [fn('py-one'), fn('py-arm', { architecture: 'arm64' }), fn('py-old', { runtime: 'python3.11', architecture: 'arm64' }), fn('py-elsewhere', { architecture: 'arm64' }, { dependent: false })]);
    expect(scope.served.map((c) => c.name)).toEqual(['py-one']);
    expect(scope.warnings).toEqual([
      'shared-py:layer - skipping py-arm: it runs on arm64, this layer is built for x86_64',
      'shared-py:layer - skipping py-old: it runs python3.11 on arm64, this layer is built for python3.12 on x86_64',
    ]);
  });

  it('names functions that fit but do not depend on the layer in the graph (architecture from project.json\'s options)', () => {
    const scope = layerScope({ ...node, architecture: 'arm64' }, [fn('n1', { architecture: 'arm64' }, { dependent: false })]);
    expect(scope.served).toEqual([]);
    expect(scope.warnings).toEqual([[
      'shared-node:layer - serves no function: n1: in scope and built for arm64, but it does not depend on shared-node in the project graph',
      '  The graph links a function to a layer by its lambda.json and the plugin\'s "defaults" in nx.json ("architecture" there, x86_64 when absent), not by project.json options; a package target reads only the layers it depends on.',
      '  Fix: set "architecture": "arm64" in its lambda.json, or name shared-node in its "layers"',
    ].join('\n')]);
  });

  it('says when the workspace has no function of its family', () => {
    expect(layerScope(node, []).warnings).toEqual(['shared-node:layer - serves no function: the workspace has no node function\n  Fix: add one (nx g @nx-lambda/plugin:function), or remove this layer project']);
  });
});
