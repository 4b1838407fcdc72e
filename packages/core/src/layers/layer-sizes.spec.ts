import { describe, expect, it } from 'vitest';
import type { ResolvedDependency } from '../runtimes/types';
import { batchesByName, dependenciesToMeasure, measureLayerSizes, withMeasuredSizes } from './layer-sizes';

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
});
