import { LambdaPackageError, type RubyRuntimeOptions } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the ruby executor as schema.json declares them. */
export interface RubyExecutorOptions extends CommonPackageOptions {
  bundleWithout?: string[];
}

/** The ruby runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const RUBY_OPTION_KEYS = ['bundleWithout'] as const;

export type NormalizedRubyOptions = RubyRuntimeOptions;

/**
 * Rules across fields for the ruby runtime; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizeRubyOptions(options: RubyExecutorOptions, loc: ProjectLocation): NormalizedRubyOptions {
  const groups = [...new Set((options.bundleWithout ?? ['development', 'test']).map((g) => g.trim()).filter(Boolean))];
  const bad = groups.find((g) => /[\s:,]/.test(g));
  if (bad) {
    throw new LambdaPackageError(`${loc.projectName}:package`, `bundler group "${bad}" holds a separator.\nList each group as its own "bundleWithout" entry, e.g. ["development", "test"].`);
  }
  return { bundleWithout: groups };
}
