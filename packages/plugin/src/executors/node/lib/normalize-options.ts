import { LambdaPackageError, type NodeBuildOptions } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the node executor as schema.json declares them. */
export interface NodeExecutorOptions extends CommonPackageOptions {
  format?: 'auto' | 'esm' | 'cjs';
  minify?: boolean;
  sourcemap?: boolean | 'external';
  external?: string[];
  bundleAwsSdk?: boolean;
  nodeModules?: string[];
  tsConfig?: string;
}

/** The node runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const NODE_OPTION_KEYS = ['format', 'minify', 'sourcemap', 'external', 'bundleAwsSdk', 'nodeModules', 'tsConfig'] as const;

export type NormalizedNodeOptions = NodeBuildOptions;

function uniqueNames(list: readonly string[] | undefined): string[] {
  return [...new Set((list ?? []).map((s) => s.trim()).filter(Boolean))];
}

/**
 * Rules across fields for the node runtime; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizeNodeOptions(options: NodeExecutorOptions, loc: ProjectLocation): NormalizedNodeOptions {
  const where = `${loc.projectName}:package`;
  const nodeModules = uniqueNames(options.nodeModules);
  const external = uniqueNames(options.external);
  const both = nodeModules.filter((n) => external.includes(n));
  if (both.length) {
    throw new LambdaPackageError(where, `${both.join(', ')} is listed in both "nodeModules" and "external".\nRemove it from one of them: "nodeModules" installs it into the zip, "external" expects the runtime or a layer to provide it.`);
  }
  return {
    format: options.format ?? 'auto',
    minify: options.minify ?? false,
    sourcemap: options.sourcemap ?? false,
    external,
    bundleAwsSdk: options.bundleAwsSdk ?? false,
    nodeModules,
    ...(options.tsConfig ? { tsConfig: options.tsConfig } : {}),
  };
}
