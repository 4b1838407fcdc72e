import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../archive/zip-reader';
import { invokeFunction } from '../invoke/index';
import { packageFunction, PackageResult } from '../package/pipeline';
import { DEFAULT_LIMITS } from '../package/limits';
import { JavaStrategy } from '../runtimes/java/index';
import { fixtureWorkspace, requireJavaToolchain, SETTINGS_FILE, useFastMavenJvm } from '../runtimes/java/test-support/maven-workspace';
import type { FunctionBuildRequest } from '../runtimes/types';
import { makeRequest } from '../test-support/workspace';
import { buildLayerProject, LayerProjectResult } from './build-layers';
import { readFunctionShare } from './layer-artifacts';

// Two Maven functions of one aggregator share gson and a workspace library: the layer's jars come
// from each function's own Maven build (JavaStrategy.layerFromFunctionBuilds); the library stays in each function.
const HANDLER = 'com.example.Handler::handleRequest';
const request = (ws: string, fn: string): FunctionBuildRequest =>
  makeRequest(ws, { family: 'java', runtime: 'java21', handler: HANDLER, projectRoot: `functions/${fn}`, options: { settingsFile: SETTINGS_FILE } });

const zipNames = (zip: string) => ZipReader.with(zip, (r) => r.names);

describe('java layers: jars shared by two Maven functions', () => {
  let ws: string;
  let layers: LayerProjectResult;
  let layered: PackageResult;
  let plain: PackageResult;
  const layerDir = () => path.join(ws, 'dist', 'layers', 'java-shared');

  beforeAll(async () => {
    requireJavaToolchain();
    useFastMavenJvm();
    ws = await fixtureWorkspace('with-deps');
    // A second function: the same module under another artifactId, listed in the aggregator.
    await fsp.cp(path.join(ws, 'functions/hello'), path.join(ws, 'functions/hola'), { recursive: true });
    const pom = path.join(ws, 'functions/hola/pom.xml');
    await fsp.writeFile(pom, (await fsp.readFile(pom, 'utf8')).replace('<artifactId>hello</artifactId>', '<artifactId>hola</artifactId>'));
    const agg = path.join(ws, 'pom.xml');
    await fsp.writeFile(agg, (await fsp.readFile(agg, 'utf8')).replace('<module>functions/hello</module>', '<module>functions/hello</module>\n    <module>functions/hola</module>'));
    plain = await packageFunction(JavaStrategy, { ...request(ws, 'hello'), outputPath: path.join(ws, 'dist', 'plain') });
    layers = await buildLayerProject(JavaStrategy, {
      project: 'java-shared', projectRoot: 'layers/java-shared', workspaceRoot: ws, family: 'java', runtime: 'java21', architecture: 'x86_64',
      outputPath: layerDir(), functions: [request(ws, 'hello'), request(ws, 'hola')], minLayerBytes: 0, limits: DEFAULT_LIMITS, compressionLevel: 6,
    });
    layered = await packageFunction(JavaStrategy, { ...request(ws, 'hello'), layers: await readFunctionShare(layerDir(), 'java-shared', 'hello') });
  }, 900_000);

  it('puts the shared jars in one layer under java/lib', async () => {
    expect(layers.plan.layers).toHaveLength(1);
    const names = await zipNames(path.join(layerDir(), layers.plan.layers[0].name, 'layer.zip'));
    expect(names).toContain('java/lib/gson-2.10.jar');
    expect(layers.plan.layers[0].functions).toEqual(['hello', 'hola']);
  });

  it('leaves the layered jars out of the function zip and records the layer', async () => {
    expect(await zipNames(plain.zipPath)).toContain('lib/gson-2.10.jar');
    expect(await zipNames(layered.zipPath)).not.toContain('lib/gson-2.10.jar');
    expect(layered.manifest.layers).toEqual([layers.plan.layers[0].name]);
    expect(layered.manifest.dependencies.find((d) => d.name.endsWith(':gson'))?.location).toBe(layers.plan.layers[0].name);
  });

  it('keeps the workspace library\'s jar in each function: a layered copy would go stale when its sources change', async () => {
    // The layer target's cache follows poms, not the library's sources (a Python workspace library
    // and a Ruby path: gem stay in their functions for the same reason).
    expect(layers.plan.layers.flatMap((l) => l.dependencies.map((d) => d.name))).not.toContain('com.example:greeting');
    const layerZip = path.join(layerDir(), layers.plan.layers[0].name, 'layer.zip');
    expect((await zipNames(layerZip)).filter((n) => n.includes('greeting'))).toEqual([]);
    expect(await zipNames(layered.zipPath)).toContain('lib/greeting-1.0.0.jar');
    expect(layered.manifest.dependencies.find((d) => d.name === 'com.example:greeting')?.location).toBe('function');
  });

  it('runs the function from its zip with the layer in /opt, as it runs with the jars in its own zip', async () => {
    const layerZip = path.join(layerDir(), layers.plan.layers[0].name, 'layer.zip');
    expect(existsSync(layerZip)).toBe(true);
    const event = { name: 'Ada' };
    const withLayer = await invokeFunction({ zipPath: layered.zipPath, layerZips: [layerZip], family: 'java', runtime: 'java21', handler: HANDLER, event, timeoutMs: 60_000, initTimeoutMs: 60_000, memoryMb: 512 });
    const alone = await invokeFunction({ zipPath: plain.zipPath, family: 'java', runtime: 'java21', handler: HANDLER, event, timeoutMs: 60_000, initTimeoutMs: 60_000, memoryMb: 512 });
    expect(withLayer.error ?? withLayer.initError).toBeUndefined();
    expect(withLayer.response).toEqual(alone.response);
  });
});
