import type { ExecutorContext } from '@nx/devkit';
import { formatBytes, packageFunction, RuntimeFamily, strategyFor } from '@nx-lambda/core';
import { loadLayerAssignments } from './layer-assignments';
import { CommonPackageOptions, normalizePackageOptions, projectLocation, ProjectLocation } from './package-options';
import { failOnKnownError } from './known-failure';

export interface PackageExecutorSpec<O extends CommonPackageOptions> {
  family: RuntimeFamily;
  /** The runtime's own normalizeOptions: pure, returns the runtime-specific part. */
  normalizeRuntimeOptions(options: O, loc: ProjectLocation): Record<string, unknown>;
}

/** Shared body of the seven runtime executors: thin, the work lives in @nx-lambda/core. */
export async function runPackageExecutor<O extends CommonPackageOptions>(
  spec: PackageExecutorSpec<O>,
  options: O,
  context: ExecutorContext,
): Promise<{ success: boolean; zipPath?: string }> {
  const loc = projectLocation(context);
  const runtimeOptions = spec.normalizeRuntimeOptions(options, loc);
  const layers = await loadLayerAssignments(loc, options.layers ?? [], context);
  const request = normalizePackageOptions(spec.family, options, loc, runtimeOptions, layers);
  return failOnKnownError(async () => {
    const result = await packageFunction(strategyFor(spec.family), request, { log: (m) => console.log(m) });
    const m = result.manifest;
    console.log(`${m.name}: ${result.zipPath}\n  ${m.runtime} ${m.architecture}, ${formatBytes(m.zippedSize)} zipped, ${formatBytes(m.unzippedSize)} unzipped, ${m.fileCount} files\n  CodeSha256 ${m.codeSha256}`);
    for (const w of m.warnings) console.warn(`  warning: ${w}`);
    return { success: true, zipPath: result.zipPath };
  });
}
