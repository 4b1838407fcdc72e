import type { ExecutorContext } from '@nx/devkit';
import { runPackageExecutor } from '../shared/run-package';
import { NodeExecutorOptions, normalizeNodeOptions } from './lib/normalize-options';

/** `@nx-lambda/plugin:node`: bundles a Node.js function with esbuild into function.zip. */
export default async function nodeExecutor(options: NodeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor({ family: 'node', normalizeRuntimeOptions: (o: NodeExecutorOptions, loc) => ({ ...normalizeNodeOptions(o, loc) }) }, options, context);
}
