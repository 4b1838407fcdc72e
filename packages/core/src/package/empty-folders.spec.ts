import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../archive/zip-reader';
import { RubyStrategy } from '../runtimes/ruby';
import { requireRuby, rubyWorkspace } from '../runtimes/ruby/test-support/ruby-workspace';
import { makeRequest, writeFiles } from '../test-support/workspace';
import { packageFunction, PackageResult } from './pipeline';

/**
 * The rule for folders, on a real Ruby function (whose zip is its folder): a folder with no file
 * under it gets no entry, whether it is empty in the source or held only excluded files (secrets,
 * user globs) or skipped folders. Nx hashes files and git keeps no empty folder, so the zip is the
 * one the function's files give, on every checkout.
 */
describe('empty folders in a function that ships its folder', () => {
  let ws: string;
  let withExcluded: PackageResult;
  let without: PackageResult;
  const pkg = (outputPath: string) =>
    packageFunction(RubyStrategy, makeRequest(ws, { family: 'ruby', runtime: 'ruby3.3', handler: 'app.handler', projectRoot: 'fn', exclude: ['*.md'], outputPath }));

  beforeAll(async () => {
    requireRuby();
    ws = await rubyWorkspace('empty-folders', 'no-deps');
    without = await pkg(path.join(ws, 'dist/without'));
    await fsp.mkdir(path.join(ws, 'fn/uploads/incoming'), { recursive: true });
    await writeFiles(path.join(ws, 'fn'), {
      'config/.env': 'API_KEY=secret', 'certs/deep/server.pem': 'key', 'docs/notes.md': '# notes', 'events/sample.json': '{}',
    });
    withExcluded = await pkg(path.join(ws, 'dist/with'));
  });

  it('gives no entry to a folder empty in the source, nor to its empty parents', async () => {
    const dirs = await ZipReader.with(withExcluded.zipPath, (z) => z.names.filter((n) => n.endsWith('/')));
    expect(dirs).toEqual([]);
  });

  it('leaves out folders that held only excluded or skipped files: the same bytes as without those files and folders', () => {
    expect(withExcluded.manifest.excluded.sort()).toEqual(['certs/deep/server.pem', 'config/.env', 'docs/notes.md']);
    expect(withExcluded.manifest.codeSha256).toBe(without.manifest.codeSha256);
  });
});
