import * as path from 'node:path';
import { existsSync, promises as fsp } from 'node:fs';
import { GetLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaApi, startLambdaApi } from '../../../../tools/lambda-api/server.mjs';
import { tempDir } from '../test-support/workspace';
import { deployFunctions, DeployFunctionSpec } from './deploy';
import { writeFunctionArtifact, writeLayerArtifact } from './test-support/artifacts';
import { loopbackOptions, useDummyAwsCredentials } from './test-support/loopback';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
let api: LambdaApi;
let root: string;

beforeAll(async () => {
  useDummyAwsCredentials();
  api = await startLambdaApi({ updateDelayMs: 50, buckets: ['artifacts'] });
  root = await tempDir('deploy');
});
afterAll(async () => api?.close());

const fnState = (name: string) => api.state.functions.get(name) as NonNullable<ReturnType<LambdaApi['state']['functions']['get']>>;
const opts = (over = {}) => loopbackOptions(api.endpoint, over);

async function artifact(label: string, name: string, code: string, extra: Partial<Parameters<typeof writeFunctionArtifact>[1]> = {}) {
  const dir = path.join(root, label);
  const zip = await writeFunctionArtifact(dir, { name, files: { 'index.js': code }, ...extra });
  return { dir, ...zip };
}

describe('create, then redeploy', () => {
  let spec: DeployFunctionSpec;
  let codeSha256: string;
  beforeAll(async () => {
    const a = await artifact('create', 'create-fn', 'exports.handler = async () => 1;', { notes: { lambdaHandler: 'index.handler' } });
    codeSha256 = a.codeSha256;
    spec = { artifactDir: a.dir, role: ROLE, memorySize: 256, environment: { STAGE: 'test' } };
    api.resetCounts();
    const result = await deployFunctions([spec], opts());
    expect(result.ok, result.report).toBe(true);
  });

  it('creates the function with the zip, handler and settings of the manifest and options', () => {
    const c = fnState('create-fn').config;
    expect(c).toMatchObject({ CodeSha256: codeSha256, Handler: 'index.handler', Runtime: 'nodejs22.x', MemorySize: 256, Role: ROLE, State: 'Active' });
    expect(c.Environment.Variables).toEqual({ STAGE: 'test' });
    expect(api.counts.CreateFunction).toBe(1);
  });

  it('makes zero write calls when nothing changed', async () => {
    api.resetCounts();
    const result = await deployFunctions([spec], opts());
    expect(result.functions[0]).toMatchObject({ action: 'no change', status: 'unchanged' });
    expect(api.writeCalls()).toBe(0);
  });
});

describe('updates', () => {
  const name = 'update-fn';
  beforeAll(async () => {
    const a = await artifact('update-v1', name, 'exports.handler = async () => "v1";');
    expect((await deployFunctions([{ artifactDir: a.dir, role: ROLE }], opts())).ok).toBe(true);
  });

  it('a code change makes exactly one UpdateFunctionCode and no configuration update', async () => {
    const a = await artifact('update-v2', name, 'exports.handler = async () => "v2";');
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir, role: ROLE }], opts());
    expect(result.functions[0].action).toBe('update code');
    expect(api.counts.UpdateFunctionCode).toBe(1);
    expect(api.counts.UpdateFunctionConfiguration ?? 0).toBe(0);
    expect(fnState(name).config.CodeSha256).toBe(a.codeSha256);
  });

  it('a configuration-only change makes one UpdateFunctionConfiguration and no code upload', async () => {
    const a = await artifact('update-v2', name, 'exports.handler = async () => "v2";');
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir, role: ROLE, timeout: 30 }], opts());
    expect(result.plan.functions[0]).toMatchObject({ action: 'update config', configChanges: ['timeout'] });
    expect(api.counts.UpdateFunctionConfiguration).toBe(1);
    expect(api.counts.UpdateFunctionCode ?? 0).toBe(0);
    expect(fnState(name).config.Timeout).toBe(30);
  });
});

