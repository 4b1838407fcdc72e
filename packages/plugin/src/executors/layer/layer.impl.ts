import type { ExecutorContext } from '@nx/devkit';
import { ABI_BOUND_FAMILIES, buildLayerProject, FunctionBuildRequest, strategyFor } from '@nx-lambda/core';
import { inLayerScope, LAYER_MARKER, readLayerMarker } from '../../graph/layer-marker';
import { dependentsOf, projectsOf, targetByExecutor } from '../shared/graph-queries';
import { CommonPackageOptions, normalizePackageOptions, projectLocation } from '../shared/package-options';
import { LAYERED_RUNTIME_OPTIONS } from '../shared/runtime-specs';
import { LayerExecutorOptions, normalizeLayerOptions } from './lib/normalize-options';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { failOnKnownError } from '../shared/known-failure';

/**
 * `@nx-lambda/plugin:layer`: the functions in scope are the graph's dependents of this project
 * that package with the same family and architecture; the planning and building live in core.
 */
export default async function layerExecutor(options: LayerExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const loc = projectLocation(context);
  const markerPath = path.posix.join(loc.projectRoot, LAYER_MARKER);
  const marker = existsSync(path.join(loc.workspaceRoot, markerPath)) ? readLayerMarker(loc.workspaceRoot, markerPath) : {};
  const opts = normalizeLayerOptions(options, marker, loc);
  const normalizeRuntime = LAYERED_RUNTIME_OPTIONS[opts.family];
  if (!normalizeRuntime) {
    throw new Error(`${loc.projectName}:layer - ${opts.family} functions cannot use dependency layers.\n${opts.family} compiles its dependencies into each function; remove this layer project.`);
  }
  const projects = projectsOf(context);
  const executor = `@nx-lambda/plugin:${opts.family}`;
  const functions: FunctionBuildRequest[] = [];
  for (const name of dependentsOf(context, loc.projectName)) {
    const target = targetByExecutor(projects[name], executor);
    if (!target) continue;
    const fnOptions = { ...(target.options ?? {}) } as CommonPackageOptions;
    if ((fnOptions.architecture ?? 'x86_64') !== opts.architecture) continue;
    const named = fnOptions.layers?.includes(loc.projectName) ?? false;
    if (!named && !inLayerScope(opts.functions, name, projects[name].tags ?? [])) continue;
    // Wheels and gems are built for one interpreter ABI: such layers serve one runtime only.
    if (ABI_BOUND_FAMILIES.has(opts.family) && fnOptions.runtime !== opts.runtime) {
      console.warn(`${loc.projectName}:layer - skipping ${name}: it runs ${fnOptions.runtime}, this layer is built for ${opts.runtime}`);
      continue;
    }
    const fnLoc = { projectName: name, projectRoot: projects[name].root, workspaceRoot: loc.workspaceRoot };
    functions.push(normalizePackageOptions(opts.family, fnOptions, fnLoc, normalizeRuntime(fnOptions, fnLoc), []));
  }
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
