import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { packageFunction, PackageResult } from '../../package/pipeline';
import { invokePackaged } from '../../test-support/invoke';
import { LambdaPackageError } from '../../errors';
import { makeRequest, writeFiles } from '../../test-support/workspace';
import type { FunctionBuildRequest } from '../types';
import { isCommonJsSource } from './format';
import { NodeStrategy } from './index';
import { freshWorkspace } from './test-support/fixture-workspace';

describe('node: the textual CommonJS test of a .js entry (isCommonJsSource)', () => {
  it.each([
    ['module.exports.handler = async () => 1;', true],
    ['module.exports = { handler };', true],
    ['exports.handler = async () => 1;', true],
    ['"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.handler = void 0;', true],
    ["const x = require('x');\n// import y from 'y' in a comment\nmodule.exports = x;", true],
    ['export const handler = async () => 1;', false],
    ["import ms from 'ms';\nmodule.exports = { ms };", false],
    ["import{a}from'a';exports.a = a;", false],
    ['  export default function handler() {}', false],
    ["const m = await import('m');\nmodule.exports = m;", true],
    ['const handler = () => 1;', false],
    ['if (exports.handler === undefined) run();', false],
  ])('%j -> %s', (code, commonJs) => {
    expect(isCommonJsSource(code)).toBe(commonJs);
  });
});

describe('node: without "format", the entry decides index.js or index.mjs', () => {
  let ws: string;
  const request = (scenario: string, over: Partial<FunctionBuildRequest> = {}) =>
    makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: `apps/${scenario}`, ...over });
  const zipNames = (built: PackageResult) => ZipReader.with(built.zipPath, (zip) => zip.names);

  beforeAll(async () => {
    ws = await freshWorkspace('format', ['with-deps', 'cjs', 'cjs-ext', 'js-module']);
  });

  it('a CommonJS src/handler.js (module.exports.handler, no "type": "module") packages as index.js and runs', async () => {
    const built = await packageFunction(NodeStrategy, request('cjs'));
    expect(await zipNames(built)).toEqual(['index.js']);
    expect(built.manifest.notes).toMatchObject({ format: 'cjs', bundle: 'index.js', lambdaHandler: 'index.handler' });
    expect(built.manifest.notes?.formatReason).toBe('auto: apps/cjs/src/handler.js is CommonJS (assigns module.exports or exports.<name>, no import/export statement) and package.json has no "type": "module"');
    expect((await invokePackaged(built, { span: '2m' })).response).toEqual({ seconds: 120 });
  });

  it('a .cjs entry (module.exports = { handler }) packages as index.js and runs', async () => {
    const built = await packageFunction(NodeStrategy, request('cjs-ext'));
    expect(await zipNames(built)).toEqual(['index.js']);
    expect(built.manifest.notes).toMatchObject({ format: 'cjs', formatReason: 'auto: apps/cjs-ext/src/handler.cjs is CommonJS by its extension' });
    expect((await invokePackaged(built, { span: '3s' })).response).toEqual({ seconds: 3, from: 'handler.cjs' });
  });

  it('a .js entry under a package.json with "type": "module" packages as index.mjs and runs', async () => {
    const built = await packageFunction(NodeStrategy, request('js-module'));
    expect(await zipNames(built)).toEqual(['index.mjs']);
    expect(built.manifest.notes).toMatchObject({ format: 'esm', formatReason: 'auto: apps/js-module/package.json has "type": "module"' });
    expect((await invokePackaged(built, { span: '1s' })).response).toEqual({ seconds: 1, from: 'an ES module handler.js' });
  });

  it('a CommonJS handler.js under "type": "module" is an ES module to Node, so the handler check fails saying why and naming "format": "cjs"', async () => {
    await writeFiles(ws, {
      'apps/cjs-in-module/package.json': '{ "name": "cjs-in-module", "private": true, "type": "module" }',
      'apps/cjs-in-module/src/handler.js': 'module.exports.handler = async () => 1;\n',
    });
    const err = await packageFunction(NodeStrategy, request('cjs-in-module')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as LambdaPackageError).message).toMatch(/^node:handler - cjs-in-module: handler "src\/handler\.handler" is not exported/);
    expect((err as LambdaPackageError).message).toContain('format: esm, auto: apps/cjs-in-module/package.json has "type": "module", yet apps/cjs-in-module/src/handler.js assigns module.exports or exports.<name>: rename it to .cjs or set "format": "cjs"');
  });

  it('a package.json above a .js entry that is not JSON is an error naming it, before anything is bundled', async () => {
    await writeFiles(ws, { 'apps/bad-pkg/package.json': '{ "type": ', 'apps/bad-pkg/src/handler.js': 'exports.handler = async () => 1;\n' });
    const err = await packageFunction(NodeStrategy, request('bad-pkg')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as LambdaPackageError).message).toMatch(/^node:entry - bad-pkg: apps\/bad-pkg\/package\.json is not valid JSON/);
    expect((err as LambdaPackageError).hint).toContain('"format": "esm" or "cjs" in apps/bad-pkg/lambda.json');
  });

  it('a TypeScript handler stays index.mjs, byte for byte what "format": "esm" gives', async () => {
    const auto = await packageFunction(NodeStrategy, request('with-deps'));
    expect(await zipNames(auto)).toEqual(['index.mjs']);
    expect(auto.manifest.notes).toMatchObject({ format: 'esm', formatReason: 'auto: apps/with-deps/src/handler.ts is TypeScript, written with import/export' });
    const explicit = await packageFunction(NodeStrategy, request('with-deps', { options: { format: 'esm' } }));
    expect(explicit.manifest.notes).toMatchObject({ format: 'esm', formatReason: 'set by the "format" option' });
    expect(explicit.manifest.codeSha256).toBe(auto.manifest.codeSha256);
  });

  it('an explicit "format" wins over the entry: "cjs" on the TypeScript handler gives index.js', async () => {
    const built = await packageFunction(NodeStrategy, request('with-deps', { options: { format: 'cjs' } }));
    expect(await zipNames(built)).toEqual(['index.js']);
    expect(built.manifest.notes).toMatchObject({ format: 'cjs', formatReason: 'set by the "format" option' });
  });
});
