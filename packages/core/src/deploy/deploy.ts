import * as path from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { LambdaPackageError } from '../errors';
import { DEFAULT_LIMITS } from '../package/limits';
import { accessFailure, AwsTarget, serviceRefusal } from './access-failures';
import { applyFunction, applyLayer, ApplySettings, Progress, WaiterSettings } from './apply';
import { readFunctionArtifact, readLayerArtifact, FunctionArtifact, LayerArtifact } from './artifacts';
import { AwsClientConfig, defaultClientFactory, DeployClientFactory, limitRequestRate } from './clients';
import { findLayerVersion, readCurrentFunction } from './current-state';
import { formatOutcome, formatPlan } from './format';
import { findUnusedLayerVersions, formatLayerCleanup, UnusedLayerVersion } from './layer-cleanup';
import { copyFunctionSettings, functionSettingsProblems } from './function-settings';
import { desiredLayerArns, planDeploy } from './plan';
import { processRateLimiter, TokenBucket } from './rate-limit';
import { DEFAULT_RETRY, RetryPolicy } from './retry';
import type { CurrentFunction, DeployPlan, DesiredFunction, DesiredLayer, FunctionSettings, LayerDeployPlan } from './types';
import { checkUploadable, ZipToUpload } from './upload';

/** One function to deploy: its package output folder plus the settings Lambda gets. */
export interface DeployFunctionSpec extends FunctionSettings {
  /** Folder with `function.zip` and `manifest.json`. */
  artifactDir: string;
  /** Lambda function name; default the manifest's `name`. */
  functionName?: string;
  /** Layer name -> folder with its `layer.zip` and `manifest.json`; overrides the manifest's `layerArtifacts`. */
  layerArtifactDirs?: Record<string, string>;
  /** Resolves the manifest's workspace-relative `layerArtifacts`. */
  workspaceRoot?: string;
  /** External layer versions, applied after the function's own layers. */
  layerArns?: string[];
  publish?: boolean;
  /** Alias moved to the published version; implies publish. */
  alias?: string;
}

export interface DeployOptions {
  region?: string;
  profile?: string;
  endpoint?: string;
  s3Bucket?: string;
  s3KeyPrefix?: string;
  dryRun?: boolean;
  maxRetries?: number;
  /** Functions deployed at the same time. */
  concurrency?: number;
  directUploadLimitBytes?: number;
  /** Delete the layer versions of ours that no function version refers to (layer-cleanup.ts); default: only name them. */
  pruneLayerVersions?: boolean;
  waiter?: Partial<WaiterSettings>;
  /** The seam for the AWS clients (tests point the real SDK at the loopback API). */
  clients?: DeployClientFactory;
  /** Default: one bucket per process, 10 requests/s. */
  rateLimiter?: TokenBucket;
  log?: (line: string) => void;
}

export type ItemStatus = 'deployed' | 'unchanged' | 'failed' | 'not attempted' | 'planned';

export interface LayerOutcome { name: string; action: LayerDeployPlan['action']; status: ItemStatus; arn?: string; error?: string }
export interface FunctionOutcome {
  functionName: string; action: string; status: ItemStatus; done: string[]; notDone: string[]; error?: string;
  /** The function's own layers (their project names), in order: what a per-function report shows with it. */
  layers?: string[];
}

export interface DeployResult {
  ok: boolean;
  dryRun: boolean;
  plan: DeployPlan;
  layers: LayerOutcome[];
  functions: FunctionOutcome[];
  /** Layer versions of ours no function refers to any more (deleted with pruneLayerVersions). */
  unusedLayerVersions: UnusedLayerVersion[];
  /** The lines about them at the end of `report` ('' when none): a report per function repeats them once. */
  unusedLayerReport: string;
  /** Text for people: the plan, or what was deployed and what was not. */
  report: string;
}

interface Loaded {
  spec: DeployFunctionSpec;
  artifact: FunctionArtifact;
  desired: DesiredFunction;
}

