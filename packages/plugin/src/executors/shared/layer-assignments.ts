import type { ExecutorContext } from '@nx/devkit';
import type { LayerAssignment } from '@nx-lambda/core';
import type { ProjectLocation } from './package-options';

/** What each named layer supplies to this function, read from the layer plans. */
export async function loadLayerAssignments(loc: ProjectLocation, layerProjects: readonly string[], _context: ExecutorContext): Promise<LayerAssignment[]> {
  // TODO(#8): read each layer project's plan.json (its declared output) and return its share.
  if (layerProjects.length) {
    throw new Error(`${loc.projectName}:package - layers are named (${layerProjects.join(', ')}) but layer plans are not supported yet.\nRemove "layers" from the options.`);
  }
  return [];
}
