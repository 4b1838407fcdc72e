import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext, FunctionBuildRequest, ResolvedDependency } from '../types';
import { dependencyKey } from '../types';
import { findEntry, EntryPoint } from './entry';
import { bundle, BundleJob, BundleOutcome } from './esbuild';
import { findInLock, LOCKFILE, lockClosure, LockedPackage, matchesPlatform, platformKey, readWorkspaceLock, WorkspaceLock } from './lockfile';
import { BundledPackage, bundledPackages, nativeAddonMarker, readPackageJson } from './metafile';
import { npmPlatform } from './npm';
import { withResolvedFormat } from './format';
import { nodeOptionsOf, ResolvedNodeOptions } from './options';

/** Everything one function's bundle needs, found without running user code or npm. */
export interface NodeAnalysis {
  options: ResolvedNodeOptions;
  entry: EntryPoint;
  /** esbuild `external` patterns actually used. */
  externals: string[];
  outcome: BundleOutcome;
  bundled: BundledPackage[];
  /** `nodeModules` packages still to install (not provided by a layer), as locked. */
  roots: LockedPackage[];
  /** Roots plus everything they need, as locked (all platforms; npm picks). */
  closure: Map<string, LockedPackage>;
  resolved: ResolvedDependency[];
}

/** `name` and its subpaths (`name/sub`), as esbuild external patterns. */
function packagePatterns(name: string): string[] {
  return [name, `${name}/*`];
}

function requireLock(ctx: BuildContext, lock: WorkspaceLock | undefined, why: string): WorkspaceLock {
  if (lock) return lock;
  const { request } = ctx;
  throw new LambdaPackageError('node:lockfile', `${request.projectName}: ${why}, but the workspace has no ${LOCKFILE}`,
    [`workspace: ${request.workspaceRoot}`], `run npm install at the workspace root and commit ${LOCKFILE}: versions come from it`);
}

/** The lockfile entry of each `nodeModules` package, looked up from the project's folder like Node would. */
function lockedRoots(ctx: BuildContext, lock: WorkspaceLock | undefined, names: readonly string[]): LockedPackage[] {
  const { request } = ctx;
  return names.map((name) => {
    const locked = requireLock(ctx, lock, `"${name}" is listed in "nodeModules"`);
    const key = findInLock(locked, request.projectRoot, name);
    if (!key) {
      throw new LambdaPackageError('node:lockfile', `${request.projectName}: "${name}" is listed in "nodeModules" but ${LOCKFILE} does not pin it`,
        [`lockfile: ${locked.file}`], `run npm install ${name} at the workspace root so the lockfile pins a version, or remove it from "nodeModules"`);
    }
    const entry = locked.packages[key];
    return { key, name: entry.name ?? name, version: entry.version ?? '0.0.0', entry, optional: false };
  });
}

/** Every bundled package must be the version the lockfile pins, and must be bundleable. */
async function checkBundled(ctx: BuildContext, lock: WorkspaceLock | undefined, bundled: readonly BundledPackage[]): Promise<void> {
  const { request } = ctx;
  // The folder scans run at once; the checks below still report the first problem in package order.
  const markers = await Promise.all(bundled.map((pkg) => nativeAddonMarker(path.join(request.workspaceRoot, pkg.dir))));
  for (const [i, pkg] of bundled.entries()) {
    const locked = requireLock(ctx, lock, `the bundle includes ${pkg.name}`);
    const entry = locked.packages[pkg.dir];
    if (!entry) {
      throw new LambdaPackageError('node:lockfile', `${request.projectName}: ${pkg.name}@${pkg.version} is bundled but missing from ${LOCKFILE}`,
        [`installed at: ${pkg.dir}`, `lockfile: ${locked.file}`],
        `add it to the dependencies of the workspace (npm install ${pkg.name}) so the lockfile pins it, then commit ${LOCKFILE}`);
    }
    if (entry.version !== pkg.version) {
      throw new LambdaPackageError('node:lockfile', `${request.projectName}: ${pkg.dir} holds ${pkg.name}@${pkg.version} but ${LOCKFILE} pins ${entry.version}`,
        [`lockfile: ${locked.file}`], 'run npm ci at the workspace root so node_modules matches the lockfile');
    }
    const marker = markers[i];
    if (marker) throw nativeAddonError(ctx, pkg.name, [`${pkg.dir}: ${marker}`]);
  }
}