/** Plan, then (unless dry-run) apply: layers first, then functions a few at a time. */
export async function deployFunctions(specs: readonly DeployFunctionSpec[], options: DeployOptions = {}): Promise<DeployResult> {
  const log = options.log ?? (() => undefined);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, maxRetries: options.maxRetries ?? DEFAULT_RETRY.maxRetries };
  const clientConfig: AwsClientConfig = { region: options.region, profile: options.profile, endpoint: options.endpoint, maxAttempts: 1 };
  const factory = options.clients ?? defaultClientFactory;
  const lambda = limitRequestRate(factory.lambda(clientConfig), options.rateLimiter ?? processRateLimiter);
  let s3: S3Client | undefined;
  const directUploadLimitBytes = options.directUploadLimitBytes ?? DEFAULT_LIMITS.directUploadBytes;
  let target: Promise<AwsTarget> | undefined;
  const awsTarget = () => (target ??= resolveAwsTarget(lambda, options));
  /** No network, no region, no credentials: said with the function and the setting to check. */
  const explain = async (err: unknown, where: string, subject: string) => accessFailure(err, where, subject, await awsTarget()) ?? serviceRefusal(err, where, subject) ?? err;
  const reading = async <T>(subject: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      throw await explain(err, 'deploy:plan', subject);
    }
  };

  const loaded = await Promise.all(specs.map(loadFunction));
  const twice = loaded.map((l) => l.desired.functionName).find((n, i, all) => all.indexOf(n) !== i);
  if (twice) {
    throw new LambdaPackageError('deploy:options', `function ${twice} is given twice in one deploy`, [],
      'deploy each function once per call (two stages of one function deploy to two function names: set "functionName" in each stage)');
  }
  const layerArtifacts = await loadLayers(loaded);
  for (const l of loaded) checkUploadable(functionZip(l), { directUploadLimitBytes, s3Bucket: options.s3Bucket });
  for (const z of [...layerArtifacts.values()].map(layerZip)) checkUploadable(z, { directUploadLimitBytes, s3Bucket: options.s3Bucket });

  const concurrency = Math.max(1, options.concurrency ?? 4);
  // A function Lambda will not take (State Failed, no role for a create, a read refused for it)
  // fails alone: the other functions of the run still deploy.
  const refused = new Map<string, Error>();
  const read = await mapLimit(loaded, concurrency, async (l) => {
    try {
      return await readCurrentFunction(lambda, l.desired.functionName, l.desired.alias, retry, l.desired.publish);
    } catch (err) {
      const subject = `function ${l.desired.functionName}`;
      // No network, region or credentials fail every function alike: that stops the run.
      const access = accessFailure(err, 'deploy:plan', subject, await awsTarget());
      if (access) throw access;
      const refusal = serviceRefusal(err, 'deploy:plan', subject);
      if (!refusal) throw err;
      refused.set(l.desired.functionName, refusal);
      return undefined;
    }
  });
  const currentFunctions = Object.fromEntries(loaded.flatMap((l, i) => (read[i] ? [[l.desired.functionName, read[i]] as const] : [])));
  for (const l of loaded) {
    const current = currentFunctions[l.desired.functionName];
    const refusal = current && planRefusal(l.desired, current);
    if (refusal) refused.set(l.desired.functionName, refusal);
  }
  const deploying = loaded.filter((l) => !refused.has(l.desired.functionName));
  const usedLayers = new Set(deploying.flatMap((l) => l.artifact.layers));
  const desiredLayers: DesiredLayer[] = [...layerArtifacts.values()].filter((l) => usedLayers.has(l.name)).map((l) => ({
    name: l.name, codeSha256: l.codeSha256, compatibleRuntimes: l.compatibleRuntimes, compatibleArchitectures: l.compatibleArchitectures,
  }));
  const inUse = new Set(Object.values(currentFunctions).flatMap((c) => c.latest?.layers ?? []));
  const currentLayers = Object.fromEntries(await mapLimit(desiredLayers, concurrency, async (l) =>
    [l.name, await reading(`layer ${l.name}`, () => findLayerVersion(lambda, l.name, l.codeSha256, retry, inUse))] as const));
  const plan = planDeploy({ functions: deploying.map((l) => l.desired), layers: desiredLayers, current: { functions: currentFunctions, layers: currentLayers } });
  const refusedOutcomes: FunctionOutcome[] = [...refused].map(([functionName, err]) => ({ functionName, action: 'refused', status: 'failed', done: [], notDone: ['deploy'], error: err.message }));
  const inSpecOrder = (outcomes: FunctionOutcome[]) => loaded.flatMap((l) => outcomes.filter((o) => o.functionName === l.desired.functionName).map((o) => ({ ...o, layers: l.artifact.layers })));
  log(formatPlan(plan));
  if (options.dryRun) {
    const layers = plan.layers.map((l) => ({ name: l.name, action: l.action, status: 'planned' as const, arn: l.arn }));
    const planned = plan.functions.map((f) => ({ functionName: f.functionName, action: f.action, status: 'planned' as const, done: [], notDone: f.steps }));
    const functions = inSpecOrder([...planned, ...refusedOutcomes]);
    const report = refused.size ? formatOutcome([], refusedOutcomes, false, 'Deploy would refuse:') : formatPlan(plan);
    if (refused.size) log(report);
    return { ok: !refused.size, dryRun: true, plan, layers, functions, unusedLayerVersions: [], unusedLayerReport: '', report: refused.size ? `${formatPlan(plan)}\n${report}` : report };
  }

  const settings: ApplySettings = {
    lambda, retry, log, directUploadLimitBytes, aws: await awsTarget(), target: [options.endpoint, options.region ?? process.env.AWS_REGION, options.profile].join('|'), s3Bucket: options.s3Bucket, s3KeyPrefix: options.s3KeyPrefix,
    s3: () => (s3 ??= factory.s3({ ...clientConfig, maxAttempts: retry.maxRetries + 1 })),
    waiter: { minDelaySeconds: options.waiter?.minDelaySeconds ?? 1, maxWaitSeconds: options.waiter?.maxWaitSeconds ?? 600 },
  };
  const layerOutcomes = await mapLimit(plan.layers, concurrency, async (lp): Promise<LayerOutcome> => {
    const artifact = layerArtifacts.get(lp.name) as LayerArtifact;
    const desired = desiredLayers.find((d) => d.name === lp.name) as DesiredLayer;
    try {
      const { arn, published } = await applyLayer(lp, desired, layerZip(artifact), settings);
      return { name: lp.name, action: lp.action, status: published ? 'deployed' : 'unchanged', arn };
    } catch (err) {
      return { name: lp.name, action: lp.action, status: 'failed', error: ((await explain(err, 'deploy:layer', `layer ${lp.name}`)) as Error).message };
    }
  });
  const layerArn = new Map(layerOutcomes.filter((o) => o.arn).map((o) => [o.name, o.arn as string]));
  const resolvedLayers = new Map<string, LayerDeployPlan>(plan.layers.map((l) => [l.name, { ...l, action: 'reuse', arn: layerArn.get(l.name) }]));

  const functionOutcomes = await mapLimit(plan.functions, concurrency, async (fp): Promise<FunctionOutcome> => {
    const l = loaded.find((x) => x.desired.functionName === fp.functionName) as Loaded;
    const progress: Progress = { done: [] };
    const base = { functionName: fp.functionName, action: fp.action };
    if (!fp.steps.length) return { ...base, status: 'unchanged', done: [], notDone: [] };
    const missing = l.desired.layers.filter((r) => 'layer' in r && !layerArn.has(r.layer)).map((r) => ('layer' in r ? r.layer : ''));
    if (missing.length) return { ...base, status: 'not attempted', done: [], notDone: fp.steps, error: `layer(s) not deployed: ${missing.join(', ')}` };
    try {
      const arns = desiredLayerArns(l.desired, resolvedLayers) as string[];
      await applyFunction(fp, l.desired, functionZip(l), arns, settings, progress);
      return { ...base, status: 'deployed', done: progress.done, notDone: [] };
    } catch (err) {
      const notDone = fp.steps.filter((s) => !progress.done.some((d) => d.startsWith(s)));
      const error = (await explain(err, `deploy:${notDone[0] ?? 'apply'}`, `function ${fp.functionName}`)) as Error;
      return { ...base, status: 'failed', done: progress.done, notDone, error: error.message };
    }
  });
  const functions = inSpecOrder([...functionOutcomes, ...refusedOutcomes]);
  const ok = [...layerOutcomes, ...functions].every((o) => o.status !== 'failed' && o.status !== 'not attempted');
  const deployed = new Set(functionOutcomes.filter((o) => o.status === 'deployed').map((o) => o.functionName));
  const cleanup = deployed.size || options.pruneLayerVersions
    ? await findUnusedLayerVersions(lambda, {
      before: [...deployed].flatMap((name) => currentFunctions[name]?.latest?.layers ?? []),
      current: [...layerArn.values(), ...loaded.flatMap((l) => l.spec.layerArns ?? [])],
      layerNames: desiredLayers.map((l) => l.name), prune: options.pruneLayerVersions === true, retry,
    })
    : { unused: [] };
  const unusedLayerReport = formatLayerCleanup(cleanup, (await awsTarget()).region).join('\n');
  const report = [formatOutcome(layerOutcomes, functions, ok), ...(unusedLayerReport ? [unusedLayerReport] : [])].join('\n');
  log(report);
  return { ok, dryRun: false, plan, layers: layerOutcomes, functions, unusedLayerVersions: cleanup.unused, unusedLayerReport, report };

  async function loadFunction(spec: DeployFunctionSpec): Promise<Loaded> {
    const artifact = await readFunctionArtifact(spec.artifactDir);
    const functionName = spec.functionName ?? artifact.name;
    const problems = functionSettingsProblems(spec);
    if (problems.length) {
      const [first, ...rest] = problems;
      throw new LambdaPackageError('deploy:options', `function ${functionName}: ${first.problem}`, rest.map((p) => `also: ${p.problem} (${p.fix})`), first.fix);
    }
    const desired: DesiredFunction = {
      ...copyFunctionSettings(spec),
      functionName,
      runtime: artifact.runtime,
      handler: artifact.handler,
      architecture: artifact.architecture,
      codeSha256: artifact.codeSha256,
      layers: [...artifact.layers.map((layer) => ({ layer })), ...(spec.layerArns ?? []).map((arn) => ({ arn }))],
      publish: spec.publish === true || spec.alias !== undefined,
      alias: spec.alias,
    };
    return { spec, artifact, desired };
  }
}

