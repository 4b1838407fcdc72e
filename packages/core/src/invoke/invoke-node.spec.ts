import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';
import { zipTree } from './test-support/zip-tree';

describe('invokeFunction: node', () => {
  let fn: string;
  let layer: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'node', runtime: 'nodejs20.x', timeoutMs: 5000, initTimeoutMs: 60_000, zipPath: fn, layerZips: [layer], ...over });

  beforeAll(async () => {
    const dir = await tempDir('invoke-node');
    fn = await zipTree(path.join(dir, 'function.zip'), {
      'index.js': `const greet = require('greeter');
exports.handler = async (event, context) => {
  console.log('handling', context.awsRequestId);
  return { echo: event, greeting: greet(event.name), fn: context.functionName, remaining: context.getRemainingTimeInMillis() > 0 };
};
exports.fail = async () => { const e = new TypeError('bad input: name missing'); throw e; };
exports.spin = () => new Promise(() => setInterval(() => {}, 1000));
exports.callback = (event, context, cb) => setTimeout(() => cb(null, { viaCallback: event.n }), 10);`,
      'broken.js': `throw new Error('cannot connect to the database at init');`,
    });
    layer = await zipTree(path.join(dir, 'layer.zip'), {
      'nodejs/node_modules/greeter/package.json': '{"name":"greeter","version":"1.0.0","main":"index.js"}',
      'nodejs/node_modules/greeter/index.js': `module.exports = (name) => 'hello ' + name + ' from the layer';`,
    });
  });

  it('echoes the event and reads a dependency from its layer', async () => {
    const r = await run({ handler: 'index.handler', event: { name: 'ada' }, functionName: 'echo-fn' });
    expect(r.error).toBeUndefined();
    expect(r.response).toEqual({ echo: { name: 'ada' }, greeting: 'hello ada from the layer', fn: 'echo-fn', remaining: true });
    expect(r.logs).toContain(`handling ${r.requestId}`);
    expect(r.peakRssKb).toBeGreaterThan(1000);
  });

  it('supports callback-style handlers', async () => {
    const r = await run({ handler: 'index.callback', event: { n: 7 } });
    expect(r.response).toEqual({ viaCallback: 7 });
  });

  it('returns an error thrown by the handler in Lambda\'s shape', async () => {
    const r = await run({ handler: 'index.fail', event: {} });
    expect(r.response).toBeUndefined();
    expect(r.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input: name missing' });
    expect(r.error?.stackTrace?.join('\n')).toContain('index.js');
  });

  it('stops a handler that runs past its timeout', async () => {
    const r = await run({ handler: 'index.spin', timeoutMs: 1000 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
  });

  it('reports an exception at module load as an init error', async () => {
    const r = await run({ handler: 'broken.handler' });
    expect(r.initError).toMatchObject({ errorType: 'Error', errorMessage: 'cannot connect to the database at init' });
    expect(r.response).toBeUndefined();
  });

  it('reports a handler the module does not export as Runtime.HandlerNotFound', async () => {
    const r = await run({ handler: 'index.nope' });
    expect(r.initError?.errorType).toBe('Runtime.HandlerNotFound');
  });

  it('warns when the local node is not the runtime\'s version', async () => {
    const r = await run({ runtime: 'nodejs18.x', handler: 'index.handler', event: { name: 'x' } });
    expect(r.warnings.join('\n')).toMatch(/nodejs18\.x: the local node is \d+, Lambda runs 18/);
  });

  it('supplies the runtime\'s AWS SDK from runtimeModules to require and import, and nothing else of that folder', async () => {
    const dir = await tempDir('invoke-node-sdk', {
      'modules/@aws-sdk/client-sqs/package.json': '{"name":"@aws-sdk/client-sqs","main":"index.js"}',
      'modules/@aws-sdk/client-sqs/index.js': 'exports.SQSClient = class SQSClient {};',
      'modules/left-pad/package.json': '{"name":"left-pad","main":"index.js"}',
      'modules/left-pad/index.js': 'module.exports = (s) => s;',
    });
    const sdkFn = await zipTree(path.join(dir, 'sdk.zip'), {
      'index.mjs': `import { SQSClient } from '@aws-sdk/client-sqs';
export const handler = async () => ({ esm: SQSClient.name, cjs: (await import('./cjs.cjs')).default.name });
export const other = async () => (await import('left-pad')).default('x');`,
      'cjs.cjs': `module.exports = require('@aws-sdk/client-sqs').SQSClient;`,
    });
    const runtimeModules = { from: path.join(dir, 'modules'), packages: ['@aws-sdk'] };
    const ok = await run({ zipPath: sdkFn, handler: 'index.handler', runtimeModules });
    expect(ok.response).toEqual({ esm: 'SQSClient', cjs: 'SQSClient' });
    const hidden = await run({ zipPath: sdkFn, handler: 'index.other', runtimeModules });
    expect(hidden.error?.errorMessage).toMatch(/left-pad/);
    const missing = await run({ zipPath: sdkFn, handler: 'index.handler', runtimeModules: { from: path.join(dir, 'nowhere'), packages: ['@aws-sdk'] } });
    expect(missing.warnings.join('\n')).toMatch(/@aws-sdk not found in .*nowhere[\s\S]*install @aws-sdk in the workspace/);
    expect(missing.initError?.errorMessage ?? missing.error?.errorMessage).toMatch(/@aws-sdk\/client-sqs/);
  });
});
