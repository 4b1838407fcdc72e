import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { atStep, isKnownError, LambdaPackageError } from '../errors';
import { exec as realExec } from '../exec';
import { formatBytes, PackageLimits } from '../package/limits';
import { writeJsonAtomic } from '../package/manifest';
import { archiveStaged, familyCacheDir, packageExcludes, PackageDeps, withTempDirs } from '../package/pipeline';
import type { Architecture, BuildContext, BuildResult, FunctionBuildRequest, ResolvedDependency, RuntimeFamily, RuntimeStrategy } from '../runtimes/types';
import { dependencyKey } from '../runtimes/types';
import { FunctionShare, LAYER_MANIFEST, LAYER_ZIP, LayerManifest, LayerPlanFile, PLAN_FILE, shareFile, UnresolvedFunction } from './layer-artifacts';
import { ABI_BOUND_FAMILIES } from './compatibility';
import { dependenciesToMeasure, measureLayerSizes, planLimitWarnings, withMeasuredSizes } from './layer-sizes';
import { DependencyLayerPlan, planLayers } from './planner';

export interface LayerProjectRequest {
  project: string;
  projectRoot: string;
  workspaceRoot: string;
  family: RuntimeFamily;
  runtime: string;
  architecture: Architecture;
  /** Absolute output folder of the layer target. */
  outputPath: string;
  /** Package requests of the functions this layer project may serve. */
  functions: readonly FunctionBuildRequest[];
  minLayerBytes: number;
  limits: PackageLimits;
  compressionLevel: number;
  /** Last run's plan (e.g. a committed plan.json): its merges are kept, so one change does not reshuffle layers. */
  previous?: DependencyLayerPlan;
}

export interface LayerProjectResult {
  plan: LayerPlanFile;
  summary: string[];
}

function contextFor(request: FunctionBuildRequest, stagingDir: string, workDir: string, deps: PackageDeps, warnings: string[]): BuildContext {
  return {
    request, stagingDir, workDir, cacheDir: familyCacheDir(request.workspaceRoot, request.family),
    exec: deps.exec ?? realExec, warn: (m) => warnings.push(m), log: deps.log ?? (() => undefined),
  };
}

/**
 * Resolves each function's dependencies exactly as its package target does. A function whose
 * resolve fails with a known error (a bad option, a requirement no index has) is left out: the
 * failure is that function's, its package target reports it in full, and the functions that
 * share the layer with it still get their layers. Anything else is a bug and fails the layer.
 */
async function resolveAll(strategy: RuntimeStrategy, req: LayerProjectRequest, deps: PackageDeps, warnings: string[]) {
  const resolved: { name: string; dependencies: ResolvedDependency[] }[] = [];
  const unresolved: { function: string; error: LambdaPackageError }[] = [];
  const functions = [...req.functions].sort((a, b) => a.projectName.localeCompare(b.projectName)).map((fn) => ({ ...fn, layers: [] }));
  // Resolving every function is a batch of builds (Node: one esbuild run instead of one per function).
  // It only saves time: when one function's request stops it, each resolve below does its own work.
  if (strategy.prepareBatch) await atStep(`layer:${req.project}:prepare`, () => strategy.prepareBatch!(functions)).catch(rethrowUnlessKnown);
  for (const fn of functions) {
    try {
      const dependencies = await withTempDirs(`${req.family}-resolve`, (staging, work) =>
        atStep(`layer:${req.project}:resolve:${fn.projectName}`, () => strategy.resolve(contextFor(fn, staging, work, deps, warnings))));
      resolved.push({ name: fn.projectName, dependencies });
    } catch (err) {
      rethrowUnlessKnown(err);
      unresolved.push({ function: fn.projectName, error: err as LambdaPackageError });
    }
  }
  return { resolved, unresolved };
}

function rethrowUnlessKnown(err: unknown): void {
  if (!isKnownError(err)) throw err;
}

/** An error's first line (its title), with the workspace root left out of paths: plan.json is an artifact of any machine. */
function titleOf(err: LambdaPackageError, workspaceRoot: string): string {
  return err.message.split('\n')[0].split(`${workspaceRoot}${path.sep}`).join('');
}

