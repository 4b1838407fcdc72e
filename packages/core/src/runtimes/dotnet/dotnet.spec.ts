import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { packageFunction, PackageResult } from '../../package/pipeline';
import { elfMachine, makeRequest, tempDir, writeFiles } from '../../test-support/workspace';
import type { Architecture, FunctionBuildRequest, HandlerCheck } from '../types';
import { readPeMachine } from './assembly-metadata';
import { checkManagedHandler } from './handler-check';
import { invokeFunction } from '../../invoke/index';
import { invokePackaged } from '../../test-support/invoke';
import { DotnetStrategy } from './index';
import { failure } from '../../test-support/failure';

const FIXTURES = path.join(__dirname, 'fixtures');
const HELLO = 'Hello::Hello.Function::Handler';

function requireDotnet(): void {
  try {
    execFileSync('dotnet', ['--version'], { encoding: 'utf8' });
  } catch {
    throw new Error('dotnet is not installed: run tools/setup.sh');
  }
}

async function copyFixture(scenario: string, dest: string): Promise<void> {
  await fsp.cp(path.join(FIXTURES, scenario), dest, { recursive: true });
}

/** git in a test workspace, with an identity of its own (no global config needed or touched). */
function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=nx-lambda test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });
}

type Over = Partial<FunctionBuildRequest>;
function pkg(ws: string, projectRoot: string, over: Over = {}): Promise<PackageResult> {
  return packageFunction(DotnetStrategy, makeRequest(ws, { family: 'dotnet', runtime: 'dotnet8', handler: HELLO, projectRoot, ...over }));
}

const entries = (zip: string) => ZipReader.with(zip, (reader) => reader.fileNames);

/** The handler check alone, against a zip already built (no rebuild per handler string). */
function checkZip(zip: string, handler: string, architecture: Architecture = 'x86_64'): Promise<HandlerCheck> {
  return ZipReader.with(zip, (reader) => checkManagedHandler(handler, { root: path.dirname(zip), files: new Set(reader.fileNames), zip: reader }, architecture));
}

