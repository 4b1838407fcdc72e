import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { zipTree } from '../../../../core/src/invoke/test-support/zip-tree';
import { tempDir, writeFiles } from '../../../../core/src/test-support/workspace';
import invokeExecutor from './invoke.impl';

const manifest = (handler: string) => JSON.stringify({ name: 'hello', family: 'node', runtime: 'nodejs20.x', handler, architecture: 'x86_64', layers: ['shared-deps-1a2b3c4d'], layerArtifacts: { 'shared-deps-1a2b3c4d': 'dist/libs/shared-deps/shared-deps-1a2b3c4d' } });

/** Runs `run` with console.<stream> captured; returns its result and what it printed there. */
async function captured<T>(stream: 'log' | 'error', run: () => Promise<T>): Promise<{ out: T; printed: string }> {
  const spy = vi.spyOn(console, stream).mockImplementation(() => undefined);
  try {
    const out = await run();
    return { out, printed: spy.mock.calls.map((c) => String(c[0])).join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('invoke executor', () => {
  let context: ExecutorContext;
  let root: string;

  beforeAll(async () => {
    root = await tempDir('invoke-executor', {
      'apps/hello/lambda.json': JSON.stringify({ runtime: 'nodejs20.x', handler: 'index.handler' }),
      // The top-level keys invoke once read: the package schema refuses them, and invoke ignores them.
      'apps/slow/lambda.json': JSON.stringify({ runtime: 'nodejs20.x', handler: 'index.slow', timeout: 1, memorySize: 512, environment: { FOO: 'top-level' } }),
      'events/order.json': '{"id":"o-1"}',
      'dist/apps/hello/manifest.json': manifest('index.handler'),
      'dist/apps/broken/manifest.json': manifest('index.fail'),
      'dist/apps/slow/manifest.json': manifest('index.slow'),
    });
    const code = { 'index.js': `const dep = require('shared-dep');
exports.handler = async (e) => ({ got: e, dep: dep(), greeting: process.env.GREETING });
exports.fail = async () => { throw new RangeError('out of stock'); };
exports.slow = async () => {
  console.log('FOO', process.env.FOO, 'mem', process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  await new Promise((r) => setTimeout(r, 1500));
  return 'done';
};` };
    await zipTree(path.join(root, 'dist/apps/hello/function.zip'), code);
    await zipTree(path.join(root, 'dist/apps/broken/function.zip'), code);
    await zipTree(path.join(root, 'dist/apps/slow/function.zip'), code);
    await zipTree(path.join(root, 'dist/libs/shared-deps/shared-deps-1a2b3c4d/layer.zip'), { 'nodejs/node_modules/shared-dep/index.js': 'module.exports = () => "from layer";' });
    await writeFiles(root, { 'apps/broken/lambda.json': '{}' });
    context = {
      root, cwd: root, isVerbose: false, projectName: 'hello', projectGraph: { nodes: {}, dependencies: {} },
      projectsConfigurations: {
        version: 2,
        projects: {
          hello: { root: 'apps/hello' },
          broken: { root: 'apps/broken' },
          slow: { root: 'apps/slow' },
          'shared-deps': { root: 'libs/shared-deps', targets: { layer: { executor: '@nx-lambda/plugin:layer' } } },
        },
      },
      nxJsonConfiguration: {},
    } as unknown as ExecutorContext;
  });

  it('runs the packaged zip with the layer zip its manifest names and prints the response', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const out = await invokeExecutor({ event: 'events/order.json', environment: { GREETING: 'hi' } }, context);
    const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
    log.mockRestore();
    expect(out.success).toBe(true);
    expect(printed).toContain('{"got":{"id":"o-1"},"dep":"from layer","greeting":"hi"}');
    expect(printed).toMatch(/REPORT RequestId: \S+\tDuration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
  });

  it('gives the function the environment, memory and timeout of its options (the inferred ones are lambda.json\'s deploy settings)', async () => {
    const { out, printed } = await captured('error', () => invokeExecutor({ timeout: 1, memorySize: 256, environment: { FOO: 'bar' } }, { ...context, projectName: 'slow' }));
    expect(out.success).toBe(false);
    expect(printed).toContain('FOO bar mem 256');
    expect(printed).toContain('Memory Size: 256 MB');
    expect(printed).toContain('"errorMessage": "Task timed out after 1.00 seconds"');
  });

  it('runs with the settings of the stage --stage names (lambda.json\'s deploy.stages), and runs nothing for a stage the function does not define', async () => {
    const options = { environment: { GREETING: 'hi' }, stages: { prod: { functionName: 'hello-prod', environment: { GREETING: 'hello from prod' } } } };
    const prod = await captured('log', () => invokeExecutor({ ...options, stage: 'prod' }, context));
    expect(prod.out.success).toBe(true);
    expect(prod.printed).toContain('"greeting":"hello from prod"');
    const typo = await captured('error', () => invokeExecutor({ ...options, stage: 'prd' }, context));
    expect(typo.out.success).toBe(false);
    expect(typo.printed).toContain('hello:invoke - no stage "prd": this function\'s stages are prod');
    expect(typo.printed).not.toContain('START RequestId');
  });

  it('reads no settings from lambda.json\'s top level: without options the function gets Lambda\'s defaults', async () => {
    const { out, printed } = await captured('log', () => invokeExecutor({}, { ...context, projectName: 'slow' }));
    expect(out.success).toBe(true);
    expect(printed).toContain('FOO undefined mem 128');
    expect(printed).toContain('Response:\n"done"');
  });

  it('fails the target when the handler throws, printing Lambda\'s error shape', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const out = await invokeExecutor({}, { ...context, projectName: 'broken' });
    const printed = err.mock.calls.map((c) => String(c[0])).join('\n');
    err.mockRestore();
    expect(out.success).toBe(false);
    expect(printed).toContain('"errorType": "RangeError"');
    expect(printed).toContain('"errorMessage": "out of stock"');
  });

  it('lends a Node.js function the workspace\'s copy of each AWS SDK package its bundle imports, and names one that is missing', async () => {
    const sdkFn = (name: string, imports: string[]) => JSON.stringify({ name, family: 'node', runtime: 'nodejs20.x', handler: 'index.handler', architecture: 'x86_64', notes: { externalImports: imports } });
    const ws = await tempDir('invoke-sdk', {
      'node_modules/@aws-sdk/client-sqs/package.json': '{"name":"@aws-sdk/client-sqs","main":"index.js"}',
      'node_modules/@aws-sdk/client-sqs/index.js': 'exports.SQSClient = class SQSClient {};',
      'apps/queue/lambda.json': '{}', 'apps/table/lambda.json': '{}',
      'dist/apps/queue/manifest.json': sdkFn('queue', ['@aws-sdk/client-sqs']),
      'dist/apps/table/manifest.json': sdkFn('table', ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs']),
    });
    const code = (pkg: string, name: string) => ({ 'index.mjs': `import * as sdk from '${pkg}';\nexport const handler = async () => Object.keys(sdk).includes('${name}');\n` });
    await zipTree(path.join(ws, 'dist/apps/queue/function.zip'), code('@aws-sdk/client-sqs', 'SQSClient'));
    await zipTree(path.join(ws, 'dist/apps/table/function.zip'), code('@aws-sdk/client-dynamodb', 'DynamoDBClient'));
    const ctx = (projectName: string) => ({ ...context, root: ws, cwd: ws, projectName, projectsConfigurations: { version: 2, projects: { queue: { root: 'apps/queue' }, table: { root: 'apps/table' } } } } as unknown as ExecutorContext);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await invokeExecutor({}, ctx('queue'))).success).toBe(true);
      expect(log.mock.calls.flat().join('\n')).toContain('true');
      expect((await invokeExecutor({}, ctx('table'))).success).toBe(false);
      const printed = err.mock.calls.flat().join('\n');
      expect(printed).toContain("Cannot find package '@aws-sdk/client-dynamodb'");
      expect(printed).toMatch(/warning: @aws-sdk\/client-dynamodb not found in .*node_modules: .*install @aws-sdk\/client-dynamodb in the workspace/);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });

  it('refuses a missing event file and an event that is not JSON before running anything', async () => {
    await writeFiles(root, { 'events/broken.json': '{"id": ' });
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect((await invokeExecutor({ event: 'events/nothing.json' }, context)).success).toBe(false);
      expect((await invokeExecutor({ event: 'events/broken.json' }, context)).success).toBe(false);
      const printed = err.mock.calls.map((c) => String(c[0])).join('\n');
      expect(printed).toMatch(/invoke:event - hello: no event file at events\/nothing.json\n {2}Fix: pass --event=<file> with a path relative to the workspace root/);
      expect(printed).toMatch(/invoke:event - hello: the event in events\/broken.json is not JSON \(.*\)\n {2}Fix: fix the event: Lambda refuses a payload that is not JSON/);
      expect(printed).not.toContain('START RequestId');
    } finally {
      err.mockRestore();
    }
  });

  it('refuses a zip its manifest does not describe (the manifest of another build) before running it, and a manifest without its zip', async () => {
    const zip = path.join(root, 'dist/apps/hello/function.zip');
    const { createHash } = await import('node:crypto');
    const { promises: fsp } = await import('node:fs');
    const bytes = await fsp.readFile(zip);
    await writeFiles(root, {
      'dist/apps/stale/manifest.json': JSON.stringify({ ...JSON.parse(manifest('index.handler')), zippedSize: bytes.length, sha256: createHash('sha256').update('an older zip').digest('hex') }),
      'dist/apps/zipless/manifest.json': manifest('index.handler'),
    });
    await fsp.copyFile(zip, path.join(root, 'dist/apps/stale/function.zip'));
    const stale = await captured('error', () => invokeExecutor({ outputPath: 'dist/apps/stale' }, context));
    expect(stale.out.success).toBe(false);
    expect(stale.printed).toMatch(/invoke:artifact - .*function\.zip has SHA-256 [0-9a-f]{64} but its manifest says[\s\S]*Fix: package it again: nx run hello:package --skip-nx-cache/);
    const zipless = await captured('error', () => invokeExecutor({ outputPath: 'dist/apps/zipless' }, context));
    expect(zipless.printed).toMatch(/invoke:artifact - hello has no function\.zip beside its manifest\.json in dist\/apps\/zipless\n {2}Fix: package it first/);
  });

  it('fails with a hint to package first when there is no manifest', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const out = await invokeExecutor({ outputPath: 'dist/nowhere' }, context);
    const printed = err.mock.calls.map((c) => String(c[0])).join('\n');
    err.mockRestore();
    expect(out.success).toBe(false);
    expect(printed).toMatch(/invoke:artifact - hello has no manifest.json in dist\/nowhere\n {2}Fix: package it first: nx run hello:package/);
  });
});
