import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { outsideSources } from '../../package/stage';
import type {
  BuildContext, BuildResult, DependencyRecord, ExcludePlan, FinalTree, HandlerCheck, ResolvedDependency, RuntimeStrategy,
} from '../types';
import { dependencyKey } from '../types';
import { InstalledDist, removeDist, scanInstalled } from './dist-info';
import { stageFunctionSource } from './function-source';
import { checkPythonHandler, moduleFiles, parseHandler } from './handler-check';
import { checkModuleSource, ModuleProbe } from './interpreter';
import { PythonBuildOptions, pythonBuildOptions } from './options';
import { pipInstall } from './pip';
import { PYTHON_RUNTIMES, pythonTarget, PythonTarget } from './platform';
import { PythonProjectSpec, readBatch, readProjectSpec } from './project';
import { dropBuildNoise } from './tree-filter';
import { copyLib, libRoots } from './workspace-libs';

/** What resolve found and installed, kept for build in the same pipeline run. */
interface Resolved {
  opts: PythonBuildOptions;
  target: PythonTarget;
  spec: PythonProjectSpec;
  /** pip's --target folder (in workDir): everything third-party, before layer filtering. */
  site: string;
  dists: InstalledDist[];
  /** The handler module as read from the source folder and checked before pip ran. */
  probe?: ModuleProbe;
}

const resolvedByContext = new WeakMap<BuildContext, Resolved>();

/**
 * Installs `lines` (a requirements file's content) for the Lambda platform into `into`, then drops
 * bytecode, tests and pip's `bin/` scripts (their shebang is this machine's interpreter).
 */
async function installForLambda(ctx: BuildContext, r: { python: string; opts: PythonBuildOptions; target: PythonTarget; lines: string[]; noDeps: boolean; into: string; subject: string }): Promise<InstalledDist[]> {
  await fsp.mkdir(r.into, { recursive: true });
  if (!r.lines.some((l) => !l.startsWith('-'))) return [];
  const projectDir = path.join(ctx.request.workspaceRoot, ctx.request.projectRoot);
  const requirementsFile = path.join(ctx.workDir, `requirements-${path.basename(r.into)}.txt`);
  await fsp.writeFile(requirementsFile, `${r.lines.join('\n')}\n`);
  await pipInstall(ctx, {
    interpreter: r.python, target: r.into, requirementsFile, runtime: r.target, noDeps: r.noDeps, index: r.opts.index,
    cwd: existsSync(projectDir) ? projectDir : ctx.request.workspaceRoot, subject: r.subject,
  });
  await fsp.rm(path.join(r.into, 'bin'), { recursive: true, force: true });
  await dropBuildNoise(r.into, r.opts.keepTests);
  return scanInstalled(r.into);
}

async function resolvePython(ctx: BuildContext): Promise<Resolved> {
  const known = resolvedByContext.get(ctx);
  if (known) return known;
  const opts = pythonBuildOptions(ctx.request);
  const target = pythonTarget(ctx.request.runtime, ctx.request.architecture);
  const probe = await handlerProbe(ctx, opts, target);
  const spec = await readProjectSpec(ctx, opts, target, probe);
  const lines = spec.locked
    ? [...spec.pipOptions, ...spec.locked.pins.map((p) => `${p.name}==${p.version}`)]
    : [...spec.pipOptions, ...spec.requirements.map((r) => r.line)];
  const site = path.join(ctx.workDir, 'site');
  const dists = await installForLambda(ctx, { python: spec.executable, opts, target, lines, noDeps: !!spec.locked, into: site, subject: ctx.request.projectName });
  const resolved: Resolved = { opts, target, spec, site, dists, ...(probe ? { probe } : {}) };
  resolvedByContext.set(ctx, resolved);
  return resolved;
}

const asResolved = (d: InstalledDist): ResolvedDependency => ({ name: d.key, version: d.version, platform: d.platform, size: d.size });

/** Moves the installed tree into staging; a path the function or a library already has is a build error. */
async function mergeSite(site: string, stagingDir: string, projectName: string): Promise<void> {
  for (const name of (await fsp.readdir(site)).sort()) {
    const dest = path.join(stagingDir, name);
    if (existsSync(dest)) {
      throw new LambdaPackageError('python:stage', `${projectName}: ${name} comes from both the function (or a workspace library) and an installed package`,
        [`path: ${name}`], 'rename the module in the function, or drop the dependency that installs it');
    }
    await fsp.rename(path.join(site, name), dest);
  }
}

