import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../../errors';
import { tempDir } from '../../test-support/workspace';
import { fileExists, packagePython, startTestIndex, TestIndex } from './test-support/python-workspace';

/** Packages `fns/fn` of a workspace made of `files`; returns the error it must fail with. */
async function failure(files: Record<string, string>, over: Parameters<typeof packagePython>[2] = { projectRoot: 'fns/fn' }, index?: TestIndex): Promise<{ err: LambdaPackageError; root: string }> {
  const root = await tempDir('py-bad', files);
  const err = await packagePython(root, index, over).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LambdaPackageError);
  return { err: err as LambdaPackageError, root };
}

const noZip = (root: string) => fileExists(path.join(root, 'dist/fns/fn/function.zip'));

describe('python: bad input fails with a clear error and leaves no zip', () => {
  let index: TestIndex;
  beforeAll(async () => {
    index = await startTestIndex();
  });
  afterAll(async () => {
    await index?.close();
  });

  it('names the sdist-only package, the platform and the two ways out', async () => {
    const { err, root } = await failure({ 'fns/fn/app.py': 'def handler(e, c):\n    return 1\n', 'fns/fn/requirements.txt': 'slowpkg==0.1.0\n' }, undefined, index);
    expect(err.message).toMatch(/^python:install - slowpkg has no wheel for python3\.12 x86_64 .*only a source distribution/);
    expect(err.message).toContain('slowpkg-0.1.0.tar.gz');
    expect(err.hint).toMatch(/publish a wheel of slowpkg/);
    expect(err.hint).toMatch(/Linux container of the target architecture/);
    expect(await noZip(root)).toBe(false);
  });

  it('reports a handler module missing from the zip', async () => {
    const { err, root } = await failure({ 'fns/fn/main.py': 'def handler(e, c):\n    return 1\n' });
    expect(err.where).toBe('python:handler');
    expect(err.message).toContain('handler "app.handler" names module app, but app.py is not in the zip');
    expect(err.message).toContain('modules at the zip root: main.py');
    expect(await noZip(root)).toBe(false);
  });

  it('reports a module that does not define the handler function', async () => {
    const { err, root } = await failure({ 'fns/fn/svc/api.py': 'import json\n\ndef handle(e, c):\n    return 1\n' }, { projectRoot: 'fns/fn', handler: 'svc.api.handler' });
    expect(err.message).toContain('svc/api.py does not define handler');
    expect(err.message).toContain('module-level names in svc/api.py: json, handle');
    expect(await noZip(root)).toBe(false);
  });

  it('reports a syntax error in the handler module with its line', async () => {
    const { err, root } = await failure({ 'fns/fn/app.py': 'import os\n\ndef handler(event, context)\n    return 1\n' });
    expect(err.message).toMatch(/app\.py has a syntax error at line 3/);
    expect(await noZip(root)).toBe(false);
  });

  it('reports two different pins of one package across the function and a library', async () => {
    const { err, root } = await failure({
      'fns/fn/app.py': 'def handler(e, c):\n    return 1\n',
      'fns/fn/requirements.txt': 'pure-greet==1.0.0\n../../libs/util\n',
      'libs/util/pyproject.toml': '[project]\nname = "util"\nversion = "1.0"\ndependencies = ["pure-greet==1.1.0"]\n',
      'libs/util/util/__init__.py': '',
    });
    expect(err.where).toBe('python:resolve');
    expect(err.message).toContain('conflicting pins for pure-greet: 1.0.0 and 1.1.0');
    expect(err.message).toContain('libs/util/pyproject.toml: pure-greet==1.1.0');
    expect(await noZip(root)).toBe(false);
  });

  it('reports a pin the lockfile contradicts', async () => {
    const { err } = await failure({
      'fns/fn/app.py': 'def handler(e, c):\n    return 1\n',
      'fns/fn/pyproject.toml': '[project]\nname = "fn"\nversion = "0.1.0"\ndependencies = ["pure-greet==1.1.0"]\n',
      'fns/fn/uv.lock': 'version = 1\n\n[[package]]\nname = "fn"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "pure-greet" }]\n\n[[package]]\nname = "pure-greet"\nversion = "1.0.0"\nsource = { registry = "https://pypi.org/simple" }\n',
    });
    expect(err.message).toContain('conflicting pins for pure-greet: 1.1.0 in fns/fn/pyproject.toml, 1.0.0 in fns/fn/uv.lock');
  });

  it('rejects an unknown runtime', async () => {
    const { err, root } = await failure({ 'fns/fn/app.py': 'def handler(e, c):\n    return 1\n' }, { projectRoot: 'fns/fn', runtime: 'python2.7' });
    expect(err.where).toBe('python:options');
    expect(err.message).toContain('unknown runtime "python2.7"');
    expect(err.message).toContain('python3.12');
    expect(await noZip(root)).toBe(false);
  });

  it('reports a workspace library path that does not exist', async () => {
    const { err } = await failure({ 'fns/fn/app.py': 'def handler(e, c):\n    return 1\n', 'fns/fn/requirements.txt': '-e ../../libs/nope\n' });
    expect(err.message).toContain('workspace library libs/nope (required by fns/fn/requirements.txt) has no pyproject.toml');
  });
});
