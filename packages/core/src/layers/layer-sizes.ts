import type { BuildResult, ResolvedDependency } from '../runtimes/types';
import { dependencyKey } from '../runtimes/types';

/** Distinct dependencies by key, in key order. */
function distinct(deps: Iterable<ResolvedDependency>): ResolvedDependency[] {
  const byKey = new Map<string, ResolvedDependency>();
  for (const d of deps) if (!byKey.has(dependencyKey(d))) byKey.set(dependencyKey(d), d);
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

/** Splits deps so that no batch holds one name twice (one layer folder holds one version of a name). */
export function batchesByName(deps: readonly ResolvedDependency[]): ResolvedDependency[][] {
  const batches: ResolvedDependency[][] = [];
  for (const d of distinct(deps)) {
    const free = batches.find((b) => !b.some((o) => o.name === d.name));
    if (free) free.push(d);
    else batches.push([d]);
  }
  return batches;
}

/** The dependencies worth measuring: those several functions share (layer candidates) and those of unknown size. */
export function dependenciesToMeasure(functions: readonly { dependencies: readonly ResolvedDependency[] }[]): ResolvedDependency[] {
  const users = new Map<string, number>();
  for (const f of functions) for (const k of new Set(f.dependencies.map(dependencyKey))) users.set(k, (users.get(k) ?? 0) + 1);
  return distinct(functions.flatMap((f) => f.dependencies)).filter((d) => d.size === 0 || (users.get(dependencyKey(d)) ?? 0) > 1);
}

/**
 * Bytes each dependency takes in a layer, measured by staging it exactly as its layer would be
 * (`stage` runs the strategy's buildLayer in a scratch folder): one install per batch, not per
 * dependency. A dependency the strategy does not report keeps its resolved size.
 */
export async function measureLayerSizes(
  deps: readonly ResolvedDependency[],
  stage: (batch: readonly ResolvedDependency[]) => Promise<BuildResult>,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const batch of batchesByName(deps)) {
    const { dependencies } = await stage(batch);
    for (const d of batch) {
      const record = dependencies.find((r) => r.platform !== undefined && dependencyKey({ ...r, platform: r.platform }) === dependencyKey(d))
        ?? dependencies.find((r) => r.name === d.name && r.version === d.version);
      sizes.set(dependencyKey(d), record ? record.size : d.size);
    }
  }
  return sizes;
}

/**
 * What the planner reads: each dependency with its bytes in a function (resolve's figure, or the
 * measured one when resolve could not tell), and the bytes each takes in a layer.
 */
export function withMeasuredSizes<F extends { dependencies: readonly ResolvedDependency[] }>(functions: readonly F[], measured: ReadonlyMap<string, number>) {
  return {
    functions: functions.map((f) => ({
      ...f,
      dependencies: f.dependencies.map((d) => (d.size === 0 && measured.has(dependencyKey(d)) ? { ...d, size: measured.get(dependencyKey(d))! } : d)),
    })),
    layerSizes: Object.fromEntries([...measured].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
