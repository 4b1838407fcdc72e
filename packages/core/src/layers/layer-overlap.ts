import { LambdaPackageError } from '../errors';
import type { FunctionBuildRequest, LayerAssignment } from '../runtimes/types';

/** `<project>-<8 hex>`: the layer names the planner gives (planner.ts). */
const projectOf = (layer: string) => /^(.+)-[0-9a-f]{8}$/.exec(layer)?.[1] ?? layer;

/**
 * Two layers of one function must not supply the same file: Lambda extracts a function's layers
 * into /opt in order, and the later silently overwrites the earlier (and both count against the
 * unzipped limit). One layer project never plans that; two layer projects whose scopes both take
 * the function in do, each planning the packages the function shares with its other functions.
 */
export function checkLayerOverlap(request: FunctionBuildRequest, where: string): void {
  const owners = new Map<string, LayerAssignment>();
  for (const layer of request.layers) {
    const clashes: string[] = [];
    let first: LayerAssignment | undefined;
    for (const p of layer.paths ?? []) {
      const other = owners.get(p);
      if (other && other.layer !== layer.layer) {
        first ??= other;
        if (other === first) clashes.push(p);
      } else owners.set(p, layer);
    }
    if (!first) continue;
    const names = new Set(layer.provides.map((d) => d.name));
    const both = first.provides.filter((d) => names.has(d.name)).map((d) => `${d.name}@${d.version}`);
    const [a, b] = [projectOf(first.layer), projectOf(layer.layer)];
    throw new LambdaPackageError(where, `${request.projectName} gets ${clashes[0]} from two layers: ${first.layer} and ${layer.layer}`,
      [...(both.length ? [`both supply: ${both.join(', ')}`] : []), ...clashes.slice(0, 5).map((p) => `path: ${p}`), ...(clashes.length > 5 ? [`(${clashes.length} paths in all)`] : [])],
      a === b
        ? `run "nx run ${a}:layer" again (its plan never gives one function the same file twice), then package ${request.projectName}`
        : `let one layer project serve ${request.projectName}: narrow "functions" in the lambda-layer.json of ${a} or ${b} so that only one of them takes it in`);
  }
}