/** Why Lambda will not take this function as it stands, before any write; undefined when it will. */
function planRefusal(f: DesiredFunction, current: CurrentFunction): LambdaPackageError | undefined {
  const name = f.functionName;
  if (current.latest?.stateFailed) {
    return new LambdaPackageError('deploy:plan', `function ${name} is in state Failed: its creation failed (${current.latest.stateFailed})`, [],
      `Lambda does not update a function whose creation failed: fix what the reason names, delete the function (aws lambda delete-function --function-name ${name}), then run deploy again`);
  }
  if (f.tags !== undefined && current.tagsError) {
    return new LambdaPackageError('deploy:plan', `function ${name}: GetFunction returned no tags to compare "tags" with`, [current.tagsError],
      'allow lambda:ListTags (and lambda:TagResource, lambda:UntagResource) to the deploying identity, or remove "tags"');
  }
  if (!current.latest && !f.role) {
    return new LambdaPackageError('deploy:plan', `function ${name} does not exist yet and no "role" is set`, [],
      'set "role" (the execution role ARN) in the deploy options or lambda.json; Lambda needs it to create the function');
  }
  return undefined;
}

/** Endpoint, region and profile as the SDK uses them, for messages. */
async function resolveAwsTarget(lambda: LambdaClient, options: DeployOptions): Promise<AwsTarget> {
  // No region is one of the failures these messages report; the message then says "(none)".
  const resolved = await Promise.resolve().then(() => lambda.config.region()).catch(() => undefined);
  return { endpoint: options.endpoint, region: options.region ?? resolved, profile: options.profile ?? process.env.AWS_PROFILE };
}

