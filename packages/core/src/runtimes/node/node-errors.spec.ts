import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../../errors';
import { packageFunction } from '../../package/pipeline';
import { makeRequest, writeFiles } from '../../test-support/workspace';
import type { FunctionBuildRequest } from '../types';
import { NodeStrategy } from './index';
import { freshWorkspace } from './test-support/fixture-workspace';

let ws: string;

function request(scenario: string, over: Partial<FunctionBuildRequest> = {}): FunctionBuildRequest {
  return makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${scenario}`, ...over });
}

/** Packages, expects a known error from `where` with every pattern in its message, and no zip left behind. */
async function expectFailure(req: FunctionBuildRequest, where: string, ...patterns: RegExp[]): Promise<void> {
  const err = await packageFunction(NodeStrategy, req).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LambdaPackageError);
  const known = err as LambdaPackageError;
  expect(known.where).toBe(where);
  expect(known.message).toContain(req.projectName);
  for (const p of patterns) expect(known.message).toMatch(p);
  expect(known.hint).toBeTruthy();
  await expect(fsp.stat(path.join(req.outputPath, 'function.zip'))).rejects.toThrow(/ENOENT/);
}

describe('node: bad input fails with a clear error and no zip', () => {
  beforeAll(async () => {
    ws = await freshWorkspace('errors', ['with-deps', 'cjs', 'broken-deps', 'not-in-lockfile', 'native-unlisted']);
    await writeFiles(ws, {
      'node_modules/ghost-pkg/package.json': '{"name":"ghost-pkg","version":"1.0.0","main":"index.js"}',
      'node_modules/ghost-pkg/index.js': 'module.exports = () => "boo";',
    });
  });

  it('missing handler file', async () => {
    await expectFailure(request('with-deps', { handler: 'src/nope.handler' }), 'node:entry', /not found/, /src\/nope\.ts/);
  });

  it('handler string without an export', async () => {
    await expectFailure(request('with-deps', { handler: 'src/handler' }), 'node:entry', /<file>\.<export>/);
  });

  it('missing export', async () => {
    await expectFailure(request('with-deps', { handler: 'src/handler.nothere' }), 'node:handler', /no export named "nothere"/, /exports found: handler/);
  });

  it('CommonJS source bundled as ESM because "format": "esm" says so', async () => {
    await expectFailure(request('cjs', { options: { format: 'esm' } }), 'node:handler', /apps\/cjs\/src\/handler\.js is CommonJS/, /"format": "cjs"/);
  });

  it('unresolvable import', async () => {
    await expectFailure(request('broken-deps'), 'node:bundle', /cannot resolve import "left-pad-that-does-not-exist"/, /handler\.ts:1/);
  });

  it('a tsconfig.base.json path alias the function\'s own tsconfig does not extend: the hint is the extends, not npm install', async () => {
    await writeFiles(ws, { 'apps/with-deps/tsconfig.json': JSON.stringify({ compilerOptions: { strict: true } }) });
    try {
      await expectFailure(request('with-deps'), 'node:bundle', /cannot resolve import "@fixture\/paths-lib"/,
        /apps\/with-deps\/tsconfig\.json, the tsconfig esbuild reads for with-deps, does not extend it: add "extends": "\.\.\/\.\.\/tsconfig\.base\.json"/);
      const extended = await packageFunction(NodeStrategy, request('with-deps', { options: { tsConfig: 'tsconfig.base.json' }, outputPath: path.join(ws, 'dist-extends-check') }));
      expect(extended.manifest.name).toBe('with-deps');
    } finally {
      await fsp.rm(path.join(ws, 'apps/with-deps/tsconfig.json'));
    }
  });

  it('bundled dependency missing from the lockfile', async () => {
    await expectFailure(request('not-in-lockfile'), 'node:lockfile', /ghost-pkg@1\.0\.0 is bundled but missing from package-lock\.json/, /npm install ghost-pkg/);
  });

  it('nodeModules package the lockfile does not pin', async () => {
    await expectFailure(request('with-deps', { options: { nodeModules: ['not-pinned-anywhere'] } }), 'node:lockfile', /"not-pinned-anywhere" is listed in "nodeModules"/);
  });

  it('native addon not listed in nodeModules', async () => {
    await expectFailure(request('native-unlisted'), 'node:native', /fake-native has a native addon/, /addon\.node/, /"nodeModules"/);
  });

  it('unknown runtime', async () => {
    await expectFailure(request('with-deps', { runtime: 'nodejs12.x' }), 'node:options', /unknown runtime "nodejs12\.x"/, /nodejs22\.x/);
  });
});
