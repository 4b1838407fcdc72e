import type { RuntimeFamily } from '@nx-lambda/core';
import { normalizeJavaOptions } from '../java/lib/normalize-options';
import { normalizeNodeOptions } from '../node/lib/normalize-options';
import { normalizePythonOptions } from '../python/lib/normalize-options';
import { normalizeRubyOptions } from '../ruby/lib/normalize-options';
import type { CommonPackageOptions, ProjectLocation } from './package-options';

type RuntimeNormalizer = (options: CommonPackageOptions, loc: ProjectLocation) => Record<string, unknown>;

/**
 * Each layered family's option normaliser, so the layer target resolves a function exactly as its
 * package target would. Explicit, like the runtime registry in core.
 */
export const LAYERED_RUNTIME_OPTIONS: Partial<Record<RuntimeFamily, RuntimeNormalizer>> = {
  node: normalizeNodeOptions as unknown as RuntimeNormalizer,
  java: normalizeJavaOptions as unknown as RuntimeNormalizer,
  python: normalizePythonOptions as unknown as RuntimeNormalizer,
  ruby: normalizeRubyOptions as unknown as RuntimeNormalizer,
};
