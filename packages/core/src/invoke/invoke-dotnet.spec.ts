import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectTree } from '../archive/collect-tree';
import { writeDeterministicZip } from '../archive/zip-writer';
import { exec } from '../exec';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';

const FIXTURE = path.join(__dirname, 'fixtures', 'dotnet-handler');

describe('invokeFunction: dotnet (managed runtime)', () => {
  let fn: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'dotnet', runtime: 'dotnet8', timeoutMs: 10_000, initTimeoutMs: 60_000, zipPath: fn, ...over });

  beforeAll(async () => {
    const dir = await tempDir('invoke-dotnet');
    const src = path.join(dir, 'src');
    await fsp.cp(FIXTURE, src, { recursive: true });
    await exec({
      where: 'test:dotnet', command: 'dotnet', args: ['build', 'Fn.csproj', '-c', 'Release', '-nologo', '-o', path.join(dir, 'out')], cwd: src, timeoutMs: 300_000,
      env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    });
    fn = path.join(dir, 'function.zip');
    await writeDeterministicZip(fn, (await collectTree(path.join(dir, 'out'))).entries);
  }, 600_000);

  it('echoes the event through a (JsonElement, ILambdaContext) handler', async () => {
    const r = await run({ handler: 'Fn::Fn.Handlers::Echo', event: { name: 'ada' }, functionName: 'echo-fn' });
    expect(r.initError).toBeUndefined();
    expect(r.error).toBeUndefined();
    expect(r.response).toEqual({ echo: { name: 'ada' }, fn: 'echo-fn', remaining: true });
    expect(r.logs).toContain(`handling ${r.requestId}`);
  });

  it('deserialises a POCO parameter and awaits a Task<T> result', async () => {
    const r = await run({ handler: 'Fn::Fn.Handlers::Double', event: { id: 'o-1', qty: 21 } });
    expect(r.response).toEqual({ Id: 'o-1', Qty: 42 });
  });

  it('returns an exception thrown by the handler in Lambda\'s shape', async () => {
    const r = await run({ handler: 'Fn::Fn.Handlers::Fail', event: 'x' });
    expect(r.error).toMatchObject({ errorType: 'InvalidOperationException', errorMessage: 'bad input: name missing' });
    expect(r.error?.stackTrace?.join('\n')).toContain('Fn.Handlers.Fail');
  });

  it('stops a handler that runs past its timeout', async () => {
    const r = await run({ handler: 'Fn::Fn.Handlers::Spin', timeoutMs: 1500 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.50 seconds' });
  });

  it('reports a constructor that throws as an init error', async () => {
    const r = await run({ handler: 'Fn::Fn.Broken::Handle' });
    expect(r.initError).toMatchObject({ errorType: 'InvalidOperationException', errorMessage: 'cannot connect to the database at init' });
  });

  it('warns that the function runs on a newer local .NET than Lambda\'s', async () => {
    const r = await run({ handler: 'Fn::Fn.Handlers::Echo', event: {} });
    expect(r.warnings.join('\n')).toMatch(/dotnet8: running on the local \.NET \d+ runtime \(rolled forward\)/);
  });

  it('refuses an assembly published for another architecture, before .NET fails to load it', async () => {
    // `dotnet publish -r linux-arm64` marks the function's assembly ARM64 in its PE header; patched here on a copy.
    const dir = await tempDir('invoke-dotnet-arm');
    const tree = path.join(dir, 'tree');
    await exec({ where: 'test:unzip', command: 'unzip', args: ['-q', fn, '-d', tree], cwd: dir });
    const dll = await fsp.readFile(path.join(tree, 'Fn.dll'));
    const pe = dll.readUInt32LE(0x3c);
    expect(dll.readUInt32LE(pe)).toBe(0x00004550);
    dll.writeUInt16LE(0xaa64, pe + 4);
    await fsp.writeFile(path.join(tree, 'Fn.dll'), dll);
    const armZip = path.join(dir, 'function.zip');
    await writeDeterministicZip(armZip, (await collectTree(tree)).entries);
    await expect(run({ handler: 'Fn::Fn.Handlers::Echo', event: {}, zipPath: armZip })).rejects.toThrow(
      /invoke:native - \S+ has 1 native file\(s\) built for another machine than this x86_64 one\n {2}task\/Fn\.dll \(aarch64\)/);
  });
});
