import { describe, expect, it } from 'vitest';
import type { ResolvedDependency } from '../runtimes/types';
import { batchesByName, dependenciesToMeasure, measureLayerSizes, planLimitWarnings, withMeasuredSizes } from './layer-sizes';

const dep = (name: string, version: string, size: number): ResolvedDependency => ({ name, version, platform: 'any', size });

describe('layer sizes', () => {
  it('measures what several functions share and what resolve could not size, once each', () => {
    const fns = [
      { dependencies: [dep('ms', '2.1.3', 3000), dep('solo', '1.0.0', 500), dep('unsized', '1.0.0', 0)] },
      { dependencies: [dep('ms', '2.1.3', 3000)] },
    ];
    expect(dependenciesToMeasure(fns).map((d) => d.name)).toEqual(['ms', 'unsized']);
  });

  it('never puts two versions of one name in the same batch', () => {
    const batches = batchesByName([dep('a', '1', 1), dep('a', '2', 1), dep('b', '1', 1)]);
    expect(batches.map((b) => b.map((d) => `${d.name}@${d.version}`))).toEqual([['a@1', 'b@1'], ['a@2']]);
  });

  it('reads each size from the staged layer, one staging per batch', async () => {
    const staged: string[][] = [];
    const sizes = await measureLayerSizes([dep('a', '1', 0), dep('a', '2', 0), dep('b', '1', 7)], async (batch) => {
      staged.push(batch.map((d) => `${d.name}@${d.version}`));
      return { dependencies: batch.filter((d) => d.name === 'a').map((d) => ({ ...d, size: 100 * Number(d.version), location: 'l' })), toolchain: {} };
    });
    expect(staged).toEqual([['a@1', 'b@1'], ['a@2']]);
    expect(Object.fromEntries(sizes)).toEqual({ 'a@1#any': 100, 'a@2#any': 200, 'b@1#any': 7 });
  });

  it('gives unsized dependencies their measured size and keeps the layer sizes apart', () => {
    const measured = new Map([['ms@2.1.3#any', 6000], ['x@1#any', 900]]);
    const { functions, layerSizes } = withMeasuredSizes([{ name: 'f', dependencies: [dep('ms', '2.1.3', 3000), dep('x', '1', 0)] }], measured);
    expect(functions[0].dependencies.map((d) => d.size)).toEqual([3000, 900]);
    expect(layerSizes).toEqual({ 'ms@2.1.3#any': 6000, 'x@1#any': 900 });
  });

  it('warns when what a function keeps plus its layers is over its own limit, lower than the layer project\'s', () => {
    const MiB = 1024 * 1024;
    const big = dep('big', '1', 200 * MiB);
    const shared = dep('shared', '1', 40 * MiB);
    const warnings = planLimitWarnings({
      project: 'py-deps', layerLimitBytes: 250 * MiB, layerBytes: new Map([['py-deps-1234', 60 * MiB]]),
      functions: [
        { name: 'report', dependencies: [big, shared], unzippedLimitBytes: 200 * MiB, maxLayers: 5 },
        { name: 'small', dependencies: [shared], unzippedLimitBytes: 200 * MiB, maxLayers: 5 },
      ],
      plan: {
        report: { layers: ['py-deps-1234'], kept: [{ key: 'big@1#any', reason: 'used by one function' }] },
        small: { layers: ['py-deps-1234'], kept: [] },
      },
    });
    expect(warnings).toEqual([[
      'report is 260.0 MiB unzipped with its layers before its own code, over its own limit of 200.0 MiB ("unzippedLimitMiB" of report)',
      '    dependencies kept in report: 200.0 MiB',
      '    layer py-deps-1234: 60.0 MiB',
      '    its package target will fail on the unzipped limit. Fix: drop dependencies report does not need, leave files out with "exclude", or ship it as a container image',
    ].join('\n')]);
  });
});
