import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { LambdaPackageError } from '../../errors';
import type { BuildContext, DependencyRecord, ExcludePlan, FinalTree, HandlerCheck, ResolvedDependency, RuntimeStrategy } from '../types';
import { dependencyKey } from '../types';
import { analyse, bundleJobOf, NodeAnalysis } from './analyse';
import { prebundle, stopBundler } from './esbuild';
import { LOCKFILE, lockClosure, packageNameOfKey, readWorkspaceLock, WorkspaceLock } from './lockfile';
import { annotatedCommonJsExports, externalImports, readPackageJson, sourcesOutside } from './metafile';
import { installLocked, InstalledPackage, npmPlatform, npmVersion, packageBytes } from './npm';
import { bundleFileName, NODE_RUNTIMES } from './options';

export { NODE_RUNTIMES } from './options';
export type { NodeBuildOptions } from './options';

/** Folder inside a layer zip that Lambda's Node.js runtime puts on the module path (/opt/nodejs/node_modules). */
export const NODE_LAYER_ROOT = 'nodejs/node_modules';

/** The analysis of the bundle that shipped, kept from build for the handler check of the same run. */
const shipped = new WeakMap<BuildContext, NodeAnalysis>();
/** resolve's analysis, reused by build when no layer changes the externals. */
const resolvedBy = new WeakMap<BuildContext, NodeAnalysis>();

export const NodeStrategy: RuntimeStrategy = {
  family: 'node',
  lambdaRuntimes: NODE_RUNTIMES,
  layerRoot: () => NODE_LAYER_ROOT,

  async resolve(ctx) {
    const analysis = await analyse(ctx, []);
    resolvedBy.set(ctx, analysis);
    return analysis.resolved;
  },

  async build(ctx, plan) {
    const reused = resolvedBy.get(ctx);
    const analysis = plan.provided.length || !reused ? await analyse(ctx, plan.provided) : reused;
    shipped.set(ctx, analysis);
    const { request } = ctx;
    for (const file of analysis.outcome.files) {
      const toZip = !(file.name.endsWith('.map') && analysis.options.sourcemap === 'external');
      const dest = path.join(toZip ? ctx.stagingDir : request.outputPath, file.name);
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      await fsp.writeFile(dest, file.contents);
    }
    for (const w of analysis.outcome.warnings) ctx.warn(`esbuild: ${w}`);
    const installed = analysis.closure.size
      ? await installLocked(ctx, {
          where: 'node:install', label: 'function', packages: analysis.closure, roots: analysis.roots,
          platform: npmPlatform(request.architecture), destDir: ctx.stagingDir,
        })
      : [];
    return {
      dependencies: [...bundledRecords(analysis), ...installedRecords(installed, analysis), ...providedRecords(plan)],
      toolchain: { esbuild: esbuildVersion, node: process.version, ...(installed.length ? { npm: await npmVersion(ctx) } : {}) },
      notes: buildNotes(analysis, installed),
      sourcesOutsideProject: sourcesOutside(analysis.outcome.metafile, request.projectRoot),
    };
  },

  dispose: stopBundler,

  layerSizesInWorkspace,

  async prepareBatch(requests) {
    const jobs = await Promise.all(requests.map((r) => bundleJobOf(r, []).catch(() => undefined)));
    await prebundle(jobs.filter((j) => j !== undefined));
  },

  async checkHandler(ctx, tree) {
    const analysis = shipped.get(ctx);
    if (!analysis) throw new Error('node: checkHandler ran before build');
    return checkBundleExports(ctx, analysis, tree);
  },

  async buildLayer(ctx, deps) {
    const { request } = ctx;
    const lock = await readWorkspaceLock(request.workspaceRoot);
    if (!lock) {
      throw new LambdaPackageError('node:layer', `${request.projectName}: the workspace has no ${LOCKFILE}`, [], `run npm install at the workspace root and commit ${LOCKFILE}`);
    }
    const keys = deps.map((d) => {
      const key = lockKeyOf(lock, d);
      if (!key) {
        throw new LambdaPackageError('node:layer', `${request.projectName}: ${d.name}@${d.version} is not pinned by ${LOCKFILE}`,
          [`lockfile: ${lock.file}`], 'run npm install at the workspace root, then plan the layer again');
      }
      return key;
    });
    const closure = lockClosure(lock, keys, 'node:layer');
    const roots = keys.map((k) => closure.get(k)).filter((p) => p !== undefined);
    const installed = await installLocked(ctx, {
      where: 'node:layer', label: 'layer', packages: closure, roots, platform: npmPlatform(request.architecture),
      destDir: path.join(ctx.stagingDir, path.posix.dirname(NODE_LAYER_ROOT)),
    });
    return {
      dependencies: installed.map((p) => ({ name: p.name, version: p.version, size: p.size, location: request.projectName, platform: p.platform, reason: 'installed by npm into the layer' })),
      toolchain: { node: process.version, npm: await npmVersion(ctx) },
      notes: { layerRoot: NODE_LAYER_ROOT },
    };
  },
};

/** Where the workspace installs `d`: the shallowest lockfile key of that name and version. */
function lockKeyOf(lock: WorkspaceLock, d: { name: string; version: string }): string | undefined {
  return Object.keys(lock.packages)
    .filter((k) => k.includes('node_modules/') && (lock.packages[k].name ?? packageNameOfKey(k)) === d.name && lock.packages[k].version === d.version)
    .sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
}