async function buildPython(ctx: BuildContext, plan: ExcludePlan): Promise<BuildResult> {
  const r = await resolvePython(ctx);
  const { request, stagingDir } = ctx;
  const dependencies: DependencyRecord[] = [];
  const provided = new Set(plan.provided.map((d) => dependencyKey(d)));
  for (const d of r.dists) {
    const key = dependencyKey(asResolved(d));
    if (provided.has(key)) {
      await removeDist(r.site, d);
      const layer = plan.providedBy.get(key) ?? 'a layer';
      dependencies.push({ name: d.key, version: d.version, size: d.size, location: layer, platform: d.platform, reason: `supplied by layer ${layer}` });
    } else {
      const how = r.spec.locked ? `pinned in ${r.spec.locked.lockFile}, installed by pip` : 'installed by pip';
      dependencies.push({ name: d.key, version: d.version, size: d.size, location: 'function', platform: d.platform, reason: how });
    }
  }
  const projectDir = path.join(request.workspaceRoot, request.projectRoot);
  const outside = outsideSources(projectDir, request.workspaceRoot);
  await stageFunctionSource(path.resolve(projectDir, r.opts.sourceDir), stagingDir, { keepTests: r.opts.keepTests, outputPath: request.outputPath, onFile: outside.onFile });
  for (const lib of r.spec.libs) {
    const roots = await libRoots(lib);
    const clash = roots.find((root) => existsSync(path.join(stagingDir, root.to)));
    if (clash) {
      throw new LambdaPackageError('python:libs', `${request.projectName}: ${clash.to} comes from both workspace library ${lib.name} and the function or another library`,
        [`library: ${lib.rel}`], 'rename one of the two modules');
    }
    const files = await copyLib(lib, roots, stagingDir, r.opts.keepTests);
    let size = 0;
    for (const f of files) size += (await fsp.stat(path.join(stagingDir, f))).size;
    dependencies.push({ name: lib.name, version: lib.version, size, location: 'function', platform: 'any', reason: `workspace library copied from ${lib.rel}` });
  }
  await mergeSite(r.site, stagingDir, request.projectName);
  return {
    dependencies,
    toolchain: r.spec.toolchain,
    sourcesOutsideProject: outside.files,
    notes: {
      pythonVersion: r.target.pythonVersion, platform: r.target.platforms[0],
      requirementsFrom: r.spec.locked ? r.spec.locked.lockFile : 'requirements (resolved by pip)',
    },
  };
}

/** Stages exactly `deps` (pinned, no resolution) under `python/` for a layer zip. */
async function buildPythonLayer(ctx: BuildContext, deps: readonly ResolvedDependency[]): Promise<BuildResult> {
  const opts = pythonBuildOptions(ctx.request);
  const target = pythonTarget(ctx.request.runtime, ctx.request.architecture);
  const { toolchain, executable } = await readBatch(ctx, opts.python, [], target);
  const into = path.join(ctx.stagingDir, 'python');
  const dists = await installForLambda(ctx, {
    python: executable, opts, target, lines: deps.map((d) => `${d.name}==${d.version}`), noDeps: true, into, subject: `layer ${ctx.request.projectName}`,
  });
  return {
    dependencies: dists.map((d) => ({
      name: d.key, version: d.version, size: d.size, location: ctx.request.projectName, platform: d.platform, reason: 'installed by pip into the layer',
    })),
    toolchain,
    notes: { pythonVersion: target.pythonVersion, platform: target.platforms[0] },
  };
}

/**
 * The handler module as the source folder has it, so the interpreter start that reads the
 * project files also parses it; checkHandler reuses that result only if the zip holds the same bytes.
 */
async function handlerProbe(ctx: BuildContext, opts: PythonBuildOptions, target: PythonTarget): Promise<ModuleProbe | undefined> {
  const parsed = parseHandler(ctx.request.handler);
  if (!parsed) return undefined;
  const sourceDir = path.resolve(ctx.request.workspaceRoot, ctx.request.projectRoot, opts.sourceDir);
  for (const filename of moduleFiles(parsed.modulePath)) {
    const source = await fsp.readFile(path.join(sourceDir, filename)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (source) return { filename, fn: parsed.fn, pythonVersion: target.pythonVersion, source };
  }
  return undefined;
}

async function checkHandlerInZip(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
  const r = await resolvePython(ctx);
  const pythonVersion = r.target.pythonVersion;
  return checkPythonHandler(ctx.request.handler, tree, async (file, source) => {
    if (r.probe && r.spec.handlerCheck && r.probe.filename === file && r.probe.source.equals(source)) return r.spec.handlerCheck;
    return checkModuleSource(ctx, r.spec.executable, file, source, parseHandler(ctx.request.handler)!.fn, pythonVersion);
  }, `parsed with Python ${pythonVersion} grammar by ${r.opts.python} ${r.spec.toolchain.python}`);
}

export const PythonStrategy: RuntimeStrategy = {
  family: 'python',
  lambdaRuntimes: PYTHON_RUNTIMES,
  layerRoot: () => 'python',
  resolve: async (ctx) => (await resolvePython(ctx)).dists.map(asResolved),
  build: buildPython,
  checkHandler: checkHandlerInZip,
  buildLayer: buildPythonLayer,
};