describe('layers', () => {
  let layerDir: string;
  let layerArn: string;
  beforeAll(async () => {
    layerDir = path.join(root, 'layer-shared');
    await writeLayerArtifact(layerDir, 'shared-deps', { 'nodejs/node_modules/dep/index.js': 'module.exports = 1;' });
    const a = await artifact('layer-user-1', 'layer-user-1', 'exports.handler = async () => require("dep");', { layers: ['shared-deps'] });
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir, role: ROLE, layerArtifactDirs: { 'shared-deps': layerDir } }], opts());
    expect(result.ok, result.report).toBe(true);
    layerArn = result.layers[0].arn as string;
  });

  it('publishes a layer the first time and sets it on the function', () => {
    expect(api.counts.PublishLayerVersion).toBe(1);
    expect(fnState('layer-user-1').config.Layers.map((l: { Arn: string }) => l.Arn)).toEqual([layerArn]);
  });

  it('reuses the existing layer version when its CodeSha256 is unchanged', async () => {
    const a = await artifact('layer-user-2', 'layer-user-2', 'exports.handler = async () => 2;', { layers: ['shared-deps'] });
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir, role: ROLE, layerArtifactDirs: { 'shared-deps': layerDir } }], opts());
    expect(result.layers[0]).toMatchObject({ action: 'reuse', arn: layerArn });
    expect(api.counts.PublishLayerVersion ?? 0).toBe(0);
    expect(fnState('layer-user-2').config.Layers.map((l: { Arn: string }) => l.Arn)).toEqual([layerArn]);
  });

  it('two deploys at once that share a new layer publish it once (the publish lock), and both use that version', async () => {
    const dir = path.join(root, 'layer-race');
    await writeLayerArtifact(dir, 'race-deps', { 'nodejs/node_modules/race/index.js': 'module.exports = "race";' });
    const users = await Promise.all(['race-user-1', 'race-user-2'].map((n) => artifact(n, n, 'exports.handler = async () => require("race");', { layers: ['race-deps'] })));
    api.resetCounts();
    const results = await Promise.all(users.map((u) => deployFunctions([{ artifactDir: u.dir, role: ROLE, layerArtifactDirs: { 'race-deps': dir } }], opts())));
    for (const r of results) expect(r.ok, r.report).toBe(true);
    // Usually both plan "publish" (neither sees a version yet) and the second finds the first one's under the
    // lock; either way Lambda gets one PublishLayerVersion.
    expect(results.map((r) => r.plan.layers[0].action)).toContain('publish');
    expect(api.counts.PublishLayerVersion).toBe(1);
    // The deploy that found the other's version says so: one "deployed", one "unchanged".
    expect(results.map((r) => r.layers[0].status).sort()).toEqual(['deployed', 'unchanged']);
    const arns = ['race-user-1', 'race-user-2'].map((n) => fnState(n).config.Layers.map((l: { Arn: string }) => l.Arn));
    expect(arns[0]).toEqual(arns[1]);
  });

  it('a re-run keeps the layer version a function uses when another version has the same bytes', async () => {
    const lambda = new LambdaClient({ endpoint: api.endpoint, region: 'us-east-1' });
    const zip = await fsp.readFile(path.join(layerDir, 'layer.zip'));
    const { Description } = await lambda.send(new GetLayerVersionCommand({ LayerName: 'shared-deps', VersionNumber: Number(layerArn.split(':').pop()) }));
    const dup = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'shared-deps', Description, Content: { ZipFile: zip }, CompatibleRuntimes: ['nodejs22.x'] }));
    expect(dup.LayerVersionArn).not.toBe(layerArn);
    const a = await artifact('layer-user-2', 'layer-user-2', 'exports.handler = async () => 2;', { layers: ['shared-deps'] });
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir, role: ROLE, layerArtifactDirs: { 'shared-deps': layerDir } }], opts());
    expect(result.layers[0]).toMatchObject({ action: 'reuse', arn: layerArn });
    expect(api.writeCalls(), JSON.stringify(api.counts)).toBe(0);
  });
});

describe('publish and alias', () => {
  const name = 'alias-fn';
  it('moves the alias to the version published for a code change', async () => {
    const v1 = await artifact('alias-v1', name, 'exports.handler = async () => "a1";');
    expect((await deployFunctions([{ artifactDir: v1.dir, role: ROLE, alias: 'live' }], opts())).ok).toBe(true);
    expect(fnState(name).aliases.get('live')?.FunctionVersion).toBe('1');
    const v2 = await artifact('alias-v2', name, 'exports.handler = async () => "a2";');
    api.resetCounts();
    expect((await deployFunctions([{ artifactDir: v2.dir, role: ROLE, alias: 'live' }], opts())).ok).toBe(true);
    expect(api.counts.UpdateAlias).toBe(1);
    const live = fnState(name).aliases.get('live');
    expect(live?.FunctionVersion).toBe('2');
    expect(fnState(name).versions[1].CodeSha256).toBe(v2.codeSha256);
  });
});

