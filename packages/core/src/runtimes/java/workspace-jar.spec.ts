import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipEntryInfo, ZipReader } from '../../archive/zip-reader';
import { exec } from '../../exec';
import { tempDir } from '../../test-support/workspace';
import { isWorkspaceModuleJar, writeNormalisedJar } from './workspace-jar';

describe('workspace jars: which jars are a workspace module\'s', () => {
  const lib = { groupId: 'com.example', artifactId: 'greeting' };

  it('counts a reactor module\'s target/ jar, not a repository jar outside the workspace', () => {
    expect(isWorkspaceModuleJar({ ...lib, file: '/ws/libs/greeting/target/greeting-1.0.0.jar' }, '/ws')).toBe(true);
    expect(isWorkspaceModuleJar({ groupId: 'com.google.code.gson', artifactId: 'gson', file: '/home/u/.m2/repository/com/google/code/gson/gson/2.10/gson-2.10.jar' }, '/ws')).toBe(false);
    expect(isWorkspaceModuleJar({ ...lib, file: '/ws-other/libs/greeting/target/greeting-1.0.0.jar' }, '/ws')).toBe(false);
  });

  it('leaves repository jars alone when the local repository is inside the workspace (CI caches)', () => {
    expect(isWorkspaceModuleJar({ groupId: 'com.google.code.gson', artifactId: 'gson', file: '/ws/.m2/repository/com/google/code/gson/gson/2.10/gson-2.10.jar' }, '/ws')).toBe(false);
    expect(isWorkspaceModuleJar({ ...lib, file: '/ws/.m2/repository/com/example/greeting/1.0-SNAPSHOT/greeting-1.0-20240101.120000-1.jar' }, '/ws')).toBe(false);
  });
});

/**
 * A jar as Info-ZIP's `zip` writes it from a tree made with the given modes: Unix modes from the
 * disk, extra fields with times and owner ids, entries in the order given (manifest first).
 */
async function jarWithModes(fileMode: number, dirMode: number): Promise<string> {
  const dir = await tempDir('java-jar-src', {
    'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\n\r\n',
    'com/example/A.class': Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]),
    'Banner.txt': 'x'.repeat(2000),
  });
  const when = new Date('2000-01-01T00:00:00Z');
  for (const f of ['META-INF/MANIFEST.MF', 'com/example/A.class', 'Banner.txt']) {
    await fsp.chmod(path.join(dir, f), fileMode);
    await fsp.utimes(path.join(dir, f), when, when);
  }
  for (const d of ['META-INF', 'com/example', 'com']) {
    await fsp.chmod(path.join(dir, d), dirMode);
    await fsp.utimes(path.join(dir, d), when, when);
  }
  await exec({ where: 'test', command: 'zip', args: ['-q', 'in.jar', 'META-INF/', 'META-INF/MANIFEST.MF', 'com/', 'com/example/', 'com/example/A.class', 'Banner.txt'], cwd: dir });
  return path.join(dir, 'in.jar');
}

const shape = (e: ZipEntryInfo) => ({ name: e.name, type: e.type, dosTime: e.dosTime, dosDate: e.dosDate, crc: e.crc, size: e.size });

describe('workspace jars: normalised copies', () => {
  it('gives the same bytes whatever modes the files had, with fixed modes and everything else kept', async () => {
    const strict = await jarWithModes(0o600, 0o700);
    const open = await jarWithModes(0o664, 0o775);
    expect(await fsp.readFile(strict)).not.toEqual(await fsp.readFile(open));
    const out = await tempDir('java-jar-out');
    const [a, b] = [path.join(out, 'a.jar'), path.join(out, 'b.jar')];
    expect(await writeNormalisedJar(strict, a)).toBe((await fsp.stat(a)).size);
    await writeNormalisedJar(open, b);
    expect(await fsp.readFile(a)).toEqual(await fsp.readFile(b));

    const before = await ZipReader.with(strict, (z) => z.entries.map(shape));
    await ZipReader.with(a, async (z) => {
      expect(z.entries.map(shape)).toEqual(before);
      expect(z.entries.map((e) => `${e.name} ${e.mode.toString(8)}`)).toEqual([
        'META-INF/ 755', 'META-INF/MANIFEST.MF 644', 'com/ 755', 'com/example/ 755', 'com/example/A.class 644', 'Banner.txt 644',
      ]);
      expect((await z.read('Banner.txt')).toString()).toBe('x'.repeat(2000));
    });
    // Info-ZIP's own check of every header and CRC, and no time or owner extras left behind.
    await exec({ where: 'test', command: 'unzip', args: ['-tq', a], cwd: out });
    const details = (await exec({ where: 'test', command: 'zipinfo', args: ['-v', a], cwd: out })).stdout;
    expect(details).not.toMatch(/length of extra field:\s+[1-9]/);
  });
});
