import * as path from 'node:path';
import { LambdaClient, TagResourceCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaApi, startLambdaApi } from '../../../../tools/lambda-api/server.mjs';
import { tempDir } from '../test-support/workspace';
import { deployFunctions, DeployFunctionSpec } from './deploy';
import { MANAGED_TAGS_KEY } from './tags';
import { writeFunctionArtifact } from './test-support/artifacts';
import { loopbackOptions, useDummyAwsCredentials } from './test-support/loopback';

// Ephemeral storage, tracing, VPC, logging and tags, each through the real SDK to the loopback API.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
let api: LambdaApi;
let root: string;

beforeAll(async () => {
  useDummyAwsCredentials();
  api = await startLambdaApi({ updateDelayMs: 20 });
  root = await tempDir('deploy-settings');
});
afterAll(async () => api?.close());

const fnState = (name: string) => api.state.functions.get(name) as NonNullable<ReturnType<LambdaApi['state']['functions']['get']>>;
const opts = (over = {}) => loopbackOptions(api.endpoint, over);

async function artifactDir(name: string): Promise<string> {
  const dir = path.join(root, name);
  await writeFunctionArtifact(dir, { name, files: { 'index.js': `exports.handler = async () => "${name}";` } });
  return dir;
}

async function deployOk(spec: DeployFunctionSpec, over = {}) {
  api.resetCounts();
  const result = await deployFunctions([spec], opts(over));
  expect(result.ok, result.report).toBe(true);
  return result;
}

