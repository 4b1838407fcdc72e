import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectTree } from '../archive/collect-tree';
import { writeDeterministicZip } from '../archive/zip-writer';
import { exec } from '../exec';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';

const FIXTURE = path.join(__dirname, 'fixtures', 'java-handler');

async function javac(out: string, sources: string, classpath: string[]): Promise<void> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fsp.readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (e.name.endsWith('.java')) files.push(path.join(d, e.name));
    }
  };
  await walk(sources);
  const cp = classpath.length ? ['-cp', classpath.join(':')] : [];
  await exec({ where: 'test:javac', command: 'javac', args: ['--release', '11', '-d', out, ...cp, ...files], cwd: sources, timeoutMs: 170_000 });
}

/** Zips a folder of classes with our writer (a jar is a zip). */
async function zipDir(dir: string, target: string, prefix = ''): Promise<string> {
  await writeDeterministicZip(target, (await collectTree(dir, { prefix })).entries);
  return target;
}

describe('invokeFunction: java', () => {
  let fn: string;
  let layer: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'java', runtime: 'java17', timeoutMs: 10_000, initTimeoutMs: 60_000, zipPath: fn, layerZips: [layer], ...over });

  beforeAll(async () => {
    const dir = await tempDir('invoke-java');
    const layerClasses = path.join(dir, 'layer-classes');
    const fnClasses = path.join(dir, 'fn-classes');
    await javac(layerClasses, path.join(FIXTURE, 'layer'), []);
    await javac(fnClasses, path.join(FIXTURE, 'function'), [layerClasses]);
    const jarDir = path.join(dir, 'layer-tree', 'java', 'lib');
    await fsp.mkdir(jarDir, { recursive: true });
    await zipDir(layerClasses, path.join(jarDir, 'greeter.jar'));
    layer = await zipDir(path.join(dir, 'layer-tree'), path.join(dir, 'layer.zip'));
    fn = await zipDir(fnClasses, path.join(dir, 'function.zip'));
  });

  it('echoes the event and reads a class from a jar in its layer', async () => {
    const r = await run({ handler: 'example.Handler::handleRequest', event: { name: 'ada' }, functionName: 'echo-fn' });
    expect(r.error).toBeUndefined();
    expect(r.initError).toBeUndefined();
    expect(r.response).toEqual({ echo: { name: 'ada' }, greeting: 'hello ada from the layer', fn: 'echo-fn', remaining: true });
    expect(r.logs).toContain(`handling ${r.requestId}`);
  });

  it('uses handleRequest when the handler names only the class', async () => {
    const r = await run({ handler: 'example.Handler', event: { name: 'bob' } });
    expect(r.response).toMatchObject({ greeting: 'hello bob from the layer' });
  });

  it('converts the event to a POJO parameter and the POJO result to JSON', async () => {
    const r = await run({ handler: 'example.Handler::order', event: { id: 'o-1', qty: 21 } });
    expect(r.response).toEqual({ id: 'o-1', qty: 42 });
  });

  it('returns an exception thrown by the handler in Lambda\'s shape', async () => {
    const r = await run({ handler: 'example.Handler::fail' });
    expect(r.error).toMatchObject({ errorType: 'java.lang.IllegalArgumentException', errorMessage: 'bad input: name missing' });
    expect(r.error?.stackTrace?.join('\n')).toContain('example.Handler.fail(Handler.java');
  });

  it('stops a handler that runs past its timeout', async () => {
    const r = await run({ handler: 'example.Handler::spin', timeoutMs: 1500 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.50 seconds' });
  });

  it('reports a failing static initialiser as an init error', async () => {
    const r = await run({ handler: 'example.Broken::handle' });
    expect(r.initError?.errorType).toBe('java.lang.ExceptionInInitializerError');
  });

  it('reports a class that is not on the classpath as an init error', async () => {
    const r = await run({ handler: 'example.Missing::handle' });
    expect(r.initError).toMatchObject({ errorType: 'java.lang.ClassNotFoundException', errorMessage: 'example.Missing' });
  });
});
