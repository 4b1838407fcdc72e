import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exec, Exec } from '../../../exec';
import { packageFunction, PackageResult } from '../../../package/pipeline';
import { copyTree } from '../../../package/stage';
import { makeRequest, tempDir } from '../../../test-support/workspace';
import type { FunctionBuildRequest } from '../../types';
import { PythonStrategy } from '../index';
import { serveSimpleIndex, SimpleIndex } from './simple-index';
import { compileSharedObject, writeSdist, writeWheel } from './wheels';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** The tests' own package index: what PyPI would serve, built on the spot. */
export interface TestIndex extends SimpleIndex {
  dir: string;
}

/**
 * pure-greet 1.0.0 and 1.1.0 (pure), fast-ext 2.0.0 with a compiled .so for x86_64 and for
 * aarch64 (requires pure-greet), slowpkg 0.1.0 as an sdist only.
 */
export async function startTestIndex(): Promise<TestIndex> {
  const dir = await tempDir('pyindex');
  for (const version of ['1.0.0', '1.1.0']) {
    await writeWheel(dir, {
      name: 'pure-greet', version, tag: 'py3-none-any',
      files: {
        'pure_greet/__init__.py': `VERSION = ${JSON.stringify(version)}\n\ndef greet(name):\n    return "hello " + name\n`,
        'pure_greet/tests/test_greet.py': 'def test_greet():\n    pass\n',
      },
    });
  }
  for (const machine of ['x86_64', 'aarch64'] as const) {
    await writeWheel(dir, {
      name: 'fast-ext', version: '2.0.0', tag: `cp312-cp312-manylinux2014_${machine}`, requires: ['pure-greet>=1.0'],
      files: { 'fast_ext/__init__.py': '', 'fast_ext/_fast.so': await compileSharedObject(dir, machine) },
    });
  }
  await writeSdist(dir, 'slowpkg', '0.1.0');
  const server = await serveSimpleIndex(dir);
  return { ...server, dir };
}

/** Real exec, with pip isolated from this machine's pip.conf, PIP_* settings and cache. */
export function isolatedPipExec(cacheDir: string): Exec {
  return (req) => exec({
    ...req,
    env: { ...req.env, PIP_CONFIG_FILE: os.devNull, PIP_FIND_LINKS: undefined, PIP_INDEX_URL: undefined, PIP_EXTRA_INDEX_URL: undefined, PIP_CACHE_DIR: cacheDir },
  });
}

/** Copies fixtures/<scenario> and the shared fixtures/libs into a fresh temp workspace; returns its root. */
export async function workspaceFromFixture(scenario: string): Promise<string> {
  const root = await tempDir(`py-${scenario}`);
  await copyTree(path.join(FIXTURES, scenario), root);
  await copyTree(path.join(FIXTURES, 'libs'), path.join(root, 'libs'));
  return root;
}

export type PythonRequestOverrides = Partial<FunctionBuildRequest> & Pick<FunctionBuildRequest, 'projectRoot'>;

/** Packages a Python function of `root` with the isolated pip and the test index. */
export async function packagePython(root: string, index: TestIndex | undefined, over: PythonRequestOverrides): Promise<PackageResult> {
  const request = makeRequest(root, {
    family: 'python', runtime: 'python3.12', handler: 'app.handler', ...over,
    options: { ...(index ? { indexUrl: index.url } : {}), ...over.options },
  });
  return packageFunction(PythonStrategy, request, { exec: isolatedPipExec(path.join(root, '.pip-cache')) });
}

export async function fileExists(p: string): Promise<boolean> {
  return fsp.stat(p).then(() => true, () => false);
}
