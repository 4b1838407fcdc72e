import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { formatBytes, FunctionBuildRequest, packageFunction, RuntimeFamily, strategyFor } from '@nx-lambda/core';
import { loadLayerAssignments } from './layer-assignments';
import { checkOptionsAgainstSchema, CommonPackageOptions, normalizePackageOptions, projectLocation, ProjectLocation, shownPath } from './package-options';
import { failOnKnownError } from './known-failure';
import { contextForTask, runBatch, TaskOutput } from './batch';
import { trackedRoots, untrackedSourcesWarning } from './untracked-sources';

export interface PackageExecutorSpec<O extends CommonPackageOptions> {
  family: RuntimeFamily;
  /** The runtime's own normalizeOptions: pure, returns the runtime-specific part. */
  normalizeRuntimeOptions(options: O, loc: ProjectLocation): Record<string, unknown>;
}

async function requestFor<O extends CommonPackageOptions>(spec: PackageExecutorSpec<O>, options: O, context: ExecutorContext): Promise<FunctionBuildRequest> {
  const loc = projectLocation(context);
  checkOptionsAgainstSchema(spec.family, options, loc);
  const runtimeOptions = spec.normalizeRuntimeOptions(options, loc);
  const layers = await loadLayerAssignments(loc, options.layers ?? [], context);
  return normalizePackageOptions(spec.family, options, loc, runtimeOptions, layers);
}

/** Packages one function; every line for people goes through `out`. */
async function packageOne<O extends CommonPackageOptions>(spec: PackageExecutorSpec<O>, request: FunctionBuildRequest, context: ExecutorContext, out: TaskOutput): Promise<{ success: true; zipPath: string }> {
  const result = await packageFunction(strategyFor(spec.family), request, { log: out.log });
  const m = result.manifest;
  out.log(`${m.name}: ${shownPath(request.workspaceRoot, result.zipPath)}\n  ${m.runtime} ${m.architecture}, ${formatBytes(m.zippedSize)} zipped, ${formatBytes(m.unzippedSize)} unzipped, ${m.fileCount} files\n  CodeSha256 ${m.codeSha256}`);
  for (const w of m.warnings) out.warn(`  warning: ${w}`);
  const roots = result.sourcesOutsideProject.length ? trackedRoots(context, request.projectName) : undefined;
  const untracked = roots && untrackedSourcesWarning({ project: request.projectName, target: context.targetName ?? 'package' }, result.sourcesOutsideProject, roots);
  if (untracked) out.warn(`  warning: ${untracked}`);
  return { success: true, zipPath: result.zipPath };
}

/** Shared body of the seven runtime executors: thin, the work lives in @nx-lambda/core. */
export async function runPackageExecutor<O extends CommonPackageOptions>(
  spec: PackageExecutorSpec<O>,
  options: O,
  context: ExecutorContext,
): Promise<{ success: boolean; zipPath?: string }> {
  return failOnKnownError(async () => packageOne(spec, await requestFor(spec, options, context), context, { log: (m) => console.log(m), warn: (m) => console.warn(m), error: (m) => console.error(m) }));
}

/**
 * The same executor for many functions in one process (Nx batch mode, `preferBatch` in
 * executors.json): Nx, the plugin and the toolchain load once instead of once per function.
 * A known failure fails its own task only; each task's output is its own.
 */
export function packageBatchExecutor<O extends CommonPackageOptions>(spec: PackageExecutorSpec<O>) {
  return async function* packageBatch(taskGraph: TaskGraph, inputs: Record<string, O>, _overrides: O, context: ExecutorContext) {
    const strategy = strategyFor(spec.family);
    // Requests made up front for prepareBatch are the ones the tasks then package with.
    const prepared = new Map<string, FunctionBuildRequest>();
    try {
      if (strategy.prepareBatch) {
        // Tasks that wait on nothing can share work up front; a request that cannot be made here
        // is left to its task, which reports the error.
        const ready = Object.values(taskGraph.tasks).filter((t) => !(taskGraph.dependencies[t.id] ?? []).length);
        await Promise.all(ready.map((t) => requestFor(spec, inputs[t.id], contextForTask(context, t)).then((r) => prepared.set(t.id, r), () => undefined)));
        await strategy.prepareBatch(ready.flatMap((t) => prepared.get(t.id) ?? [])); // in task order, not in the order reads ended
      }
      yield* runBatch(taskGraph, context, async (task, taskContext, out) => {
        const result = await failOnKnownError(async () => packageOne(spec, prepared.get(task.id) ?? (await requestFor(spec, inputs[task.id], taskContext)), taskContext, out), out.error);
        return result.success;
      });
    } finally {
      await strategy.dispose?.();
    }
  };
}
