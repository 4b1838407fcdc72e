import * as path from 'node:path';
import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaApi } from '../../../../tools/lambda-api/server.mjs';
import { deployFunctions, DeployFunctionSpec } from './deploy';
import { writeFunctionArtifact } from './test-support/artifacts';
import { loopbackFixture, loopbackOptions } from './test-support/loopback';
import { startCuttingProxy } from './test-support/network';

// What Lambda (or S3) refuses, and updates Lambda accepts and then fails: real SDK, real HTTP.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const SECRET = 'hunter2-do-not-log';
const ENI = 'You have exceeded the maximum limit for Hyperplane ENIs for your account.';
let api: LambdaApi;
let root: string;

beforeAll(async () => void ({ api, root } = await loopbackFixture('deploy-refusals', { updateDelayMs: 20, buckets: ['artifacts'] })));
afterAll(async () => api?.close());

const opts = (over = {}) => loopbackOptions(api.endpoint, over);

async function spec(name: string, over: Partial<DeployFunctionSpec> = {}, bytes = 0): Promise<DeployFunctionSpec> {
  const dir = path.join(root, name);
  const files: Record<string, string | Buffer> = { 'index.js': `exports.handler = async () => "${name}";` };
  if (bytes) files['blob.bin'] = Buffer.alloc(bytes, 7);
  await writeFunctionArtifact(dir, { name, files, level: 0 });
  return { artifactDir: dir, role: ROLE, environment: { DB_PASSWORD: SECRET }, ...over };
}

describe('an update Lambda accepts, then fails (LastUpdateStatus Failed)', () => {
  it('is reported with Lambda\'s reason and no environment value; a re-run sends it all again instead of reporting no change', async () => {
    const created = await deployFunctions([await spec('eni-fn')], opts());
    expect(created.ok, created.report).toBe(true);
    const next = await spec('eni-fn', { memorySize: 512, vpc: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] } });
    api.state.failNextUpdate('eni-fn', 'EniLimitExceeded', ENI);
    const failed = await deployFunctions([next], opts());
    expect(failed.ok).toBe(false);
    expect(failed.report).toContain([
      '  function eni-fn: failed (not done: update-config)',
      `      error: deploy:wait - function eni-fn: Lambda could not apply the update (LastUpdateStatus Failed, EniLimitExceeded: ${ENI})`,
      '      Fix: correct what the reason names',
    ].join('\n'));
    expect(JSON.stringify(failed)).not.toContain(SECRET);

    api.resetCounts();
    const rerun = await deployFunctions([next], opts());
    expect(rerun.ok, rerun.report).toBe(true);
    expect(rerun.plan.functions[0].steps).toEqual(['update-code', 'update-config']);
    expect(rerun.report).toContain('function eni-fn: deployed (done: update-code, update-config)');
    expect(api.lastInput.UpdateFunctionConfiguration).toMatchObject({ MemorySize: 512, Environment: { Variables: { DB_PASSWORD: SECRET } }, VpcConfig: { SubnetIds: ['subnet-1'] } });
    expect(api.state.functions.get('eni-fn')?.config.LastUpdateStatus).toBe('Successful');

    api.resetCounts();
    const settled = await deployFunctions([next], opts());
    expect(settled.functions[0].status).toBe('unchanged');
    expect(api.writeCalls()).toBe(0);
  });

  it('a create that fails (State Failed) is said with the reason; a re-run fails it before any write, saying to delete the function', async () => {
    api.state.failNextUpdate('bad-subnet-fn', 'InvalidSubnet', 'The subnet ID subnet-0abc does not exist.');
    const first = await deployFunctions([await spec('bad-subnet-fn')], opts());
    expect(first.ok).toBe(false);
    expect(first.report).toMatch(/error: deploy:wait - function bad-subnet-fn: Lambda could not create it \(State Failed, InvalidSubnet: The subnet ID subnet-0abc does not exist\.\)\n\s+Fix: [^\n]*aws lambda delete-function --function-name bad-subnet-fn/);
    expect(JSON.stringify(first)).not.toContain(SECRET);
    api.resetCounts();
    const rerun = await deployFunctions([await spec('bad-subnet-fn')], opts());
    expect(rerun.ok).toBe(false);
    expect(rerun.functions).toEqual([expect.objectContaining({ functionName: 'bad-subnet-fn', action: 'refused', status: 'failed' })]);
    expect(rerun.report).toMatch(
      /^Deploy failed before any change:\n {2}function bad-subnet-fn: failed \(not done: deploy\)\n\s+error: deploy:plan - function bad-subnet-fn is in state Failed: its creation failed \(InvalidSubnet: [^\n]*\)\n\s+Fix: Lambda does not update a function whose creation failed: [^\n]*delete-function --function-name bad-subnet-fn/);
    expect(api.writeCalls()).toBe(0);
  });
});