/**
 * A layer install unpacks the same tarball the workspace's install did, so a package that no
 * install script changed and that is the same on every platform takes the bytes its workspace copy
 * takes: read in place instead of staging a layer (which installs and copies every file).
 */
async function layerSizesInWorkspace(workspaceRoot: string, deps: readonly ResolvedDependency[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const lock = await readWorkspaceLock(workspaceRoot);
  if (!lock) return sizes;
  await Promise.all(deps.map(async (d) => {
    const key = d.platform === 'any' ? lockKeyOf(lock, d) : undefined;
    const entry = key ? lock.packages[key] : undefined;
    if (!key || !entry || entry.hasInstallScript || entry.os || entry.cpu || entry.libc || entry.link) return;
    const dir = path.join(workspaceRoot, key);
    if ((await readPackageJson(dir))?.version !== d.version) return;
    sizes.set(dependencyKey(d), await packageBytes(dir));
  }));
  return sizes;
}

function bundledRecords(a: NodeAnalysis): DependencyRecord[] {
  return a.bundled.map((b) => ({
    name: b.name, version: b.version, size: b.bytesInOutput, location: 'function', platform: 'any',
    reason: `bundled by esbuild (${b.files} file${b.files === 1 ? '' : 's'} from ${b.dir})`,
  }));
}

function installedRecords(installed: readonly InstalledPackage[], a: NodeAnalysis): DependencyRecord[] {
  const rootNames = new Set(a.roots.map((r) => r.name));
  return installed.map((p) => ({
    name: p.name, version: p.version, size: p.size, location: 'function', platform: p.platform,
    reason: rootNames.has(p.name) ? 'installed by npm into node_modules: listed in "nodeModules"' : 'installed by npm into node_modules: needed by a "nodeModules" package',
  }));
}

function providedRecords(plan: ExcludePlan): DependencyRecord[] {
  return plan.provided.map((d: ResolvedDependency) => {
    const layer = plan.providedBy.get(dependencyKey(d)) ?? 'layer';
    return { name: d.name, version: d.version, size: d.size, location: layer, platform: d.platform, reason: `supplied by layer ${layer}: left external` };
  });
}

function buildNotes(a: NodeAnalysis, installed: readonly InstalledPackage[]): Record<string, unknown> {
  const file = bundleFileName(a.options.format);
  const lambdaHandler = `${file.replace(/\.[cm]?js$/, '')}.${a.entry.exportPath}`;
  const notes: Record<string, unknown> = {
    lambdaHandler,
    zipHandler: lambdaHandler,
    sourceHandler: `${a.entry.module}.${a.entry.exportPath}`,
    entry: a.entry.file,
    bundle: file,
    format: a.options.format,
    formatReason: a.options.formatReason,
    externals: a.externals,
    externalImports: externalImports(a.outcome.metafile),
    nodeModules: installed.map((p) => `${p.name}@${p.version}`),
  };
  if (a.options.sourcemap) {
    notes.sourcemap = a.options.sourcemap === 'external' ? `${file}.map beside function.zip (not in the zip)` : `${file}.map in the zip`;
    notes.environment = { NODE_OPTIONS: '--enable-source-maps' };
    notes.sourcemapHint = 'set NODE_OPTIONS=--enable-source-maps on the function so stack traces use the source map';
  }
  return notes;
}

/** The handler's export, found statically in the bundle that is in the zip: user code never runs. */
async function checkBundleExports(ctx: BuildContext, a: NodeAnalysis, tree: FinalTree): Promise<HandlerCheck> {
  const file = bundleFileName(a.options.format);
  if (!tree.files.has(file)) {
    return { ok: false, problem: `has no ${file} in the zip`, hint: 'check that "exclude" does not drop the bundle' };
  }
  const entryIsCommonJs = a.outcome.metafile.inputs[a.entry.file]?.format === 'cjs';
  let exported: string[] | undefined;
  if (a.options.format === 'esm') exported = a.outcome.metafile.outputs[a.outcome.outputKey].exports;
  else exported = annotatedCommonJsExports((await tree.zip.read(file)).toString('utf8'));
  if (exported === undefined && entryIsCommonJs) {
    ctx.warn(`${a.entry.file} is CommonJS: its export "${a.entry.exportName}" cannot be checked statically`);
    return { ok: true, detail: 'CommonJS entry, export not checked' };
  }
  if (exported?.includes(a.entry.exportName)) return { ok: true, detail: `${file} exports ${a.entry.exportName}` };
  if (a.options.format === 'esm' && entryIsCommonJs) {
    return {
      ok: false, problem: `cannot be served: ${a.entry.file} is CommonJS, so the ESM bundle only exports "default"`,
      details: [`exports found: ${(exported ?? []).join(', ') || '(none)'}`, `format: ${a.options.format}, ${a.options.formatReason}`],
      hint: `write "export const ${a.entry.exportName} = ..." in ${a.entry.file}, or set "format": "cjs"`,
    };
  }
  return {
    ok: false, problem: `is not exported: ${a.entry.file} has no export named "${a.entry.exportName}"`,
    details: [`exports found: ${(exported ?? []).join(', ') || '(none)'}`, `format: ${a.options.format}, ${a.options.formatReason}`],
    hint: `export a function named ${a.entry.exportName} from ${a.entry.file}, or change the part after the dot in "handler"`,
  };
}
