import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';

/** One `packages` entry of an npm lockfile (v2/v3), the fields we read or copy. */
export interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

export interface WorkspaceLock {
  file: string;
  /** Keyed by install path relative to the workspace root: `node_modules/ms`, `apps/fn/node_modules/x`. */
  packages: Readonly<Record<string, LockEntry>>;
}

/** The platform npm installs for: what `--os --cpu --libc` say. */
export interface NpmPlatform {
  os: 'linux';
  cpu: 'x64' | 'arm64';
  libc: 'glibc';
}

export const LOCKFILE = 'package-lock.json';

/** Parsed lockfiles by path, size and mtime: a batch of functions in one workspace parses it once. */
const parsedLocks = new Map<string, { stamp: string; lock: WorkspaceLock }>();

/** Reads the workspace's package-lock.json; undefined when there is none. */
export async function readWorkspaceLock(workspaceRoot: string): Promise<WorkspaceLock | undefined> {
  const file = path.join(workspaceRoot, LOCKFILE);
  const stat = await fsp.stat(file).catch(() => undefined);
  const stamp = stat ? `${stat.size}:${stat.mtimeMs}:${stat.ino}` : '';
  const known = parsedLocks.get(file);
  if (known && known.stamp === stamp) return known.lock;
  const lock = await parseWorkspaceLock(file);
  if (lock) parsedLocks.set(file, { stamp, lock });
  return lock;
}

async function parseWorkspaceLock(file: string): Promise<WorkspaceLock | undefined> {
  const text = await fsp.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  let parsed: { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new LambdaPackageError('node:lockfile', `${LOCKFILE} is not valid JSON`, [`file: ${file}`, (err as Error).message], 'run npm install at the workspace root to rewrite it');
  }
  if (!parsed.packages || (parsed.lockfileVersion ?? 1) < 2) {
    throw new LambdaPackageError('node:lockfile', `${LOCKFILE} has lockfileVersion ${parsed.lockfileVersion ?? 1}; version 2 or 3 is needed`,
      [`file: ${file}`], 'run npm install with npm 7 or newer at the workspace root to upgrade it');
  }
  return { file, packages: parsed.packages };
}

/** Package name of a lockfile key or install path: the part after its last `node_modules/`. */
export function packageNameOfKey(key: string): string {
  const i = key.lastIndexOf('node_modules/');
  return i < 0 ? key : key.slice(i + 'node_modules/'.length);
}

/**
 * Where Node would find `name` when required from the package at `fromKey`: its own
 * node_modules, then each parent folder's, up to the workspace root.
 */
export function findInLock(lock: WorkspaceLock, fromKey: string, name: string): string | undefined {
  const segments = fromKey ? fromKey.split('/') : [];
  for (let n = segments.length; n >= 0; n--) {
    const prefix = segments.slice(0, n).join('/');
    if (segments[n - 1] === 'node_modules') continue;
    const key = prefix ? `${prefix}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[key]) return key;
  }
  return undefined;
}

export function matchesPlatform(entry: LockEntry, platform: NpmPlatform): boolean {
  const fits = (allowed: string[] | undefined, value: string) => {
    if (!allowed?.length) return true;
    if (allowed.includes(`!${value}`)) return false;
    const positive = allowed.filter((a) => !a.startsWith('!'));
    return positive.length === 0 || positive.includes(value);
  };
  return fits(entry.os, platform.os) && fits(entry.cpu, platform.cpu) && fits(entry.libc, platform.libc);
}

/** Platform key of a locked package for the layer planner: `any`, or `linux-arm64` for per-platform builds. */
export function platformKey(entry: LockEntry, platform: NpmPlatform): string {
  return entry.os?.length || entry.cpu?.length || entry.libc?.length ? `${platform.os}-${platform.cpu}` : 'any';
}

export interface LockedPackage {
  key: string;
  name: string;
  version: string;
  entry: LockEntry;
  /** Reached only through optional edges (npm may skip it on another platform). */
  optional: boolean;
}

/**
 * Every package the `rootKeys` need, as the lockfile pins them: dependencies, optional
 * dependencies and required peers, resolved the way Node resolves them.
 */
export function lockClosure(lock: WorkspaceLock, rootKeys: readonly string[], where: string): Map<string, LockedPackage> {
  const required = new Set<string>();
  const all = new Set<string>();
  const walk = (start: readonly string[], followOptional: boolean, seen: Set<string>) => {
    const queue = [...start];
    while (queue.length) {
      const key = queue.shift() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = lock.packages[key];
      if (entry.link) {
        throw new LambdaPackageError(where, `${packageNameOfKey(key)} is a workspace package (linked to ${String(entry.resolved)}); it cannot be installed from the registry`,
          [`lockfile: ${lock.file}`], `remove ${packageNameOfKey(key)} from "nodeModules": workspace packages are bundled`);
      }
      const edges: [string, boolean][] = [
        ...Object.keys(entry.dependencies ?? {}).map((d): [string, boolean] => [d, false]),
        ...Object.keys(entry.peerDependencies ?? {}).map((d): [string, boolean] => [d, !!entry.peerDependenciesMeta?.[d]?.optional]),
        ...Object.keys(entry.optionalDependencies ?? {}).map((d): [string, boolean] => [d, true]),
      ];
      for (const [dep, optional] of edges) {
        if (optional && !followOptional) continue;
        const found = findInLock(lock, key, dep);
        if (found) queue.push(found);
        else if (!optional) {
          throw new LambdaPackageError(where, `${LOCKFILE} does not pin ${dep}, a dependency of ${packageNameOfKey(key)}`,
            [`lockfile: ${lock.file}`, `needed by: ${key}`], 'run npm install at the workspace root so the lockfile is complete, then commit it');
        }
      }
    }
  };
  walk(rootKeys, false, required);
  walk(rootKeys, true, all);
  const out = new Map<string, LockedPackage>();
  for (const key of [...all].sort()) {
    const entry = lock.packages[key];
    out.set(key, { key, name: entry.name ?? packageNameOfKey(key), version: entry.version ?? '0.0.0', entry, optional: !required.has(key) });
  }
  return out;
}
