import type { ExecutorContext } from '@nx/devkit';
import { readFunctionShare, type LayerAssignment } from '@nx-lambda/core';
import { dependenciesOf, LAYER_EXECUTOR, projectsOf, targetByExecutor, targetOutputDir } from './graph-queries';
import type { ProjectLocation } from './package-options';

/**
 * What the function's layers supply: its share of the plan of every layer project it depends on
 * in the graph (layers whose scope takes it in) or names in `layers`, in layer-project order.
 */
export async function loadLayerAssignments(loc: ProjectLocation, named: readonly string[], context: ExecutorContext): Promise<LayerAssignment[]> {
  const projects = projectsOf(context);
  for (const n of named) {
    if (!targetByExecutor(projects[n], LAYER_EXECUTOR)) {
      throw new Error(`${loc.projectName}:package - "layers" names ${n}, which is not a layer project.\nName a project with a lambda-layer.json (or a ${LAYER_EXECUTOR} target), or remove it from "layers".`);
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
  return out;
}
