import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { invokeFunction } from '../../invoke/index';
import { packageFunction, PackageResult } from '../../package/pipeline';
import type { FunctionBuildRequest } from '../types';
import { elfMachine, makeRequest } from '../../test-support/workspace';
import { goWorkspace, requireGo } from './test-support/go-workspace';
import { GoStrategy } from './index';
import { failure } from '../../test-support/failure';

function pkg(ws: string, projectRoot: string, over: Partial<FunctionBuildRequest> = {}): Promise<PackageResult> {
  return packageFunction(GoStrategy, makeRequest(ws, { family: 'go', runtime: 'provided.al2023', handler: 'bootstrap', projectRoot, ...over }));
}


const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let ws: string;
beforeAll(async () => {
  ws = await goWorkspace('go', { 'no-main': 'no-main', 'broken-build': 'broken-build', 'uses-cgo': 'uses-cgo', 'with-deps': 'functions' });
});
afterAll(() => fsp.rm(ws, { recursive: true, force: true }));

describe('GoStrategy (with-deps: stdlib Runtime API loop + workspace module by replace)', () => {
  let goVersion: string;
  let ws2: string;
  let amd: PackageResult;
  let arm: PackageResult;
  let elsewhere: PackageResult;

  beforeAll(async () => {
    goVersion = requireGo();
    ws2 = await goWorkspace('go-elsewhere', { 'with-deps': 'deep/er/place' });
    [amd, arm] = await Promise.all([
      pkg(ws, 'functions/hello'),
      pkg(ws, 'functions/hello', { architecture: 'arm64', outputPath: path.join(ws, 'dist/hello-arm64') }),
    ]);
    elsewhere = await pkg(ws2, 'deep/er/place/hello');
  });

  afterAll(() => fsp.rm(ws2, { recursive: true, force: true }));

  it('zips a single static x86_64 bootstrap stored 0755', async () => {
    const zip = await ZipReader.open(amd.zipPath);
    try {
      expect(zip.names).toEqual(['bootstrap']);
      expect(zip.entry('bootstrap')?.mode).toBe(0o755);
      expect(elfMachine(await zip.read('bootstrap'))).toBe('x86_64');
    } finally {
      await zip.close();
    }
  });

  it('builds an aarch64 bootstrap for architecture arm64', async () => {
    const zip = await ZipReader.open(arm.zipPath);
    try {
      expect(elfMachine(await zip.read('bootstrap'))).toBe('aarch64');
    } finally {
      await zip.close();
    }
  });

  it('gives byte-identical bootstrap and zip from another workspace path', async () => {
    expect(sha(await fsp.readFile(elsewhere.zipPath))).toBe(sha(await fsp.readFile(amd.zipPath)));
    expect(elsewhere.manifest.codeSha256).toBe(amd.manifest.codeSha256);
  });

  it('answers an invocation through the Runtime API when run from the unzipped tree', async () => {
    const result = await invokeFunction({ zipPath: amd.zipPath, family: 'go', runtime: 'provided.al2023', handler: 'bootstrap', event: { Text: 'hello' } });
    expect(result.error ?? result.initError).toBeUndefined();
    expect(result.response).toEqual({ echo: 'HELLO!', handler: 'bootstrap' });
  });


  it('lists the same modules as go version -m of the bootstrap', async () => {
    const bin = path.join(ws, 'bootstrap.copy');
    const zip = await ZipReader.open(amd.zipPath);
    try {
      await fsp.writeFile(bin, await zip.read('bootstrap'), { mode: 0o755 });
    } finally {
      await zip.close();
    }
    const deps = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8' }).split('\n')
      .map((l) => l.trim().split('\t')).filter((f) => f[0] === 'dep').map((f) => `${f[1]}@${f[2]}`);
    expect(amd.manifest.dependencies.map((d) => `${d.name}@${d.version}`)).toEqual(deps);
  });

  it('records each module with its replace, the go toolchain, and that there are no layers', () => {
    const m = amd.manifest;
    expect(m.dependencies).toEqual([
      { name: 'example.com/shout', version: 'v0.1.0', size: 0, location: 'function', platform: 'linux/amd64', reason: 'compiled into bootstrap (replace => ../shout)' },
    ]);
    expect(m.toolchain).toEqual({ go: goVersion });
    expect(m.notes).toMatchObject({ layersSupported: false, mainModule: 'example.com/hello', target: 'linux/amd64' });
  });

  it('keeps the module and build caches in the shared cache dir, not in dist', () => {
    expect(existsSync(path.join(ws, '.nx/nx-lambda/go/build'))).toBe(true);
    expect(existsSync(path.join(ws, 'dist/functions/hello/build'))).toBe(false);
  });
});

describe('GoStrategy bad input', () => {
  beforeAll(() => void requireGo());

  it('rejects a project without a main package and leaves no zip', async () => {
    const err = await failure(pkg(ws, 'no-main'));
    expect(err.message).toMatch(/^go:build - no-main: "\." is not a main package/);
    expect(err.hint).toContain('mainPackage');
    expect(existsSync(path.join(ws, 'dist/no-main/function.zip'))).toBe(false);
  });

  it('reports a compile error with the compiler output and leaves no zip', async () => {
    const err = await failure(pkg(ws, 'broken-build'));
    expect(err.message).toMatch(/^go:build - broken-build: go build \. failed/);
    expect(err.message).toContain('main.go:4');
    expect(existsSync(path.join(ws, 'dist/broken-build/function.zip'))).toBe(false);
  });

  it('says that cgo is off and which files it left out, not only the names they define', async () => {
    const err = await failure(pkg(ws, 'uses-cgo', { architecture: 'arm64' }));
    expect(err.message).toMatch(/^go:build - uses-cgo: go build \. failed: it uses cgo, which is off \(CGO_ENABLED=0\)/);
    expect(err.details).toContain('cgo files left out: example.com/usescgo: add.go');
    expect(err.hint).toContain('pure Go');
    expect(existsSync(path.join(ws, 'dist/uses-cgo/function.zip'))).toBe(false);
  });

  it('refuses layers: Go compiles its dependencies in', async () => {
    const layer = { layer: 'shared', provides: [{ name: 'example.com/x', version: 'v1.0.0', platform: 'any', size: 1 }], unzippedSize: 0 };
    const err = await failure(pkg(ws, 'broken-build', { layers: [layer] }));
    expect(err.where).toBe('go:options');
  });
});
