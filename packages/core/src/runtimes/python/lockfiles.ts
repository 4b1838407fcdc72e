import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { toml, TomlBatch, TomlTable, TomlValue } from './interpreter';
import { normaliseName } from './requirements';

/** What a lockfile fixes for one function: exact third-party versions and workspace libraries. */
export interface LockedSet {
  /** Workspace-relative lockfile, for messages. */
  lockFile: string;
  pins: { name: string; version: string }[];
  /** Absolute folders of path/editable/directory packages reached from the function. */
  libs: string[];
}

interface Edge {
  name: string;
  extras: string[];
  version?: string;
}

interface LockNode {
  name: string;
  version: string;
  /** `registry`, or the folder (relative to the lockfile) of a path/editable/directory source. */
  source: { kind: 'registry' } | { kind: 'path'; path: string } | { kind: 'unsupported'; what: string };
  deps: Edge[];
  extras: Record<string, Edge[]>;
  /** resolution-markers hold for the target (uv locks may list a package once per fork). */
  applies: boolean;
}

/** The function's own entry point into the lock: its name and (for Poetry) its declared edges. */
export interface LockRoot {
  /** Normalised project name, when the function has a pyproject. */
  name?: string;
  /** Project folder relative to the lockfile's folder, `/`-separated (`.` when beside it). */
  relDir: string;
  /** Direct dependencies declared in pyproject (used when the lock has no node for the root). */
  declared: Edge[];
}

/** Walks a uv.lock or poetry.lock from the function's root over edges whose markers hold for Lambda. */
export function lockedSet(kind: 'uv' | 'poetry', lockPath: string, lockFileRel: string, batch: TomlBatch, root: LockRoot): LockedSet {
  const data = batch.files[lockPath];
  const holds = (m: TomlValue | undefined) => (typeof m === 'string' ? batch.markers[m] !== false : true);
  const nodes = kind === 'uv' ? uvNodes(data, holds) : poetryNodes(data, holds);
  const byName = new Map<string, LockNode[]>();
  for (const n of nodes) byName.set(n.name, [...(byName.get(n.name) ?? []), n]);
  const pick = (e: Edge): LockNode | undefined => {
    const all = byName.get(e.name) ?? [];
    return all.find((n) => e.version === n.version) ?? all.find((n) => n.applies) ?? all[0];
  };
  const rootNode = nodes.find((n) => n.source.kind === 'path' && normDir(n.source.path) === normDir(root.relDir)) ??
    (root.name ? byName.get(root.name)?.[0] : undefined);
  const pins = new Map<string, string>();
  const libs = new Set<string>();
  const seen = new Set<string>();
  const queue: Edge[] = rootNode ? [{ name: rootNode.name, extras: [] }] : [...root.declared];
  while (queue.length) {
    const edge = queue.shift()!;
    const node = pick(edge);
    if (!node) {
      throw new LambdaPackageError('python:resolve', `${edge.name} is required but not in ${lockFileRel}`, [],
        `the lockfile is out of date: run \`${kind === 'uv' ? 'uv lock' : 'poetry lock'}\` and commit it`);
    }
    const key = `${node.name}[${edge.extras.join(',')}]`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (node.source.kind === 'unsupported') {
      throw new LambdaPackageError('python:resolve', `${node.name} comes from ${node.source.what} in ${lockFileRel}`, [],
        'publish it as a wheel on an index, or make it a workspace library referenced by path');
    }
    if (node !== rootNode) {
      if (node.source.kind === 'registry') pins.set(node.name, node.version);
      else libs.add(path.resolve(path.dirname(lockPath), node.source.path));
    }
    queue.push(...node.deps, ...edge.extras.flatMap((x) => node.extras[x] ?? []));
  }
  return { lockFile: lockFileRel, pins: [...pins].map(([name, version]) => ({ name, version })), libs: [...libs] };
}

const normDir = (p: string) => path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/$/, '') || '.';

