import type { ExecutorContext } from '@nx/devkit';
import { packageBatchExecutor, PackageExecutorSpec, runPackageExecutor } from '../shared/run-package';
import { NodeExecutorOptions, normalizeNodeOptions } from './lib/normalize-options';

const spec: PackageExecutorSpec<NodeExecutorOptions> = { family: 'node', normalizeRuntimeOptions: (o, loc) => ({ ...normalizeNodeOptions(o, loc) }) };

/** `@nx-lambda/plugin:node`: bundles a Node.js function with esbuild into function.zip. */
export default async function nodeExecutor(options: NodeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor(spec, options, context);
}

/** Batch mode: `nx run-many -t package` packages every Node.js function in one process. */
export const batch = packageBatchExecutor(spec);
