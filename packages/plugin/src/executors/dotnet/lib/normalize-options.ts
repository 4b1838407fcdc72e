import { LambdaPackageError, type DotnetRuntimeOptions } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the dotnet executor as schema.json declares them. */
export interface DotnetExecutorOptions extends CommonPackageOptions {
  project?: string;
  configuration?: string;
  nativeAot?: boolean;
}

/** The dotnet runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const DOTNET_OPTION_KEYS = ['project', 'configuration', 'nativeAot'] as const;

export type NormalizedDotnetOptions = DotnetRuntimeOptions;

const CUSTOM_RUNTIME = /^provided\./;

/**
 * Rules across fields for the dotnet runtime; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizeDotnetOptions(options: DotnetExecutorOptions, loc: ProjectLocation): NormalizedDotnetOptions {
  const where = `${loc.projectName}:package`;
  const project = options.project?.trim() || undefined;
  if (project && !project.endsWith('.csproj')) {
    throw new LambdaPackageError(where, `"project" is "${project}", which is not a .csproj file.\nSet it to the function's project file relative to the project root, e.g. "src/MyFunction/MyFunction.csproj".`);
  }
  const nativeAot = options.nativeAot ?? false;
  const runtime = options.runtime?.trim() ?? '';
  if (nativeAot && !CUSTOM_RUNTIME.test(runtime)) {
    throw new LambdaPackageError(where, `"nativeAot" is true but "runtime" is "${runtime}".\nNative AOT functions run on a custom runtime: set "runtime" to "provided.al2023", or remove "nativeAot".`);
  }
  if (!nativeAot && CUSTOM_RUNTIME.test(runtime)) {
    throw new LambdaPackageError(where, `"runtime" is "${runtime}", a custom runtime, but "nativeAot" is not set.\nSet "nativeAot": true, or use the managed runtime "dotnet8" (or "dotnet10").`);
  }
  return { ...(project ? { project } : {}), configuration: options.configuration?.trim() || 'Release', nativeAot };
}
