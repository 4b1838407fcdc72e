import {
  CreateAliasCommand, CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, PublishLayerVersionCommand, PublishVersionCommand, Runtime,
  TagResourceCommand, UntagResourceCommand, UpdateAliasCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2, UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import { LambdaPackageError } from '../errors';
import { ALL_BLOCKS, blockRequest } from './config-blocks';
import { failureReason, findLayerVersion, layerDescription, readCurrentFunction } from './current-state';
import { planFunction } from './plan';
import { withPublishLock } from './publish-lock';
import { backoffDelay, retryKind, RetryPolicy, sleep, withRetry } from './retry';
import { tagsForCreate } from './tags';
import type { DesiredFunction, DesiredLayer, FunctionDeployPlan, FunctionStep, LayerDeployPlan, TagChanges } from './types';
import { codeSource, UploadSettings, ZipToUpload } from './upload';

export interface WaiterSettings {
  minDelaySeconds: number;
  maxWaitSeconds: number;
}

export interface ApplySettings extends Omit<UploadSettings, 'retry'> {
  lambda: LambdaClient;
  /** Where the deploy goes (endpoint / region / profile): scopes the machine-wide layer publish lock. */
  target: string;
  retry: RetryPolicy;
  waiter: WaiterSettings;
  log: (line: string) => void;
}

/** Steps done so far for one function: what the half-way report lists. */
export interface Progress {
  done: string[];
}

const errorName = (err: unknown) => (err as { name?: string })?.name ?? '';
const alreadyExists = (err: unknown) => errorName(err) === 'ResourceConflictException' && /already exist/i.test((err as Error).message);
/** Another create or update of the function is still running (ours, another deploy's, the console's). */
const busy = (err: unknown) => errorName(err) === 'ResourceConflictException' && !alreadyExists(err);

/**
 * A call on a busy function waits for its update to finish (up to maxWaitSeconds, as after our own
 * updates) and is then made again; a VPC change of a few minutes outlasts the backoff alone.
 */
async function whenIdle<T>(s: ApplySettings, name: string, fn: () => Promise<T>, isFinal: (err: unknown) => boolean = () => false): Promise<T> {
  for (let waits = 0; ; waits++) {
    const mayWait = waits < s.retry.maxRetries;
    try {
      return await withRetry(fn, s.retry, (err) => isFinal(err) || (mayWait && busy(err)));
    } catch (err) {
      if (!mayWait || !busy(err) || isFinal(err)) throw err;
      s.log(`  ${name}: an update is in progress; waiting for it to finish`);
      await waitUntilSettled(s, name, false);
    }
  }
}

/**
 * Publishes a layer version unless one with the same CodeSha256 exists. A publish whose answer
 * was lost may still have happened, so before each retry the versions are read again: a retry
 * never creates a duplicate. Other deploys on this machine (run-many runs one process per
 * function) wait on the same lock and then find this version instead of publishing their own.
 */
export async function applyLayer(plan: LayerDeployPlan, layer: DesiredLayer, zip: ZipToUpload, s: ApplySettings): Promise<{ arn: string; published: boolean }> {
  if (plan.action === 'reuse' && plan.arn) return { arn: plan.arn, published: false };
  return withPublishLock(s.target, layer.name, layer.codeSha256, () => publishLayer(layer, zip, s));
}

/** `published` is false when the version was found instead: another deploy published it first. */
async function publishLayer(layer: DesiredLayer, zip: ZipToUpload, s: ApplySettings): Promise<{ arn: string; published: boolean }> {
  let content: Awaited<ReturnType<typeof codeSource>> | undefined;
  for (let attempt = 0; ; attempt++) {
    // Read again under the lock: another deploy may have published it, or a lost answer did.
    const found = await findLayerVersion(s.lambda, layer.name, layer.codeSha256, s.retry);
    if (found.match) return { arn: found.match.arn, published: attempt > 0 };
    content ??= await codeSource(zip, s);
    try {
      const out = await s.lambda.send(new PublishLayerVersionCommand({
        LayerName: layer.name,
        Description: layerDescription(layer.codeSha256),
        Content: content,
        CompatibleRuntimes: layer.compatibleRuntimes as Runtime[],
        CompatibleArchitectures: layer.compatibleArchitectures.length ? layer.compatibleArchitectures : undefined,
      }));
      if (!out.LayerVersionArn) throw new Error(`PublishLayerVersion of ${layer.name} returned no LayerVersionArn`);
      if (out.Content?.CodeSha256 && out.Content.CodeSha256 !== layer.codeSha256) {
        throw new LambdaPackageError('deploy:layer', `layer ${layer.name}: Lambda computed CodeSha256 ${out.Content.CodeSha256}, the manifest says ${layer.codeSha256}`, [], 'rebuild the layer; the zip changed after its manifest was written');
      }
      return { arn: out.LayerVersionArn, published: true };
    } catch (err) {
      if (attempt >= s.retry.maxRetries || retryKind(err) === null) throw err;
      await sleep(backoffDelay(attempt, s.retry));
    }
  }
}

async function waitUntilSettled(s: ApplySettings, functionName: string, afterCreate: boolean): Promise<void> {
  const polls = pollsUntilUnreachable(s);
  const params = { client: polls.client, abortSignal: polls.signal, minDelay: s.waiter.minDelaySeconds, maxDelay: Math.max(s.waiter.minDelaySeconds, 10), maxWaitTime: s.waiter.maxWaitSeconds };
  try {
    if (afterCreate) await waitUntilFunctionActiveV2(params, { FunctionName: functionName });
    else await waitUntilFunctionUpdatedV2(params, { FunctionName: functionName });
  } catch {
    if (polls.signal.aborted) throw polls.lastNetworkError();
    throw await unsettled(s, functionName, afterCreate);
  }
}

/**
 * Why the waiter gave up, read from the function itself. Not the waiter's own message: that is the
 * whole GetFunction answer as JSON, environment values included, and a report is printed and logged.
 */
async function unsettled(s: ApplySettings, name: string, afterCreate: boolean): Promise<LambdaPackageError> {
  const c = await withRetry(() => s.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })), s.retry).catch(() => undefined);
  if (c?.State === 'Failed') {
    return new LambdaPackageError('deploy:wait', `function ${name}: Lambda could not create it (State Failed, ${failureReason(c.StateReasonCode, c.StateReason)})`, [],
      `correct what the reason names, delete the function (aws lambda delete-function --function-name ${name}), then run deploy again: Lambda does not update a function whose creation failed`);
  }
  if (c?.LastUpdateStatus === 'Failed') {
    return new LambdaPackageError('deploy:wait', `function ${name}: Lambda could not apply the update (LastUpdateStatus Failed, ${failureReason(c.LastUpdateStatusReasonCode, c.LastUpdateStatusReason)})`, [],
      'correct what the reason names (the role, subnets, security groups, KMS key or layers it was given), then run deploy again: it sends code and configuration again while the last update stands failed');
  }
  const status = c ? `State ${c.State ?? '?'}, LastUpdateStatus ${c.LastUpdateStatus ?? '?'}` : 'its status could not be read';
  return new LambdaPackageError('deploy:wait', `function ${name} did not become ${afterCreate ? 'Active' : 'Successful'} within ${s.waiter.maxWaitSeconds} s (${status})`, [],
    'raise "maxWaitSeconds", or check the function (StateReason / LastUpdateStatusReason); run deploy again once it has settled');
}

