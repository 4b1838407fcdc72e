import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../errors';
import { ZipReader } from '../archive/zip-reader';
import { makeRequest, tempDir, writeFiles } from '../test-support/workspace';
import type { FunctionBuildRequest, RuntimeStrategy } from '../runtimes/types';
import { DEFAULT_LIMITS } from './limits';
import { readManifest } from './manifest';
import { FUNCTION_MANIFEST, FUNCTION_ZIP, packageFunction, PackageResult } from './pipeline';
import { copyTree } from './stage';
import { failure } from '../test-support/failure';

const FIXTURE = path.join(__dirname, 'fixtures', 'basic-function');
const PROJECT_ROOT = 'apps/basic-function';

/**
 * A test double of a runtime, for testing the pipeline around it: "build" copies the project's
 * src/ into staging and reports one dependency; the handler check looks for `<module>.js` in the
 * final tree.
 */
const FixtureStrategy: RuntimeStrategy = {
  family: 'node',
  lambdaRuntimes: ['nodejs22.x'],
  layerRoot: () => 'nodejs/node_modules',
  async resolve() {
    return [{ name: 'left-pad', version: '1.3.0', platform: 'any', size: 1234 }];
  },
  async build(ctx, plan) {
    await copyTree(path.join(ctx.request.workspaceRoot, ctx.request.projectRoot, 'src'), ctx.stagingDir);
    const layer = plan.providedBy.get('left-pad@1.3.0#any');
    return {
      dependencies: [{ name: 'left-pad', version: '1.3.0', size: 1234, location: layer ?? 'function', platform: 'any', reason: layer ? `supplied by layer ${layer}` : 'copied by the fixture build' }],
      toolchain: { fixture: '1.0.0' },
    };
  },
  async checkHandler(ctx, tree) {
    const file = `${ctx.request.handler.split('.')[0]}.js`;
    return tree.files.has(file) ? { ok: true } : { ok: false, problem: `needs ${file}, which is not in the zip`, hint: `add ${file} or fix "handler"` };
  },
};

/** A fresh workspace holding the fixture project, plus the secrets and noise it must never ship. */
async function workspace(label: string): Promise<string> {
  const ws = await tempDir(`pipeline-${label}`);
  await fsp.cp(FIXTURE, path.join(ws, PROJECT_ROOT), { recursive: true });
  await writeFiles(path.join(ws, PROJECT_ROOT, 'src'), {
    '.env': 'API_KEY=secret',
    '.env.production': 'API_KEY=prod-secret',
    'certs/server.pem': '-----BEGIN PRIVATE KEY-----',
    'config/credentials.json': '{"type":"service_account","private_key":"..."}',
    '.npmrc': '//registry.npmjs.org/:_authToken=secret',
    '.git/HEAD': 'ref: refs/heads/main',
    '.DS_Store': 'finder noise',
  });
  return ws;
}

function request(ws: string, over: Partial<FunctionBuildRequest> = {}): FunctionBuildRequest {
  return makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'index.handler', projectRoot: PROJECT_ROOT, ...over });
}

const zipNames = (file: string) => ZipReader.with(file, (zip) => zip.names);


const sha256 = async (file: string) => createHash('sha256').update(await fsp.readFile(file)).digest();

