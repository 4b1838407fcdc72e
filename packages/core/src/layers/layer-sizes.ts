import { formatBytes } from '../package/limits';
import type { BuildResult, ResolvedDependency } from '../runtimes/types';
import { dependencyKey } from '../runtimes/types';
import type { FunctionLayerPlan } from './planner';

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

export interface PlannedFunctionSize {
  name: string;
  /** As the planner saw them: each dependency's bytes in the function. */
  dependencies: readonly ResolvedDependency[];
  /** The function's own limits (its unzippedLimitMiB and maxLayers), which its package target enforces. */
  unzippedLimitBytes: number;
  maxLayers: number;
}

/**
 * Functions whose planned share is already over a limit before their own code counts: the
 * dependencies the plan keeps in them plus the built layers they get. The planner sheds layers to
 * stay under the layer project's limit, but cannot shed what a function uses itself, and the
 * package target checks the function's own limit (which may be lower) only when it packages.
 * Likewise a function given more layers than its own `maxLayers` (the plan keeps to the layer
 * project's).
 */
export function planLimitWarnings(input: {
  project: string;
  layerLimitBytes: number;
  functions: readonly PlannedFunctionSize[];
  plan: Readonly<Record<string, Pick<FunctionLayerPlan, 'layers' | 'kept'>>>;
  /** Layer name -> unzipped bytes of its built zip. */
  layerBytes: ReadonlyMap<string, number>;
}): string[] {
  const warnings: string[] = [];
  for (const f of [...input.functions].sort((a, b) => a.name.localeCompare(b.name))) {
    const share = input.plan[f.name];
    if (!share) continue;
    if (share.layers.length > f.maxLayers) {
      warnings.push([
        `${f.name} gets ${share.layers.length} layer(s) from ${input.project}, over its own "maxLayers" of ${f.maxLayers}: its package target will fail`,
        `    Fix: set "maxLayers" of ${input.project} to ${f.maxLayers} so the plan keeps to it, leave ${f.name} out of its "functions", or raise "maxLayers" of ${f.name} (Lambda allows 5)`,
      ].join('\n'));
    }
    const keptKeys = new Set(share.kept.map((k) => k.key));
    const kept = f.dependencies.filter((d) => keptKeys.has(dependencyKey(d))).reduce((s, d) => s + d.size, 0);
    const layers = share.layers.map((name) => ({ name, bytes: input.layerBytes.get(name) ?? 0 }));
    const total = kept + layers.reduce((s, l) => s + l.bytes, 0);
    const overOwn = total > f.unzippedLimitBytes;
    if (!overOwn && total <= input.layerLimitBytes) continue;
    const limit = overOwn ? `its own limit of ${formatBytes(f.unzippedLimitBytes)} ("unzippedLimitMiB" of ${f.name})` : `the ${formatBytes(input.layerLimitBytes)} limit of layer project ${input.project} ("unzippedLimitMiB")`;
    const fix = overOwn
      ? `its package target will fail on the unzipped limit. Fix: drop dependencies ${f.name} does not need, leave files out with "exclude", or ship it as a container image`
      : `the plan could not keep it under that limit (it uses these dependencies itself). Fix: raise "unzippedLimitMiB" of ${input.project} to what Lambda allows, or drop dependencies ${f.name} does not need`;
    warnings.push([
      `${f.name} is ${formatBytes(total)} unzipped with its layers before its own code, over ${limit}`,
      `    dependencies kept in ${f.name}: ${formatBytes(kept)}`,
      ...layers.map((l) => `    layer ${l.name}: ${formatBytes(l.bytes)}`),
      `    ${fix}`,
    ].join('\n'));
  }
  return warnings;
}