/**
 * The waiter takes every failed poll for "not yet" and would poll an unreachable endpoint until
 * maxWaitSeconds (10 minutes by default). Its polls go through this client instead, which stops
 * it once more polls in a row than `maxRetries` fail with a network error: the same patience as
 * every other call.
 */
function pollsUntilUnreachable(s: ApplySettings): { client: LambdaClient; signal: AbortSignal; lastNetworkError: () => unknown } {
  const stopped = new AbortController();
  let inARow = 0;
  let last: unknown;
  const send = async (command: Parameters<LambdaClient['send']>[0]) => {
    try {
      const answer = await s.lambda.send(command);
      inARow = 0;
      return answer;
    } catch (err) {
      inARow = retryKind(err) === 'network' ? inARow + 1 : 0;
      if (inARow) last = err;
      if (inARow > s.retry.maxRetries) stopped.abort();
      throw err;
    }
  };
  // The waiter only calls send (and reads config for its warnings).
  const client = { config: s.lambda.config, send } as unknown as LambdaClient;
  return { client, signal: stopped.signal, lastNetworkError: () => last };
}

function configRequest(f: DesiredFunction, fields: readonly string[], layerArns: string[]): UpdateFunctionConfigurationRequest {
  const req: UpdateFunctionConfigurationRequest = { FunctionName: f.functionName };
  for (const field of fields) {
    if (field === 'runtime') req.Runtime = f.runtime as Runtime;
    if (field === 'handler') req.Handler = f.handler;
    if (field === 'role') req.Role = f.role;
    if (field === 'memorySize') req.MemorySize = f.memorySize;
    if (field === 'timeout') req.Timeout = f.timeout;
    if (field === 'description') req.Description = f.description;
    if (field === 'environment') req.Environment = { Variables: f.environment };
    if (field === 'layers') req.Layers = layerArns;
  }
  return { ...req, ...blockRequest(f, fields) };
}

