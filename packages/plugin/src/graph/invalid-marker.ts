import * as path from 'node:path';
import type { CreateNodesResult, TargetConfiguration } from '@nx/devkit';

/**
 * A lambda.json or lambda-layer.json its owner must fix (not JSON, no runtime, a family no
 * executor builds, a "deploy" that is not an object): a user's mistake, not a bug of the plugin.
 * Thrown by the marker readers; createNodes does not let it fail the graph (and with it every Nx
 * command of everyone in the workspace), but makes the folder a project whose targets fail with
 * the message.
 */
export class InvalidMarkerError extends Error {}

export const INVALID_CONFIG_EXECUTOR = '@nx-lambda/plugin:invalid-config';

/** What `read` returns, or undefined when the marker it reads is invalid: that marker's own project reports it. */
export function unlessInvalid<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof InvalidMarkerError) return undefined;
    throw err;
  }
}

export interface InvalidProject {
  /** The project's name, as a valid marker would give it (project.json, package.json, the folder). */
  name: string;
  kind: 'function' | 'layer';
  /** The targets a valid marker would infer (named per the plugin options). */
  targetNames: readonly string[];
}

/**
 * The project of a folder whose marker is invalid. It stays in the graph under its usual name and
 * root, so `nx show projects` lists it and `nx affected` picks it when its files change; each
 * target it would have fails with the marker's message (@nx-lambda/plugin:invalid-config), which
 * `nx show project` shows too. Nothing is cached: the next run must read the fixed file.
 */
export function invalidMarkerNode(markerPath: string, project: InvalidProject, message: string): CreateNodesResult {
  const root = path.posix.dirname(markerPath);
  const target: TargetConfiguration = {
    executor: INVALID_CONFIG_EXECUTOR,
    cache: false,
    options: { message },
    metadata: { description: message, technologies: ['aws-lambda'] },
  };
  const tag = project.kind === 'function' ? 'lambda' : 'lambda-layer';
  return {
    projects: {
      [root]: {
        root,
        name: project.name,
        projectType: project.kind === 'function' ? 'application' : 'library',
        tags: [tag, `${tag}:invalid`],
        targets: Object.fromEntries(project.targetNames.map((t) => [t, target])),
      },
    },
  };
}