function uvEdges(list: TomlValue | undefined, holds: (m: TomlValue | undefined) => boolean): Edge[] {
  return toml.list(list).map(toml.table).filter((d) => holds(d.marker) && toml.str(d.name))
    .map((d) => ({ name: normaliseName(toml.str(d.name)!), extras: toml.strings(d.extra), ...(toml.str(d.version) ? { version: toml.str(d.version) } : {}) }));
}

function uvNodes(data: TomlTable, holds: (m: TomlValue | undefined) => boolean): LockNode[] {
  return toml.list(data.package).map(toml.table).map((p) => {
    const src = toml.table(p.source);
    const local = toml.str(src.editable) ?? toml.str(src.directory) ?? toml.str(src.virtual) ?? toml.str(src.path);
    const source: LockNode['source'] = toml.str(src.registry) !== undefined ? { kind: 'registry' }
      : local !== undefined ? { kind: 'path', path: local }
      : { kind: 'unsupported', what: Object.keys(src).join('/') || 'an unknown source' };
    const extras: Record<string, Edge[]> = {};
    for (const [x, list] of Object.entries(toml.table(p['optional-dependencies']))) extras[x] = uvEdges(list, holds);
    const forks = toml.strings(p['resolution-markers']);
    return {
      name: normaliseName(toml.str(p.name) ?? ''), version: toml.str(p.version) ?? '', source, deps: uvEdges(p.dependencies, holds), extras,
      applies: !forks.length || forks.some((m) => holds(m)),
    };
  });
}

/** `PySocks (>=1.5.6,!=1.5.7)` or `pysocks[extra] >=1.5` -> edge. */
function edgeFromSpec(spec: string): Edge {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/.exec(spec);
  return { name: normaliseName(m?.[1] ?? spec), extras: m?.[2] ? m[2].split(',').map((s) => s.trim()).filter(Boolean) : [] };
}

function poetryNodes(data: TomlTable, holds: (m: TomlValue | undefined) => boolean): LockNode[] {
  return toml.list(data.package).map(toml.table).map((p) => {
    const src = toml.table(p.source);
    const type = toml.str(src.type);
    const source: LockNode['source'] = !type || type === 'legacy' ? { kind: 'registry' }
      : type === 'directory' ? { kind: 'path', path: toml.str(src.url) ?? '.' }
      : { kind: 'unsupported', what: `a ${type} source` };
    const deps: Edge[] = [];
    for (const [name, value] of Object.entries(toml.table(p.dependencies))) {
      for (const v of Array.isArray(value) ? value : [value]) {
        const t = toml.table(v);
        if (t.optional === true || !holds(t.markers)) continue;
        deps.push({ name: normaliseName(name), extras: toml.strings(t.extras) });
        break;
      }
    }
    const extras: Record<string, Edge[]> = {};
    for (const [x, list] of Object.entries(toml.table(p.extras))) extras[x] = toml.strings(list).map(edgeFromSpec);
    return { name: normaliseName(toml.str(p.name) ?? ''), version: toml.str(p.version) ?? '', source, deps, extras, applies: true };
  });
}

/** Direct dependencies a pyproject declares (PEP 621, else Poetry's table), markers applied. */
export function declaredEdges(pyproject: TomlTable, markers: Record<string, boolean>): Edge[] {
  const pep621 = toml.strings(toml.at(pyproject, 'project', 'dependencies'));
  if (pep621.length) {
    return pep621.filter((d) => !d.includes(';') || markers[d.split(';', 2)[1].trim()] !== false).map(edgeFromSpec);
  }
  const edges: Edge[] = [];
  for (const [name, v] of Object.entries(toml.table(toml.at(pyproject, 'tool', 'poetry', 'dependencies')))) {
    const t = toml.table(v);
    if (name.toLowerCase() === 'python' || t.optional === true || (typeof t.markers === 'string' && markers[t.markers] === false)) continue;
    edges.push({ name: normaliseName(name), extras: toml.strings(t.extras) });
  }
  return edges;
}