describe('packageFunction with default options', () => {
  let ws: string;
  let result: PackageResult;
  let names: string[];

  beforeAll(async () => {
    ws = await workspace('defaults');
    result = await packageFunction(FixtureStrategy, request(ws));
    names = await zipNames(result.zipPath);
  });

  it('writes function.zip and manifest.json in dist/<projectRoot> and nothing else', async () => {
    const out = path.join(ws, 'dist', PROJECT_ROOT);
    expect(result.zipPath).toBe(path.join(out, FUNCTION_ZIP));
    expect(result.manifestPath).toBe(path.join(out, FUNCTION_MANIFEST));
    expect((await fsp.readdir(out)).sort()).toEqual([FUNCTION_ZIP, FUNCTION_MANIFEST]);
  });

  it('ships the built files', () => {
    expect(names).toEqual(expect.arrayContaining(['index.js', 'lib/greet.js', 'README.md']));
  });

  it('drops .env files, keys, .git/ and .DS_Store by default', () => {
    for (const n of names) expect(n).not.toMatch(/\.env|\.pem$|^\.git\/|\.DS_Store/);
  });

  it('leaves out the folders that held only excluded files (certs/, config/)', () => {
    expect(names.filter((n) => n.endsWith('/')).sort()).toEqual(['lib/']);
  });

  it('lists what the default excludes dropped in the manifest', () => {
    expect([...result.manifest.excluded].sort()).toEqual(['.DS_Store', '.env', '.env.production', '.git/', '.npmrc', 'certs/server.pem', 'config/credentials.json']);
  });

  it('writes the manifest fields DESIGN.md lists, matching the zip on disk', async () => {
    const m = await readManifest(result.manifestPath);
    const digest = await sha256(result.zipPath);
    expect(m).toMatchObject({
      name: 'basic-function', runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'x86_64',
      codeSha256: digest.toString('base64'), sha256: digest.toString('hex'),
      zippedSize: (await fsp.stat(result.zipPath)).size, fileCount: 3,
      layers: [], toolchain: { fixture: '1.0.0' }, warnings: [],
    });
    let shipped = 0;
    for (const rel of ['index.js', 'lib/greet.js', 'README.md']) shipped += (await fsp.stat(path.join(FIXTURE, 'src', rel))).size;
    expect(m.unzippedSize).toBe(shipped);
    expect(m.dependencies).toEqual([{ name: 'left-pad', version: '1.3.0', size: 1234, location: 'function', platform: 'any', reason: 'copied by the fixture build' }]);
  });

  it('writes no absolute path of the building machine into the manifest', async () => {
    expect(await fsp.readFile(result.manifestPath, 'utf8')).not.toContain(ws);
  });

  it('builds the same bytes again from a copy of the workspace elsewhere', async () => {
    const again = await packageFunction(FixtureStrategy, request(await workspace('defaults-again')));
    expect(again.manifest.codeSha256).toBe(result.manifest.codeSha256);
  });
});

describe('packageFunction options', () => {
  it('puts back a secret named in allowSecrets, and only that one', async () => {
    const ws = await workspace('allow');
    const r = await packageFunction(FixtureStrategy, request(ws, { allowSecrets: ['.env'] }));
    const names = await zipNames(r.zipPath);
    expect(names).toContain('.env');
    expect(names).not.toContain('.env.production');
    expect(names).not.toContain('certs/server.pem');
  });

  it('copies extra files matched by include globs from the project root', async () => {
    const ws = await workspace('include');
    const r = await packageFunction(FixtureStrategy, request(ws, { include: ['assets/*.json'] }));
    const names = await zipNames(r.zipPath);
    expect(names).toContain('assets/data.json');
    expect(names).not.toContain('assets/notes.txt');
    expect(names).not.toContain('docs/guide.md');
  });

  it('leaves out files matched by user exclude globs and reports them', async () => {
    const ws = await workspace('exclude');
    const r = await packageFunction(FixtureStrategy, request(ws, { exclude: ['*.md'] }));
    expect(await zipNames(r.zipPath)).not.toContain('README.md');
    expect(r.manifest.excluded).toContain('README.md');
  });

  it('records a dependency supplied by a layer with the layer name', async () => {
    const ws = await workspace('layer');
    const layers = [{ layer: 'shared-deps', provides: [{ name: 'left-pad', version: '1.3.0', platform: 'any', size: 1234 }], unzippedSize: 1234 }];
    const r = await packageFunction(FixtureStrategy, request(ws, { layers }));
    expect(r.manifest.layers).toEqual(['shared-deps']);
    expect(r.manifest.dependencies[0]).toMatchObject({ name: 'left-pad', location: 'shared-deps' });
  });
});

