import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractZip, ZipReader } from '../../archive/zip-reader';
import { LambdaPackageError } from '../../errors';
import { exec } from '../../exec';
import { invokePackaged } from '../../test-support/invoke';
import { packageFunction, PackageResult } from '../../package/pipeline';
import { makeRequest, tempDir, writeFiles } from '../../test-support/workspace';
import { BuildContext, dependencyKey, FunctionBuildRequest, ResolvedDependency } from '../types';
import { JavaStrategy } from './index';
import { fixtureWorkspace, offlineSettings, requireJavaToolchain, SETTINGS_FILE, useFastMavenJvm } from './test-support/maven-workspace';

const HANDLER = 'com.example.Handler::handleRequest';
const FN = 'functions/hello';

function helloRequest(ws: string, over: Partial<FunctionBuildRequest> = {}): FunctionBuildRequest {
  return makeRequest(ws, { family: 'java', runtime: 'java21', handler: HANDLER, projectRoot: FN, options: { settingsFile: SETTINGS_FILE }, ...over });
}

/**
 * Invokes the packaged zip as Lambda would, with the runtime and handler its manifest records.
 * The handlers return a JSON string, which Lambda serialises as a JSON string: parsed twice.
 */
async function invokeJava(result: PackageResult, event: Record<string, string>): Promise<unknown> {
  const r = await invokePackaged(result, event, { timeoutMs: 60_000, initTimeoutMs: 60_000 });
  expect(typeof r.response).toBe('string');
  return JSON.parse(r.response as string);
}

async function expectPackageError(request: FunctionBuildRequest): Promise<LambdaPackageError> {
  const err = await packageFunction(JavaStrategy, request).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LambdaPackageError);
  expect(existsSync(path.join(request.outputPath, 'function.zip'))).toBe(false);
  return err as LambdaPackageError;
}

