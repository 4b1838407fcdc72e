import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidMarkerError } from './invalid-marker';
import { parseJsonText } from './json';
import type { RuntimeFamily } from '@nx-lambda/core/dist/runtimes/types';

/** `lambda-layer.json` in a layer project's root: its scope. */
export interface LayerMarker {
  family: RuntimeFamily;
  /** Lambda runtime the layer is built for (its compatible runtime). */
  runtime: string;
  architecture?: 'x86_64' | 'arm64';
  /** Functions it may serve: project names, `tag:<tag>` or globs (`orders-*`). Default: every function of the family and architecture. */
  functions?: string[];
  /** Shared groups smaller than this stay in the functions. */
  minLayerBytes?: number;
  /** Options of the layer target (limits and zip level), as on the command line. */
  maxLayers?: number;
  unzippedLimitMiB?: number;
  directUploadLimitMiB?: number;
  compressionLevel?: number;
}

/** Keys of lambda-layer.json that are the layer target's options rather than its scope. */
export const LAYER_TARGET_OPTION_KEYS = ['maxLayers', 'unzippedLimitMiB', 'directUploadLimitMiB', 'compressionLevel'] as const;
const LAYER_MARKER_KEYS = new Set(['$schema', 'family', 'runtime', 'architecture', 'functions', 'minLayerBytes', ...LAYER_TARGET_OPTION_KEYS]);

export const LAYER_MARKER = 'lambda-layer.json';
export const LAYERED_FAMILIES: readonly RuntimeFamily[] = ['node', 'python', 'ruby', 'java'];

export function readLayerMarker(workspaceRoot: string, markerPath: string): LayerMarker {
  let m: LayerMarker;
  try {
    m = parseJsonText(readFileSync(path.join(workspaceRoot, markerPath), 'utf8')) as LayerMarker;
  } catch (err) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} is not valid JSON: ${(err as Error).message}\nFix the file; it needs "family" and "runtime".`);
  }
  if (!m || typeof m !== 'object' || typeof m.family !== 'string' || typeof m.runtime !== 'string') {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} needs "family" and "runtime", e.g. { "family": "node", "runtime": "nodejs22.x" }.`);
  }
  const unknown = Object.keys(m).filter((k) => !LAYER_MARKER_KEYS.has(k));
  if (unknown.length) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} has ${unknown.map((k) => `"${k}"`).join(', ')}, which a layer project does not take.\nUse only ${[...LAYER_MARKER_KEYS].filter((k) => k !== '$schema').join(', ')} (check the spelling).`);
  }
  if (!LAYERED_FAMILIES.includes(m.family)) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} asks for a ${m.family} layer, but ${m.family} compiles its dependencies into each function.\nUse a layer only for ${LAYERED_FAMILIES.join(', ')}, or remove ${markerPath}.`);
  }
  const wrongRuntime = layerRuntimeProblem(m.family, m.runtime);
  if (wrongRuntime) throw new InvalidMarkerError(`nx-lambda: ${markerPath} ${wrongRuntime}.\nSet "runtime" to the Lambda runtime of the functions it serves.`);
  return m;
}

/** The Lambda runtimes of each layered family begin so (what deploy publishes as CompatibleRuntimes). */
const RUNTIME_PREFIX: Record<string, string> = { node: 'nodejs', python: 'python', ruby: 'ruby', java: 'java' };
const RUNTIME_EXAMPLE: Record<string, string> = { node: 'nodejs22.x', python: 'python3.12', ruby: 'ruby3.3', java: 'java21' };

/** Why `runtime` cannot be the runtime of a `family` layer (a python layer for nodejs22.x), or undefined. */
export function layerRuntimeProblem(family: string, runtime: string): string | undefined {
  const prefix = RUNTIME_PREFIX[family];
  if (!prefix || runtime.startsWith(prefix)) return undefined;
  return `names runtime "${runtime}" for a ${family} layer; a ${family} layer is built for a ${family} runtime, e.g. "${RUNTIME_EXAMPLE[family]}"`;
}

/** Whether a function (name, tags) is inside a layer's `functions` scope. */
export function inLayerScope(scope: readonly string[] | undefined, name: string, tags: readonly string[]): boolean {
  if (!scope || scope.length === 0) return true;
  return scope.some((s) => {
    if (s.startsWith('tag:')) return tags.includes(s.slice(4));
    const re = new RegExp(`^${s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(name);
  });
}

/**
 * What every layer's plan reads besides its language's manifests: the functions' lambda.json and
 * project.json (tags and target options decide which functions a layer serves and how), never the
 * outputs. A plan restored from the cache must be the plan a fresh run would make.
 */
const EVERY_FAMILY = ['{workspaceRoot}/**/lambda.json', '{workspaceRoot}/**/project.json', '!{workspaceRoot}/dist/**'];

/** Files across the workspace that change which dependencies the functions of a family resolve. */
export const LAYER_INPUTS: Record<string, string[]> = {
  // A Node.js function's layer share follows what its bundle imports: its sources and tsconfig paths.
  node: ['{workspaceRoot}/package-lock.json', '{workspaceRoot}/**/package.json', ...['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'].map((ext) => `{workspaceRoot}/**/*.${ext}`), '{workspaceRoot}/**/tsconfig*.json', ...EVERY_FAMILY],
  python: ['{workspaceRoot}/**/requirements*.txt', '{workspaceRoot}/**/pyproject.toml', '{workspaceRoot}/**/uv.lock', '{workspaceRoot}/**/poetry.lock', ...EVERY_FAMILY],
  ruby: ['{workspaceRoot}/**/Gemfile', '{workspaceRoot}/**/Gemfile.lock', ...EVERY_FAMILY],
  java: ['{workspaceRoot}/**/pom.xml', ...EVERY_FAMILY],
};
