import { ABI_BOUND_FAMILIES } from '@nx-lambda/core';
import { inLayerScope } from '../../../graph/layer-marker';
import type { CommonPackageOptions } from '../../shared/package-options';

/** A function project whose package target runs the layer's family. */
export interface LayerCandidate {
  name: string;
  tags: readonly string[];
  /** Its package target's options: lambda.json, the plugin's defaults and project.json, as Nx merged them. */
  options: CommonPackageOptions;
  /** Depends on the layer project in the graph: only then does its package target read the layer's plan. */
  dependent: boolean;
  /** Other layer projects of the same family it depends on in the graph: each plans alone. */
  otherLayerProjects?: readonly string[];
}

export interface LayerScopeSettings {
  project: string;
  family: string;
  runtime: string;
  architecture: string;
  functions?: readonly string[];
  /** The layer project's lambda-layer.json, relative to the workspace root (where messages send the user). */
  markerPath: string;
}

export interface LayerScope {
  /** The functions the layer plans for, by name. */
  served: LayerCandidate[];
  /** Why functions one would expect the layer to serve are not served. */
  warnings: string[];
}

const architectureOf = (c: LayerCandidate) => c.options.architecture ?? 'x86_64';
const list = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

/**
 * Which functions a layer serves: those in its `functions` scope (or naming it in `layers`) that
 * run on its architecture (and, for Python and Ruby, its runtime) and depend on it in the graph.
 * A layer that serves none says why instead of planning nothing in silence.
 */
export function layerScope(layer: LayerScopeSettings, candidates: readonly LayerCandidate[]): LayerScope {
  const where = `${layer.project}:layer`;
  const abiBound = ABI_BOUND_FAMILIES.has(layer.family);
  const all = [...candidates].sort((a, b) => a.name.localeCompare(b.name));
  const inScope = all.filter((c) => c.options.layers?.includes(layer.project) || inLayerScope(layer.functions, c.name, c.tags));
  const architectureDiffers = (c: LayerCandidate) => architectureOf(c) !== layer.architecture;
  const runtimeDiffers = (c: LayerCandidate) => abiBound && c.options.runtime !== layer.runtime;
  const fits = inScope.filter((c) => !architectureDiffers(c) && !runtimeDiffers(c));
  const served = fits.filter((c) => c.dependent);
  const unlinked = fits.filter((c) => !c.dependent);
  const elsewhere = inScope.filter((c) => architectureDiffers(c) || runtimeDiffers(c));
  const warnings: string[] = [];

  if (!served.length && !all.length) {
    warnings.push(`${where} - serves no function: the workspace has no ${layer.family} function\n  Fix: add one (nx g @nx-lambda/plugin:function), or remove this layer project`);
  } else if (!served.length && !inScope.length) {
    warnings.push([
      `${where} - serves no function: no ${layer.family} function is in its scope`,
      `  "functions": [${list(layer.functions ?? [])}] (${layer.markerPath}) matches none of: ${all.map((c) => c.name).join(', ')}`,
      `  Fix: correct the names, globs or tag:<tag> in "functions", or remove "functions" to serve every ${layer.family} function of the layer's architecture${abiBound ? ' and runtime' : ''}`,
    ].join('\n'));
  } else if (!served.length && elsewhere.length) {
    warnings.push(otherPlatformWarning(where, layer, elsewhere, abiBound));
  } else {
    // The layer serves others: a function that depends on it in the graph but runs elsewhere is named.
    for (const c of elsewhere.filter((e) => e.dependent)) {
      const [arch, rt] = [architectureDiffers(c), runtimeDiffers(c)];
      const runs = arch && rt ? `${c.options.runtime} on ${architectureOf(c)}` : rt ? c.options.runtime : `on ${architectureOf(c)}`;
      const built = arch && rt ? `${layer.runtime} on ${layer.architecture}` : rt ? layer.runtime : layer.architecture;
      warnings.push(`${where} - skipping ${c.name}: it runs ${runs}, this layer is built for ${built}`);
    }
  }
  const shared = served.filter((c) => c.otherLayerProjects?.length);
  if (shared.length) {
    const others = [...new Set(shared.flatMap((c) => c.otherLayerProjects ?? []))].sort();
    warnings.push([
      `${where} - ${shared.map((c) => c.name).join(', ')} ${shared.length === 1 ? 'is' : 'are'} also served by ${others.join(', ')}: each layer project plans alone, so a package both layer for ${shared.length === 1 ? 'it' : 'them'} would reach ${shared.length === 1 ? 'it' : 'them'} twice, and ${shared.length === 1 ? 'its' : 'their'} package target then fails`,
      `  Fix: let one layer project serve each function: narrow "functions" in ${layer.markerPath} or in the lambda-layer.json of ${others.join(', ')}`,
    ].join('\n'));
  }
  if (unlinked.length) {
    const names = unlinked.map((c) => c.name).join(', ');
    warnings.push([
      `${where} - ${served.length ? 'does not serve' : 'serves no function:'} ${names}: in scope and built for ${layer.architecture}, but ${unlinked.length === 1 ? 'it does' : 'they do'} not depend on ${layer.project} in the project graph`,
      `  The graph links a function to a layer by its lambda.json and the plugin's "defaults" in nx.json ("architecture" there, x86_64 when absent), not by project.json options; a package target reads only the layers it depends on.`,
      `  Fix: set "architecture": "${layer.architecture}" in ${unlinked.length === 1 ? 'its' : 'their'} lambda.json, or name ${layer.project} in ${unlinked.length === 1 ? 'its' : 'their'} "layers"`,
    ].join('\n'));
  }
  return { served, warnings };
}

/** Functions in scope exist, but none runs where the layer runs: name them and how to serve them. */
function otherPlatformWarning(where: string, layer: LayerScopeSettings, elsewhere: readonly LayerCandidate[], abiBound: boolean): string {
  const platform = (architecture: string, runtime: string | undefined) => (abiBound ? `${architecture}, ${runtime}` : architecture);
  const architectures = [...new Set(elsewhere.map(architectureOf))];
  const runtimes = [...new Set(elsewhere.map((c) => String(c.options.runtime)))];
  const keys = [
    ...(architectures.some((a) => a !== layer.architecture) ? ['architecture'] : []),
    ...(abiBound && runtimes.some((r) => r !== layer.runtime) ? ['runtime'] : []),
  ];
  const theirs = keys.map((k) => {
    const values = k === 'architecture' ? architectures : runtimes;
    return values.length === 1 ? `"${k}": "${values[0]}"` : `"${k}"`;
  }).join(' and ');
  const generate = `nx g @nx-lambda/plugin:layer <name> --runtime=${layer.family}${architectures.length === 1 ? ` --architecture=${architectures[0]}` : ''}${abiBound && runtimes.length === 1 ? ` --lambdaRuntime=${runtimes[0]}` : ''}`;
  return [
    `${where} - serves no function: the ${layer.family} functions in its scope run on another ${keys.join(' and ')} than the layer`,
    `  layer ${layer.project}: ${platform(layer.architecture, layer.runtime)}`,
    ...elsewhere.map((c) => `  ${c.name}: ${platform(architectureOf(c), c.options.runtime)}`),
    `  Fix: set ${theirs} in ${layer.markerPath}, or create another layer project for them (${generate})`,
  ].join('\n');
}
