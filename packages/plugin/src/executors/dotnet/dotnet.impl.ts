import type { ExecutorContext } from '@nx/devkit';
import { runPackageExecutor } from '../shared/run-package';
import { DotnetExecutorOptions, normalizeDotnetOptions } from './lib/normalize-options';

/** `@nx-lambda/plugin:dotnet`: dotnet publish (managed or Native AOT) into a deterministic zip. */
export default async function dotnetExecutor(options: DotnetExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor({ family: 'dotnet', normalizeRuntimeOptions: (o: DotnetExecutorOptions, loc) => ({ ...normalizeDotnetOptions(o, loc) }) }, options, context);
}
