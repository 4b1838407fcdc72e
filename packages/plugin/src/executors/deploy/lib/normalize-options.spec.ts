import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { OptionSchema, schemaProblems } from '../../../graph/schema-check';
import { DEPLOY_OPTION_KEYS, DeployExecutorOptions, normalizeDeployOptions } from './normalize-options';

const loc = { projectName: 'orders', projectRoot: 'apps/orders', workspaceRoot: '/ws', projectRoots: { orders: 'apps/orders', 'shared-deps': 'layers/shared' } };

describe('deploy executor options', () => {
  it('schema.json declares exactly the deploy options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...DEPLOY_OPTION_KEYS].sort());
  });

  it('schema.json checks each new setting alone, in the keywords the plugin\'s schema checker reads', () => {
    const ok = {
      ephemeralStorageMiB: 10240, tracing: 'PassThrough', vpc: { subnetIds: ['subnet-0a'], securityGroupIds: ['sg-01'] },
      logging: { logFormat: 'JSON', logGroup: '/x', applicationLogLevel: 'TRACE', systemLogLevel: 'WARN' }, tags: { team: 'a', empty: '' },
    };
    expect(schemaProblems(schema as OptionSchema, ok)).toEqual([]);
    expect(schemaProblems(schema as OptionSchema, { vpc: {} })).toEqual([]);
    const wrong = {
      ephemeralStorageMiB: 511, tracing: 'On', vpc: { subnets: [] }, logging: { applicationLogLevel: 'VERBOSE' }, tags: { n: 1 },
    };
    // One problem per wrong field, each naming the option (the wording is the checker's).
    const problems = schemaProblems(schema as OptionSchema, wrong);
    const named = ['"ephemeralStorageMiB"', '"tracing"', '"vpc.subnets"', '"logging.logFormat"', '"logging.applicationLogLevel"', '"tags.n"'];
    expect(problems).toHaveLength(named.length);
    named.forEach((name, i) => expect(problems[i]).toContain(name));
  });

  it('defaults the function name to the project and the artifact to dist/{projectRoot}', () => {
    const n = normalizeDeployOptions({}, loc);
    expect(n.spec).toMatchObject({ functionName: 'orders', artifactDir: '/ws/dist/apps/orders', publish: false });
    expect(n.spec.layerArtifactDirs?.['shared-deps']).toBe('/ws/dist/layers/shared');
  });

  it('--stage puts that stage\'s settings over the others, environment and tags adding up', () => {
    const input: DeployExecutorOptions = { memorySize: 256, environment: { TABLE: 'orders', STAGE: 'dev' }, stages: { prod: { functionName: 'orders-prod', alias: 'live', environment: { STAGE: 'prod' } } } };
    expect(normalizeDeployOptions({ ...input, stage: 'prod' }, loc).spec).toMatchObject({ functionName: 'orders-prod', alias: 'live', memorySize: 256, environment: { TABLE: 'orders', STAGE: 'prod' } });
    // Without --stage the stages are not used.
    expect(normalizeDeployOptions(input, loc).spec).toMatchObject({ functionName: 'orders', environment: { TABLE: 'orders', STAGE: 'dev' } });
  });

  it('refuses a stage the function does not define, naming the ones it does: nothing deploys in its place', () => {
    expect(() => normalizeDeployOptions({ stage: 'prd', stages: { prod: {}, dev: {} } }, loc)).toThrow(/orders:deploy - no stage "prd": this function's stages are prod, dev[\s\S]*"stages": \{ "prd"[\s\S]*apps\/orders\/lambda.json/);
    expect(() => normalizeDeployOptions({ stage: 'prod' }, loc)).toThrow(/no stage "prod": this function defines no stages/);
    expect(() => normalizeDeployOptions({ stage: 'prod', stages: { prod: { memorySize: 64, stage: 'x' } as never } }, loc))
      .toThrow(/stage "prod": "stage" cannot be set inside a stage; "memorySize" is 64; it must be at least 128[\s\S]*deploy.stages.prod/);
  });

  it('returns new objects and leaves the input untouched', () => {
    const input: DeployExecutorOptions = { environment: { A: '1' }, layerArns: ['arn:x'], directUploadLimitMiB: 10 };
    const frozen = JSON.stringify(input);
    const n = normalizeDeployOptions(input, loc);
    expect(n.spec.environment).not.toBe(input.environment);
    expect(n.spec.layerArns).not.toBe(input.layerArns);
    expect(n.options.directUploadLimitBytes).toBe(10 * 1024 * 1024);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects an s3KeyPrefix without a bucket, saying to set s3Bucket', () => {
    expect(() => normalizeDeployOptions({ s3KeyPrefix: 'lambda/' }, loc)).toThrow(/orders:deploy - "s3KeyPrefix" is set without "s3Bucket"[\s\S]*Set "s3Bucket"/);
  });

  it('rejects an invalid function name with the allowed characters', () => {
    expect(() => normalizeDeployOptions({ functionName: 'a b' }, loc)).toThrow(/functionName "a b" is not a valid[\s\S]*letters, digits/);
  });

  it('passes the settings beyond memory and timeout through as copies', () => {
    const input: DeployExecutorOptions = {
      ephemeralStorageMiB: 1024, tracing: 'Active', vpc: { subnetIds: ['subnet-0a'], securityGroupIds: ['sg-01'] },
      logging: { logFormat: 'JSON', systemLogLevel: 'WARN' }, tags: { team: 'orders' },
    };
    const n = normalizeDeployOptions(input, loc);
    expect(n.spec).toMatchObject(input);
    expect(n.spec.vpc?.subnetIds).not.toBe(input.vpc?.subnetIds);
    expect(n.spec.tags).not.toBe(input.tags);
    expect(n.spec.logging).not.toBe(input.logging);
  });

  it('leaves unset settings out of the spec (what is deployed stays)', () => {
    const n = normalizeDeployOptions({}, loc);
    for (const key of ['ephemeralStorageMiB', 'tracing', 'vpc', 'logging', 'tags']) expect(n.spec).not.toHaveProperty(key);
  });

  it('refuses log levels without logFormat JSON, naming the function and what to change', () => {
    expect(() => normalizeDeployOptions({ functionName: 'orders-api', logging: { logFormat: 'Text', applicationLogLevel: 'DEBUG', systemLogLevel: 'WARN' } }, loc))
      .toThrow(/^orders:deploy - function orders-api: logging\.applicationLogLevel and logging\.systemLogLevel need logging\.logFormat "JSON" \(it is "Text"\)[\s\S]*set logging\.logFormat to "JSON", or remove/);
  });

  it('refuses a VPC with only one of its lists, saying to give both or neither', () => {
    expect(() => normalizeDeployOptions({ vpc: { securityGroupIds: ['sg-01'] } }, loc)).toThrow(/orders:deploy - function orders: vpc has 0 subnetIds and 1 securityGroupIds[\s\S]*give both lists[\s\S]*\(vpc: \{\}\) to detach/);
    expect(() => normalizeDeployOptions({ vpc: {} }, loc)).not.toThrow();
  });

  it('refuses IDs in the wrong list', () => {
    expect(() => normalizeDeployOptions({ vpc: { subnetIds: ['sg-01'], securityGroupIds: ['subnet-0a'] } }, loc)).toThrow(/vpc\.subnetIds holds "sg-01"[\s\S]*vpc\.securityGroupIds holds "subnet-0a"/);
  });

  it('refuses tag keys AWS or deploy reserves, and too many tags', () => {
    expect(() => normalizeDeployOptions({ tags: { 'aws:owner': 'x' } }, loc)).toThrow(/tag key "aws:owner" starts with "aws:"[\s\S]*rename it/);
    expect(() => normalizeDeployOptions({ tags: { 'nx-lambda:managed-tags': 'x' } }, loc)).toThrow(/tag key "nx-lambda:managed-tags" is the one deploy uses/);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(() => normalizeDeployOptions({ tags: many }, loc)).toThrow(/tags lists 50 tags[\s\S]*at most 49/);
  });

  it('refuses ephemeral storage outside 512-10240 MiB (the rule also holds where schema.json is not read)', () => {
    expect(() => normalizeDeployOptions({ ephemeralStorageMiB: 256 }, loc)).toThrow(/ephemeralStorageMiB is 256[\s\S]*from 512 to 10240/);
  });
});
