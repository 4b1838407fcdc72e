import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { DEPLOY_OPTION_KEYS, DeployExecutorOptions, normalizeDeployOptions } from './normalize-options';

const loc = { projectName: 'orders', projectRoot: 'apps/orders', workspaceRoot: '/ws', projectRoots: { orders: 'apps/orders', 'shared-deps': 'layers/shared' } };

describe('deploy executor options', () => {
  it('schema.json declares exactly the deploy options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...DEPLOY_OPTION_KEYS].sort());
  });

  it('defaults the function name to the project and the artifact to dist/{projectRoot}', () => {
    const n = normalizeDeployOptions({}, {}, loc);
    expect(n.spec).toMatchObject({ functionName: 'orders', artifactDir: '/ws/dist/apps/orders', publish: false });
    expect(n.spec.layerArtifactDirs?.['shared-deps']).toBe('/ws/dist/layers/shared');
  });

  it('takes settings from lambda.json, and target options win over it', () => {
    const marker = { runtime: 'nodejs22.x', handler: 'x', role: 'arn:role/marker', memorySize: 256, timeout: 10 };
    const n = normalizeDeployOptions({ memorySize: 512 }, marker, loc);
    expect(n.spec).toMatchObject({ role: 'arn:role/marker', memorySize: 512, timeout: 10 });
  });

  it('returns new objects and leaves the input untouched', () => {
    const input: DeployExecutorOptions = { environment: { A: '1' }, layerArns: ['arn:x'], directUploadLimitMiB: 10 };
    const frozen = JSON.stringify(input);
    const n = normalizeDeployOptions(input, {}, loc);
    expect(n.spec.environment).not.toBe(input.environment);
    expect(n.spec.layerArns).not.toBe(input.layerArns);
    expect(n.options.directUploadLimitBytes).toBe(10 * 1024 * 1024);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects an s3KeyPrefix without a bucket, saying to set s3Bucket', () => {
    expect(() => normalizeDeployOptions({ s3KeyPrefix: 'lambda/' }, {}, loc)).toThrow(/orders:deploy - "s3KeyPrefix" is set without "s3Bucket"[\s\S]*Set "s3Bucket"/);
  });

  it('rejects an invalid function name with the allowed characters', () => {
    expect(() => normalizeDeployOptions({ functionName: 'a b' }, {}, loc)).toThrow(/functionName "a b" is not a valid[\s\S]*letters, digits/);
  });
});
