import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LambdaApi, startLambdaApi } from '../../../../../tools/lambda-api/server.mjs';
import { tempDir } from '../../../../core/src/test-support/workspace';
import { writeFunctionArtifact } from '../../../../core/src/deploy/test-support/artifacts';
import { useDummyAwsCredentials } from '../../../../core/src/deploy/test-support/loopback';
import { closedPort } from '../../../../core/src/deploy/test-support/network';
import deployExecutor from './deploy.impl';

describe('deploy executor against the loopback Lambda API', () => {
  let api: LambdaApi;
  let context: ExecutorContext;
  beforeAll(async () => {
    useDummyAwsCredentials();
    api = await startLambdaApi({ updateDelayMs: 20 });
    const root = await tempDir('deploy-executor');
    await writeFunctionArtifact(path.join(root, 'dist/apps/orders'), { name: 'orders', files: { 'index.js': 'exports.handler = async () => "ok";' } });
    context = {
      root, cwd: root, isVerbose: false, projectName: 'orders', projectGraph: { nodes: {}, dependencies: {} },
      projectsConfigurations: { version: 2, projects: { orders: { root: 'apps/orders' } } },
      nxJsonConfiguration: {},
    } as unknown as ExecutorContext;
  });
  afterAll(async () => api?.close());

  it('dry run succeeds and writes nothing', async () => {
    const out = await deployExecutor({ endpoint: api.endpoint, role: 'arn:aws:iam::123456789012:role/exec', dryRun: true }, context);
    expect(out.success).toBe(true);
    expect(api.writeCalls()).toBe(0);
  });

  it('creates the function with the settings of its options', async () => {
    const out = await deployExecutor({ endpoint: api.endpoint, role: 'arn:aws:iam::123456789012:role/exec', memorySize: 256 }, context);
    expect(out.success).toBe(true);
    expect(api.state.functions.get('orders')?.config).toMatchObject({ MemorySize: 256, Role: 'arn:aws:iam::123456789012:role/exec', Handler: 'index.handler' });
  });

  it('sets tracing, logging and tags given in the target options', async () => {
    const out = await deployExecutor({ endpoint: api.endpoint, tracing: 'Active', logging: { logFormat: 'JSON' }, tags: { team: 'orders' } }, context);
    expect(out.success).toBe(true);
    const fn = api.state.functions.get('orders');
    expect(fn?.config).toMatchObject({ TracingConfig: { Mode: 'Active' }, LoggingConfig: { LogFormat: 'JSON' } });
    expect(fn?.tags.team).toBe('orders');
  });

  it('returns success: false with the message when Lambda refuses', async () => {
    const out = await deployExecutor({ endpoint: api.endpoint, functionName: 'orders-2', layerArns: ['arn:aws:lambda:us-east-1:123456789012:layer:missing:1'] }, context);
    expect(out.success).toBe(false);
  });

  it('returns success: false with the message, no stack, for a stage the function does not define', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const out = await deployExecutor({ endpoint: api.endpoint, stage: 'prd', stages: { prod: { memorySize: 512 } } }, context);
      expect(out.success).toBe(false);
      expect(printed.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/^orders:deploy - no stage "prd": this function's stages are prod/);
    } finally {
      printed.mockRestore();
    }
  });

  it('returns success: false with a message naming the endpoint and the function when Lambda cannot be reached', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const out = await deployExecutor({ endpoint, maxRetries: 1 }, context);
      expect(out.success).toBe(false);
      expect(printed.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(
        new RegExp(`^deploy:plan - cannot reach Lambda at ${endpoint} for function orders: connect ECONNREFUSED[^\\n]*\\n  Fix: check "endpoint"`));
    } finally {
      printed.mockRestore();
    }
  });
});
