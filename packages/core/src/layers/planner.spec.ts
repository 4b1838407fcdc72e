import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DependencyLayerPlan, planLayers, PlannerFunction, PlannerOptions } from './planner';

interface FixtureInput {
  functions: Record<string, string[]>;
  options?: Partial<PlannerOptions>;
  codeSize?: Record<string, number>;
  pinnedLayers?: Record<string, number>;
  /** Second run: these functions change; the plan of the first run is passed as `previous`. */
  change?: Record<string, string[]>;
}

const FIXTURES = path.join(__dirname, 'fixtures');

function toFunctions(spec: Record<string, string[]>, codeSize: Record<string, number> = {}, pinned: Record<string, number> = {}): PlannerFunction[] {
  return Object.entries(spec).map(([name, deps]) => ({
    name,
    codeSize: codeSize[name] ?? 0,
    pinnedLayers: pinned[name] ?? 0,
    dependencies: deps.map((d) => {
      const [, dep, version, size] = /^(.+)@([^:]+):(\d+)$/.exec(d)!;
      return { name: dep, version, platform: 'any', size: Number(size) };
    }),
  }));
}

/** The plan in a form a reader can check by eye: who shares which layer, what stays where. */
function compact(plan: DependencyLayerPlan) {
  return {
    layers: plan.layers.map((l) => ({ name: l.name, functions: l.functions, dependencies: l.dependencies.map((d) => `${d.name}@${d.version}`), size: l.size })),
    functions: Object.fromEntries(Object.entries(plan.functions).map(([f, p]) => [f, { layers: p.layers, kept: p.kept.map((k) => `${k.key.replace(/#any$/, '')}: ${k.reason}`) }])),
    bytes: plan.bytes,
  };
}

function run(input: FixtureInput, previous?: DependencyLayerPlan, spec = input.functions): DependencyLayerPlan {
  const options: PlannerOptions = {
    prefix: 'shared', minLayerBytes: 0, maxLayersPerFunction: 5, unzippedLimitBytes: 250 * 1024 * 1024, directUploadBytes: 50 * 1024 * 1024,
    ...input.options, previous,
  };
  return planLayers(toFunctions(spec, input.codeSize, input.pinnedLayers), options);
}

describe('planLayers fixtures', () => {
  for (const scenario of readdirSync(FIXTURES).sort()) {
    it(scenario, () => {
      const input = JSON.parse(readFileSync(path.join(FIXTURES, scenario, 'input.json'), 'utf8')) as FixtureInput;
      const first = run(input);
      const actual: Record<string, unknown> = { plan: compact(first) };
      if (input.change) actual.afterChange = compact(run(input, first, { ...input.functions, ...input.change }));
      const expectedFile = path.join(FIXTURES, scenario, 'expected.json');
      if (process.env.NX_LAMBDA_WRITE_FIXTURES === '1') writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('planLayers properties', () => {
  it('keeps every function within the layer limit and never puts a dependency in two places', () => {
    const input = JSON.parse(readFileSync(path.join(FIXTURES, 'five-layer-limit', 'input.json'), 'utf8')) as FixtureInput;
    const plan = run(input);
    for (const [fn, p] of Object.entries(plan.functions)) {
      expect(p.layers.length, fn).toBeLessThanOrEqual(5);
      const supplied = Object.keys(p.supplied);
      expect(p.kept.map((k) => k.key).filter((k) => supplied.includes(k)), fn).toEqual([]);
    }
  });

  it('is the same plan whatever order functions and dependencies come in', () => {
    const input = JSON.parse(readFileSync(path.join(FIXTURES, 'overlapping-groups', 'input.json'), 'utf8')) as FixtureInput;
    const reversed = Object.fromEntries(Object.entries(input.functions).reverse().map(([k, v]) => [k, [...v].reverse()]));
    expect(run(input, undefined, reversed)).toEqual(run(input));
  });

  it('leaves unrelated layers untouched when one function gains a dependency', () => {
    const input = JSON.parse(readFileSync(path.join(FIXTURES, 'stability', 'input.json'), 'utf8')) as FixtureInput;
    const before = run(input);
    const after = run(input, before, { ...input.functions, a: [...input.functions.a, 'ms@2.1.3:10000'] });
    expect(after.layers).toEqual(before.layers);
  });
});
