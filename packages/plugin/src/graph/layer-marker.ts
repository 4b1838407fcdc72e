import { readFileSync } from 'node:fs';
import * as path from 'node:path';
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
}

export const LAYER_MARKER = 'lambda-layer.json';
export const LAYERED_FAMILIES: readonly RuntimeFamily[] = ['node', 'python', 'ruby', 'java'];

export function readLayerMarker(workspaceRoot: string, markerPath: string): LayerMarker {
  let m: LayerMarker;
  try {
    m = parseJsonText(readFileSync(path.join(workspaceRoot, markerPath), 'utf8')) as LayerMarker;
  } catch (err) {
    throw new Error(`nx-lambda: ${markerPath} is not valid JSON: ${(err as Error).message}\nFix the file; it needs "family" and "runtime".`);
  }
  if (!m || typeof m !== 'object' || typeof m.family !== 'string' || typeof m.runtime !== 'string') {
    throw new Error(`nx-lambda: ${markerPath} needs "family" and "runtime", e.g. { "family": "node", "runtime": "nodejs22.x" }.`);
  }
  if (!LAYERED_FAMILIES.includes(m.family)) {
    throw new Error(`nx-lambda: ${markerPath} asks for a ${m.family} layer, but ${m.family} compiles its dependencies into each function.\nUse a layer only for ${LAYERED_FAMILIES.join(', ')}, or remove ${markerPath}.`);
  }
  return m;
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

/** Files across the workspace that change which dependencies the functions of a family resolve. */
export const LAYER_INPUTS: Record<string, string[]> = {
  node: ['{workspaceRoot}/package-lock.json', '{workspaceRoot}/**/package.json', '{workspaceRoot}/**/lambda.json', '!{workspaceRoot}/dist/**'],
  python: ['{workspaceRoot}/**/requirements.txt', '{workspaceRoot}/**/pyproject.toml', '{workspaceRoot}/**/uv.lock', '{workspaceRoot}/**/poetry.lock', '{workspaceRoot}/**/lambda.json'],
  ruby: ['{workspaceRoot}/**/Gemfile', '{workspaceRoot}/**/Gemfile.lock', '{workspaceRoot}/**/lambda.json'],
  java: ['{workspaceRoot}/**/pom.xml', '{workspaceRoot}/**/lambda.json'],
};
