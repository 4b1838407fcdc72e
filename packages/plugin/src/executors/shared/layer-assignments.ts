import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { LambdaPackageError, readFunctionShare, type LayerAssignment } from '@nx-lambda/core';
import { dependenciesOf, LAYER_EXECUTOR, projectsOf, targetByExecutor, targetOutputDir } from './graph-queries';
import type { ProjectLocation } from './package-options';

/** A target that builds a runtime layer as it is (PowerShell's custom runtime), not from a plan. */
function runtimeLayerTarget(project: ProjectConfiguration | undefined): TargetConfiguration | undefined {
  return Object.values(project?.targets ?? {}).find((t) => t.options?.runtimeLayer === true);
}

/** A runtime layer supplies no dependencies: it is attached whole, read from its manifest. */
function runtimeLayerAssignment(context: ExecutorContext, loc: ProjectLocation, name: string, project: ProjectConfiguration, target: TargetConfiguration): LayerAssignment {
  const dir = targetOutputDir(context, project, target);
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new LambdaPackageError(`${loc.projectName}:package`, `runtime layer ${name} has not been built (no ${path.relative(context.root, manifestFile)}).
Run "nx run ${name}:layer" first.`);
  }
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { name: string; unzippedSize: number };
  return { layer: m.name, provides: [], unzippedSize: m.unzippedSize, artifactDir: path.relative(context.root, dir).split(path.sep).join('/') };
}

/**
 * What the function's layers supply: its share of the plan of every layer project it depends on
 * in the graph (layers whose scope takes it in) or names in `layers`, in layer-project order.
 */
export async function loadLayerAssignments(loc: ProjectLocation, named: readonly string[], context: ExecutorContext): Promise<LayerAssignment[]> {
  const projects = projectsOf(context);
  for (const n of named) {
    if (!targetByExecutor(projects[n], LAYER_EXECUTOR) && !runtimeLayerTarget(projects[n])) {
      const layers = Object.keys(projects).filter((p) => targetByExecutor(projects[p], LAYER_EXECUTOR) || runtimeLayerTarget(projects[p])).sort();
      const arnHint = n.startsWith('arn:') ? ' A published layer\'s ARN goes in the deploy options\' "layerArns".' : '';
      throw new LambdaPackageError(`${loc.projectName}:package`, `"layers" names ${n}, which is not a layer project (layer projects here: ${layers.join(', ') || 'none'}).\nName a project with a lambda-layer.json (or a ${LAYER_EXECUTOR} target) or a runtime layer (runtimeLayer: true), or remove it from "layers".${arnHint}`);
    }
  }
  const layerProjects = [...new Set([...dependenciesOf(context, loc.projectName), ...named])]
    .filter((n) => targetByExecutor(projects[n], LAYER_EXECUTOR))
    .sort();
  const out: LayerAssignment[] = [];
  for (const name of layerProjects) {
    const project = projects[name];
    out.push(...(await readFunctionShare(targetOutputDir(context, project, targetByExecutor(project, LAYER_EXECUTOR)), name, loc.projectName)));
  }
  // Runtime layers come first: Lambda applies layers in order, and the runtime is the base.
  const runtime = named.filter((n) => !targetByExecutor(projects[n], LAYER_EXECUTOR)).map((n) => runtimeLayerAssignment(context, loc, n, projects[n], runtimeLayerTarget(projects[n])!));
  return [...runtime, ...out];
}