/** Removals first: they make room under Lambda's 50 tags before new ones arrive. Both calls are idempotent. */
async function updateTags(c: TagChanges, s: ApplySettings): Promise<void> {
  if (c.remove.length) await withRetry(() => s.lambda.send(new UntagResourceCommand({ Resource: c.functionArn, TagKeys: c.remove })), s.retry);
  if (Object.keys(c.set).length) await withRetry(() => s.lambda.send(new TagResourceCommand({ Resource: c.functionArn, Tags: c.set })), s.retry);
}

/** Runs one function's planned steps in order, recording each finished step in `progress`. */
export async function applyFunction(
  plan: FunctionDeployPlan, f: DesiredFunction, zip: ZipToUpload, layerArns: string[], s: ApplySettings, progress: Progress,
): Promise<void> {
  const name = f.functionName;
  const call = <T>(fn: () => Promise<T>, isFinal?: (err: unknown) => boolean) => whenIdle(s, name, fn, isFinal);
  let version: string | undefined;
  for (const step of plan.steps) {
    if (step === 'create') {
      const Code = await codeSource(zip, s);
      try {
        await call(() => s.lambda.send(new CreateFunctionCommand({
          FunctionName: name, Role: f.role, Runtime: f.runtime as Runtime, Handler: f.handler, Code,
          Architectures: [f.architecture], MemorySize: f.memorySize, Timeout: f.timeout, Description: f.description,
          Environment: f.environment ? { Variables: f.environment } : undefined, Layers: layerArns,
          ...blockRequest(f, ALL_BLOCKS), Tags: tagsForCreate(f.tags),
        })), alreadyExists);
      } catch (err) {
        if (!alreadyExists(err)) throw err;
        // Our own create whose answer was lost, or a concurrent deploy: continue as an update.
        s.log(`  ${name}: already exists; planning it again as an update`);
        return applyReplanned(f, zip, layerArns, s, progress);
      }
      await waitUntilSettled(s, name, true);
    } else if (step === 'update-code') {
      const code = await codeSource(zip, s);
      await call(() => s.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ...code, Architectures: [f.architecture] })));
      await waitUntilSettled(s, name, false);
    } else if (step === 'update-config') {
      await call(() => s.lambda.send(new UpdateFunctionConfigurationCommand(configRequest(f, plan.configChanges, layerArns))));
      await waitUntilSettled(s, name, false);
    } else if (step === 'update-tags') {
      if (!plan.tagChanges) throw new Error(`deploy:apply - ${name}: update-tags step without tag changes in the plan`);
      await updateTags(plan.tagChanges, s);
    } else if (step === 'publish-version') {
      // Lambda returns the latest version when nothing changed since it, so a retry adds none.
      const out = await call(() => s.lambda.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: f.codeSha256 })));
      version = out.Version;
    } else if (step === 'create-alias' || step === 'update-alias') {
      await moveAlias(step, f, requireVersion(version, name), s);
    }
    progress.done.push(version && step === 'publish-version' ? `${step} ${version}` : step);
  }
}

function requireVersion(version: string | undefined, name: string): string {
  if (!version) throw new Error(`deploy:apply - ${name}: alias step without a published version`);
  return version;
}

async function moveAlias(step: FunctionStep, f: DesiredFunction, version: string, s: ApplySettings): Promise<void> {
  const alias = f.alias as string;
  const update = () => withRetry(() => s.lambda.send(new UpdateAliasCommand({ FunctionName: f.functionName, Name: alias, FunctionVersion: version })), s.retry);
  if (step === 'update-alias') return void (await update());
  try {
    await withRetry(() => s.lambda.send(new CreateAliasCommand({ FunctionName: f.functionName, Name: alias, FunctionVersion: version })), s.retry, alreadyExists);
  } catch (err) {
    if (!alreadyExists(err)) throw err;
    await update();
  }
}

/** After an unexpected "already exists": read the function again and apply the update plan. */
async function applyReplanned(f: DesiredFunction, zip: ZipToUpload, layerArns: string[], s: ApplySettings, progress: Progress): Promise<void> {
  const current = await readCurrentFunction(s.lambda, f.functionName, f.alias, s.retry, f.publish);
  if (!current.latest) throw new Error(`deploy:apply - ${f.functionName}: CreateFunction said it exists, GetFunction says it does not`);
  const pinned: DesiredFunction = { ...f, layers: layerArns.map((arn) => ({ arn })) };
  const plan = planFunction(pinned, current, new Map());
  if (plan.steps.includes('create')) throw new Error(`deploy:apply - ${f.functionName}: re-plan after "already exists" asked to create again`);
  progress.done.push('create (already existed)');
  return applyFunction(plan, pinned, zip, layerArns, s, progress);
}