describe('java: multi-module Maven workspace with gson and a workspace library (fixtures/with-deps)', () => {
  let ws: string;
  let result: PackageResult;
  let names: string[];
  let unzipped: string;

  beforeAll(async () => {
    requireJavaToolchain();
    useFastMavenJvm();
    ws = await fixtureWorkspace('with-deps');
    result = await packageFunction(JavaStrategy, helloRequest(ws));
    const zip = await ZipReader.open(result.zipPath);
    names = zip.names;
    await zip.close();
    unzipped = await tempDir('java-unzipped');
    await extractZip(result.zipPath, unzipped);
  });

  it('puts classes and resources at the zip root and runtime jars in lib/', () => {
    expect(names).toEqual(expect.arrayContaining(['com/example/Handler.class', 'banner.txt', 'lib/gson-2.10.jar', 'lib/greeting-1.0.0.jar']));
    expect(names.filter((n) => n.startsWith('lib/') && n !== 'lib/')).toEqual(['lib/greeting-1.0.0.jar', 'lib/gson-2.10.jar']);
    expect(names.some((n) => n.endsWith('pom.xml') || n.startsWith('META-INF/maven'))).toBe(false);
  });

  it('runs the handler from its zip on the local Runtime API, with classes at the root and lib/*.jar on the classpath', async () => {
    expect(result.manifest.handler).toBe(HANDLER);
    expect(await invokeJava(result, { name: 'World' })).toEqual({ banner: true, message: 'Hello, World!' });
  });

  it('lists every jar with Maven coordinates, size and location in the manifest', async () => {
    const m = result.manifest;
    const gsonSize = (await fsp.stat(path.join(unzipped, 'lib/gson-2.10.jar'))).size;
    expect(m.dependencies).toEqual([
      expect.objectContaining({ name: 'com.example:greeting', version: '1.0.0', location: 'function', reason: expect.stringContaining('workspace module') }),
      expect.objectContaining({ name: 'com.google.code.gson:gson', version: '2.10', location: 'function', size: gsonSize }),
    ]);
    expect(m.notes).toMatchObject({ buildTool: 'maven', buildDir: '.', projectList: FN, outputTimestamp: 'set by nx-lambda' });
    expect((m.notes as { jars: unknown[] }).jars).toContainEqual({ file: 'gson-2.10.jar', coordinates: 'com.google.code.gson:gson:jar:2.10', scope: 'compile', size: gsonSize });
    expect(m.toolchain).toMatchObject({ maven: expect.stringMatching(/^3\./), java: expect.stringMatching(/^\d+/) });
    expect(JSON.stringify(m)).not.toContain(ws);
  });

  it('builds the workspace library jar with fixed entry times', async () => {
    const jar = await ZipReader.open(path.join(unzipped, 'lib/greeting-1.0.0.jar'));
    try {
      expect(jar.names).toContain('com/example/greeting/Greeting.class');
    } finally {
      await jar.close();
    }
    const listing = await exec({ where: 'test', command: 'unzip', args: ['-l', path.join(unzipped, 'lib/greeting-1.0.0.jar')], cwd: unzipped });
    expect(listing.stdout).toMatch(/2000-01-01 00:00\s+com\/example\/greeting\/Greeting\.class/);
  });

  it('rebuilds byte-identical from a fresh copy in another folder', async () => {
    const other = await fixtureWorkspace('with-deps');
    const again = await packageFunction(JavaStrategy, helloRequest(other));
    expect(again.manifest.codeSha256).toBe(result.manifest.codeSha256);
  });

  describe('layers', () => {
    let ctx: BuildContext;
    let resolved: ResolvedDependency[];

    beforeAll(async () => {
      ctx = await buildContext(helloRequest(ws));
      resolved = await JavaStrategy.resolve(ctx);
    });

    it('resolves every repository jar with its Maven coordinates and size; the workspace module stays in the function', async () => {
      const gsonSize = (await fsp.stat(path.join(unzipped, 'lib/gson-2.10.jar'))).size;
      expect(resolved).toContainEqual({ name: 'com.google.code.gson:gson', version: '2.10', platform: 'any', size: gsonSize });
      expect(resolved.map((r) => r.name).sort()).toEqual(['com.google.code.gson:gson']);
    });

    it('leaves out jars a layer provides and says which layer supplies them', async () => {
      const gson = resolved.find((r) => r.name.endsWith(':gson'))!;
      const built = await JavaStrategy.build(ctx, { provided: [gson], providedBy: new Map([[dependencyKey(gson), 'java-shared']]) });
      expect(await fsp.readdir(path.join(ctx.stagingDir, 'lib'))).toEqual(['greeting-1.0.0.jar']);
      expect(built.dependencies).toContainEqual(expect.objectContaining({ name: gson.name, location: 'java-shared' }));
    });

    it('stages layer jars under java/lib with buildLayer', async () => {
      const res = await JavaStrategy.buildLayer!(ctx, resolved.filter((r) => r.name.endsWith(':gson')));
      expect(JavaStrategy.layerRoot!('java21')).toBe('java/lib');
      expect(await fsp.readdir(path.join(ctx.stagingDir, 'java/lib'))).toEqual(['gson-2.10.jar']);
      expect(res.dependencies).toEqual([expect.objectContaining({ name: 'com.google.code.gson:gson', version: '2.10' })]);
    });
  });

  it('fails with no zip when the handler class is not in the package', async () => {
    const err = await expectPackageError(helloRequest(ws, { handler: 'com.example.Handlr::handleRequest', outputPath: path.join(ws, 'dist/no-class') }));
    expect(err.where).toBe('java:handler');
    expect(err.message).toContain('names class com.example.Handlr, which is not in the package');
  });

  describe('checks on the final tree', () => {
    const check = async (handler: string, runtime = 'java21', extra: Record<string, Buffer> = {}) => {
      const zip = await ZipReader.open(result.zipPath);
      try {
        let root = unzipped;
        const files = new Set(zip.fileNames);
        if (Object.keys(extra).length) {
          root = await tempDir('java-tree');
          await fsp.cp(unzipped, root, { recursive: true });
          await writeFiles(root, extra);
          for (const f of Object.keys(extra)) files.add(f);
        }
        return await JavaStrategy.checkHandler(await buildContext(helloRequest(ws, { handler, runtime })), { root, files, zip });
      } finally {
        await zip.close();
      }
    };

    it('rejects a class file newer than the runtime, naming the class and its version', async () => {
      // JDK 17 is the newest compiler here, so a Java 21 class is made by patching the major
      // version (bytes 6-7) of a real class compiled for 17.
      const patched = Buffer.from(await fsp.readFile(path.join(unzipped, 'com/example/Handler.class')));
      patched.writeUInt16BE(65, 6);
      const err = await check(HANDLER, 'java17', { 'extra/com/example/Newer.class': patched }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(LambdaPackageError);
      expect((err as LambdaPackageError).where).toBe('java:bytecode');
      expect((err as Error).message).toContain('extra/com/example/Newer.class is class file version 65.0 (Java 21), newer than java17 runs (up to 61, Java 17)');
    });

    it('accepts Java 17 class files, loose and in lib/ jars, for the java17 runtime', async () => {
      expect(await check(HANDLER, 'java17')).toMatchObject({ ok: true });
    });

    it('refuses a handler naming only a class that implements no handler interface (Lambda\'s Java runtime refuses it)', async () => {
      expect(await check('com.example.Handler')).toMatchObject({ ok: false, problem: expect.stringContaining('implements neither RequestHandler nor RequestStreamHandler'),
        hint: expect.stringContaining('"com.example.Handler::handleRequest"') });
    });

    it('takes the shapes Lambda\'s Java runtime calls and refuses (event, Object): a second parameter must be Context', async () => {
      // Stubs of aws-lambda-java-core's types (not on this machine): only their names matter to the check.
      const dir = await tempDir('java-shapes', {
        'com/amazonaws/services/lambda/runtime/Context.java': 'package com.amazonaws.services.lambda.runtime;\npublic interface Context {}\n',
        'com/amazonaws/services/lambda/runtime/RequestHandler.java': 'package com.amazonaws.services.lambda.runtime;\npublic interface RequestHandler<I, O> { O handleRequest(I input, Context context); }\n',
        'shapes/Untyped.java': 'package shapes;\npublic class Untyped { public String handleRequest(java.util.Map<String, Object> event, Object context) { return ""; } }\n',
        'shapes/Typed.java': 'package shapes;\nimport com.amazonaws.services.lambda.runtime.*;\npublic class Typed implements RequestHandler<java.util.Map<String, Object>, String> {\n  public String handleRequest(java.util.Map<String, Object> event, Context context) { return ""; }\n  public String ping() { return "pong"; }\n  public String three(int a, int b, int c) { return ""; }\n}\n',
      });
      await exec({ where: 'test:javac', command: 'javac', args: ['--release', '17', '-d', 'out', 'com/amazonaws/services/lambda/runtime/Context.java',
        'com/amazonaws/services/lambda/runtime/RequestHandler.java', 'shapes/Untyped.java', 'shapes/Typed.java'], cwd: dir });
      const classes: Record<string, Buffer> = {};
      for (const c of ['shapes/Untyped', 'shapes/Typed', 'com/amazonaws/services/lambda/runtime/Context', 'com/amazonaws/services/lambda/runtime/RequestHandler']) {
        classes[`${c}.class`] = await fsp.readFile(path.join(dir, 'out', `${c}.class`));
      }
      const untyped = await check('shapes.Untyped::handleRequest', 'java21', classes);
      expect(untyped).toMatchObject({ ok: false, problem: expect.stringContaining('a second parameter not typed com.amazonaws.services.lambda.runtime.Context is not called'),
        hint: expect.stringContaining('"public <Output> handleRequest(<Input> event)"') });
      expect(await check('shapes.Typed::handleRequest', 'java21', classes)).toMatchObject({ ok: true });
      expect(await check('shapes.Typed', 'java21', classes)).toMatchObject({ ok: true });
      expect(await check('shapes.Typed::ping', 'java21', classes)).toMatchObject({ ok: true });
      expect(await check('shapes.Typed::three', 'java21', classes)).toMatchObject({ ok: false, problem: expect.stringContaining('calls no overload of it') });
    });

    it('finds a handler class inside a lib/ jar', async () => {
      // Greeting.hello(String) is static with one parameter: callable, though not a real handler.
      expect(await check('com.example.greeting.Greeting::hello')).toMatchObject({ ok: true, detail: expect.stringContaining('lib/greeting-1.0.0.jar!') });
    });

    it('reports a method the class does not have', async () => {
      const r = await check('com.example.Handler::handle');
      expect(r).toMatchObject({ ok: false, problem: 'names method handle, which com.example.Handler does not declare or inherit' });
      expect(r.ok === false && r.details?.join('\n')).toContain('handleRequest');
    });

    it('takes a method without parameters, which Lambda calls with no event', async () => {
      expect(await check('com.example.Handler::describe')).toMatchObject({ ok: true });
    });

    it('reports a class without the public no-argument constructor Lambda needs', async () => {
      expect(await check('com.google.gson.JsonParser::parseString')).toMatchObject({ ok: true });
      expect(await check('com.google.gson.stream.JsonReader::setLenient')).toMatchObject({ ok: false, problem: expect.stringContaining('no public no-argument constructor') });
    });
  });
});

describe('java: the repo\'s example (examples/java-hello, aggregator in a sibling folder)', () => {
  it('builds through the parent\'s relativePath with -pl ../java-hello -am and runs', async () => {
    requireJavaToolchain();
    useFastMavenJvm();
    const ws = await tempDir('java-example', { [SETTINGS_FILE]: offlineSettings() });
    const repo = path.resolve(__dirname, '../../../../..');
    for (const dir of ['examples/java-hello', 'examples/java-parent', 'examples/libs/java-greeting']) {
      await fsp.cp(path.join(repo, dir), path.join(ws, dir), { recursive: true, filter: (src) => path.basename(src) !== 'target' });
    }
    const r = await packageFunction(JavaStrategy, makeRequest(ws, {
      family: 'java', runtime: 'java21', handler: HANDLER, projectRoot: 'examples/java-hello', options: { settingsFile: SETTINGS_FILE },
    }));
    expect(r.manifest.notes).toMatchObject({ buildDir: 'examples/java-parent', projectList: '../java-hello', outputTimestamp: 'set by the pom' });
    const tree = await tempDir('java-example-unzipped');
    await extractZip(r.zipPath, tree);
    expect(await fsp.readdir(path.join(tree, 'lib'))).toEqual(['gson-2.10.jar', 'java-greeting-1.0.0.jar']);
    expect(await invokeJava(r, { name: 'Nx' })).toEqual({ message: 'Hello, Nx!' });
  });
});

describe('java: bad input', () => {
  beforeAll(() => {
    requireJavaToolchain();
    useFastMavenJvm();
  });

  it('fails with no zip when the function folder has no pom.xml', async () => {
    const ws = await tempDir('java-no-pom', { 'functions/hello/src/main/java/A.java': 'class A {}' });
    const err = await expectPackageError(helloRequest(ws));
    expect(err.where).toBe('java:resolve');
    expect(err.message).toContain('hello: no pom.xml in functions/hello');
  });

  it('fails with the compiler output and no zip when the code does not compile', async () => {
    const ws = await fixtureWorkspace('compile-error', FN);
    const err = await expectPackageError(helloRequest(ws));
    expect(err.where).toBe('java:compile');
    expect(err.message).toContain('hello: compilation failed');
    expect(err.message).toMatch(/Handler\.java:\[5,\d+\] cannot find symbol/);
    expect(err.message).toContain('undefinedVariable');
  });

  it('fails with Maven\'s message and the settings used when a dependency cannot be resolved', async () => {
    const ws = await fixtureWorkspace('broken-deps', FN);
    const err = await expectPackageError(helloRequest(ws));
    expect(err.where).toBe('java:dependencies');
    expect(err.message).toContain('com.example.nowhere:does-not-exist:jar:9.9.9');
    expect(err.message).toContain(`settings: ${path.join(ws, SETTINGS_FILE)}`);
    expect(err.message).toContain('file:///usr/share/maven-repo');
  });
});

/** A real build context outside the pipeline, for steps the pipeline does not call yet (layers). */
async function buildContext(request: FunctionBuildRequest): Promise<BuildContext> {
  const base = await tempDir('java-ctx', { 'staging/.keep': '' });
  const stagingDir = path.join(base, 'staging');
  await fsp.rm(path.join(stagingDir, '.keep'));
  return { request, stagingDir, workDir: base, cacheDir: base, exec, warn: () => undefined, log: () => undefined };
}