/** Each layer named by a manifest, read once even when many functions share it. */
async function loadLayers(loaded: readonly Loaded[]): Promise<Map<string, LayerArtifact>> {
  const byProject = new Map<string, string>();
  for (const l of loaded) {
    for (const layer of l.artifact.layers) {
      const fromPlan = l.artifact.layerArtifacts[layer];
      const dir = l.spec.layerArtifactDirs?.[layer] ?? (fromPlan && l.spec.workspaceRoot ? path.join(l.spec.workspaceRoot, fromPlan) : undefined);
      if (!dir) {
        throw new LambdaPackageError('deploy:read', `function ${l.desired.functionName} uses layer "${layer}" but no layer artifact folder is given for it`, [],
          `build the layer project "${layer}" (its layer target) before deploy`);
      }
      byProject.set(layer, path.resolve(dir));
    }
  }
  const out = new Map<string, LayerArtifact>();
  for (const [project, dir] of byProject) {
    const artifact = await readLayerArtifact(dir);
    if (artifact.name !== project) {
      throw new LambdaPackageError('deploy:read', `layer folder ${dir} holds layer "${artifact.name}", expected "${project}"`, [], 'check the layer project outputs');
    }
    out.set(project, artifact);
  }
  return out;
}

const functionZip = (l: Loaded): ZipToUpload => ({ zipPath: l.artifact.zipPath, sha256: l.artifact.sha256, zippedSize: l.artifact.zippedSize, label: `function ${l.desired.functionName}` });
const layerZip = (l: LayerArtifact): ZipToUpload => ({ zipPath: l.zipPath, sha256: l.sha256, zippedSize: l.zippedSize, label: `layer ${l.name}` });

/** Promise.all with at most `limit` running; results keep input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
