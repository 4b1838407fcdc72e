import { createHash } from 'node:crypto';
import { dependencyKey, ResolvedDependency } from '../runtimes/types';

/** One function as the planner sees it: who it is and what it depends on. */
export interface PlannerFunction {
  name: string;
  dependencies: readonly ResolvedDependency[];
  /** Bytes of the function's own code (everything but its third-party dependencies). */
  codeSize: number;
  /** Layers the user pins (ARNs of other stacks) count against the 5-layer limit. */
  pinnedLayers?: number;
  pinnedLayerBytes?: number;
}

export interface PlannerOptions {
  /** Prefix of layer names; layers are `<prefix>-<id>`, id derived from the functions served. */
  prefix: string;
  /** A group smaller than this stays in the functions (not worth a layer). */
  minLayerBytes: number;
  maxLayersPerFunction: number;
  unzippedLimitBytes: number;
  /** Layer zips above this are flagged for upload through S3. */
  directUploadBytes: number;
  /** Last run's plan: its merges are kept so one new dependency does not reshuffle layers. */
  previous?: DependencyLayerPlan;
  /**
   * dependencyKey -> bytes the dependency takes in a layer, when that differs from its bytes in a
   * function (a bundled npm package is a few KiB of the bundle but its whole package in a layer).
   * Default: the dependency's own size.
   */
  layerSizes?: Readonly<Record<string, number>>;
}

export interface PlannedLayer {
  name: string;
  /** Functions that use this layer, sorted. */
  functions: string[];
  dependencies: ResolvedDependency[];
  size: number;
  viaS3: boolean;
  reason: string;
}

export interface FunctionLayerPlan {
  /** Layer names in the order Lambda applies them. */
  layers: string[];
  /** dependencyKey -> layer name for what the layers supply. */
  supplied: Record<string, string>;
  /** What stays in the function's zip, with why. */
  kept: { key: string; reason: string }[];
}

export interface DependencyLayerPlan {
  layers: PlannedLayer[];
  functions: Record<string, FunctionLayerPlan>;
  bytes: { withoutLayers: number; withLayers: number; lowerBound: number };
}

interface Group {
  functions: string[];
  keys: string[];
  size: number;
}

const setKey = (fns: readonly string[]) => fns.join('\u0000');
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function layerId(functions: readonly string[]): string {
  return createHash('sha256').update(setKey(functions)).digest('hex').slice(0, 8);
}

/**
 * Groups dependencies by the exact set of functions that use them, keeps groups that several
 * functions share and that are worth a layer, then brings every function within Lambda's limits by
 * merging groups or leaving a group in its functions, whichever costs fewer bytes; ties are broken
 * by sorted keys so the result depends on the input only. Pure: no I/O.
 */
