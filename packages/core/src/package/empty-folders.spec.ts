import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../archive/zip-reader';
import { RubyStrategy } from '../runtimes/ruby';
import { requireRuby, rubyWorkspace } from '../runtimes/ruby/test-support/ruby-workspace';
import { makeRequest, writeFiles } from '../test-support/workspace';
import { packageFunction, PackageResult } from './pipeline';

/**
 * The rule for folders, on a real Ruby function (whose zip is its folder): one empty in the source
 * is kept, as `zip -r` and SAM keep it; one that only excluded files (secrets, user globs) or
 * skipped folders filled is left out, so the zip is the one the folder without them gives.
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
    await fsp.mkdir(path.join(ws, 'fn/uploads/incoming'), { recursive: true });
    without = await pkg(path.join(ws, 'dist/without'));
    await writeFiles(path.join(ws, 'fn'), {
      'config/.env': 'API_KEY=secret', 'certs/deep/server.pem': 'key', 'docs/notes.md': '# notes', 'events/sample.json': '{}',
    });
    withExcluded = await pkg(path.join(ws, 'dist/with'));
  });

  it('keeps a folder that is empty in the source, and its empty parents', async () => {
    const dirs = await ZipReader.with(withExcluded.zipPath, (z) => z.names.filter((n) => n.endsWith('/')));
    expect(dirs).toEqual(['uploads/', 'uploads/incoming/']);
  });

  it('leaves out folders that held only excluded or skipped files: the same bytes as without those files', () => {
    expect(withExcluded.manifest.excluded.sort()).toEqual(['certs/deep/server.pem', 'config/.env', 'docs/notes.md']);
    expect(withExcluded.manifest.codeSha256).toBe(without.manifest.codeSha256);
  });
});