/**
 * What deploy publishes as the layer's CompatibleRuntimes: the layer project's runtime and the
 * runtimes of the functions the layer serves (node packages and jars run on each of them; wheels
 * and gems are built for one runtime, and only its functions are served).
 */
function compatibleRuntimes(req: LayerProjectRequest, functions: readonly string[]): string[] {
  if (ABI_BOUND_FAMILIES.has(req.family)) return [req.runtime];
  const served = req.functions.filter((f) => functions.includes(f.projectName)).map((f) => f.runtime);
  return [...new Set([req.runtime, ...served])].sort();
}

/** The build request of one layer (or of a scratch layer that only measures sizes). */
function layerRequestFor(req: LayerProjectRequest, name: string, outputPath: string): FunctionBuildRequest {
  return {
    projectName: name, projectRoot: req.projectRoot, workspaceRoot: req.workspaceRoot, family: req.family, runtime: req.runtime,
    handler: '', architecture: req.architecture, outputPath, include: [], exclude: [], allowSecrets: [],
    layers: [], limits: req.limits, compressionLevel: req.compressionLevel, options: req.functions[0]?.options ?? {},
  };
}

/**
 * For strategies whose layer files come out of a function's own build (Java's Maven run): each
 * function of the layer, in order, stages the layer dependencies it resolves that are not staged yet.
 */
async function buildFromFunctions(
  strategy: RuntimeStrategy, req: LayerProjectRequest, resolved: readonly { name: string; dependencies: ResolvedDependency[] }[],
  layer: { functions: readonly string[]; dependencies: readonly ResolvedDependency[] }, layerCtx: BuildContext,
): Promise<BuildResult> {
  let remaining = [...layer.dependencies];
  const results: BuildResult[] = [];
  for (const fn of layer.functions) {
    const own = new Set((resolved.find((r) => r.name === fn)?.dependencies ?? []).map(dependencyKey));
    const mine = remaining.filter((d) => own.has(dependencyKey(d)));
    if (!mine.length) continue;
    remaining = remaining.filter((d) => !own.has(dependencyKey(d)));
    const request = req.functions.find((f) => f.projectName === fn)!;
    results.push(await strategy.buildLayer!({ ...layerCtx, request: { ...request, layers: [], outputPath: layerCtx.request.outputPath } }, mine));
  }
  return {
    dependencies: results.flatMap((r) => r.dependencies),
    toolchain: Object.assign({}, ...results.map((r) => r.toolchain)),
    executables: results.flatMap((r) => r.executables ?? []),
  };
}

/**
 * Dependencies several functions use that stay in the functions, with the planner's reason: what
 * a user asks first when a layer is missing (too small for minLayerBytes, bigger in a layer than
 * its bundled copies, a version conflict, a limit).
 */
function sharedButKept(planned: DependencyLayerPlan, planFile: string, shown = 8): string[] {
  const kept = new Map<string, { functions: string[]; reason: string }>();
  for (const [fn, share] of Object.entries(planned.functions)) {
    for (const k of share.kept) {
      const users = Object.values(planned.functions).filter((f) => f.kept.some((o) => o.key === k.key) || k.key in f.supplied).length;
      if (users < 2) continue;
      const entry = kept.get(k.key) ?? { functions: [], reason: k.reason };
      entry.functions.push(fn);
      kept.set(k.key, entry);
    }
  }
  if (!kept.size) return [];
  const lines = [...kept].sort(([a], [b]) => a.localeCompare(b)).map(([key, k]) => `    ${key.replace(/#any$/, '')} (${k.functions.join(', ')}): ${k.reason}`);
  return [
    `  shared but kept in the functions (${planFile} says why for each function):`,
    ...lines.slice(0, shown),
    ...(lines.length > shown ? [`    ... and ${lines.length - shown} more`] : []),
  ];
}

/**
 * A layer target: resolve every function in scope, plan which shared dependencies go into which
 * layer, build one deterministic zip per layer, and write the plan and each function's share.
 * Everything is written to a fresh folder that replaces the previous output only when complete.
 */
