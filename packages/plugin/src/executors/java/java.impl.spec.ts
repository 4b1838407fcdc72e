import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { executorContext } from '../test-support/context';
import { fixtureWorkspace, requireJavaToolchain, SETTINGS_FILE, useFastMavenJvm } from '../../../../core/src/runtimes/java/test-support/maven-workspace';
import javaExecutor from './java.impl';

const contextFor = (ws: string, project: string, root: string) => executorContext(ws, project, { [project]: root });

describe('@nx-lambda/plugin:java', () => {
  beforeAll(() => {
    requireJavaToolchain();
    useFastMavenJvm();
  });

  it('packages a Maven function into dist/{projectRoot} and reports success', async () => {
    const ws = await fixtureWorkspace('with-deps');
    const result = await javaExecutor({ handler: 'com.example.Handler::handleRequest', runtime: 'java21', settingsFile: SETTINGS_FILE }, contextFor(ws, 'hello', 'functions/hello'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/functions/hello/function.zip') });
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/functions/hello/manifest.json'), 'utf8'));
    expect(manifest.dependencies.map((d: { name: string }) => d.name)).toEqual(['com.example:greeting', 'com.google.code.gson:gson']);
  });

  it('returns success: false for bad input instead of throwing', async () => {
    const ws = await fixtureWorkspace('with-deps');
    await fsp.rm(path.join(ws, 'functions/hello/pom.xml'));
    const result = await javaExecutor({ handler: 'com.example.Handler::handleRequest', runtime: 'java21' }, contextFor(ws, 'hello', 'functions/hello'));
    expect(result).toEqual({ success: false });
  });
});
