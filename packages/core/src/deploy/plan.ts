import type {
  CurrentFunction, DeployedConfig, DeployPlan, DesiredFunction, DesiredLayer, FunctionDeployPlan, FunctionStep, LayerDeployPlan, NewFunctionSummary, PlanInput,
} from './types';
import { ALL_BLOCKS, blockDifferences } from './config-blocks';
import { describeTagChanges, planTagChanges } from './tags';

/**
 * The deploy diff: desired vs. deployed, per layer and function. Pure (no I/O), so dry-run,
 * apply and the fixture tests all see the same decisions.
 */
export function planDeploy(input: PlanInput): DeployPlan {
  const layers = input.layers.map((l) => planLayer(l, input.current.layers[l.name]?.match ?? null));
  const byName = new Map(layers.map((l) => [l.name, l]));
  const functions = input.functions.map((f) => planFunction(f, input.current.functions[f.functionName] ?? { latest: null }, byName));
  return { layers, functions };
}

function planLayer(layer: DesiredLayer, match: { arn: string } | null): LayerDeployPlan {
  return match
    ? { name: layer.name, action: 'reuse', codeSha256: layer.codeSha256, arn: match.arn }
    : { name: layer.name, action: 'publish', codeSha256: layer.codeSha256 };
}

/** Desired layer ARNs in order; null where the ARN is only known after publishing. */
export function desiredLayerArns(f: DesiredFunction, layers: ReadonlyMap<string, LayerDeployPlan>): (string | null)[] {
  return f.layers.map((ref) => {
    if ('arn' in ref) return ref.arn;
    const plan = layers.get(ref.layer);
    if (!plan) throw new Error(`deploy:plan - function ${f.functionName} uses layer "${ref.layer}" that is not part of this deploy.`);
    return plan.action === 'reuse' ? plan.arn ?? null : null;
  });
}

export function planFunction(f: DesiredFunction, current: CurrentFunction, layers: ReadonlyMap<string, LayerDeployPlan>): FunctionDeployPlan {
  const arns = desiredLayerArns(f, layers);
  const steps: FunctionStep[] = [];
  const reasons: string[] = [];
  let configChanges: string[] = [];
  let tagChanges: FunctionDeployPlan['tagChanges'];
  let newFunction: NewFunctionSummary | undefined;
  if (!current.latest) {
    steps.push('create');
    reasons.push('function does not exist');
    newFunction = summarizeNewFunction(f, arns);
  } else {
    // After a failed update GetFunction shows what was asked for, not what runs: send it all again.
    const failed = current.latest.lastUpdateFailed;
    const code = failed !== undefined || codeDiffers(f, current.latest);
    configChanges = failed ? managedFields(f) : configDifferences(f, current.latest, arns);
    // A new runtime goes first: Lambda refuses new code for a function on a runtime it has
    // deprecated (the "block function update" phase), so the code follows the runtime change.
    const runtimeFirst = code && configChanges.includes('runtime') && current.latest.runtime !== f.runtime;
    if (runtimeFirst) steps.push('update-config');
    if (code) {
      steps.push('update-code');
      reasons.push(failed ? `the last update failed (${failed}): code and configuration are sent again` : codeReason(f, current.latest));
    }
    if (configChanges.length) {
      if (!runtimeFirst) steps.push('update-config');
      reasons.push(`configuration ${failed ? 'sent again' : 'differs'}${runtimeFirst ? ' (sent before the code: the runtime changes)' : ''}: ${configChanges.join(', ')}`);
    }
    tagChanges = planTagChanges(f.tags, current.tags ?? {}, current.functionArn ?? '') ?? undefined;
    if (tagChanges) {
      steps.push('update-tags');
      reasons.push(describeTagChanges(tagChanges));
    }
  }
  // Tags belong to the function, not to a version: a tag change alone publishes nothing.
  const changed = steps.some((s) => s !== 'update-tags');
  if (f.publish || f.alias) {
    const alias = current.alias ?? null;
    const stale = (v: DeployedConfig | null | undefined) => !v || codeDiffers(f, v) || configDifferences(f, v, arns).length > 0;
    const aliasStale = f.alias !== undefined && (!alias || stale(alias.target));
    // Read only for publish without an alias: a version a half-way deploy did not publish is published now.
    const versionStale = f.alias === undefined && current.lastVersion !== undefined && current.latest !== null && stale(current.lastVersion);
    if (changed || aliasStale || versionStale) {
      steps.push('publish-version');
      reasons.push(changed ? 'publish a version of the change' : aliasStale ? `alias ${f.alias} does not point at the deployed code and configuration` : 'no published version holds the deployed code and configuration');
    }
    if (f.alias && (changed || aliasStale)) steps.push(alias ? 'update-alias' : 'create-alias');
  }
  return { functionName: f.functionName, action: headline(steps), steps, reasons, configChanges, ...(tagChanges ? { tagChanges } : {}), ...(newFunction ? { newFunction } : {}) };
}