function nativeAddonError(ctx: BuildContext, pkgName: string, details: string[]): LambdaPackageError {
  const { request } = ctx;
  return new LambdaPackageError('node:native', `${request.projectName}: ${pkgName} has a native addon (.node) and cannot be bundled`, details,
    `add "${pkgName}" to the "nodeModules" option: it is then installed into the zip's node_modules for linux ${npmPlatform(request.architecture).cpu}`);
}

/** Name of the package that owns a file: the nearest package.json above it. */
async function owningPackage(file: string, workspaceRoot: string): Promise<string> {
  for (let dir = path.dirname(file); dir.startsWith(workspaceRoot) && dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = await readPackageJson(dir);
    if (pkg?.name) return pkg.name;
  }
  return path.relative(workspaceRoot, file);
}

/** What esbuild is asked to bundle for a function: `prepareBatch` and analyse must agree on it. */
export async function bundleJobOf(request: FunctionBuildRequest, fromLayers: readonly string[]): Promise<BundleJob> {
  const requested = nodeOptionsOf(request);
  const entry = await findEntry(request);
  const options = await withResolvedFormat(request, entry, requested);
  const externals = [
    ...(options.bundleAwsSdk ? [] : ['@aws-sdk/*']),
    ...options.external,
    ...options.nodeModules.flatMap(packagePatterns),
  ];
  return { request, entry, options, externals: [...new Set(externals)], fromLayers };
}

/**
 * Bundles once (in memory) and reads what the bundle holds: the step both resolve (what the
 * layer planner sees) and build (what ships) start from. `provided` packages become externals.
 */
export async function analyse(ctx: BuildContext, provided: readonly ResolvedDependency[]): Promise<NodeAnalysis> {
  const { request } = ctx;
  const providedNames = new Set(provided.map((d) => d.name));
  const job = await bundleJobOf(request, [...providedNames].sort());
  const { options, entry, externals, fromLayers } = job;
  const lock = await readWorkspaceLock(request.workspaceRoot);
  const allRoots = lockedRoots(ctx, lock, options.nodeModules);
  const outcome = await bundle(request, entry, options, externals, fromLayers);
  if (outcome.nativeImports.length) {
    const first = outcome.nativeImports[0];
    const owner = await owningPackage(first.importer, request.workspaceRoot);
    throw nativeAddonError(ctx, owner, outcome.nativeImports.map((n) => `${path.relative(request.workspaceRoot, n.importer)} imports ${n.path}`));
  }
  const bundled = await bundledPackages(request.workspaceRoot, outcome.metafile, outcome.outputKey);
  await checkBundled(ctx, lock, bundled);
  const roots = allRoots.filter((r) => !providedNames.has(r.name));
  const closure = roots.length && lock ? lockClosure(lock, roots.map((r) => r.key), 'node:lockfile') : new Map<string, LockedPackage>();
  const platform = npmPlatform(request.architecture);
  const resolved = new Map<string, ResolvedDependency>();
  const add = (d: ResolvedDependency) => resolved.set(dependencyKey(d), d);
  for (const b of bundled) add({ name: b.name, version: b.version, platform: 'any', size: b.bytesInOutput });
  for (const p of closure.values()) if (matchesPlatform(p.entry, platform)) add({ name: p.name, version: p.version, platform: platformKey(p.entry, platform), size: 0 });
  return { options, entry, externals: [...new Set([...externals, ...fromLayers.flatMap(packagePatterns)])], outcome, bundled, roots, closure, resolved: [...resolved.values()] };
}