describe('packageFunction failures leave no new zip', () => {
  /** Packages once successfully, then runs `bad`; returns the error and checks the old output is untouched. */
  async function failAfterGoodBuild(label: string, bad: Partial<FunctionBuildRequest>): Promise<LambdaPackageError> {
    const ws = await workspace(label);
    const good = await packageFunction(FixtureStrategy, request(ws));
    const zipBefore = await sha256(good.zipPath);
    const manifestBefore = await fsp.readFile(good.manifestPath, 'utf8');
    const err = await failure(packageFunction(FixtureStrategy, request(ws, bad)));
    expect((await sha256(good.zipPath)).equals(zipBefore)).toBe(true);
    expect(await fsp.readFile(good.manifestPath, 'utf8')).toBe(manifestBefore);
    expect((await fsp.readdir(path.dirname(good.zipPath))).sort()).toEqual([FUNCTION_ZIP, FUNCTION_MANIFEST]);
    return err;
  }

  it('fails the handler check with an error naming the function and handler, and writes no zip', async () => {
    const ws = await workspace('handler');
    const err = await failure(packageFunction(FixtureStrategy, request(ws, { handler: 'missing.handler' })));
    expect(err.message).toMatch(/^node:handler - basic-function: handler "missing.handler" needs missing.js, which is not in the zip/);
    expect(err.hint).toContain('missing.js');
    expect(await fsp.readdir(path.join(ws, 'dist', PROJECT_ROOT)).catch(() => [])).toEqual([]);
  });

  it('keeps the previous zip and manifest byte-identical when the handler check fails', async () => {
    const err = await failAfterGoodBuild('handler-keep', { handler: 'missing.handler' });
    expect(err.where).toBe('node:handler');
  });

  it('refuses a package over the unzipped limit, naming both sizes', async () => {
    const err = await failAfterGoodBuild('unzipped', { limits: { ...DEFAULT_LIMITS, unzippedBytes: 100 } });
    expect(err.message).toMatch(/^node:limits - unzipped size \d+ B exceeds its "unzippedLimitMiB" of 100 B \(function \+ layers\)/);
    expect(err.details[0]).toMatch(/^function: \d+ B$/);
  });

  it('counts the layers against the unzipped limit', async () => {
    const layers = [{ layer: 'big-layer', provides: [], unzippedSize: 300 * 1024 * 1024 }];
    const err = await failAfterGoodBuild('unzipped-layers', { layers });
    expect(err.message).toMatch(/unzipped size 300\.0 MiB exceeds Lambda's 250\.0 MiB/);
    expect(err.details).toContain('layer big-layer: 300.0 MiB');
  });

  it('refuses more layers than the limit allows', async () => {
    const layers = Array.from({ length: 6 }, (_, i) => ({ layer: `layer-${i}`, provides: [], unzippedSize: 1 }));
    const err = await failAfterGoodBuild('layers', { layers });
    expect(err.message).toMatch(/^node:limits - uses 6 layers; Lambda allows 5/);
  });

  it('refuses a file that both the function and one of its layers supply', async () => {
    const layers = [{ layer: 'shared', provides: [], unzippedSize: 1, paths: ['lib/greet.js'] }];
    const err = await failAfterGoodBuild('clash', { layers });
    expect(err.message).toMatch(/^node:layers - basic-function and layer shared both supply lib\/greet.js/);
  });

  it('refuses a built layer made for another architecture (a plan for x86_64, a package for arm64)', async () => {
    const ws = await workspace('layer-arch');
    await writeFiles(path.join(ws, 'dist/layers/node-deps/node-deps-1a2b'), {
      'manifest.json': JSON.stringify({ name: 'node-deps-1a2b', family: 'node', compatibleRuntimes: ['nodejs22.x'], compatibleArchitectures: ['x86_64'] }),
    });
    const layers = [{ layer: 'node-deps-1a2b', provides: [], unzippedSize: 1, artifactDir: 'dist/layers/node-deps/node-deps-1a2b' }];
    const good = await packageFunction(FixtureStrategy, request(ws, { layers }));
    expect(good.manifest.layers).toEqual(['node-deps-1a2b']);
    const zipBefore = await sha256(good.zipPath);
    const err = await failure(packageFunction(FixtureStrategy, request(ws, { layers, architecture: 'arm64' })));
    expect(err.message).toMatch(/^node:layers - basic-function is packaged for nodejs22.x arm64, but its layer node-deps-1a2b is built for nodejs22.x x86_64/);
    expect(err.hint).toContain(`set "architecture" and "runtime" in ${PROJECT_ROOT}/lambda.json rather than on the command line`);
    expect((await sha256(good.zipPath)).equals(zipBefore)).toBe(true);
  });

  it('refuses a runtime the strategy does not build', async () => {
    const ws = await workspace('runtime');
    const err = await failure(packageFunction(FixtureStrategy, request(ws, { runtime: 'nodejs8.10' })));
    expect(err.message).toMatch(/^node:options - unknown runtime "nodejs8.10" for basic-function/);
    expect(err.hint).toContain(`${PROJECT_ROOT}/lambda.json`);
  });
});

describe('packageFunction limits that only warn', () => {
  it('warns in the manifest when the zip is over the direct-upload limit', async () => {
    const ws = await workspace('direct');
    const r = await packageFunction(FixtureStrategy, request(ws, { limits: { ...DEFAULT_LIMITS, directUploadBytes: 10 } }));
    expect(r.manifest.warnings).toHaveLength(1);
    expect(r.manifest.warnings[0]).toMatch(/over the 10 B direct-upload limit: deploy will upload it through S3/);
    expect((await readManifest(r.manifestPath)).warnings).toEqual(r.manifest.warnings);
  });
});