describe('zips over the direct-upload limit', () => {
  let dir: string;
  beforeAll(async () => {
    // Random bytes stored without compression: a 60 MiB zip.
    const a = await artifact('big', 'big-fn', 'exports.handler = async () => 0;', { level: 0, files: { 'index.js': 'exports.handler = async () => 0;', 'blob.bin': randomBytes(60 * 1024 * 1024) } });
    dir = a.dir;
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: dir, role: ROLE }], opts({ s3Bucket: 'artifacts', s3KeyPrefix: 'lambda/' }));
    expect(result.ok, result.report).toBe(true);
  });

  it('go through S3 under a key of their content hash', () => {
    expect(api.counts.PutObject).toBe(1);
    const key = [...(api.state.s3.buckets.get('artifacts') as Map<string, Buffer>).keys()][0];
    expect(key).toMatch(/^lambda\/[0-9a-f]{64}\.zip$/);
    expect(fnState('big-fn').config.CodeSize).toBeGreaterThan(60 * 1024 * 1024);
  });

  it('are not uploaded again when S3 already holds the same bytes', async () => {
    fnState('big-fn').config.CodeSha256 = 'stale';
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: dir, role: ROLE }], opts({ s3Bucket: 'artifacts', s3KeyPrefix: 'lambda/' }));
    expect(result.ok, result.report).toBe(true);
    expect(api.counts.HeadObject).toBe(1);
    expect(api.counts.PutObject ?? 0).toBe(0);
  });

  it('fail before any write without an s3Bucket, saying to set one', async () => {
    api.resetCounts();
    await expect(deployFunctions([{ artifactDir: dir, role: ROLE }], opts())).rejects.toThrow(/^deploy:plan - function big-fn is .* over the 50\.0 MiB direct-upload limit[\s\S]*s3Bucket/);
    expect(api.writeCalls()).toBe(0);
  });
});

describe('dry run', () => {
  it('prints the plan and calls no write API', async () => {
    const a = await artifact('dry', 'dry-fn', 'exports.handler = async () => "dry";');
    const lines: string[] = [];
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir, role: ROLE }], opts({ dryRun: true, log: (l: string) => lines.push(l) }));
    expect(result.functions[0]).toMatchObject({ action: 'create', status: 'planned' });
    expect(lines.join('\n')).toContain('function dry-fn: create');
    expect(api.writeCalls()).toBe(0);
    expect(fnState('dry-fn')).toBeUndefined();
  });

  it('for a new function, lists what it would be created with: names, not values, of environment and tags', async () => {
    const layerDir = path.join(root, 'dry-layer');
    await writeLayerArtifact(layerDir, 'dry-deps', { 'nodejs/node_modules/dry/index.js': 'module.exports = 1;' });
    const a = await artifact('dry-full', 'dry-full-fn', 'exports.handler = async () => 1;', { architecture: 'arm64', layers: ['dry-deps'] });
    const pinned = 'arn:aws:lambda:us-east-1:123456789012:layer:pinned:3';
    const spec: DeployFunctionSpec = {
      artifactDir: a.dir, role: ROLE, layerArtifactDirs: { 'dry-deps': layerDir }, layerArns: [pinned], timeout: 30,
      environment: { STAGE: 'secret-stage-value', API_KEY: 'secret-key-value' }, tags: { team: 'secret-tag-value' },
      ephemeralStorageMiB: 1024, tracing: 'Active', vpc: { subnetIds: ['subnet-0a'], securityGroupIds: ['sg-01'] }, logging: { logFormat: 'JSON' },
    };
    const lines: string[] = [];
    api.resetCounts();
    const result = await deployFunctions([spec], opts({ dryRun: true, log: (l: string) => lines.push(l) }));
    expect(lines.join('\n')).toContain([
      '  function dry-full-fn: create',
      '      function does not exist',
      '      runtime: nodejs22.x',
      '      handler: index.handler',
      '      architecture: arm64',
      `      role: ${ROLE}`,
      "      memory: 128 MiB (Lambda's default)",
      '      timeout: 30 s',
      '      environment: STAGE, API_KEY (names only)',
      `      layers: dry-deps (version published by this deploy), ${pinned}`,
      '      ephemeral storage: 1024 MiB',
      '      tracing: Active',
      '      vpc: subnets subnet-0a; security groups sg-01',
      '      logging: JSON to /aws/lambda/dry-full-fn, application log level INFO, system log level INFO',
      '      tags: team (names only)',
    ].join('\n'));
    expect(`${lines.join('\n')}${JSON.stringify(result)}`).not.toMatch(/secret-\w+-value/);
    expect(api.writeCalls()).toBe(0);
    expect(fnState('dry-full-fn')).toBeUndefined();
    expect(api.state.layers.get('dry-deps')).toBeUndefined();
  });
});