describe('refusals name the step, the function, the error code and what to do', () => {
  it('Lambda refusing a call (a layer version that does not exist)', async () => {
    const missing = 'arn:aws:lambda:us-east-1:123456789012:layer:nope:1';
    const result = await deployFunctions([await spec('no-layer-fn', { layerArns: [missing] })], opts());
    expect(result.ok).toBe(false);
    expect(result.report).toContain([
      `      error: deploy:create - Lambda refused the call for function no-layer-fn: InvalidParameterValueException: Layer version ${missing} does not exist.`,
      '      Fix: change what the message names (the deploy options, or "deploy" in lambda.json), then run deploy again',
    ].join('\n'));
  });

  it('S3 refusing the upload (a bucket that does not exist) names the bucket and key', async () => {
    const big = await spec('s3-missing-fn', {}, 4096);
    const result = await deployFunctions([big], opts({ s3Bucket: 'no-such-bucket', directUploadLimitBytes: 1024 }));
    expect(result.ok).toBe(false);
    expect(result.report).toMatch(new RegExp([
      'function s3-missing-fn: failed \\(not done: create\\)',
      'error: deploy:upload - S3 refused the call for function s3-missing-fn \\(s3://no-such-bucket/[0-9a-f]{64}\\.zip\\): NoSuchBucket: ',
      'Fix: set "s3Bucket" to a bucket that exists in the function\'s region',
    ].join('[^\\n]*\\n\\s+')));
    expect(api.state.functions.has('s3-missing-fn')).toBe(false);
  });
});

describe('a function busy with an update someone else started', () => {
  it('is waited for, then updated, although the update outlasts the backoff of the retries', async () => {
    const fn = await spec('busy-fn');
    expect((await deployFunctions([fn], opts())).ok).toBe(true);
    const other = new LambdaClient({ endpoint: api.endpoint, region: api.region });
    api.state.updateDelayMs = 3000;
    await other.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy-fn', Timeout: 30 }));
    api.state.updateDelayMs = 20;
    const lines: string[] = [];
    // Two retries back off for at most 0.6 s in all: without waiting, the 3 s update outlasts them.
    const result = await deployFunctions([{ ...fn, memorySize: 1024 }], opts({ maxRetries: 2, log: (l: string) => lines.push(l) }));
    expect(result.ok, result.report).toBe(true);
    expect(lines).toContain('  busy-fn: an update is in progress; waiting for it to finish');
    expect(api.state.functions.get('busy-fn')?.config).toMatchObject({ MemorySize: 1024, Timeout: 30, LastUpdateStatus: 'Successful' });
  });
});

describe('a runtime upgrade with new code, from a runtime Lambda no longer updates', () => {
  it('changes the runtime first, then the code: Lambda refuses new code on the deprecated runtime', async () => {
    const dir = path.join(root, 'old-runtime-fn');
    await writeFunctionArtifact(dir, { name: 'old-runtime-fn', runtime: 'nodejs16.x', files: { 'index.js': 'exports.handler = async () => 16;' } });
    expect((await deployFunctions([{ artifactDir: dir, role: ROLE }], opts())).ok).toBe(true);
    api.state.blockedRuntimes.add('nodejs16.x');
    try {
      const upgraded = await writeFunctionArtifact(dir, { name: 'old-runtime-fn', runtime: 'nodejs22.x', files: { 'index.js': 'exports.handler = async () => 22;' } });
      const result = await deployFunctions([{ artifactDir: dir, role: ROLE }], opts());
      expect(result.ok, result.report).toBe(true);
      expect(result.functions[0].done).toEqual(['update-config', 'update-code']);
      expect(api.state.functions.get('old-runtime-fn')?.config).toMatchObject({ Runtime: 'nodejs22.x', CodeSha256: upgraded.codeSha256 });
    } finally {
      api.state.blockedRuntimes.delete('nodejs16.x');
    }
  });
});

describe('publish without an alias, stopped before its PublishVersion', () => {
  it('the re-run publishes the version the first run did not, and the next writes nothing', async () => {
    const first = await spec('publish-fn', { publish: true });
    expect((await deployFunctions([first], opts())).ok).toBe(true);
    const dir = first.artifactDir;
    const next = await writeFunctionArtifact(dir, { name: 'publish-fn', files: { 'index.js': 'exports.handler = async () => "v2";' } });
    const proxy = await startCuttingProxy(api.endpoint, (req) => (req.method === 'POST' && req.url.endsWith('/functions/publish-fn/versions') ? 'before' : undefined));
    const cut = await deployFunctions([first], opts({ endpoint: proxy.endpoint, maxRetries: 1 }));
    await proxy.close();
    expect(cut.functions[0]).toMatchObject({ status: 'failed', done: ['update-code'], notDone: ['publish-version'] });

    const rerun = await deployFunctions([first], opts());
    expect(rerun.ok, rerun.report).toBe(true);
    expect(rerun.plan.functions[0].steps).toEqual(['publish-version']);
    expect(rerun.report).toContain('function publish-fn: deployed (done: publish-version 2)');
    expect(api.state.functions.get('publish-fn')?.versions.map((v) => v.CodeSha256)).toEqual([expect.any(String), next.codeSha256]);
    api.resetCounts();
    expect((await deployFunctions([first], opts())).functions[0].status).toBe('unchanged');
    expect(api.writeCalls()).toBe(0);
  });
});