export function planLayers(fns: readonly PlannerFunction[], options: PlannerOptions): DependencyLayerPlan {
  // `copies`: the bytes of every function's own copy. A bundled package's size differs per function
  // (each bundle holds what that function imports), so one function's figure times the users is wrong.
  const byKey = new Map<string, { dep: ResolvedDependency; users: Set<string>; copies: number }>();
  const namesByFunction = new Map<string, Map<string, string>>();
  const ownSize = new Map<string, number>(); // `${function}\0${key}` -> that function's bytes of it
  for (const f of fns) {
    const names = new Map<string, string>();
    for (const d of f.dependencies) {
      const key = dependencyKey(d);
      const entry = byKey.get(key) ?? { dep: d, users: new Set<string>(), copies: 0 };
      if (!entry.users.has(f.name)) entry.copies += d.size;
      entry.users.add(f.name);
      byKey.set(key, entry);
      names.set(d.name, key);
      ownSize.set(`${f.name}\0${key}`, d.size);
    }
    namesByFunction.set(f.name, names);
  }

  // Same name in two versions (or platforms) anywhere: those stay in the functions, so a layer
  // never shadows a function's own version.
  const versionsByName = new Map<string, Set<string>>();
  for (const [key, { dep }] of byKey) versionsByName.set(dep.name, (versionsByName.get(dep.name) ?? new Set()).add(key));
  const kept = new Map<string, Map<string, string>>(fns.map((f) => [f.name, new Map()]));
  const keep = (fn: string, key: string, reason: string) => kept.get(fn)!.set(key, reason);

  const groups = new Map<string, Group>();
  const sizeOf = (k: string) => byKey.get(k)!.dep.size;
  const layerSizeOf = (k: string) => options.layerSizes?.[k] ?? sizeOf(k);
  const sizeIn = (fn: string, k: string) => ownSize.get(`${fn}\0${k}`) ?? sizeOf(k);
  for (const [key, { dep, users, copies }] of [...byKey].sort(([a], [b]) => cmp(a, b))) {
    const functions = [...users].sort(cmp);
    if (functions.length < 2) {
      keep(functions[0], key, 'used by this function only');
      continue;
    }
    if ((versionsByName.get(dep.name)?.size ?? 0) > 1) {
      for (const f of functions) keep(f, key, `other functions use another version of ${dep.name}`);
      continue;
    }
    // In a layer a dependency can take more room than the copies it replaces (npm packages are bundled
    // into a few KiB but installed whole): then it saves nothing.
    if (layerSizeOf(key) > copies) {
      for (const f of functions) keep(f, key, `in a layer it takes ${layerSizeOf(key)} bytes, more than its ${functions.length} copies (${copies} bytes)`);
      continue;
    }
    const g = groups.get(setKey(functions)) ?? { functions, keys: [], size: 0 };
    g.keys.push(key);
    g.size += layerSizeOf(key);
    groups.set(setKey(functions), g);
  }
  for (const [id, g] of [...groups]) {
    if (g.size < options.minLayerBytes) {
      groups.delete(id);
      for (const f of g.functions) for (const k of g.keys) keep(f, k, `shared group of ${g.size} bytes is below minLayerBytes ${options.minLayerBytes}`);
    }
  }
  const leave = (id: string, why: string) => {
    const g = groups.get(id)!;
    groups.delete(id);
    for (const f of g.functions) for (const k of g.keys) if (byKey.get(k)!.users.has(f)) keep(f, k, why);
  };
  const evict = (fn: string, id: string, why: string) => {
    const g = groups.get(id)!;
    groups.delete(id);
    for (const k of g.keys) if (byKey.get(k)!.users.has(fn)) keep(fn, k, why);
    const functions = g.functions.filter((f) => f !== fn);
    const existing = groups.get(setKey(functions));
    if (existing) {
      existing.keys = [...existing.keys, ...g.keys].sort(cmp);
      existing.size += g.size;
    } else groups.set(setKey(functions), { functions, keys: g.keys, size: g.size });
  };
  const merge = (a: string, b: string): string => {
    const ga = groups.get(a)!;
    const gb = groups.get(b)!;
    groups.delete(a);
    groups.delete(b);
    const functions = [...new Set([...ga.functions, ...gb.functions])].sort(cmp);
    const keys = [...ga.keys, ...gb.keys].sort(cmp);
    const merged = { functions, keys, size: ga.size + gb.size };
    const existing = groups.get(setKey(functions));
    if (existing) {
      existing.keys = [...existing.keys, ...keys].sort(cmp);
      existing.size += merged.size;
    } else groups.set(setKey(functions), merged);
    return setKey(functions);
  };
  const fnByName = new Map(fns.map((f) => [f.name, f]));
  const groupsOf = (fn: string) => [...groups].filter(([, g]) => g.functions.includes(fn)).map(([id]) => id).sort(cmp);
  const totalOf = (f: PlannerFunction) => {
    const own = [...kept.get(f.name)!.keys()].reduce((s, k) => s + sizeIn(f.name, k), 0);
    const layers = groupsOf(f.name).reduce((s, id) => s + groups.get(id)!.size, 0);
    return f.codeSize + own + layers + (f.pinnedLayerBytes ?? 0);
  };
  // A merge is safe only if no function of the union has another version of a merged name, and
  // no function of the union goes over the unzipped limit with the bytes the merge adds to it.
  const mergeSafe = (a: Group, b: Group) => {
    const union = new Set([...a.functions, ...b.functions]);
    for (const f of union) {
      const added = (a.functions.includes(f) ? 0 : a.size) + (b.functions.includes(f) ? 0 : b.size);
      if (added && totalOf(fnByName.get(f)!) + added > options.unzippedLimitBytes) return false;
    }
    return [...a.keys, ...b.keys].every((k) => {
      const name = byKey.get(k)!.dep.name;
      return [...union].every((f) => {
        const own = namesByFunction.get(f)!.get(name);
        return own === undefined || own === k;
      });
    });
  };

  // Keep last run's merges: groups that were one layer before become one layer again.
  for (const prev of [...(options.previous?.layers ?? [])].sort((a, b) => cmp(a.name, b.name))) {
    const prevKeys = new Set(prev.dependencies.map(dependencyKey));
    let parts = [...groups]
      .filter(([, g]) => g.keys.every((k) => prevKeys.has(k)) && g.functions.every((f) => prev.functions.includes(f)))
      .map(([id]) => id)
      .sort(cmp);
    while (parts.length > 1 && mergeSafe(groups.get(parts[0])!, groups.get(parts[1])!)) {
      parts = [merge(parts[0], parts[1]), ...parts.slice(2)];
    }
  }

  const budget = new Map(fns.map((f) => [f.name, options.maxLayersPerFunction - (f.pinnedLayers ?? 0)]));
  for (let guard = 0; guard < 10_000; guard++) {
    const over = fns.map((f) => f.name).sort(cmp).find((fn) => groupsOf(fn).length > budget.get(fn)!);
    if (!over) break;
    const mine = groupsOf(over);
    // Bytes an action costs, per over-budget function it brings down by one layer.
    const overSet = new Set(fns.map((f) => f.name).filter((fn) => groupsOf(fn).length > budget.get(fn)!));
    const relief = (names: readonly string[]) => Math.max(1, names.filter((n) => overSet.has(n)).length);
    type Action = { cost: number; tie: string; apply: () => void };
    const actions: Action[] = [];
    for (const id of mine) {
      const g = groups.get(id)!;
      actions.push({ cost: ((g.functions.length - 1) * g.size) / relief(g.functions), tie: `leave:${g.keys[0]}`, apply: () => leave(id, `layer limit: ${over} can use only ${budget.get(over)} layers`) });
    }
    for (const id of mine) {
      const g = groups.get(id)!;
      if (g.functions.length <= 2) continue;
      // Only this function keeps its own copy; the others keep the layer.
      actions.push({ cost: g.size, tie: `evict:${g.keys[0]}`, apply: () => evict(over, id, `layer limit: ${over} can use only ${budget.get(over)} layers`) });
    }
    for (let i = 0; i < mine.length; i++) {
      for (let j = i + 1; j < mine.length; j++) {
        const a = groups.get(mine[i])!;
        const b = groups.get(mine[j])!;
        if (!mergeSafe(a, b)) continue;
        const onlyA = a.functions.filter((f) => !b.functions.includes(f)).length;
        const onlyB = b.functions.filter((f) => !a.functions.includes(f)).length;
        // Merging stores nothing twice but gives functions bytes they do not use.
        const both = a.functions.filter((f) => b.functions.includes(f));
        actions.push({ cost: (onlyA * b.size + onlyB * a.size) / relief(both), tie: `merge:${a.keys[0]}+${b.keys[0]}`, apply: () => merge(mine[i], mine[j]) });
      }
    }
    actions.sort((x, y) => x.cost - y.cost || cmp(x.tie, y.tie));
    actions[0].apply();
  }

  // Unzipped limit (after last run's merges): a function over it sheds the layer that gives it the
  // most unused bytes.
  for (const f of [...fns].sort((a, b) => cmp(a.name, b.name))) {
    while (totalOf(f) > options.unzippedLimitBytes) {
      const mine = groupsOf(f.name);
      const used = new Set(f.dependencies.map(dependencyKey));
      const unused = (id: string) => groups.get(id)!.keys.filter((k) => !used.has(k)).reduce((s, k) => s + sizeOf(k), 0);
      const worst = mine.filter((id) => unused(id) > 0).sort((a, b) => unused(b) - unused(a) || cmp(a, b))[0];
      if (!worst) break;
      leave(worst, `unzipped limit: with this layer ${f.name} would exceed ${options.unzippedLimitBytes} bytes`);
    }
  }

  const layers: PlannedLayer[] = [...groups.values()]
    .map((g) => ({
      name: `${options.prefix}-${layerId(g.functions)}`,
      functions: g.functions,
      dependencies: g.keys.map((k) => byKey.get(k)!.dep).sort((a, b) => cmp(dependencyKey(a), dependencyKey(b))),
      size: g.size,
      viaS3: g.size > options.directUploadBytes,
      reason: `used by ${g.functions.length} functions: ${g.functions.join(', ')}`,
    }))
    .sort((a, b) => cmp(a.name, b.name));

  const functions: Record<string, FunctionLayerPlan> = {};
  for (const f of [...fns].sort((a, b) => cmp(a.name, b.name))) {
    const mine = layers.filter((l) => l.functions.includes(f.name));
    const supplied: Record<string, string> = {};
    for (const l of mine) for (const d of l.dependencies) if (byKey.get(dependencyKey(d))!.users.has(f.name)) supplied[dependencyKey(d)] = l.name;
    functions[f.name] = {
      layers: mine.map((l) => l.name),
      supplied,
      kept: [...kept.get(f.name)!].map(([key, reason]) => ({ key, reason })).sort((a, b) => cmp(a.key, b.key)),
    };
  }
  const withoutLayers = fns.reduce((s, f) => s + f.dependencies.reduce((t, d) => t + d.size, 0), 0);
  const withLayers = layers.reduce((s, l) => s + l.size, 0) + fns.reduce((s, f) => s + [...kept.get(f.name)!.keys()].reduce((t, k) => t + sizeIn(f.name, k), 0), 0);
  const lowerBound = [...byKey.keys()].reduce((s, k) => s + Math.min(sizeOf(k), layerSizeOf(k)), 0);
  return { layers, functions, bytes: { withoutLayers, withLayers, lowerBound } };
}