describe('create with every setting, then change one at a time', () => {
  const name = 'settings-fn';
  let spec: DeployFunctionSpec;
  beforeAll(async () => {
    spec = {
      artifactDir: await artifactDir(name), role: ROLE,
      ephemeralStorageMiB: 2048,
      tracing: 'Active',
      vpc: { subnetIds: ['subnet-0a', 'subnet-0b'], securityGroupIds: ['sg-01'] },
      logging: { logFormat: 'JSON', applicationLogLevel: 'DEBUG' },
      tags: { team: 'orders', 'cost-center': '42' },
    };
    await deployOk(spec);
  });

  it('sends them all with CreateFunction: no configuration update, no tag call', () => {
    expect(api.counts).toMatchObject({ CreateFunction: 1 });
    expect(api.counts.UpdateFunctionConfiguration ?? 0).toBe(0);
    expect(api.counts.TagResource ?? 0).toBe(0);
    const c = fnState(name).config;
    expect(c.EphemeralStorage).toEqual({ Size: 2048 });
    expect(c.TracingConfig).toEqual({ Mode: 'Active' });
    expect(c.VpcConfig).toMatchObject({ SubnetIds: ['subnet-0a', 'subnet-0b'], SecurityGroupIds: ['sg-01'] });
    expect(c.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO', LogGroup: `/aws/lambda/${name}` });
    expect(Object.keys(fnState(name).tags).sort()).toEqual(['cost-center', MANAGED_TAGS_KEY, 'team']);
  });

  it('a re-run makes zero write calls, with the VPC lists in another order', async () => {
    const vpc = { subnetIds: ['subnet-0b', 'subnet-0a'], securityGroupIds: ['sg-01'] };
    const result = await deployOk({ ...spec, vpc });
    expect(result.functions[0]).toMatchObject({ action: 'no change', status: 'unchanged' });
    expect(api.writeCalls(), JSON.stringify(api.counts)).toBe(0);
  });

  const changes: [string, Partial<DeployFunctionSpec>, string, unknown][] = [
    ['ephemeralStorageMiB', { ephemeralStorageMiB: 4096 }, 'EphemeralStorage', { Size: 4096 }],
    ['tracing', { tracing: 'PassThrough' }, 'TracingConfig', { Mode: 'PassThrough' }],
    ['vpc', { vpc: { subnetIds: ['subnet-0c'], securityGroupIds: ['sg-01', 'sg-02'] } }, 'VpcConfig', { SubnetIds: ['subnet-0c'], SecurityGroupIds: ['sg-01', 'sg-02'] }],
    ['logging', { logging: { logFormat: 'Text' } }, 'LoggingConfig', { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` }],
    ['vpc', { vpc: {} }, 'VpcConfig', { SubnetIds: [], SecurityGroupIds: [] }],
  ];
  it.each(changes)('a change of %s sends only that field with UpdateFunctionConfiguration (%j)', async (field, change, apiField, sent) => {
    spec = { ...spec, ...change };
    const result = await deployOk(spec);
    expect(result.plan.functions[0]).toMatchObject({ action: 'update config', configChanges: [field] });
    expect(api.counts.UpdateFunctionConfiguration).toBe(1);
    expect(api.writeCalls()).toBe(1);
    expect(api.lastInput.UpdateFunctionConfiguration).toEqual({ [apiField]: sent });
    expect(fnState(name).config[apiField]).toMatchObject(sent as object);
    expect((await deployOk(spec)).functions[0].action).toBe('no change');
  });

  it('detached from the VPC, the function has empty lists and no VPC', () => {
    expect(fnState(name).config.VpcConfig).toMatchObject({ SubnetIds: [], SecurityGroupIds: [], VpcId: '' });
  });
});

describe('tags', () => {
  const name = 'tagged-fn';
  let spec: DeployFunctionSpec;
  let arn: string;
  beforeAll(async () => {
    spec = { artifactDir: await artifactDir(name), role: ROLE, alias: 'live', tags: { team: 'a', old: 'x' } };
    await deployOk(spec);
    arn = fnState(name).config.FunctionArn;
    // A tag deploy never set: added by hand (or an organisation's tag policy).
    await new LambdaClient({ endpoint: api.endpoint, region: api.region }).send(new TagResourceCommand({ Resource: arn, Tags: { owner: 'ops' } }));
  });

  it('a tag change is Tag/UntagResource only: no configuration update, no new version, the alias stays', async () => {
    const versions = fnState(name).versions.length;
    const result = await deployOk({ ...spec, tags: { team: 'b', added: 'y' } });
    const plan = result.plan.functions[0];
    expect(plan).toMatchObject({ action: 'update tags', steps: ['update-tags'], configChanges: [] });
    expect(plan.tagChanges).toMatchObject({ functionArn: arn, remove: ['old'], set: { added: 'y', team: 'b' } });
    expect(result.report).toContain('done: update-tags');
    expect(api.counts).toMatchObject({ TagResource: 1, UntagResource: 1 });
    expect(api.writeCalls()).toBe(2);
    expect(fnState(name).versions).toHaveLength(versions);
    expect(fnState(name).aliases.get('live')?.FunctionVersion).toBe(String(versions));
  });

  it('keeps the tag deploy never set, and a re-run writes nothing', async () => {
    expect(fnState(name).tags).toMatchObject({ team: 'b', added: 'y', owner: 'ops' });
    expect(fnState(name).tags.old).toBeUndefined();
    await deployOk({ ...spec, tags: { team: 'b', added: 'y' } });
    expect(api.writeCalls(), JSON.stringify(api.counts)).toBe(0);
  });

  it('unset, tags are left alone; {} removes the ones deploy set and its record of them', async () => {
    await deployOk({ ...spec, tags: undefined });
    expect(api.writeCalls()).toBe(0);
    const result = await deployOk({ ...spec, tags: {} });
    expect(result.plan.functions[0].tagChanges?.remove).toEqual(['added', MANAGED_TAGS_KEY, 'team']);
    expect(fnState(name).tags).toEqual({ owner: 'ops' });
  });

  it('a tag rename with a code change publishes once, for the code only', async () => {
    const dir = path.join(root, 'tagged-v2');
    await writeFunctionArtifact(dir, { name, files: { 'index.js': 'exports.handler = async () => "v2";' } });
    const result = await deployOk({ ...spec, artifactDir: dir, tags: { squad: 'b' } });
    expect(result.plan.functions[0].steps).toEqual(['update-code', 'update-tags', 'publish-version', 'update-alias']);
    expect(api.counts.PublishVersion).toBe(1);
    expect(fnState(name).tags).toMatchObject({ squad: 'b', owner: 'ops' });
  });
});

describe('dry run and refusals', () => {
  it('dry run lists the configuration and tag changes and writes nothing', async () => {
    const name = 'dry-settings-fn';
    const spec: DeployFunctionSpec = { artifactDir: await artifactDir(name), role: ROLE, tags: { team: 'a' } };
    await deployOk(spec);
    const lines: string[] = [];
    const result = await deployOk({ ...spec, tracing: 'Active', ephemeralStorageMiB: 1024, tags: { team: 'b' } }, { dryRun: true, log: (l: string) => lines.push(l) });
    expect(result.functions[0]).toMatchObject({ action: 'update config', status: 'planned', notDone: ['update-config', 'update-tags'] });
    expect(lines.join('\n')).toMatch(/function dry-settings-fn: update config\n\s+configuration differs: ephemeralStorageMiB, tracing\n\s+tags differ: set team/);
    expect(api.writeCalls()).toBe(0);
  });

  it('log levels with logFormat Text are refused before any call, naming the function and what to change', async () => {
    const name = 'text-levels-fn';
    api.resetCounts();
    const spec: DeployFunctionSpec = { artifactDir: await artifactDir(name), role: ROLE, logging: { logFormat: 'Text', systemLogLevel: 'WARN' } };
    await expect(deployFunctions([spec], opts())).rejects.toThrow(
      /^deploy:options - function text-levels-fn: logging\.systemLogLevel needs logging\.logFormat "JSON" \(it is "Text"\)[\s\S]*Fix: set logging\.logFormat to "JSON", or remove logging\.systemLogLevel/);
    expect(api.counts).toEqual({});
  });

  it('a VPC with subnets and no security groups is refused before any call', async () => {
    const spec: DeployFunctionSpec = { artifactDir: await artifactDir('half-vpc-fn'), role: ROLE, vpc: { subnetIds: ['subnet-0a'] } };
    api.resetCounts();
    await expect(deployFunctions([spec], opts())).rejects.toThrow(/^deploy:options - function half-vpc-fn: vpc has 1 subnetIds and 0 securityGroupIds[\s\S]*Fix: give both lists/);
    expect(api.counts).toEqual({});
  });
});
