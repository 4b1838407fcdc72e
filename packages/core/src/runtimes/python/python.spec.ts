import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import type { PackageResult } from '../../package/pipeline';
import { elfMachine, writeFiles } from '../../test-support/workspace';
import { packagePython, startTestIndex, TestIndex, workspaceFromFixture } from './test-support/python-workspace';
import { invokePackaged } from '../../test-support/invoke';

const zipNames = (zipPath: string) => ZipReader.with(zipPath, (zip) => zip.names);

const zipFile = (zipPath: string, name: string) => ZipReader.with(zipPath, (zip) => zip.read(name));

describe('python: with-deps (requirements.txt, a workspace library, pure and compiled wheels)', () => {
  let index: TestIndex;
  let root: string;
  let x86: PackageResult;
  let arm: PackageResult;
  let x86Again: PackageResult;

  beforeAll(async () => {
    index = await startTestIndex();
    root = await workspaceFromFixture('with-deps');
    // bytecode a local run left behind: must not ship
    await fsp.mkdir(path.join(root, 'fns/hello/__pycache__'));
    await fsp.writeFile(path.join(root, 'fns/hello/__pycache__/app.cpython-311.pyc'), 'stale');
    // Not the function: sample events, and folders that are projects of their own.
    await writeFiles(path.join(root, 'fns/hello'), {
      'events/sample.json': '{"name":"world"}',
      'nested/lambda.json': '{"runtime":"python3.12","handler":"other.handler"}', 'nested/other.py': 'def handler(e, c): return 1\n',
      'helpers/project.json': '{"name":"helpers"}', 'helpers/tool.py': 'X = 1\n',
    });
    x86 = await packagePython(root, index, { projectRoot: 'fns/hello', outputPath: path.join(root, 'dist/x86') });
    arm = await packagePython(root, index, { projectRoot: 'fns/hello', architecture: 'arm64', outputPath: path.join(root, 'dist/arm') });
    x86Again = await packagePython(root, index, { projectRoot: 'fns/hello', outputPath: path.join(root, 'dist/x86-again') });
  });
  afterAll(async () => {
    await index?.close();
  });

  it('x86_64 build ships the x86_64 wheel of the compiled package', async () => {
    expect(elfMachine(await zipFile(x86.zipPath, 'fast_ext/_fast.so'))).toBe('x86_64');
    expect(await zipNames(x86.zipPath)).toContain('fast_ext-2.0.0.dist-info/WHEEL');
  });

  it('arm64 build ships the aarch64 wheel of the compiled package', async () => {
    expect(elfMachine(await zipFile(arm.zipPath, 'fast_ext/_fast.so'))).toBe('aarch64');
  });

  it('copies the workspace library in as real files, not an editable link', async () => {
    const names = await zipNames(x86.zipPath);
    expect(names).toEqual(expect.arrayContaining(['greeting/__init__.py', 'greeting/punctuation.py', 'app.py']));
    expect(names.filter((n) => n.endsWith('.pth') || n.endsWith('.egg-link') || n.includes('__editable__'))).toEqual([]);
  });

  it('drops bytecode, tests and project files, keeps dist-info', async () => {
    const names = await zipNames(x86.zipPath);
    expect(names.filter((n) => n.includes('__pycache__') || n.endsWith('.pyc'))).toEqual([]);
    expect(names.filter((n) => n.split('/').includes('tests'))).toEqual([]);
    expect(names).not.toContain('requirements.txt');
    expect(names).toContain('pure_greet-1.0.0.dist-info/METADATA');
  });

  it('leaves out events/ and folders that are projects of their own (their files are not this project\'s cache inputs)', async () => {
    const names = await zipNames(x86.zipPath);
    expect(names.filter((n) => /^(events|nested|helpers)\//.test(n))).toEqual([]);
  });

  it('records each distribution with version, platform tag and size, and the library', () => {
    const deps = Object.fromEntries(x86.manifest.dependencies.map((d) => [d.name, d]));
    expect(deps['fast-ext']).toMatchObject({ version: '2.0.0', platform: 'cp312-cp312-manylinux2014_x86_64', location: 'function' });
    expect(deps['pure-greet']).toMatchObject({ version: '1.0.0', platform: 'any', location: 'function' });
    expect(deps['fast-ext'].size).toBeGreaterThan(1000);
    expect(deps.greeting).toMatchObject({ version: '0.3.0', location: 'function', reason: 'workspace library copied from libs/greeting' });
    expect(Object.keys(x86.manifest.toolchain)).toEqual(['python', 'pip']);
    expect(arm.manifest.dependencies.find((d) => d.name === 'fast-ext')?.platform).toBe('cp312-cp312-manylinux2014_aarch64');
  });

  it('builds byte-identical zips from the same inputs', async () => {
    expect(x86Again.manifest.sha256).toBe(x86.manifest.sha256);
    expect(await fsp.readFile(x86Again.zipPath)).toEqual(await fsp.readFile(x86.zipPath));
  });

  it('runs the handler from the x86_64 zip through the local Lambda runtime', async () => {
    expect((await invokePackaged(x86, { name: 'lambda' }, { timeoutMs: 10_000 })).response).toEqual({ message: 'HELLO LAMBDA!', pure_greet: '1.0.0' });
  });
});

describe('python: lockfile pins', () => {
  let index: TestIndex;
  beforeAll(async () => {
    index = await startTestIndex();
  });
  afterAll(async () => {
    await index?.close();
  });

  it('installs the versions uv.lock pins, skipping win32-only and dev packages', async () => {
    const root = await workspaceFromFixture('uv-lock');
    const { manifest } = await packagePython(root, index, { projectRoot: 'fns/api' });
    expect(manifest.dependencies.map((d) => `${d.name}@${d.version}`)).toEqual(['greeting@0.3.0', 'pure-greet@1.0.0']);
    expect(manifest.notes?.requirementsFrom).toBe('fns/api/uv.lock');
  });

  it('installs the versions poetry.lock pins, with the path dependency as files', async () => {
    const root = await workspaceFromFixture('poetry-lock');
    const result = await packagePython(root, index, { projectRoot: 'fns/worker' });
    expect(result.manifest.dependencies.map((d) => `${d.name}@${d.version}`)).toEqual(['greeting@0.3.0', 'pure-greet@1.0.0']);
    expect((await invokePackaged(result, {}, { timeoutMs: 10_000 })).response).toEqual({ message: 'HELLO POETRY!', pure_greet: '1.0.0' });
  });

  it('lets pip resolve the newest version when nothing pins it', async () => {
    const root = await workspaceFromFixture('uv-lock');
    await fsp.rm(path.join(root, 'fns/api/uv.lock'));
    const { manifest } = await packagePython(root, index, { projectRoot: 'fns/api' });
    expect(manifest.dependencies.find((d) => d.name === 'pure-greet')?.version).toBe('1.1.0');
  });
});
