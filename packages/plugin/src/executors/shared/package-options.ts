import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { Architecture, DEFAULT_LIMITS, FunctionBuildRequest, LambdaPackageError, LayerAssignment, RuntimeFamily } from '@nx-lambda/core';
import { executorSchema, schemaProblems } from '../../graph/schema-check';

/** Options every runtime executor takes (the common part of each runtime's schema.json). */
export interface CommonPackageOptions {
  handler: string;
  runtime: string;
  architecture?: Architecture;
  outputPath?: string;
  include?: string[];
  exclude?: string[];
  allowSecrets?: string[];
  layers?: string[];
  compressionLevel?: number;
  directUploadLimitMiB?: number;
  unzippedLimitMiB?: number;
  maxLayers?: number;
}

export const COMMON_OPTION_KEYS = [
  'handler', 'runtime', 'architecture', 'outputPath', 'include', 'exclude', 'allowSecrets', 'layers',
  'compressionLevel', 'directUploadLimitMiB', 'unzippedLimitMiB', 'maxLayers',
] as const;

export interface ProjectLocation {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
}

export function projectLocation(context: ExecutorContext): ProjectLocation {
  const projectName = context.projectName;
  if (!projectName) throw new Error('nx-lambda: this executor must run as a project target (no project name in the executor context).');
  const project = context.projectsConfigurations?.projects[projectName];
  if (!project) throw new Error(`nx-lambda: project "${projectName}" is not in the workspace's project configurations.`);
  return { projectName, projectRoot: project.root.split(path.sep).join('/'), workspaceRoot: context.root };
}

/**
 * A task's options against the executor's full schema.json. Nx reads a lenient copy
 * (tools/nx-schemas.mjs), so a wrong option fails its own task here, naming the function and
 * where to change it, instead of every task of a batch in Nx's worker with a bare `#<SchemaError>`.
 */
export function checkOptionsAgainstSchema(executor: string, options: object, loc: ProjectLocation): void {
  // Nx adds `verbose` to the options of an executor whose schema allows any key, as the lenient copy does.
  const { verbose: _verbose, ...given } = options as Record<string, unknown>;
  const problems = schemaProblems(executorSchema(executor), given);
  if (!problems.length) return;
  throw new LambdaPackageError(`${loc.projectName}:options`, `the ${executor} executor refuses ${problems.length === 1 ? 'an option' : 'options'}`, problems,
    `change it in ${loc.projectRoot}/lambda.json, in the target's options in ${loc.projectRoot}/project.json, in the plugin's "defaults" in nx.json, or on the command line`);
}

/** `dist/{projectRoot}` unless the user set outputPath (relative to the workspace root). */
export function resolveOutputPath(loc: ProjectLocation, outputPath: string | undefined): string {
  const rel = (outputPath ?? `dist/{projectRoot}`).replace('{projectRoot}', loc.projectRoot).replace('{projectName}', loc.projectName);
  return path.resolve(loc.workspaceRoot, rel);
}

/**
 * A path as a task's output shows it: relative to the workspace root. Nx replays a cached task's
 * output in other checkouts and on other machines, where an absolute path would name the wrong place.
 */
export function shownPath(workspaceRoot: string, file: string): string {
  const rel = path.relative(workspaceRoot, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/**
 * Rules across fields that schema.json cannot express; returns a new request and never mutates
 * `options`. Misconfiguration throws with what to change.
 */
export function normalizePackageOptions(
  family: RuntimeFamily,
  options: CommonPackageOptions,
  loc: ProjectLocation,
  runtimeOptions: Record<string, unknown>,
  layers: readonly LayerAssignment[],
): FunctionBuildRequest {
  const where = `${loc.projectName}:package`;
  if (!options.handler?.trim()) throw new LambdaPackageError(where, `"handler" is empty.\nSet it in ${loc.projectRoot}/lambda.json or the target options, e.g. "src/handler.handler".`);
  if (!options.runtime?.trim()) throw new LambdaPackageError(where, `"runtime" is empty.\nSet it in ${loc.projectRoot}/lambda.json or the target options, e.g. "nodejs22.x".`);
  const architecture = options.architecture ?? 'x86_64';
  if (architecture !== 'x86_64' && architecture !== 'arm64') {
    throw new LambdaPackageError(where, `architecture "${architecture}" is not one Lambda offers.\nUse "x86_64" or "arm64".`);
  }
  const MiB = 1024 * 1024;
  return {
    projectName: loc.projectName,
    projectRoot: loc.projectRoot,
    workspaceRoot: loc.workspaceRoot,
    family,
    runtime: options.runtime.trim(),
    handler: options.handler.trim(),
    architecture,
    outputPath: resolveOutputPath(loc, options.outputPath),
    include: options.include ?? [],
    exclude: options.exclude ?? [],
    allowSecrets: options.allowSecrets ?? [],
    layers,
    limits: {
      directUploadBytes: (options.directUploadLimitMiB ?? DEFAULT_LIMITS.directUploadBytes / MiB) * MiB,
      unzippedBytes: (options.unzippedLimitMiB ?? DEFAULT_LIMITS.unzippedBytes / MiB) * MiB,
      maxLayers: options.maxLayers ?? DEFAULT_LIMITS.maxLayers,
    },
    compressionLevel: options.compressionLevel ?? 6,
    options: runtimeOptions,
  };
}
