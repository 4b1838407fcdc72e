import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../exec';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';
import { zipTree } from './test-support/zip-tree';

const SOURCE = path.join(__dirname, 'fixtures', 'go-custom-runtime');

async function goBuild(out: string): Promise<Buffer> {
  await exec({
    where: 'test:go', command: 'go', args: ['build', '-trimpath', '-o', out, '.'], cwd: SOURCE, timeoutMs: 170_000,
    env: { CGO_ENABLED: '0', GOOS: 'linux', GOFLAGS: '-mod=mod', GOPROXY: 'off' },
  });
  return fsp.readFile(out);
}

describe('invokeFunction: custom runtime (Go bootstrap)', () => {
  let dir: string;
  let fn: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'go', runtime: 'provided.al2023', timeoutMs: 5000, initTimeoutMs: 60_000, zipPath: fn, ...over });

  beforeAll(async () => {
    dir = await tempDir('invoke-go');
    const bootstrap = await goBuild(path.join(dir, 'bootstrap'));
    fn = await zipTree(path.join(dir, 'function.zip'), { 'bootstrap*': bootstrap });
  });

  it('runs the function\'s own bootstrap against the Runtime API and returns its response', async () => {
    const r = await run({ handler: 'echo', event: { name: 'ada' }, functionName: 'go-fn' });
    expect(r.response).toEqual({ echo: { name: 'ada' }, fn: 'go-fn', hasDeadline: true });
    expect(r.logs).toContain(`handling ${r.requestId}`);
  });

  it('returns the error the bootstrap posts', async () => {
    const r = await run({ handler: 'fail' });
    expect(r.error).toEqual({ errorType: 'errorString', errorMessage: 'bad input: name missing', stackTrace: [] });
  });

  it('stops a bootstrap that runs past its timeout', async () => {
    const r = await run({ handler: 'spin', timeoutMs: 1000 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
  });

  it('returns the init error the bootstrap posts', async () => {
    const r = await run({ handler: 'initfail' });
    expect(r.initError).toEqual({ errorType: 'InitConfigError', errorMessage: 'config missing at init' });
  });

  it('runs opt/bootstrap from a layer when the task root has none', async () => {
    const bare = await zipTree(path.join(dir, 'bare.zip'), { 'config.json': '{}' });
    const layer = await zipTree(path.join(dir, 'runtime-layer.zip'), { 'bootstrap*': await fsp.readFile(path.join(dir, 'bootstrap')) });
    const r = await run({ zipPath: bare, layerZips: [layer], handler: 'echo', event: { from: 'layer' } });
    expect(r.response).toMatchObject({ echo: { from: 'layer' } });
  });

  it('reports Runtime.InvalidEntrypoint when neither task nor layers hold a bootstrap', async () => {
    const bare = await zipTree(path.join(dir, 'no-bootstrap.zip'), { 'main.go': 'package main' });
    const r = await run({ zipPath: bare, handler: 'echo' });
    expect(r.initError?.errorType).toBe('Runtime.InvalidEntrypoint');
  });

});