describe('bad input', () => {
  it('a new function without a role fails at plan time with no write call', async () => {
    const a = await artifact('no-role', 'no-role-fn', 'exports.handler = async () => 0;');
    api.resetCounts();
    const result = await deployFunctions([{ artifactDir: a.dir }], opts());
    expect(result).toMatchObject({ ok: false, functions: [{ functionName: 'no-role-fn', status: 'failed' }] });
    expect(result.report).toMatch(/error: deploy:plan - function no-role-fn does not exist yet and no "role" is set\n\s+Fix: set "role"/);
    expect(api.writeCalls()).toBe(0);
  });

  it('a missing artifact says to run the package target', async () => {
    await expect(deployFunctions([{ artifactDir: path.join(root, 'nowhere'), role: ROLE }], opts())).rejects.toThrow(/^deploy:read - no function manifest[\s\S]*package/);
    expect(existsSync(path.join(root, 'nowhere'))).toBe(false);
  });

  it('a manifest that is not JSON (cut short) names the file and says to package again', async () => {
    const a = await artifact('cut-manifest', 'cut-manifest-fn', 'exports.handler = async () => 0;');
    const file = path.join(a.dir, 'manifest.json');
    await fsp.writeFile(file, (await fsp.readFile(file, 'utf8')).slice(0, 40));
    await expect(deployFunctions([{ artifactDir: a.dir, role: ROLE }], opts())).rejects.toThrow(
      new RegExp(`^deploy:read - ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON: [^\n]+\n  Fix: run the package target again`));
  });

  it('a zip of the same size with other bytes than its manifest says is refused before any call', async () => {
    const a = await artifact('swapped-zip', 'swapped-zip-fn', 'exports.handler = async () => 1;');
    await writeFunctionArtifact(path.join(root, 'swapped-other'), { name: 'swapped-zip-fn', files: { 'index.js': 'exports.handler = async () => 2;' } });
    await fsp.copyFile(path.join(root, 'swapped-other', 'function.zip'), path.join(a.dir, 'function.zip'));
    api.resetCounts();
    await expect(deployFunctions([{ artifactDir: a.dir, role: ROLE }], opts())).rejects.toThrow(/^deploy:read - \S+function\.zip has SHA-256 [0-9a-f]{64} but its manifest says [0-9a-f]{64}\n[\s\S]*Fix: run the package target again/);
    expect(Object.values(api.counts).reduce((n, c) => n + c, 0)).toBe(0);
  });

  it('a layer zip its manifest does not describe is refused before any call (a stale manifest would reuse the old layer version)', async () => {
    const a = await artifact('stale-layer-fn', 'stale-layer-fn', 'exports.handler = async () => 1;', { layers: ['stale-deps'] });
    const layerDir = path.join(root, 'stale-layer');
    await writeLayerArtifact(layerDir, 'stale-deps', { 'nodejs/node_modules/dep/index.js': 'module.exports = 1;' });
    await writeLayerArtifact(path.join(root, 'stale-layer-other'), 'stale-deps', { 'nodejs/node_modules/dep/index.js': 'module.exports = 2;' });
    await fsp.copyFile(path.join(root, 'stale-layer-other', 'layer.zip'), path.join(layerDir, 'layer.zip'));
    api.resetCounts();
    await expect(deployFunctions([{ artifactDir: a.dir, role: ROLE, layerArtifactDirs: { 'stale-deps': layerDir } }], opts()))
      .rejects.toThrow(/deploy:read - \S+layer\.zip has SHA-256 [0-9a-f]{64} but its manifest says [0-9a-f]{64}\n[\s\S]*Fix: run the layer target again/);
    expect(Object.values(api.counts).reduce((n, c) => n + c, 0)).toBe(0);
  });

  it('a failure half-way reports what was deployed and what not, and a re-run finishes', async () => {
    const good = await artifact('half-good', 'half-good', 'exports.handler = async () => "g";');
    const bad = await artifact('half-bad', 'half-bad', 'exports.handler = async () => "b";');
    const missingLayer = 'arn:aws:lambda:us-east-1:123456789012:layer:nope:1';
    const first = await deployFunctions([{ artifactDir: good.dir, role: ROLE }, { artifactDir: bad.dir, role: ROLE, layerArns: [missingLayer] }], opts());
    expect(first.ok).toBe(false);
    expect(first.report).toMatch(/stopped half-way[\s\S]*function half-good: deployed[\s\S]*function half-bad: failed \(not done: create\)[\s\S]*does not exist/);
    api.resetCounts();
    const second = await deployFunctions([{ artifactDir: good.dir, role: ROLE }, { artifactDir: bad.dir, role: ROLE }], opts());
    expect(second.ok, second.report).toBe(true);
    expect(second.functions.map((f) => f.status)).toEqual(['unchanged', 'deployed']);
    expect(api.counts.CreateFunction).toBe(1);
  });
});