function summarizeNewFunction(f: DesiredFunction, layerArns: readonly (string | null)[]): NewFunctionSummary {
  const set = <K extends keyof NewFunctionSummary>(key: K, value: NewFunctionSummary[K] | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    runtime: f.runtime, handler: f.handler, architecture: f.architecture,
    ...set('role', f.role), ...set('memorySize', f.memorySize), ...set('timeout', f.timeout), ...set('description', f.description),
    ...set('environmentNames', f.environment && Object.keys(f.environment)),
    layers: f.layers.map((ref, i) => layerArns[i] ?? `${'layer' in ref ? ref.layer : ''} (version published by this deploy)`),
    ...set('ephemeralStorageMiB', f.ephemeralStorageMiB), ...set('tracing', f.tracing), ...set('vpc', f.vpc), ...set('logging', f.logging),
    ...set('tagKeys', f.tags && Object.keys(f.tags)),
  };
}

function headline(steps: readonly FunctionStep[]): FunctionDeployPlan['action'] {
  if (steps.includes('create')) return 'create';
  if (steps.includes('update-code')) return 'update code';
  if (steps.includes('update-config')) return 'update config';
  if (steps.includes('publish-version')) return 'publish';
  if (steps.includes('update-tags')) return 'update tags';
  return 'no change';
}

function codeDiffers(f: DesiredFunction, c: DeployedConfig): boolean {
  return f.codeSha256 !== c.codeSha256 || f.architecture !== c.architecture;
}

function codeReason(f: DesiredFunction, c: DeployedConfig): string {
  if (f.codeSha256 !== c.codeSha256) return `CodeSha256 ${c.codeSha256} -> ${f.codeSha256}`;
  return `architecture ${c.architecture} -> ${f.architecture}`;
}

/** Fields UpdateFunctionConfiguration must send; unset optional settings are left alone. */
export function configDifferences(f: DesiredFunction, c: DeployedConfig, layerArns: readonly (string | null)[]): string[] {
  const out: string[] = [];
  if (f.runtime !== c.runtime) out.push('runtime');
  if (f.handler !== c.handler) out.push('handler');
  if (f.role !== undefined && f.role !== c.role) out.push('role');
  if (f.memorySize !== undefined && f.memorySize !== c.memorySize) out.push('memorySize');
  if (f.timeout !== undefined && f.timeout !== c.timeout) out.push('timeout');
  if (f.description !== undefined && f.description !== (c.description ?? '')) out.push('description');
  if (f.environment !== undefined && !sameStringMap(f.environment, c.environment)) out.push('environment');
  out.push(...blockDifferences(f, c));
  if (layerArns.length !== c.layers.length || layerArns.some((arn, i) => arn !== c.layers[i])) out.push('layers');
  return out;
}

/** Every field deploy sets: what UpdateFunctionConfiguration sends when nothing deployed can be trusted. */
function managedFields(f: DesiredFunction): string[] {
  const set = (['role', 'memorySize', 'timeout', 'description', 'environment', ...ALL_BLOCKS] as const).filter((k) => f[k] !== undefined);
  return ['runtime', 'handler', ...set, 'layers'];
}

function sameStringMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}
