import type { ExecutorContext } from '@nx/devkit';
import { runPackageExecutor } from '../shared/run-package';
import { JavaExecutorOptions, normalizeJavaOptions } from './lib/normalize-options';

/** `@nx-lambda/plugin:java`: builds a Java function with Maven into function.zip (classes at the root, jars in lib/). */
export default async function javaExecutor(options: JavaExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor({ family: 'java', normalizeRuntimeOptions: (o: JavaExecutorOptions, loc) => ({ ...normalizeJavaOptions(o, loc) }) }, options, context);
}