export async function buildLayerProject(strategy: RuntimeStrategy, req: LayerProjectRequest, deps: PackageDeps = {}): Promise<LayerProjectResult> {
  const where = `layer:${req.project}`;
  if (!strategy.layerRoot || !strategy.buildLayer) {
    throw new LambdaPackageError(where, `${req.family} functions cannot use dependency layers`, [`${req.family} compiles its dependencies into the function`],
      `remove the layer project ${req.project}, or set its family to node, python, ruby or java`);
  }
  const warnings: string[] = [];
  const { resolved, unresolved: failures } = await resolveAll(strategy, req, deps, warnings);
  if (failures.length && !resolved.length) {
    // Nothing left to plan, and Nx would cache an empty success: when every function fails, the
    // cause is as likely the machine (registry or index unreachable) as the functions.
    throw new LambdaPackageError(where, `no function in scope could be resolved (${failures.length})`, failures.flatMap((f) => f.error.message.split('\n')),
      'fix the errors above; when every function fails the same way, check the network and the package index or registry, then run the layer target again');
  }
  const unresolved: UnresolvedFunction[] = failures.map((f) => ({ function: f.function, error: titleOf(f.error, req.workspaceRoot) }));
  // From here on, the functions the plan serves: the layer's build takes its options from them.
  const served: LayerProjectRequest = { ...req, functions: req.functions.filter((f) => resolved.some((r) => r.name === f.projectName)) };
  // Resolve may not know a dependency's size (npm packages installed from the lockfile), and a
  // bundled package is smaller in a function than in a layer: measure what a layer would hold.
  const toMeasure = strategy.layerFromFunctionBuilds ? [] : dependenciesToMeasure(resolved);
  const inWorkspace = toMeasure.length && strategy.layerSizesInWorkspace
    ? await atStep(`${where}:sizes`, () => strategy.layerSizesInWorkspace!(req.workspaceRoot, toMeasure))
    : new Map<string, number>();
  const measured = await measureLayerSizes(toMeasure.filter((d) => !inWorkspace.has(dependencyKey(d))), (batch) =>
    withTempDirs(`${req.family}-measure`, (stagingDir, workDir) => {
      const ctx = contextFor(layerRequestFor(served, `${req.project}-measure`, workDir), stagingDir, workDir, deps, warnings);
      return atStep(`${where}:measure`, () => strategy.buildLayer!(ctx, batch));
    }));
  const sized = withMeasuredSizes(resolved, new Map([...inWorkspace, ...measured]));
  const planned: DependencyLayerPlan = planLayers(
    sized.functions.map((f) => ({ name: f.name, dependencies: f.dependencies, codeSize: 0 })),
    {
      prefix: req.project, minLayerBytes: req.minLayerBytes, maxLayersPerFunction: req.limits.maxLayers, unzippedLimitBytes: req.limits.unzippedBytes,
      directUploadBytes: req.limits.directUploadBytes, layerSizes: sized.layerSizes, previous: req.previous,
    },
  );

  const staging = `${req.outputPath}.building-${randomBytes(4).toString('hex')}`;
  await fsp.mkdir(staging, { recursive: true });
  try {
    const manifests = new Map<string, LayerManifest>();
    for (const layer of planned.layers) {
      const layerRequest = layerRequestFor(served, layer.name, path.join(staging, layer.name));
      const manifest = await withTempDirs(`${req.family}-layer`, async (stagingDir, workDir) => {
        const ctx = contextFor(layerRequest, stagingDir, workDir, deps, warnings);
        const built = await atStep(`${where}:build`, () =>
          strategy.layerFromFunctionBuilds ? buildFromFunctions(strategy, served, resolved, layer, ctx) : strategy.buildLayer!(ctx, layer.dependencies));
        await fsp.mkdir(layerRequest.outputPath, { recursive: true });
        let paths: string[] = [];
        const { zip } = await archiveStaged(`${where}`, stagingDir, path.join(layerRequest.outputPath, LAYER_ZIP),
          { exclude: packageExcludes([], []), level: req.compressionLevel, executables: built.executables },
          async (_written, reader) => {
            paths = reader.fileNames;
          });
        const m: LayerManifest = {
          name: layer.name, project: req.project, family: req.family, compatibleRuntimes: compatibleRuntimes(served, layer.functions), compatibleArchitectures: [req.architecture],
          codeSha256: zip.codeSha256, sha256: zip.sha256, zippedSize: zip.zippedSize, unzippedSize: zip.unzippedSize, fileCount: zip.fileCount,
          paths, dependencies: layer.dependencies, functions: layer.functions, reason: layer.reason,
          viaS3: zip.zippedSize > req.limits.directUploadBytes, toolchain: built.toolchain,
        };
        await writeJsonAtomic(path.join(layerRequest.outputPath, LAYER_MANIFEST), m);
        return m;
      });
      manifests.set(layer.name, manifest);
    }

    // The same file from two layers of one function would be overwritten silently by Lambda.
    for (const [fn, share] of Object.entries(planned.functions)) {
      const owners = new Map<string, string>();
      for (const name of share.layers) {
        for (const p of manifests.get(name)!.paths) {
          const other = owners.get(p);
          if (other) {
            throw new LambdaPackageError(`${where}:paths`, `layers ${other} and ${name} both supply ${p}`, [`function: ${fn}`],
              'pin one version of the dependency across the functions, or exclude it from one layer');
          }
          owners.set(p, name);
        }
      }
    }

    const plan: LayerPlanFile = {
      project: req.project, family: req.family, runtime: req.runtime, architecture: req.architecture,
      ...planned,
      layers: planned.layers.map((l) => ({ ...l, size: manifests.get(l.name)!.unzippedSize, viaS3: manifests.get(l.name)!.viaS3 })),
      artifacts: Object.fromEntries(planned.layers.map((l) => [l.name, `${l.name}/${LAYER_ZIP}`])),
      unresolved,
    };
    await writeJsonAtomic(path.join(staging, PLAN_FILE), plan);
    for (const fn of resolved) {
      const share: FunctionShare = {
        function: fn.name, project: req.project,
        layers: planned.functions[fn.name].layers.map((name) => {
          const m = manifests.get(name)!;
          const artifactDir = path.relative(req.workspaceRoot, path.join(req.outputPath, name)).split(path.sep).join('/');
          return { layer: name, provides: m.dependencies, unzippedSize: m.unzippedSize, paths: m.paths, artifactDir };
        }),
      };
      await writeJsonAtomic(shareFile(staging, fn.name), share);
    }
    await fsp.rm(req.outputPath, { recursive: true, force: true });
    await fsp.rename(staging, req.outputPath);
    const ownLimits = (name: string) => served.functions.find((r) => r.projectName === name)!.limits;
    warnings.push(...planLimitWarnings({
      project: req.project, layerLimitBytes: req.limits.unzippedBytes, plan: planned.functions,
      functions: sized.functions.map((f) => ({ ...f, unzippedLimitBytes: ownLimits(f.name).unzippedBytes, maxLayers: ownLimits(f.name).maxLayers })),
      layerBytes: new Map([...manifests].map(([name, m]) => [name, m.unzippedSize])),
    }));

    const saved = planned.bytes.withoutLayers - planned.bytes.withLayers;
    const summary = [
      `${req.project}: ${plan.layers.length} layer(s) for ${resolved.length} function(s)${unresolved.length ? ` (${unresolved.length} left out)` : ''}`,
      ...plan.layers.map((l) => `  ${l.name}: ${l.dependencies.length} dependencies, ${formatBytes(l.size)} unzipped, ${l.reason}${l.viaS3 ? ' (over the direct-upload limit: deploy goes through S3)' : ''}`),
      `  dependency bytes: ${formatBytes(planned.bytes.withoutLayers)} without layers, ${formatBytes(planned.bytes.withLayers)} with layers (saved ${formatBytes(saved)}; lower bound ${formatBytes(planned.bytes.lowerBound)})`,
      ...sharedButKept(planned, `${path.relative(req.workspaceRoot, req.outputPath).split(path.sep).join('/')}/${PLAN_FILE}`),
      ...warnings.map((w) => `  warning: ${w}`),
      ...unresolved.flatMap((u) => [
        `  warning: ${u.function} is left out of the layers: its dependencies could not be resolved`,
        `    ${u.error}`,
        `    its package target reports the error in full; the layers serve the other functions`,
      ]),
    ];
    return { plan, summary };
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}
