import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import type { FunctionBuildRequest } from '../runtimes/types';
import { LAYER_MANIFEST, LayerZipManifest } from './layer-artifacts';
import { checkLayerOverlap } from './layer-overlap';

/** Families whose dependency layers are built for one interpreter ABI (wheels, gems): a layer serves one runtime. */
export const ABI_BOUND_FAMILIES: ReadonlySet<string> = new Set(['python', 'ruby']);

/**
 * Every built layer of the function runs where the function runs: the same architecture (a
 * layer may hold native code), and for Python and Ruby the same runtime. A layer plan is made for
 * the function as its options say, which the command line can override (`--architecture=arm64`).
 * A layer whose artifacts are not here (another machine builds it) is not checked. No two of its
 * layers supply the same file (layer-overlap.ts).
 */
export async function checkLayerCompatibility(request: FunctionBuildRequest, where: string): Promise<void> {
  checkLayerOverlap(request, where);
  for (const l of request.layers) {
    if (!l.artifactDir) continue;
    const file = path.posix.join(l.artifactDir, LAYER_MANIFEST);
    const text = await fsp.readFile(path.join(request.workspaceRoot, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const m = JSON.parse(text) as LayerZipManifest & { family?: string };
    const architectureFits = m.compatibleArchitectures.includes(request.architecture);
    const runtimeFits = !ABI_BOUND_FAMILIES.has(m.family ?? '') || m.compatibleRuntimes.includes(request.runtime);
    if (architectureFits && runtimeFits) continue;
    throw new LambdaPackageError(where,
      `${request.projectName} is packaged for ${request.runtime} ${request.architecture}, but its layer ${l.layer} is built for ${m.compatibleRuntimes.join('/')} ${m.compatibleArchitectures.join('/')}`,
      [`layer manifest: ${file}`],
      `set "architecture" and "runtime" in ${request.projectRoot}/lambda.json rather than on the command line, so the layer project plans for them; a layer project serves one architecture${runtimeFits ? '' : ' and one Python or Ruby runtime'}`);
  }
}
