import { DeleteLayerVersionCommand, LambdaClient, LayerVersionsListItem, ListFunctionsCommand, ListLayerVersionsCommand } from '@aws-sdk/client-lambda';
import { LambdaPackageError } from '../errors';
import { layerDescription } from './current-state';
import { RetryPolicy, withRetry } from './retry';

/**
 * Layer versions left behind. Each deploy whose layer changed publishes a new version, and a
 * layer's name changes with the set of functions it serves (`<project>-<hash>`), so the versions
 * functions moved away from stay in the account. SAM and CDK leave them too; here they are at least
 * named after the deploy, with the command that deletes them, and `pruneLayerVersions` deletes
 * them. Only versions deploy published (their Description is ours) are ever considered, and never
 * one that any function version in the region still refers to (ListFunctions, FunctionVersion=ALL):
 * a published version an alias may roll back to keeps its layers.
 */

export interface UnusedLayerVersion {
  layerName: string;
  version: number;
  arn: string;
  /** Only with pruneLayerVersions. */
  deleted?: boolean;
  /** Why it was not deleted. */
  error?: string;
}

export interface LayerCleanupInput {
  /** Per deployed function: the layer ARNs it had before this deploy. */
  before: readonly string[];
  /** Every layer ARN this deploy published, reused or set: never candidates. */
  current: readonly string[];
  /** Layer names this deploy used: with `prune`, all their unused versions of ours are swept. */
  layerNames: readonly string[];
  prune: boolean;
  retry: RetryPolicy;
}

export interface LayerCleanupResult {
  unused: UnusedLayerVersion[];
  /** Set when the check could not be made (e.g. no lambda:ListFunctions): nothing is reported or deleted. */
  error?: string;
}

const LAYER_VERSION_ARN = /^arn:aws[\w-]*:lambda:[^:]+:\d+:layer:([^:]+):(\d+)$/;
const OURS = layerDescription('');

export async function findUnusedLayerVersions(lambda: LambdaClient, input: LayerCleanupInput): Promise<LayerCleanupResult> {
  const current = new Set(input.current);
  const released = input.before.filter((arn) => !current.has(arn) && LAYER_VERSION_ARN.test(arn));
  const names = new Set(released.map((arn) => (LAYER_VERSION_ARN.exec(arn) as RegExpExecArray)[1]));
  if (input.prune) for (const n of input.layerNames) names.add(n);
  if (!names.size) return { unused: [] };
  try {
    const ours = new Map<string, LayerVersionsListItem & { layerName: string }>();
    for (const name of [...names].sort()) {
      for (const v of await listLayerVersions(lambda, name, input.retry)) {
        if (v.LayerVersionArn && v.Description?.startsWith(OURS)) ours.set(v.LayerVersionArn, { ...v, layerName: name });
      }
    }
    const candidates = input.prune ? [...ours.keys()].filter((arn) => !current.has(arn)) : [...new Set(released)].filter((arn) => ours.has(arn));
    if (!candidates.length) return { unused: [] };
    const used = await layersInUse(lambda, input.retry);
    const unused = candidates.filter((arn) => !used.has(arn)).sort(byNameThenVersion).map((arn) => {
      const v = ours.get(arn) as LayerVersionsListItem & { layerName: string };
      return { layerName: v.layerName, version: v.Version as number, arn };
    });
    if (!input.prune) return { unused };
    return { unused: await Promise.all(unused.map((u) => deleteVersion(lambda, u, input.retry))) };
  } catch (err) {
    if (err instanceof LambdaPackageError) return { unused: [], error: err.message };
    const e = err as Error;
    return {
      unused: [],
      error: new LambdaPackageError('deploy:layer-cleanup', `could not read the layer versions to see which are unused: ${e.name}: ${e.message}`, [],
        'allow lambda:ListLayerVersions to the deploying identity, or check the endpoint; what was deployed stands').message,
    };
  }
}

async function listLayerVersions(lambda: LambdaClient, layerName: string, retry: RetryPolicy): Promise<LayerVersionsListItem[]> {
  const out: LayerVersionsListItem[] = [];
  let marker: string | undefined;
  do {
    const page = await withRetry(() => lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, Marker: marker })), retry);
    out.push(...(page.LayerVersions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return out;
}

/** Every layer ARN any function refers to, in $LATEST or a published version. */
async function layersInUse(lambda: LambdaClient, retry: RetryPolicy): Promise<Set<string>> {
  const used = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await withRetry(() => lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: marker })), retry).catch((err: Error) => {
      throw new LambdaPackageError('deploy:layer-cleanup', `could not list the functions to see which layer versions they use: ${err.name}: ${err.message}`, [],
        'allow lambda:ListFunctions to the deploying identity (for a network error: check the endpoint); what was deployed stands');
    });
    for (const f of page.Functions ?? []) for (const l of f.Layers ?? []) if (l.Arn) used.add(l.Arn);
    marker = page.NextMarker;
  } while (marker);
  return used;
}

async function deleteVersion(lambda: LambdaClient, u: UnusedLayerVersion, retry: RetryPolicy): Promise<UnusedLayerVersion> {
  try {
    await withRetry(() => lambda.send(new DeleteLayerVersionCommand({ LayerName: u.layerName, VersionNumber: u.version })), retry);
    return { ...u, deleted: true };
  } catch (err) {
    return { ...u, deleted: false, error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function byNameThenVersion(a: string, b: string): number {
  const [, an, av] = LAYER_VERSION_ARN.exec(a) as RegExpExecArray;
  const [, bn, bv] = LAYER_VERSION_ARN.exec(b) as RegExpExecArray;
  return an.localeCompare(bn) || Number(av) - Number(bv);
}

/** The lines after the deploy report: what is unused, and the command (or what was deleted). */
export function formatLayerCleanup(result: LayerCleanupResult, region: string | undefined): string[] {
  if (result.error) {
    const [title, ...rest] = result.error.split('\n');
    const fix = rest.find((l) => l.trimStart().startsWith('Fix: '));
    return ['Layer versions no function uses: not checked', `  ${title}`, ...(fix ? [`  ${fix.trimStart()}`] : [])];
  }
  if (!result.unused.length) return [];
  const pruned = result.unused.some((u) => u.deleted !== undefined);
  const regionFlag = region ? ` --region ${region}` : '';
  const command = (u: UnusedLayerVersion) => `aws lambda delete-layer-version --layer-name ${u.layerName} --version-number ${u.version}${regionFlag}`;
  if (!pruned) {
    return [
      'Layer versions the deployed functions no longer use (no function version refers to them):',
      ...result.unused.map((u) => `  ${u.arn}`),
      '  Delete them (or set "pruneLayerVersions": true and deploy deletes them):',
      ...result.unused.map((u) => `    ${command(u)}`),
    ];
  }
  return [
    'Layer versions no function refers to (pruneLayerVersions):',
    ...result.unused.map((u) => (u.deleted ? `  deleted ${u.arn}` : `  not deleted ${u.arn}: ${u.error}\n    Fix: allow lambda:DeleteLayerVersion, or run ${command(u)}`)),
  ];
}
