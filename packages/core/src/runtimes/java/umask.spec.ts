import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractZip, ZipReader } from '../../archive/zip-reader';
import { exec } from '../../exec';
import { packageFunction, PackageResult } from '../../package/pipeline';
import { makeRequest, tempDir } from '../../test-support/workspace';
import { JavaStrategy } from './index';
import { fixtureWorkspace, requireJavaToolchain, SETTINGS_FILE, useFastMavenJvm } from './test-support/maven-workspace';

/**
 * Maven writes target/ with the process umask and the jar plugin records those modes in a
 * workspace module's jar; the function zip must not depend on them. vitest runs this file in a
 * forked process (pool 'forks'), where process.umask can be set; Maven inherits it.
 */
async function withUmask<T>(mask: number, run: () => Promise<T>): Promise<T> {
  const before = process.umask(mask);
  try {
    return await run();
  } finally {
    process.umask(before);
  }
}

function packageHello(ws: string): Promise<PackageResult> {
  return packageFunction(JavaStrategy, makeRequest(ws, {
    family: 'java', runtime: 'java21', handler: 'com.example.Handler::handleRequest', projectRoot: 'functions/hello', options: { settingsFile: SETTINGS_FILE },
  }));
}

/** `name mode` of every entry, as `zipinfo` would show the permissions. */
async function modesOf(zipPath: string): Promise<string[]> {
  return ZipReader.with(zipPath, (zip) => zip.entries.map((e) => `${e.name} ${e.mode.toString(8)}`));
}

describe('java: the zip does not depend on the umask or on what target/ held (fixtures/with-deps)', () => {
  let strict: PackageResult;

  beforeAll(async () => {
    requireJavaToolchain();
    useFastMavenJvm();
    strict = await withUmask(0o077, async () => packageHello(await fixtureWorkspace('with-deps')));
  });

  it('gives the same zip under umask 077 and 022, with fixed modes inside the workspace library\'s jar', async () => {
    const open = await withUmask(0o022, async () => packageHello(await fixtureWorkspace('with-deps')));
    const trees = await Promise.all([strict, open].map(async (r) => {
      const dir = await tempDir('java-umask-unzipped');
      await extractZip(r.zipPath, dir);
      return { zip: await modesOf(r.zipPath), jar: await modesOf(path.join(dir, 'lib/greeting-1.0.0.jar')) };
    }));
    expect(open.manifest.codeSha256).toBe(strict.manifest.codeSha256);
    expect(trees[1]).toEqual(trees[0]);
    expect(trees[0].jar).toEqual(expect.arrayContaining(['com/ 755', 'com/example/greeting/Greeting.class 644', 'META-INF/MANIFEST.MF 644']));
    expect(trees[0].jar.filter((m) => !/ (644|755)$/.test(m))).toEqual([]);
    expect(trees[0].zip.filter((m) => !/ (644|755)$/.test(m))).toEqual([]);
  });

  it('gives the same zip when target/ holds an earlier plain `mvn package` (no outputTimestamp) made under another umask', async () => {
    const ws = await fixtureWorkspace('with-deps');
    // What an IDE or a developer's own build leaves behind: jars with the build's clock and modes.
    await withUmask(0o002, () => exec({ where: 'test', command: 'mvn', args: ['-B', '-q', '-s', SETTINGS_FILE, 'package', '-DskipTests'], cwd: ws, timeoutMs: 600_000 }));
    const again = await withUmask(0o022, () => packageHello(ws));
    expect(again.manifest.codeSha256).toBe(strict.manifest.codeSha256);
  });
});
