import type { ExecutorContext } from '@nx/devkit';
import { runPackageExecutor } from '../shared/run-package';
import { normalizePythonOptions, PythonExecutorOptions } from './lib/normalize-options';

/** `@nx-lambda/plugin:python`: wheels for Lambda's platform plus workspace libraries, in function.zip. */
export default async function pythonExecutor(options: PythonExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor({ family: 'python', normalizeRuntimeOptions: (o: PythonExecutorOptions, loc) => ({ ...normalizePythonOptions(o, loc) }) }, options, context);
}
