import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { copyTree } from '../../package/stage';
import type { Architecture, BuildContext } from '../types';
import { LOCKFILE, LockedPackage, NpmPlatform, packageNameOfKey, platformKey } from './lockfile';
import { readPackageJson } from './metafile';

const INSTALL_TIMEOUT_MS = 10 * 60_000;
const WORKSPACE_FLAGS = new Set(['dev', 'devOptional', 'optional', 'peer', 'extraneous']);

export function npmPlatform(architecture: Architecture): NpmPlatform {
  return { os: 'linux', cpu: architecture === 'arm64' ? 'arm64' : 'x64', libc: 'glibc' };
}

export async function npmVersion(ctx: BuildContext): Promise<string> {
  const { stdout } = await ctx.exec({ where: 'node:install', command: 'npm', args: ['--version'], cwd: ctx.workDir });
  return stdout.trim();
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** Install path relative to the folder holding node_modules: `node_modules/esbuild`. */
  path: string;
  size: number;
  platform: string;
}

/** Lockfile key inside the install folder: what sat under some project's node_modules moves to the root's. */
function installKey(key: string): string {
  return key.slice(key.indexOf('node_modules/'));
}

/**
 * Installs exactly the locked packages with `npm ci` for Lambda's platform into a scratch
 * folder, then copies its node_modules to `destDir/node_modules` (without `.bin` links and
 * npm's own bookkeeping). Install scripts do not run: they would run for the build machine's
 * platform, not Lambda's; packages with prebuilt per-platform optional dependencies work.
 */
export async function installLocked(
  ctx: BuildContext,
  opts: { where: string; label: string; packages: ReadonlyMap<string, LockedPackage>; roots: readonly LockedPackage[]; platform: NpmPlatform; destDir: string },
): Promise<InstalledPackage[]> {
  const { where, platform } = opts;
  const lockPackages: Record<string, unknown> = {};
  const placed = new Map<string, LockedPackage>();
  for (const pkg of opts.packages.values()) {
    const key = installKey(pkg.key);
    const other = placed.get(key);
    if (other && other.version !== pkg.version) {
      throw new LambdaPackageError(where, `${pkg.name} is locked at two versions (${other.version} at ${other.key}, ${pkg.version} at ${pkg.key})`,
        [], `install ${pkg.name} at one version in the workspace (npm dedupe), or list fewer packages in "nodeModules"`);
    }
    placed.set(key, pkg);
    // Flags that describe the workspace's tree, not this one: `dev` would make --omit=dev skip it.
    const entry = Object.fromEntries(Object.entries(pkg.entry).filter(([field]) => !WORKSPACE_FLAGS.has(field)));
    lockPackages[key] = pkg.optional ? { ...entry, optional: true } : entry;
  }
  const dependencies: Record<string, string> = {};
  for (const root of opts.roots) {
    const alias = packageNameOfKey(root.key);
    dependencies[alias] = alias === root.name ? root.version : `npm:${root.name}@${root.version}`;
  }
  const installDir = path.join(ctx.workDir, `npm-${opts.label}`);
  await fsp.mkdir(installDir, { recursive: true });
  const name = 'nx-lambda-node-modules';
  const overrides = await workspaceOverrides(ctx.request.workspaceRoot, where);
  await fsp.writeFile(path.join(installDir, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true, dependencies, ...(overrides ? { overrides } : {}) }, null, 2));
  await fsp.writeFile(path.join(installDir, LOCKFILE), JSON.stringify({
    name, version: '0.0.0', lockfileVersion: 3, requires: true,
    packages: { '': { name, version: '0.0.0', dependencies }, ...lockPackages },
  }, null, 2));
  const args = ['ci', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error',
    `--os=${platform.os}`, `--cpu=${platform.cpu}`, `--libc=${platform.libc}`];
  const ci = await ctx.exec({
    where, command: 'npm', cwd: installDir, timeoutMs: INSTALL_TIMEOUT_MS, args, okCodes: [0, 1],
    env: { npm_config_update_notifier: 'false' },
  });
  if (ci.code !== 0) {
    throw new LambdaPackageError(where, `npm ci of the ${opts.label}'s locked packages failed`,
      [`command: npm ${args.join(' ')}`, `cwd: ${installDir}`, ...npmErrorLines(ci.stderr || ci.stdout)],
      `if npm says the lockfile is out of sync, run npm install at the workspace root and commit ${LOCKFILE}; otherwise fix what npm names above`);
  }
  await copyTree(path.join(installDir, 'node_modules'), path.join(opts.destDir, 'node_modules'), {
    filter: (rel, isDir) => !(isDir && path.posix.basename(rel) === '.bin') && rel !== '.package-lock.json',
  });
  const installed: InstalledPackage[] = [];
  for (const [key, pkg] of [...placed].sort(([a], [b]) => a.localeCompare(b))) {
    const dir = path.join(opts.destDir, key);
    if (!(await fsp.stat(path.join(dir, 'package.json')).catch(() => undefined))) continue; // optional, other platform
    installed.push({ name: pkg.name, version: pkg.version, path: key, size: await packageBytes(dir), platform: platformKey(pkg.entry, platform) });
  }
  return installed;
}

