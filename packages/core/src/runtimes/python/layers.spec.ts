import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { makeRequest, tempDir } from '../../test-support/workspace';
import { PythonStrategy } from './index';
import { fileExists, isolatedPipExec, packagePython, startTestIndex, TestIndex, workspaceFromFixture } from './test-support/python-workspace';

describe('python: layer-ready', () => {
  let index: TestIndex;
  beforeAll(async () => {
    index = await startTestIndex();
  });
  afterAll(async () => {
    await index?.close();
  });

  it('puts layer dependencies under python/', () => {
    expect(PythonStrategy.layerRoot?.('python3.12')).toBe('python');
  });

  it('leaves out the distributions a layer provides and says which layer has them', async () => {
    const root = await workspaceFromFixture('with-deps');
    const provides = [{ name: 'pure-greet', version: '1.0.0', platform: 'any', size: 0 }];
    const { zipPath, manifest } = await packagePython(root, index, { projectRoot: 'fns/hello', layers: [{ layer: 'shared-deps', provides, unzippedSize: 0 }] });
    const zip = await ZipReader.open(zipPath);
    const names = zip.entries.map((e) => e.name);
    await zip.close();
    expect(names.filter((n) => n.startsWith('pure_greet'))).toEqual([]);
    expect(names).toContain('fast_ext/_fast.so');
    expect(manifest.dependencies.find((d) => d.name === 'pure-greet')).toMatchObject({ location: 'shared-deps', reason: 'supplied by layer shared-deps' });
    expect(manifest.layers).toEqual(['shared-deps']);
  });

  it('buildLayer installs exactly the given pins under python/ for the target architecture', async () => {
    const root = await tempDir('py-layer');
    const stagingDir = path.join(root, 'staging');
    const workDir = path.join(root, 'work');
    await fsp.mkdir(stagingDir);
    await fsp.mkdir(workDir);
    const request = makeRequest(root, { family: 'python', runtime: 'python3.12', handler: '-', projectRoot: 'layers/shared', architecture: 'arm64', options: { indexUrl: index.url } });
    const result = await PythonStrategy.buildLayer!({
      request, stagingDir, workDir, cacheDir: path.join(root, 'cache'), exec: isolatedPipExec(path.join(root, 'pip-cache')), warn: () => undefined, log: () => undefined,
    }, [{ name: 'fast-ext', version: '2.0.0', platform: 'cp312-cp312-manylinux2014_aarch64', size: 0 }]);
    expect(await fileExists(path.join(stagingDir, 'python/fast_ext/_fast.so'))).toBe(true);
    expect(await fileExists(path.join(stagingDir, 'python/pure_greet'))).toBe(false);
    expect(result.dependencies).toEqual([expect.objectContaining({ name: 'fast-ext', version: '2.0.0', location: 'shared', platform: 'cp312-cp312-manylinux2014_aarch64' })]);
  });
});
