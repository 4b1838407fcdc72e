import type { ExecutorContext } from '@nx/devkit';
import { buildLayerProject, FunctionBuildRequest, LambdaPackageError, strategyFor } from '@nx-lambda/core';
import { LAYER_MARKER, readLayerMarker } from '../../graph/layer-marker';
import { dependenciesOf, dependentsOf, LAYER_EXECUTOR, projectsOf, targetByExecutor } from '../shared/graph-queries';
import { CommonPackageOptions, normalizePackageOptions, projectLocation } from '../shared/package-options';
import { LAYERED_RUNTIME_OPTIONS } from '../shared/runtime-specs';
import { LayerExecutorOptions, normalizeLayerOptions } from './lib/normalize-options';
import { LayerCandidate, layerScope } from './lib/layer-scope';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { failOnKnownError } from '../shared/known-failure';

/**
 * `@nx-lambda/plugin:layer`: the functions in scope are the graph's dependents of this project
 * that package with the same family and architecture (lib/layer-scope.ts); the planning and
 * building live in core, which leaves out a function whose dependencies cannot be resolved.
 */
export default async function layerExecutor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const loc = projectLocation(context);
  const markerPath = path.posix.join(loc.projectRoot, LAYER_MARKER);
  const marker = existsSync(path.join(loc.workspaceRoot, markerPath)) ? readLayerMarker(loc.workspaceRoot, markerPath) : {};
  const opts = normalizeLayerOptions(options, marker, loc);
  const normalizeRuntime = LAYERED_RUNTIME_OPTIONS[opts.family];
  if (!normalizeRuntime) {
    throw new LambdaPackageError(`${loc.projectName}:layer`, `${opts.family} functions cannot use dependency layers.\n${opts.family} compiles its dependencies into each function; remove this layer project.`);
  }
  const projects = projectsOf(context);
  const executor = `@nx-lambda/plugin:${opts.family}`;
  const dependents = new Set(dependentsOf(context, loc.projectName));
  // Inferred layer projects carry their family as a tag; a hand-written layer target as its option.
  const sameFamilyLayer = (name: string) => {
    const target = name !== loc.projectName ? targetByExecutor(projects[name], LAYER_EXECUTOR) : undefined;
    return !!target && ((projects[name].tags ?? []).includes(`lambda-layer:${opts.family}`) || target.options?.family === opts.family);
  };
  // Every function of the family, not only the graph's dependents: a layer that serves none says why.
  const candidates: LayerCandidate[] = Object.keys(projects).flatMap((name) => {
    const target = targetByExecutor(projects[name], executor);
    return target ? [{
      name, tags: projects[name].tags ?? [], options: { ...(target.options ?? {}) } as CommonPackageOptions, dependent: dependents.has(name),
      otherLayerProjects: dependenciesOf(context, name).filter(sameFamilyLayer),
    }] : [];
  });
  const scope = layerScope({ ...opts, project: loc.projectName, markerPath }, candidates);
  for (const w of scope.warnings) console.warn(w);
  const functions: FunctionBuildRequest[] = scope.served.map(({ name, options: fnOptions }) => {
    const fnLoc = { projectName: name, projectRoot: projects[name].root, workspaceRoot: loc.workspaceRoot };
    return normalizePackageOptions(opts.family, fnOptions, fnLoc, normalizeRuntime(fnOptions, fnLoc), []);
  });
  return failOnKnownError(async () => {
    const result = await buildLayerProject(strategyFor(opts.family), {
      project: loc.projectName, projectRoot: loc.projectRoot, workspaceRoot: loc.workspaceRoot, family: opts.family, runtime: opts.runtime,
      architecture: opts.architecture, outputPath: opts.outputPath, functions, minLayerBytes: opts.minLayerBytes, limits: opts.limits,
      compressionLevel: opts.compressionLevel,
    }, { log: (m) => console.log(m) });
    for (const line of result.summary) console.log(line);
    return { success: true };
  });
}
