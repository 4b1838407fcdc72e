import {
  FunctionConfiguration, GetAliasCommand, GetFunctionCommand, GetFunctionConfigurationCommand, GetLayerVersionCommand,
  LambdaClient, LayerVersionsListItem, ListLayerVersionsCommand, ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import type { Architecture } from '../runtimes/types';
import { deployedBlocks } from './config-blocks';
import { RetryPolicy, withRetry } from './retry';
import type { CurrentFunction, CurrentLayer, DeployedConfig } from './types';

/** Reads only: what is deployed now. Used by plan, dry-run and the layer-publish idempotency check. */

const isNotFound = (err: unknown) => (err as { name?: string })?.name === 'ResourceNotFoundException';

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export function deployedConfig(c: FunctionConfiguration): DeployedConfig {
  return {
    runtime: c.Runtime,
    handler: c.Handler,
    role: c.Role,
    memorySize: c.MemorySize,
    timeout: c.Timeout,
    environment: { ...(c.Environment?.Variables ?? {}) },
    description: c.Description,
    layers: (c.Layers ?? []).map((l) => l.Arn ?? ''),
    architecture: (c.Architectures?.[0] ?? 'x86_64') as Architecture,
    codeSha256: c.CodeSha256 ?? '',
    ...deployedBlocks(c),
    ...(c.LastUpdateStatus === 'Failed' ? { lastUpdateFailed: failureReason(c.LastUpdateStatusReasonCode, c.LastUpdateStatusReason) } : {}),
    ...(c.State === 'Failed' ? { stateFailed: failureReason(c.StateReasonCode, c.StateReason) } : {}),
  };
}

/** `EniLimitExceeded: You have exceeded ...`, as Lambda gave it. */
export function failureReason(code: string | undefined, reason: string | undefined): string {
  return [code, reason].filter(Boolean).join(': ') || 'Lambda gave no reason';
}

/** `publish` without an alias also reads the newest published version: what a publish compares with. */
export async function readCurrentFunction(lambda: LambdaClient, functionName: string, alias: string | undefined, retry: RetryPolicy, publish = false): Promise<CurrentFunction> {
  const got = await withRetry(() => orNull(lambda.send(new GetFunctionCommand({ FunctionName: functionName }))), retry);
  if (!got?.Configuration) return { latest: null, alias: alias ? null : undefined };
  // GetFunction answers TagsError instead of Tags when the caller may not read them.
  const tags = got.TagsError ? undefined : { ...(got.Tags ?? {}) };
  const current: CurrentFunction = { latest: deployedConfig(got.Configuration), functionArn: unqualified(got.Configuration.FunctionArn), tags, tagsError: got.TagsError?.Message };
  if (alias) {
    const a = await withRetry(() => orNull(lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }))), retry);
    if (!a?.FunctionVersion) {
      current.alias = null;
    } else {
      const target = await withRetry(() => orNull(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: a.FunctionVersion }))), retry);
      current.alias = { name: alias, functionVersion: a.FunctionVersion, target: target ? deployedConfig(target) : null };
    }
  }
  if (publish && !alias) current.lastVersion = await readLastVersion(lambda, functionName, retry);
  return current;
}

/** The highest numbered version (ListVersionsByFunction, every page), or null when none was published. */
async function readLastVersion(lambda: LambdaClient, functionName: string, retry: RetryPolicy): Promise<DeployedConfig | null> {
  let last: FunctionConfiguration | undefined;
  let marker: string | undefined;
  do {
    const page = await withRetry(() => lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker })), retry);
    for (const v of page.Versions ?? []) if (v.Version !== '$LATEST' && Number(v.Version) > Number(last?.Version ?? 0)) last = v;
    marker = page.NextMarker;
  } while (marker);
  return last ? deployedConfig(last) : null;
}

const unqualified = (arn: string | undefined) => arn?.split(':').slice(0, 7).join(':');

/** The description we give each layer version: lets a lookup try the likely match first. */
export function layerDescription(codeSha256: string): string {
  return `nx-lambda CodeSha256=${codeSha256}`;
}

/**
 * An existing version of `layerName` with this CodeSha256. ListLayerVersions does not return the
 * hash, so candidates are confirmed with GetLayerVersion: versions the functions use now first (so
 * a re-run keeps them even when an older deploy left two versions with the same bytes), then
 * versions we described, then the rest newest first, stopping at the first match.
 */
export async function findLayerVersion(lambda: LambdaClient, layerName: string, codeSha256: string, retry: RetryPolicy, inUse: ReadonlySet<string> = new Set()): Promise<CurrentLayer> {
  const versions: LayerVersionsListItem[] = [];
  let marker: string | undefined;
  do {
    const page = await withRetry(() => orNull(lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, Marker: marker }))), retry);
    versions.push(...(page?.LayerVersions ?? []));
    marker = page?.NextMarker;
  } while (marker);
  const described = layerDescription(codeSha256);
  const rank = (v: LayerVersionsListItem) => (inUse.has(v.LayerVersionArn ?? '') ? 0 : v.Description === described ? 1 : 2);
  const ordered = versions.map((v, i) => ({ v, i })).sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i).map(({ v }) => v);
  for (const v of ordered) {
    if (v.Version === undefined || !v.LayerVersionArn) continue;
    const got = await withRetry(() => orNull(lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: v.Version }))), retry);
    if (got?.Content?.CodeSha256 === codeSha256) return { match: { arn: v.LayerVersionArn, version: v.Version } };
  }
  return { match: null };
}
