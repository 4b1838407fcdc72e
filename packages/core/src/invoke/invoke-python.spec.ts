import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../exec';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';
import { zipTree } from './test-support/zip-tree';

describe('invokeFunction: python', () => {
  let fn: string;
  let layer: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'python', runtime: 'python3.12', timeoutMs: 5000, initTimeoutMs: 60_000, zipPath: fn, layerZips: [layer], ...over });

  beforeAll(async () => {
    const dir = await tempDir('invoke-python');
    fn = await zipTree(path.join(dir, 'function.zip'), {
      'app/__init__.py': '',
      'app/main.py': `import time
import greeter

def handler(event, context):
    print("handling", context.aws_request_id)
    return {"echo": event, "greeting": greeter.greet(event["name"]), "fn": context.function_name,
            "remaining": context.get_remaining_time_in_millis() > 0}

def fail(event, context):
    raise ValueError("bad input: name missing")

def spin(event, context):
    while True:
        time.sleep(0.05)
`,
      'broken.py': 'raise RuntimeError("cannot connect to the database at init")\n',
    });
    layer = await zipTree(path.join(dir, 'layer.zip'), {
      'python/greeter.py': 'def greet(name):\n    return "hello %s from the layer" % name\n',
    });
  });

  it('echoes the event and reads a dependency from its layer', async () => {
    const r = await run({ handler: 'app/main.handler', event: { name: 'ada' }, functionName: 'echo-fn' });
    expect(r.error).toBeUndefined();
    expect(r.response).toEqual({ echo: { name: 'ada' }, greeting: 'hello ada from the layer', fn: 'echo-fn', remaining: true });
    expect(r.logs).toContain(`handling ${r.requestId}`);
  });

  it('accepts the dotted module form of the handler', async () => {
    const r = await run({ handler: 'app.main.handler', event: { name: 'bob' } });
    expect(r.response).toMatchObject({ greeting: 'hello bob from the layer' });
  });

  it('returns an exception raised by the handler in Lambda\'s shape', async () => {
    const r = await run({ handler: 'app.main.fail' });
    expect(r.error).toMatchObject({ errorType: 'ValueError', errorMessage: 'bad input: name missing' });
    expect(r.error?.stackTrace?.join('\n')).toContain('main.py');
  });

  it('stops a handler that runs past its timeout', async () => {
    const r = await run({ handler: 'app.main.spin', timeoutMs: 1000 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
  });

  it('reports an exception at import as an init error', async () => {
    const r = await run({ handler: 'broken.handler' });
    expect(r.initError).toMatchObject({ errorType: 'RuntimeError', errorMessage: 'cannot connect to the database at init' });
  });

  it('reports a missing module as Runtime.ImportModuleError', async () => {
    const r = await run({ handler: 'nowhere.handler' });
    expect(r.initError?.errorType).toBe('Runtime.ImportModuleError');
    expect(r.initError?.errorMessage).toContain("Unable to import module 'nowhere'");
  });

  it('refuses a layer whose native extension is built for another architecture', async () => {
    const dir = await tempDir('invoke-python-arm', { 'fast.c': 'int fast(void) { return 1; }\n' });
    await exec({ where: 'test:cc', command: 'aarch64-linux-gnu-gcc', args: ['-shared', '-fPIC', '-o', 'fast.so', 'fast.c'], cwd: dir });
    const armLayer = await zipTree(path.join(dir, 'arm-layer.zip'), { 'python/fast.cpython-312-aarch64-linux-gnu.so': await fsp.readFile(path.join(dir, 'fast.so')) });
    await expect(run({ handler: 'app.main.handler', layerZips: [layer, armLayer] })).rejects.toThrow(
      /invoke:native - \S+ has 1 native file\(s\) built for another machine than this x86_64 one\n {2}opt\/python\/fast\.cpython-312-aarch64-linux-gnu\.so \(aarch64\)\n {2}Fix: package it for this machine/);
  });

  it('warns that the local python is not the runtime\'s version', async () => {
    // No python3.14 here (not on PATH, not installed by pyenv): the plain python3 runs it.
    const r = await run({ handler: 'app.main.handler', runtime: 'python3.14', event: { name: 'x' } });
    expect(r.warnings.join('\n')).toMatch(/python3\.14: the local python is 3\.\d+, Lambda runs 3\.14/);
  });

  it('runs the runtime\'s version that pyenv installed though it is not the active one (its shim would exit 127)', async () => {
    const pyenvRoot = await tempDir('invoke-pyenv');
    const marker = path.join(pyenvRoot, 'used');
    const bin = path.join(pyenvRoot, 'versions/3.13.7/bin');
    await fsp.mkdir(bin, { recursive: true });
    // Stands in for pyenv's 3.13: notes that it ran, then runs this machine's python3.
    await fsp.writeFile(path.join(bin, 'python3.13'), `#!/bin/sh\necho ran >> '${marker}'\nexec python3 "$@"\n`, { mode: 0o755 });
    const before = process.env.PYENV_ROOT;
    process.env.PYENV_ROOT = pyenvRoot;
    try {
      const r = await run({ handler: 'app.main.handler', runtime: 'python3.13', event: { name: 'x' } });
      expect(r.error ?? r.initError).toBeUndefined();
      expect(await fsp.readFile(marker, 'utf8')).toContain('ran');
    } finally {
      if (before === undefined) delete process.env.PYENV_ROOT;
      else process.env.PYENV_ROOT = before;
    }
  });
});