describe('dotnet: a function with a workspace library and a NuGet package (dotnet8)', () => {
  let ws: string;
  let result: PackageResult;
  beforeAll(async () => {
    requireDotnet();
    ws = await tempDir('dotnet-with-deps');
    await copyFixture('with-deps', ws);
    result = await pkg(ws, 'functions/hello');
  });

  it('zips the publish folder flat: assemblies, deps.json and runtimeconfig.json at the root', async () => {
    const names = await entries(result.zipPath);
    expect(names).toEqual(expect.arrayContaining(['Hello.dll', 'Hello.deps.json', 'Hello.runtimeconfig.json', 'Greeting.dll', 'AWSSDK.S3.dll', 'AWSSDK.Core.dll']));
    expect(names.filter((n) => n.includes('/'))).toEqual([]);
  });

  it('targets net8.0 in the runtimeconfig', async () => {
    const reader = await ZipReader.open(result.zipPath);
    const config = JSON.parse((await reader.read('Hello.runtimeconfig.json')).toString('utf8'));
    await reader.close();
    expect(config.runtimeOptions.tfm).toBe('net8.0');
  });

  it('runs the handler from its zip on the local Runtime API, with the library and the SDK loaded from it', async () => {
    expect(result.manifest.handler).toBe(HELLO);
    // Limits above Lambda's: the tests share two cores with other builds.
    const r = await invokePackaged(result, 'world', { timeoutMs: 10_000, initTimeoutMs: 60_000 });
    expect(r.response).toBe('Hello, world (AWSSDK.S3 4)');
  });

  it('lists the NuGet packages and the project reference with versions in the manifest', () => {
    const deps = result.manifest.dependencies;
    expect(deps).toContainEqual(expect.objectContaining({ name: 'AWSSDK.S3', version: '4.1.0', location: 'function' }));
    expect(deps.find((d) => d.name === 'AWSSDK.S3')!.size).toBeGreaterThan(100_000);
    expect(deps).toContainEqual(expect.objectContaining({ name: 'Greeting', reason: expect.stringContaining('ProjectReference') }));
    expect(result.manifest.notes).toMatchObject({ layersSupported: false, targetFramework: 'net8.0', runtimeIdentifier: 'linux-x64' });
    expect(result.manifest.toolchain.dotnet).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('leaves no bin/ or obj/ folder in the source tree', () => {
    for (const root of ['functions/hello', 'libs/greeting']) {
      expect(existsSync(path.join(ws, root, 'bin'))).toBe(false);
      expect(existsSync(path.join(ws, root, 'obj'))).toBe(false);
    }
  });

  it('builds the same bytes from a copy of the workspace at another path', async () => {
    const other = await tempDir('dotnet-with-deps-copy');
    await copyFixture('with-deps', path.join(other, 'elsewhere', 'deeper'));
    const again = await pkg(path.join(other, 'elsewhere', 'deeper'), 'functions/hello');
    expect(again.manifest.sha256).toBe(result.manifest.sha256);
  });

  it('fails with the type named when the handler class does not exist, and leaves no zip', async () => {
    const out = path.join(ws, 'dist', 'missing-type');
    const err = await failure(pkg(ws, 'functions/hello', { handler: 'Hello::Hello.Nope::Handler', outputPath: out }));
    expect(err.message).toMatch(/^dotnet:handler - hello: handler "Hello::Hello.Nope::Handler" names type Hello.Nope/);
    expect(err.message).toContain('Hello.Function');
    expect(existsSync(path.join(out, 'function.zip'))).toBe(false);
  });

  it('reports the methods of the class when the handler method does not exist', async () => {
    const check = await checkZip(result.zipPath, 'Hello::Hello.Function::Handle');
    expect(check).toMatchObject({ ok: false, problem: 'names method Handle, which Hello.Function does not have' });
    expect(check.ok || check.details).toEqual(['methods of Hello.Function: Handler']);
  });

  it('reports a handler assembly that is not in the zip', async () => {
    const check = await checkZip(result.zipPath, 'Helo::Hello.Function::Handler');
    expect(check).toMatchObject({ ok: false, problem: 'names assembly Helo, but Helo.dll is not in the zip' });
  });

  it('reports a handler that is not Assembly::Type::Method', async () => {
    const check = await checkZip(result.zipPath, 'Hello.Function::Handler');
    expect(check).toMatchObject({ ok: false, problem: 'is not of the form Assembly::Namespace.Class::Method' });
  });

  it('reports an assembly compiled for the other architecture', async () => {
    const check = await checkZip(result.zipPath, HELLO, 'arm64');
    expect(check).toMatchObject({ ok: false, problem: 'names Hello.dll, which is compiled for x86_64, not arm64' });
  });

  it('refuses a runtime whose framework the project does not target, before building', async () => {
    const err = await failure(pkg(ws, 'functions/hello', { runtime: 'dotnet10', outputPath: path.join(ws, 'dist', 'wrong-tfm') }));
    expect(err.where).toBe('dotnet:options');
    expect(err.message).toContain('targets net8.0, but runtime dotnet10 runs net10.0');
    expect(err.hint).toContain('<TargetFramework>net10.0</TargetFramework>');
  });
});

describe('dotnet: no-deps on dotnet10 for arm64', () => {
  it('publishes for linux-arm64: the assembly is marked ARM64 and the handler check passes', async () => {
    requireDotnet();
    const ws = await tempDir('dotnet-no-deps');
    await copyFixture('no-deps', path.join(ws, 'fn'));
    const handler = 'NoDeps::NoDeps.Function::Upper';
    const result = await packageFunction(DotnetStrategy, makeRequest(ws, { family: 'dotnet', runtime: 'dotnet10', handler, projectRoot: 'fn', architecture: 'arm64' }));
    expect(result.manifest.notes).toMatchObject({ runtimeIdentifier: 'linux-arm64', targetFramework: 'net10.0' });
    const reader = await ZipReader.open(result.zipPath);
    const dll = await reader.read('NoDeps.dll');
    await reader.close();
    expect(readPeMachine(dll)).toBe('arm64');
  });
});

describe('dotnet: a workspace in a git repository', () => {
  it('builds the same bytes after a commit that changes nothing the function is built from', async () => {
    requireDotnet();
    const ws = await tempDir('dotnet-git');
    await copyFixture('no-deps', path.join(ws, 'fn'));
    await writeFiles(ws, { 'README.md': 'first\n' });
    git(ws, 'init', '-q');
    // With a remote, SourceLink has a repository URL to write the commit into (no network needed).
    git(ws, 'remote', 'add', 'origin', 'https://github.com/example/functions.git');
    git(ws, 'add', '.');
    git(ws, 'commit', '-q', '-m', 'first');
    // Copied before any build: the second workspace has no artifacts cache, as on a fresh CI runner.
    const next = await tempDir('dotnet-git-next');
    await fsp.cp(ws, next, { recursive: true });
    await writeFiles(next, { 'README.md': 'second\n' });
    git(next, 'commit', '-q', '-a', '-m', 'second');
    const request = (root: string) => makeRequest(root, { family: 'dotnet', runtime: 'dotnet10', handler: 'NoDeps::NoDeps.Function::Upper', projectRoot: 'fn' });
    const first = await packageFunction(DotnetStrategy, request(ws));
    const again = await packageFunction(DotnetStrategy, request(next));
    expect(again.manifest.sha256).toBe(first.manifest.sha256);
  });
});

describe('dotnet: Native AOT on provided.al2023', () => {
  let result: PackageResult;
  beforeAll(async () => {
    requireDotnet();
    const ws = await tempDir('dotnet-aot');
    await copyFixture('native-aot', path.join(ws, 'fn'));
    result = await packageFunction(DotnetStrategy, makeRequest(ws, { family: 'dotnet', runtime: 'provided.al2023', handler: 'bootstrap', projectRoot: 'fn', options: { nativeAot: true } }));
  });

  it('zips one executable native bootstrap and no symbol files', async () => {
    const reader = await ZipReader.open(result.zipPath);
    try {
      expect(reader.fileNames).toEqual(['bootstrap']);
      expect(reader.entry('bootstrap')?.executable).toBe(true);
      expect(elfMachine(await reader.read('bootstrap'))).toBe('x86_64');
    } finally {
      await reader.close();
    }
    expect(result.manifest.notes).toMatchObject({ mode: 'native-aot', runtimeIdentifier: 'linux-x64' });
  });

  it('answers an event through the Runtime API from the unzipped bootstrap', async () => {
    const r = await invokeFunction({ zipPath: result.zipPath, family: 'dotnet', runtime: 'provided.al2023', handler: 'bootstrap', event: { hello: 'aot' } });
    expect(r.error ?? r.initError).toBeUndefined();
    expect(r.rawResponse).toBe('native: {"hello":"aot"}');
  });
});

describe('dotnet: bad input', () => {
  it('refuses Native AOT for arm64 on this x86_64 machine, saying what is missing', async () => {
    const ws = await tempDir('dotnet-aot-arm64');
    await copyFixture('native-aot', ws);
    const err = await failure(pkg(ws, '.', { runtime: 'provided.al2023', architecture: 'arm64', options: { nativeAot: true } }));
    expect(err.message).toMatch(/^dotnet:aot - .*Native AOT for arm64 cannot be built on this x86_64 machine/);
    expect(err.message).toContain('aarch64 sysroot');
    expect(existsSync(path.join(ws, 'dist', 'function.zip'))).toBe(false);
  });

  it('fails without a project file, and leaves no zip', async () => {
    const ws = await tempDir('dotnet-no-project', { 'functions/empty/Function.cs': 'class A {}' });
    const err = await failure(pkg(ws, 'functions/empty'));
    expect(err.message).toMatch(/^dotnet:resolve - functions\/empty has no .csproj project file/);
    expect(existsSync(path.join(ws, 'dist', 'functions/empty', 'function.zip'))).toBe(false);
  });

  it('fails with the compiler error when the code does not build, and leaves no zip', async () => {
    requireDotnet();
    const ws = await tempDir('dotnet-broken');
    await copyFixture('no-deps', path.join(ws, 'fn'));
    await writeFiles(ws, { 'fn/Function.cs': 'namespace NoDeps;\npublic static class Function { public static string Upper(string s) => s.ToUpperInvariant() }\n' });
    const err = await failure(packageFunction(DotnetStrategy, makeRequest(ws, { family: 'dotnet', runtime: 'dotnet10', handler: 'NoDeps::NoDeps.Function::Upper', projectRoot: 'fn' })));
    expect(err.message).toMatch(/^dotnet:publish - dotnet publish failed for fn/);
    expect(err.message).toMatch(/Function\.cs\(2,\d+\): error CS1002/);
    expect(existsSync(path.join(ws, 'dist', 'fn', 'function.zip'))).toBe(false);
  });

  it('refuses nativeAot on a managed runtime', async () => {
    const ws = await tempDir('dotnet-aot-managed');
    await copyFixture('no-deps', ws);
    const err = await failure(pkg(ws, '.', { runtime: 'dotnet10', options: { nativeAot: true } }));
    expect(err.message).toMatch(/^dotnet:options - .*nativeAot needs a custom runtime, not dotnet10/);
  });
});
