import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectTree } from '../archive/collect-tree';
import { ZipReader } from '../archive/zip-reader';
import { writeDeterministicZip } from '../archive/zip-writer';
import { RubyStrategy } from '../runtimes/ruby';
import { requireRuby, rubyWorkspace } from '../runtimes/ruby/test-support/ruby-workspace';
import { failure } from '../test-support/failure';
import { makeRequest, tempDir } from '../test-support/workspace';
import { packageFunction } from './pipeline';

/** Creates a file whose name has bytes that are not UTF-8 (Latin-1 "é", as an old archive or a Windows copy leaves it). */
async function latin1File(dir: string): Promise<void> {
  await fsp.writeFile(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'menu');
}

describe('file names that are not UTF-8', () => {
  let ws: string;
  beforeAll(async () => {
    requireRuby();
    ws = await rubyWorkspace('names-latin1', 'no-deps');
    await fsp.mkdir(path.join(ws, 'fn/data'));
    await latin1File(path.join(ws, 'fn/data'));
  });

  it('fail a function that ships its folder (Ruby) with an error naming the file, its bad byte and what to do, and write no zip', async () => {
    const err = await failure(packageFunction(RubyStrategy, makeRequest(ws, { family: 'ruby', runtime: 'ruby3.3', handler: 'app.handler', projectRoot: 'fn' })));
    expect(err.message).toMatch(/^stage - file name "data\/caf\\xe9\.txt" is not valid UTF-8/);
    expect(err.details).toContain(`folder: ${path.join(ws, 'fn/data')}`);
    expect(err.hint).toMatch(/^rename it using UTF-8 characters/);
    expect(existsSync(path.join(ws, 'dist/fn/function.zip'))).toBe(false);
  });

  it('fail the archive step the same way for a staged tree, and a valid name with the same letters zips', async () => {
    const staged = await tempDir('names-staged', { 'app.rb': 'x', 'data/café.txt': 'menu' });
    const zip = path.join(await tempDir('names-out'), 'f.zip');
    await writeDeterministicZip(zip, (await collectTree(staged)).entries);
    expect(await ZipReader.with(zip, (z) => z.fileNames)).toEqual(['app.rb', 'data/café.txt']);
    await latin1File(path.join(staged, 'data'));
    const err = await failure(collectTree(staged));
    expect(err.message).toMatch(/^archive:collect - file name "data\/caf\\xe9\.txt" is not valid UTF-8/);
  });
});
