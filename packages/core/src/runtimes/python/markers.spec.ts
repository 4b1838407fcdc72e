import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { elfMachine, tempDir } from '../../test-support/workspace';
import { packagePython, startTestIndex, TestIndex } from './test-support/python-workspace';

const APP = 'import fast_ext, pure_greet\n\ndef handler(event, context):\n    return pure_greet.greet("x")\n';

/**
 * Markers must hold for Lambda (linux, aarch64, the runtime's Python), not for this x86_64 machine
 * and its older local Python (pip evaluates them for the machine it runs on).
 */
describe('python: environment markers are evaluated for the Lambda target', () => {
  let index: TestIndex;
  beforeAll(async () => {
    index = await startTestIndex();
  });
  afterAll(async () => {
    await index?.close();
  });

  const shipped = async (zipPath: string) => ZipReader.with(zipPath, async (zip) => ({
    names: zip.names,
    so: zip.names.includes('fast_ext/_fast.so') ? elfMachine(await zip.read('fast_ext/_fast.so')) : undefined,
  }));

  it('requirements.txt: keeps the aarch64 and python>=3.12 lines for arm64 python3.12, drops the x86_64-only one (hashes kept)', async () => {
    const sha = async (wheel: string) => createHash('sha256').update(await fsp.readFile(path.join(index.dir, wheel))).digest('hex');
    const root = await tempDir('py-markers', {
      'fns/fn/app.py': APP,
      'fns/fn/requirements.txt': [
        // as pip-compile --generate-hashes writes them
        `fast-ext==2.0.0 ; platform_machine == "aarch64" and sys_platform == "linux" \\\n    --hash=sha256:${await sha('fast_ext-2.0.0-cp312-cp312-manylinux2014_aarch64.whl')}`,
        `pure-greet==1.0.0 ; python_version >= "3.12" \\\n    --hash=sha256:${await sha('pure_greet-1.0.0-py3-none-any.whl')}`,
        // an sdist only: pip would fail on it if the line were not left out for aarch64
        'slowpkg==0.1.0 ; platform_machine == "x86_64"',
        '',
      ].join('\n'),
    });
    const result = await packagePython(root, index, { projectRoot: 'fns/fn', architecture: 'arm64' });
    const { names, so } = await shipped(result.zipPath);
    expect(so).toBe('aarch64');
    expect(names).toContain('pure_greet/__init__.py');
    expect(names.filter((n) => n.startsWith('slowpkg'))).toEqual([]);
    expect(result.manifest.dependencies.map((d) => `${d.name}@${d.version}`)).toEqual(['fast-ext@2.0.0', 'pure-greet@1.0.0']);
  });

  it('pyproject.toml without a lockfile: a dependency whose marker holds for the target is installed', async () => {
    const root = await tempDir('py-markers-pyproject', {
      'fns/fn/app.py': APP,
      'fns/fn/pyproject.toml': [
        '[project]', 'name = "fn"', 'version = "1.0.0"',
        'dependencies = [\'fast-ext==2.0.0; platform_machine == "aarch64"\', \'pure-greet==1.0.0; python_version >= "3.12"\']', '',
      ].join('\n'),
    });
    const result = await packagePython(root, index, { projectRoot: 'fns/fn', architecture: 'arm64' });
    const { names, so } = await shipped(result.zipPath);
    expect(so).toBe('aarch64');
    expect(names).toContain('pure_greet/__init__.py');
  });
});
