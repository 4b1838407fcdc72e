import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import type { InvokeResult } from '../../invoke/invoke-function';
import { invokePackaged } from '../../test-support/invoke';
import { packageFunction, PackageResult } from '../../package/pipeline';
import { buildLayerProject } from '../../layers/build-layers';
import { readFunctionShare } from '../../layers/layer-artifacts';
import { DEFAULT_LIMITS } from '../../package/limits';
import { makeRequest, writeFiles } from '../../test-support/workspace';
import type { FunctionBuildRequest } from '../types';
import { RubyStrategy } from './index';
import { requireRuby, rubyWorkspace } from './test-support/ruby-workspace';
import { failure } from '../../test-support/failure';

function pkg(ws: string, projectRoot: string, handler: string, over: Partial<FunctionBuildRequest> = {}): Promise<PackageResult> {
  return packageFunction(RubyStrategy, makeRequest(ws, { family: 'ruby', runtime: 'ruby3.3', handler, projectRoot, ...over }));
}


const sha = async (file: string) => createHash('sha256').update(await fsp.readFile(file)).digest('hex');

describe('RubyStrategy (with-deps: registry gem from vendor/cache, workspace gem by path:, test group)', () => {
  let ws: string;
  let ws2: string;
  let built: PackageResult;
  let rebuilt: PackageResult;
  let names: string[];

  // A packaged function.zip run by the local invoke engine with the runtime and handler its manifest
  // gives Lambda; the sandbox is kept so a test can compare paths inside LAMBDA_TASK_ROOT, and
  // removed in afterAll.
  const sandboxes: string[] = [];
  const invoke = async (result: PackageResult, event: unknown): Promise<InvokeResult & { taskRoot: string }> => {
    const r = await invokePackaged(result, event, { timeoutMs: 10_000, keepSandbox: true });
    sandboxes.push(r.sandboxDir!);
    return { ...r, taskRoot: path.join(r.sandboxDir!, 'task') };
  };
  const zipText = (name: string) => ZipReader.with(built.zipPath, async (zip) => (await zip.read(name)).toString('utf8'));

  beforeAll(async () => {
    requireRuby();
    ws = await rubyWorkspace('ruby', 'with-deps', 'hello');
    // Not the function: sample events, and a folder that is a project of its own.
    await writeFiles(path.join(ws, 'hello'), { 'events/sample.json': '{}', 'nested/lambda.json': '{"runtime":"ruby3.3","handler":"x.handler"}', 'nested/x.rb': '' });
    ws2 = await rubyWorkspace('ruby-again', 'with-deps', 'hello');
    built = await pkg(ws, 'hello', 'app.handler');
    rebuilt = await pkg(ws2, 'hello', 'app.handler');
    const zip = await ZipReader.open(built.zipPath);
    names = zip.names;
    await zip.close();
  });

  afterAll(async () => {
    for (const dir of [ws, ws2, ...sandboxes]) if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('installs production gems as real gems under vendor/bundle/ruby/3.3.0', () => {
    expect(names).toEqual(expect.arrayContaining([
      'vendor/bundle/ruby/3.3.0/gems/shout-1.2.0/lib/shout.rb',
      'vendor/bundle/ruby/3.3.0/specifications/shout-1.2.0.gemspec',
      'vendor/bundle/ruby/3.3.0/gems/greet-0.3.0/lib/greet.rb',
      'vendor/bundle/ruby/3.3.0/specifications/greet-0.3.0.gemspec',
    ]));
    expect(names.filter((n) => n.includes('devonly') || n.includes('/3.1.0/') || n.includes('/cache/'))).toEqual([]);
  });

  it('keeps function source and leaves out specs, vendor/cache and the project files', () => {
    expect(names).toEqual(expect.arrayContaining(['app.rb', 'lib/app.rb', 'with_bundler.rb', 'Gemfile', 'Gemfile.lock', '.bundle/config']));
    expect(names.filter((n) => n.startsWith('spec/') || n.startsWith('vendor/cache') || n.startsWith('events/') || n.startsWith('nested/'))).toEqual([]);
  });

  it('runs app.handler from the zip with only the package on GEM_PATH', async () => {
    const { response } = await invoke(built, { name: 'lambda' });
    expect(response).toEqual({
      message: 'HELLO LAMBDA!',
      gems: { greet: 'vendor/bundle/ruby/3.3.0/gems/greet-0.3.0', shout: 'vendor/bundle/ruby/3.3.0/gems/shout-1.2.0' },
    });
  });

  it('runs a namespaced handler (lib/app.App::Handler.process)', async () => {
    const namespaced = await pkg(ws, 'hello', 'lib/app.App::Handler.process', { outputPath: path.join(ws, 'dist/namespaced') });
    const { response } = await invoke(namespaced, { name: 'x' });
    expect(response).toEqual({ message: 'HELLO X!', from: 'App::Handler' });
  });

  it("runs a handler that does require 'bundler/setup' against the packaged Gemfile", async () => {
    const withBundler = await pkg(ws, 'hello', 'with_bundler.handler', { outputPath: path.join(ws, 'dist/with-bundler') });
    const { response, taskRoot } = await invoke(withBundler, { name: 'b' });
    expect(response).toEqual({ message: 'HELLO B!', gemfile: path.join(taskRoot, 'Gemfile') });
  });

  it('points the packaged Gemfile and lockfile at the installed workspace gem, not the workspace', async () => {
    const gemfile = await zipText('Gemfile');
    const lock = await zipText('Gemfile.lock');
    expect(gemfile).toContain("path: \"vendor/bundle/ruby/3.3.0/gems/greet-0.3.0\"");
    expect(lock).toContain('remote: vendor/bundle/ruby/3.3.0/gems/greet-0.3.0');
    expect(`${gemfile}${lock}`).not.toContain('../libs');
    expect(await zipText('.bundle/config')).toContain('BUNDLE_WITHOUT: "development:test"');
  });

  it('lists every gem with version, size and where it came from', () => {
    const deps = built.manifest.dependencies.map(({ name, version, location, platform, reason }) => ({ name, version, location, platform, reason }));
    expect(deps).toEqual([
      { name: 'greet', version: '0.3.0', location: 'function', platform: 'any', reason: 'workspace gem (path: ../libs/greet), installed as a gem' },
      { name: 'shout', version: '1.2.0', location: 'function', platform: 'any', reason: 'installed by bundler' },
    ]);
    expect(built.manifest.dependencies.every((d) => d.size > 0)).toBe(true);
    expect(Object.keys(built.manifest.toolchain)).toEqual(['ruby', 'bundler']);
  });

  it('rebuilds byte-identical from another workspace', async () => {
    expect(await sha(rebuilt.zipPath)).toBe(await sha(built.zipPath));
  });

  it('leaves out gems a layer provides and records the layer', async () => {
    const shout = { name: 'shout', version: '1.2.0', platform: 'any', size: 1 };
    const layered = await pkg(ws, 'hello', 'app.handler', {
      outputPath: path.join(ws, 'dist/layered'), layers: [{ layer: 'ruby-shared', provides: [shout], unzippedSize: 1 }],
    });
    const zip = await ZipReader.open(layered.zipPath);
    try {
      expect(zip.names.filter((n) => n.includes('shout'))).toEqual([]);
    } finally {
      await zip.close();
    }
    expect(layered.manifest.dependencies.find((d) => d.name === 'shout')?.location).toBe('ruby-shared');
  });

  it('layers the registry gem two functions share and keeps their workspace gem (path:) in each function', async () => {
    await fsp.cp(path.join(ws, 'hello'), path.join(ws, 'hello2'), { recursive: true });
    const fn = (root: string) => makeRequest(ws, { family: 'ruby', runtime: 'ruby3.3', handler: 'app.handler', projectRoot: root });
    const { plan } = await buildLayerProject(RubyStrategy, {
      project: 'ruby-shared', projectRoot: 'layers/ruby-shared', workspaceRoot: ws, family: 'ruby', runtime: 'ruby3.3', architecture: 'x86_64',
      outputPath: path.join(ws, 'dist/layers/ruby-shared'), functions: [fn('hello'), fn('hello2')], minLayerBytes: 0, limits: DEFAULT_LIMITS, compressionLevel: 6,
    });
    expect(plan.layers.flatMap((l) => l.dependencies.map((d) => d.name))).toEqual(['shout']);
    const layerZip = path.join(ws, 'dist/layers/ruby-shared', plan.artifacts[plan.layers[0].name]);
    expect((await ZipReader.with(layerZip, (zip) => zip.fileNames)).some((n) => n.startsWith('ruby/gems/3.3.0/gems/shout-1.2.0/'))).toBe(true);
    // The function packaged against its share runs with the layer where Lambda puts it (/opt).
    const share = await readFunctionShare(path.join(ws, 'dist/layers/ruby-shared'), 'ruby-shared', 'hello2');
    const layered = await pkg(ws, 'hello2', 'app.handler', { layers: share });
    expect(layered.manifest.dependencies.map((d) => [d.name, d.location])).toEqual([['greet', 'function'], ['shout', plan.layers[0].name]]);
    const ran = await invokePackaged(layered, { name: 'layers' }, { timeoutMs: 10_000, layerZips: [layerZip] });
    const { message, gems } = ran.response as { message: string; gems: Record<string, string> };
    expect(message).toBe('HELLO LAYERS!');
    expect(gems.greet).toBe('vendor/bundle/ruby/3.3.0/gems/greet-0.3.0');
    expect(gems.shout).toMatch(/\/opt\/ruby\/gems\/3\.3\.0\/gems\/shout-1\.2\.0$/);
  });

  it('stages layer gems under ruby/gems/<ABI>', () => {
    expect(RubyStrategy.layerRoot!('ruby3.4')).toBe('ruby/gems/3.4.0');
  });
});

describe('RubyStrategy bad input', () => {
  let ws: string;
  let native: string;
  beforeAll(async () => {
    requireRuby();
    ws = await rubyWorkspace('ruby-bad', 'no-deps');
    native = await rubyWorkspace('ruby-native', 'native-gem', 'app');
  });
  afterAll(async () => {
    for (const dir of [ws, native]) if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  const noZip = (root: string, project: string) => existsSync(path.join(root, 'dist', project, 'function.zip'));

  it('packages a function without a Gemfile (no gems)', async () => {
    const r = await pkg(ws, 'fn', 'app.handler');
    expect(r.manifest.dependencies).toEqual([]);
  });

  it('leaves an outputPath inside the function folder out of its own zip (each build would ship the previous one)', async () => {
    const inside = path.join(ws, 'fn', 'out');
    const first = await pkg(ws, 'fn', 'app.handler', { outputPath: inside });
    const second = await pkg(ws, 'fn', 'app.handler', { outputPath: inside });
    const names = await ZipReader.with(second.zipPath, async (zip) => zip.fileNames);
    expect(names.filter((n) => n.startsWith('out/'))).toEqual([]);
    expect(second.manifest.codeSha256).toBe(first.manifest.codeSha256);
    await fsp.rm(inside, { recursive: true, force: true });
  });

  it('rejects a handler file that is not in the zip', async () => {
    const err = await failure(pkg(ws, 'fn', 'nothere.handler', { outputPath: path.join(ws, 'dist/a') }));
    expect(err.message).toMatch(/^ruby:handler - fn: handler "nothere.handler" names nothere.rb, which is not in the zip/);
    expect(existsSync(path.join(ws, 'dist/a/function.zip'))).toBe(false);
  });

  it('rejects a handler method the file does not define, listing what it defines', async () => {
    const err = await failure(pkg(ws, 'fn', 'app.missing', { outputPath: path.join(ws, 'dist/b') }));
    expect(err.message).toMatch(/^ruby:handler - fn: handler "app.missing" is not defined: app.rb has no missing/);
    expect(err.details.join('\n')).toContain('#handler');
    expect(existsSync(path.join(ws, 'dist/b/function.zip'))).toBe(false);
  });

  it('rejects a handler that cannot take (event:, context:)', async () => {
    const err = await failure(pkg(ws, 'fn', 'app.no_args', { outputPath: path.join(ws, 'dist/c') }));
    expect(err.message).toContain('cannot take (event:, context:): no_args takes no arguments');
  });

  it('rejects a file with a syntax error, showing ruby -c output', async () => {
    const err = await failure(pkg(ws, 'fn', 'broken.handler', { outputPath: path.join(ws, 'dist/d') }));
    expect(err.message).toMatch(/^ruby:handler - fn: handler "broken.handler" is in broken.rb, which does not compile/);
    expect(err.details.join('\n')).toMatch(/broken\.rb:\d+: syntax error/);
    expect(existsSync(path.join(ws, 'dist/d/function.zip'))).toBe(false);
  });

  it('rejects a native gem compiled for another Ruby ABI, naming the gem and the way out', async () => {
    const err = await failure(pkg(native, 'app', 'app.handler'));
    expect(err.where).toBe('ruby:install');
    expect(err.title).toContain('gem fastsum-0.2.0 has a native extension');
    expect(err.title).toContain('Ruby 3.3.0 on x86_64-linux');
    expect(err.hint).toContain('bundle lock --add-platform x86_64-linux');
    expect(noZip(native, 'app')).toBe(false);
  });
});
