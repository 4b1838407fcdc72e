import type { ExecutorContext } from '@nx/devkit';
import { runPackageExecutor } from '../shared/run-package';
import { normalizeRubyOptions, RubyExecutorOptions } from './lib/normalize-options';

/** `@nx-lambda/plugin:ruby`: packages a Ruby function with its production gems under vendor/bundle. */
export default async function rubyExecutor(options: RubyExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  return runPackageExecutor({ family: 'ruby', normalizeRuntimeOptions: (o: RubyExecutorOptions, loc) => ({ ...normalizeRubyOptions(o, loc) }) }, options, context);
}
