import type { ExecutorContext } from '@nx/devkit';
import { runPackageExecutor } from '../shared/run-package';
import { GoExecutorOptions, normalizeGoOptions } from './lib/normalize-options';

/** `@nx-lambda/plugin:go`: builds a static bootstrap for provided.al2023 and zips it. */
export default async function goExecutor(options: GoExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor({ family: 'go', normalizeRuntimeOptions: (o: GoExecutorOptions, loc) => ({ ...normalizeGoOptions(o, loc) }) }, options, context);
}
