import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectTree } from '../../archive/collect-tree';
import { ZipReader } from '../../archive/zip-reader';
import { writeDeterministicZip } from '../../archive/zip-writer';
import { invokeFunction } from '../../invoke/index';
import { exec } from '../../exec';
import { familyCacheDir, packageFunction, PackageResult, withTempDirs } from '../../package/pipeline';
import { elfMachine, makeRequest, tempDir } from '../../test-support/workspace';
import type { FunctionBuildRequest } from '../types';
import { NodeStrategy } from './index';
import { freshWorkspace } from './test-support/fixture-workspace';
import { invokePackaged } from '../../test-support/invoke';

const SCENARIOS = ['with-deps', 'cjs', 'aws-sdk', 'node-modules'];

function request(ws: string, scenario: string, over: Partial<FunctionBuildRequest> = {}): FunctionBuildRequest {
  return makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${scenario}`, ...over });
}

const zipNames = (zipPath: string) => ZipReader.with(zipPath, (zip) => zip.names);

const zipText = (zipPath: string, name: string) => ZipReader.with(zipPath, async (zip) => (await zip.read(name)).toString('utf8'));

describe('node: TypeScript handler with a workspace library, a path alias and an npm dependency (ESM)', () => {
  let ws: string;
  let built: PackageResult;
  beforeAll(async () => {
    ws = await freshWorkspace('esm', SCENARIOS);
    built = await packageFunction(NodeStrategy, request(ws, 'with-deps'));
  });

  it('zips a single index.mjs bundle', async () => {
    expect(await zipNames(built.zipPath)).toEqual(['index.mjs']);
  });

  it('runs index.handler from the zip (invokeFunction, as nx run <fn>:invoke does)', async () => {
    const out = (await invokePackaged(built, { name: 'Ada' })).response;
    expect(out).toEqual({ message: 'Hello, Ada!', loud: 'ADA', timeoutMs: 120_000 });
  });

  it('records the zip handler and bundled packages with versions and bytes', () => {
    const m = built.manifest;
    expect(m.notes).toMatchObject({ lambdaHandler: 'index.handler', zipHandler: 'index.handler', entry: 'apps/with-deps/src/handler.ts', format: 'esm' });
    const msDep = m.dependencies.find((d) => d.name === 'ms');
    expect(msDep).toMatchObject({ version: '2.1.3', location: 'function', platform: 'any' });
    expect(msDep?.size).toBeGreaterThan(0);
    expect(m.dependencies.map((d) => d.name)).toEqual(['ms']);
    expect(m.toolchain.esbuild).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('writes no path of the build machine into the bundle', async () => {
    const code = await zipText(built.zipPath, 'index.mjs');
    expect(code).not.toContain(ws);
    expect(code).not.toContain(os.tmpdir());
    expect(code).toContain('createRequire');
  });

  it('is byte-identical when built again from a fresh copy at another path', async () => {
    const again = await freshWorkspace('esm-again', ['with-deps']);
    expect(again).not.toEqual(ws);
    const second = await packageFunction(NodeStrategy, request(again, 'with-deps'));
    expect(second.manifest.codeSha256).toEqual(built.manifest.codeSha256);
    expect(await fsp.readFile(second.zipPath)).toEqual(await fsp.readFile(built.zipPath));
  });
});

describe('node: CommonJS handler packaged as index.js with a source map', () => {
  let built: PackageResult;
  beforeAll(async () => {
    const ws = await freshWorkspace('cjs', ['cjs']);
    built = await packageFunction(NodeStrategy, request(ws, 'cjs', { runtime: 'nodejs20.x', options: { format: 'cjs', sourcemap: true } }));
  });

  it('zips index.js and its map', async () => {
    expect(await zipNames(built.zipPath)).toEqual(['index.js', 'index.js.map']);
  });

  it('runs index.handler with require() from the zip', async () => {
    expect((await invokePackaged(built, { span: '90s' })).response).toEqual({ seconds: 90 });
  });

  it('keeps source-map paths relative and tells to enable source maps', async () => {
    const map = JSON.parse(await zipText(built.zipPath, 'index.js.map')) as { sources: string[] };
    expect(map.sources).toContain('../src/handler.js');
    for (const s of map.sources) expect(path.isAbsolute(s)).toBe(false);
    expect(built.manifest.notes).toMatchObject({ environment: { NODE_OPTIONS: '--enable-source-maps' }, lambdaHandler: 'index.handler' });
  });
});

describe('node: minified bundle with an external source map', () => {
  it('writes index.mjs.map beside function.zip and keeps it out of the zip', async () => {
    const ws = await freshWorkspace('extmap', ['with-deps']);
    const built = await packageFunction(NodeStrategy, request(ws, 'with-deps', { options: { minify: true, sourcemap: 'external' } }));
    expect(await zipNames(built.zipPath)).toEqual(['index.mjs']);
    const map = JSON.parse(await fsp.readFile(path.join(path.dirname(built.zipPath), 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('../src/handler.ts');
    expect(await zipText(built.zipPath, 'index.mjs')).not.toContain('sourceMappingURL');
  });
});

describe('node: @aws-sdk/client-s3 stays external', () => {
  let built: PackageResult;
  beforeAll(async () => {
    const ws = await freshWorkspace('sdk', ['aws-sdk']);
    built = await packageFunction(NodeStrategy, request(ws, 'aws-sdk', { runtime: 'nodejs24.x' }));
  });

  it('imports the SDK from the runtime instead of bundling it', async () => {
    expect(await zipText(built.zipPath, 'index.mjs')).toMatch(/from\s*["']@aws-sdk\/client-s3["']/);
    expect(built.manifest.notes).toMatchObject({ externalImports: ['@aws-sdk/client-s3'] });
  });

  it('runs against the SDK the runtime supplies', async () => {
    // A stand-in for the SDK in Lambda's runtime: invoke links it beside the task root, and only it.
    const runtime = await tempDir('node-runtime-sdk', {
      'node_modules/@aws-sdk/client-s3/package.json': '{"name":"@aws-sdk/client-s3","type":"module","main":"index.js"}',
      'node_modules/@aws-sdk/client-s3/index.js': 'export class S3Client { constructor(c) { this.c = c; } }',
    });
    expect((await invokePackaged(built, { bucket: 'b1' }, { runtimeModules: { from: path.join(runtime, 'node_modules'), packages: ['@aws-sdk'] } })).response).toEqual({ bucket: 'b1', client: 'S3Client' });
  });
});

describe('node: nodeModules package with per-platform binaries, for arm64', () => {
  let built: PackageResult;
  let ws: string;
  beforeAll(async () => {
    ws = await freshWorkspace('arm64', ['node-modules']);
    built = await packageFunction(NodeStrategy, request(ws, 'node-modules', { architecture: 'arm64', options: { nodeModules: ['esbuild'] } }));
  });

  it('installs the linux-arm64 binary (ELF aarch64) and not the build machine one', async () => {
    const names = await zipNames(built.zipPath);
    expect(names).toContain('node_modules/@esbuild/linux-arm64/bin/esbuild');
    expect(names.some((n) => n.startsWith('node_modules/@esbuild/linux-x64/'))).toBe(false);
    const zip = await ZipReader.open(built.zipPath);
    try {
      expect(elfMachine(await zip.read('node_modules/@esbuild/linux-arm64/bin/esbuild'))).toBe('aarch64');
    } finally {
      await zip.close();
    }
  });

  it('lists installed node_modules with versions and platform in the manifest', () => {
    const deps = built.manifest.dependencies;
    expect(deps.find((d) => d.name === '@esbuild/linux-arm64')).toMatchObject({ version: '0.28.2', platform: 'linux-arm64', location: 'function' });
    expect(deps.find((d) => d.name === 'esbuild')?.reason).toContain('nodeModules');
    expect(deps.find((d) => d.name === 'ms')?.reason).toContain('bundled');
  });

  it('invoke refuses the arm64 zip on this x86_64 machine, naming the binary; the x86_64 build runs against its installed package', async () => {
    await expect(invokePackaged(built, {})).rejects.toThrow(/native file\(s\) built for another machine[\s\S]*linux-arm64\/bin\/esbuild/);
    const x64 = await packageFunction(NodeStrategy, request(ws, 'node-modules', { options: { nodeModules: ['esbuild'] } }));
    expect((await invokePackaged(x64, {})).response).toEqual({ esbuild: '0.28.2', day: 86_400_000 });
  });
});

describe('node: layer-ready', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await freshWorkspace('layer', ['with-deps']);
  });

  it('leaves a package a layer provides out of the bundle, records the layer, and loads it from /opt in ESM', async () => {
    const ms = { name: 'ms', version: '2.1.3', platform: 'any', size: 0 };
    const built = await packageFunction(NodeStrategy, request(ws, 'with-deps', { layers: [{ layer: 'shared-deps', provides: [ms], unzippedSize: 0 }] }));
    // ESM ignores NODE_PATH: the layered package is loaded through the banner's require.
    expect(await zipText(built.zipPath, 'index.mjs')).toMatch(/require\(["']ms["']\)/);
    expect(built.manifest.dependencies.find((d) => d.name === 'ms')).toMatchObject({ location: 'shared-deps', version: '2.1.3' });
    const layerZip = path.join(ws, 'dist', 'shared-deps', 'layer.zip');
    await withTempDirs('node-layer-zip', async (stagingDir, workDir) => {
      const ctx = { request: request(ws, 'with-deps', { projectName: 'shared-deps' }), stagingDir, workDir, cacheDir: familyCacheDir(ws, 'node'), exec, warn: () => undefined, log: () => undefined };
      await NodeStrategy.buildLayer!(ctx, [ms]);
      await writeDeterministicZip(layerZip, (await collectTree(stagingDir)).entries);
    });
    const run = await invokeFunction({ zipPath: built.zipPath, layerZips: [layerZip], family: 'node', runtime: 'nodejs22.x', handler: built.manifest.handler, event: { name: 'layer' } });
    expect(run.error ?? run.initError).toBeUndefined();
    const plain = await packageFunction(NodeStrategy, request(ws, 'with-deps'));
    expect(run.response).toEqual((await invokePackaged(plain, { name: 'layer' })).response);
    // The layer's shim modules are esbuild's virtual namespace, not workspace files outside the project.
    expect(built.sourcesOutsideProject).toEqual(plain.sourcesOutsideProject);
    expect(built.sourcesOutsideProject.join('\n')).not.toContain('nx-lambda-layer');
  });

  it('buildLayer installs the given packages under nodejs/node_modules', async () => {
    const req = request(ws, 'with-deps', { projectName: 'shared-deps' });
    await withTempDirs('node-layer-test', async (stagingDir, workDir) => {
      const ctx = { request: req, stagingDir, workDir, cacheDir: familyCacheDir(ws, 'node'), exec, warn: () => undefined, log: () => undefined };
      const result = await NodeStrategy.buildLayer!(ctx, [{ name: 'ms', version: '2.1.3', platform: 'any', size: 0 }]);
      expect(NodeStrategy.layerRoot!('nodejs22.x')).toBe('nodejs/node_modules');
      const pkg = JSON.parse(await fsp.readFile(path.join(stagingDir, 'nodejs/node_modules/ms/package.json'), 'utf8'));
      expect(pkg.version).toBe('2.1.3');
      expect(result.dependencies).toEqual([expect.objectContaining({ name: 'ms', version: '2.1.3', location: 'shared-deps' })]);
    });
  });
});
