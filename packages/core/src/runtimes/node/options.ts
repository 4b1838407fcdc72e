import { LambdaPackageError } from '../../errors';
import type { FunctionBuildRequest } from '../types';

export const NODE_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;

export type NodeOutputFormat = 'esm' | 'cjs';
/** The `format` option: an output format, or `auto` (the default) to pick it from the entry (`format.ts`). */
export type NodeFormatOption = NodeOutputFormat | 'auto';
export type NodeSourcemap = boolean | 'external';

/** The node runtime's own options, as the executor normalised them (request.options). */
export interface NodeBuildOptions {
  /** `esm` writes `index.mjs`, `cjs` writes `index.js`; `auto` (default) picks one from the entry. */
  format: NodeFormatOption;
  minify: boolean;
  /** true: `.map` in the zip; 'external': `.map` beside function.zip only; false: none. */
  sourcemap: NodeSourcemap;
  /** Imports left out of the bundle (esbuild `external` patterns). */
  external: readonly string[];
  /** Bundle `@aws-sdk/*` instead of using the copy the Lambda runtime ships. */
  bundleAwsSdk: boolean;
  /** Packages installed into the zip's node_modules instead of bundled (native addons, runtime file reads). */
  nodeModules: readonly string[];
  /** tsconfig for path aliases, relative to the workspace root; default: the project's, else tsconfig.base.json. */
  tsConfig?: string;
}

/** The options of one function with its format settled: what esbuild is given and the manifest records. */
export interface ResolvedNodeOptions extends Omit<NodeBuildOptions, 'format'> {
  format: NodeOutputFormat;
  /** Why this format: the option, or what `auto` read from the entry. */
  formatReason: string;
}

export const DEFAULT_NODE_OPTIONS: NodeBuildOptions = {
  format: 'auto', minify: false, sourcemap: false, external: [], bundleAwsSdk: false, nodeModules: [],
};

/** esbuild target of a Lambda runtime: `nodejs22.x` -> `node22`. */
export function esbuildTarget(runtime: string): string {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!m) throw new LambdaPackageError('node:options', `"${runtime}" is not a Node.js Lambda runtime`, [], `use one of ${NODE_RUNTIMES.join(', ')}`);
  return `node${m[1]}`;
}

/**
 * Reads the node options out of a request, filling defaults. The executor has already checked
 * them against schema.json; this guards the core API used without Nx (CDK, scripts).
 */
export function nodeOptionsOf(request: FunctionBuildRequest): NodeBuildOptions {
  const o = request.options as Partial<NodeBuildOptions>;
  const format = o.format ?? DEFAULT_NODE_OPTIONS.format;
  if (format !== 'auto' && format !== 'esm' && format !== 'cjs') {
    throw new LambdaPackageError('node:options', `${request.projectName}: format "${String(format)}" is not supported`, [],
      `set "format" in ${request.projectRoot}/lambda.json (or the package target's options) to "esm" or "cjs", or remove it to pick the format from the entry`);
  }
  const sourcemap = o.sourcemap ?? DEFAULT_NODE_OPTIONS.sourcemap;
  if (sourcemap !== true && sourcemap !== false && sourcemap !== 'external') {
    throw new LambdaPackageError('node:options', `${request.projectName}: sourcemap "${String(sourcemap)}" is not supported`, [], 'set "sourcemap" to true, false or "external"');
  }
  return {
    format,
    minify: o.minify ?? DEFAULT_NODE_OPTIONS.minify,
    sourcemap,
    external: o.external ?? DEFAULT_NODE_OPTIONS.external,
    bundleAwsSdk: o.bundleAwsSdk ?? DEFAULT_NODE_OPTIONS.bundleAwsSdk,
    nodeModules: o.nodeModules ?? DEFAULT_NODE_OPTIONS.nodeModules,
    ...(o.tsConfig ? { tsConfig: o.tsConfig } : {}),
  };
}

/** The bundle's file name in the zip, and so the module part of Lambda's handler. */
export function bundleFileName(format: NodeOutputFormat): string {
  return format === 'esm' ? 'index.mjs' : 'index.js';
}