/**
 * What npm says went wrong, without the usage text it appends to some errors (`npm ci` out of sync
 * prints its whole option list after "Missing: ms@2.1.2 from lock file"), and where its log is.
 */
export function npmErrorLines(output: string): string[] {
  const lines = output.split(/\r?\n/).map((l) => l.trimEnd());
  const usage = lines.findIndex((l) => /^npm error (Usage:|Clean install a project)/.test(l));
  const said = (usage < 0 ? lines : lines.slice(0, usage)).filter((l) => l && l !== 'npm error');
  const log = usage < 0 ? [] : lines.filter((l) => /complete log of this run/.test(l));
  return [...said.slice(0, 30), ...(said.length > 30 ? [`... (${said.length - 30} more lines)`] : []), ...log];
}

/**
 * The workspace's npm `overrides` (root package.json), for the scratch install: the lockfile's
 * entries keep the ranges packages declare (debug asks for ms 2.1.2), so without the overrides that
 * chose other versions (ms 2.1.3) `npm ci` finds the lockfile out of date. A `$name` reference
 * means the root's own spec for `name`, which the scratch package.json does not have: resolved here.
 */
async function workspaceOverrides(workspaceRoot: string, where: string): Promise<Record<string, unknown> | undefined> {
  const file = path.join(workspaceRoot, 'package.json');
  // No root package.json, or one npm itself could not read: nothing npm would apply.
  const pkg = (await readPackageJson(workspaceRoot).catch(() => undefined)) as Record<string, unknown> | undefined;
  const overrides = pkg?.overrides;
  if (!pkg || !overrides || typeof overrides !== 'object') return undefined;
  const specs: Record<string, unknown> = { ...(pkg.devDependencies as object), ...(pkg.optionalDependencies as object), ...(pkg.dependencies as object) };
  const resolve = (value: unknown, at: string): unknown => {
    if (typeof value === 'string' && value.startsWith('$')) {
      const spec = specs[value.slice(1)];
      if (typeof spec !== 'string') {
        throw new LambdaPackageError(where, `package.json's overrides refer to ${value} at "${at}", which is not a dependency of the workspace root`,
          [`file: ${file}`], `add ${value.slice(1)} to the root package.json's dependencies or write the version in overrides, then run npm install`);
      }
      return spec;
    }
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, at ? `${at} > ${k}` : k)]));
    return value;
  };
  return resolve(overrides, '') as Record<string, unknown>;
}

/** Bytes of one installed package, not counting packages nested in its own node_modules. */
export async function packageBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) total += await packageBytes(abs);
    else if (e.isFile()) total += (await fsp.stat(abs)).size;
  }
  return total;
}
