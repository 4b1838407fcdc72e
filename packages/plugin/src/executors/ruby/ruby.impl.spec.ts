import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorContext } from '../test-support/context';
import { requireRuby, rubyWorkspace } from '../../../../core/src/runtimes/ruby/test-support/ruby-workspace';
import rubyExecutor from './ruby.impl';

const contextFor = (ws: string, project: string, root: string) => executorContext(ws, project, { [project]: root });

describe('@nx-lambda/plugin:ruby', () => {
  let ws: string;
  beforeAll(async () => {
    requireRuby();
    ws = await rubyWorkspace('ruby-executor', 'with-deps', 'hello');
  });
  afterAll(() => fsp.rm(ws, { recursive: true, force: true }));

  it('packages a function into dist/{projectRoot} and reports success', async () => {
    const result = await rubyExecutor({ handler: 'app.handler', runtime: 'ruby3.3' }, contextFor(ws, 'hello', 'hello'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/hello/function.zip') });
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/hello/manifest.json'), 'utf8'));
    expect(manifest.dependencies.map((d: { name: string }) => d.name)).toEqual(['greet', 'shout']);
  });

  it('returns success: false for a handler the file does not define', async () => {
    const result = await rubyExecutor({ handler: 'app.nope', runtime: 'ruby3.3', outputPath: 'dist/bad' }, contextFor(ws, 'hello', 'hello'));
    expect(result).toEqual({ success: false });
  });
});
