import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LambdaPackageError } from '../../errors';
import { tempDir } from '../../test-support/workspace';
import { locateMavenModule } from './maven-project';

const pom = (inner: string) => `<project><modelVersion>4.0.0</modelVersion>${inner}</project>`;
const parent = (rel?: string) => `<parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version>${rel === undefined ? '' : `<relativePath>${rel}</relativePath>`}</parent>`;

describe('java: finding the Maven module and its aggregator', () => {
  it('builds a lone module on its own', async () => {
    const ws = await tempDir('java-lone', { 'fn/pom.xml': pom('<artifactId>fn</artifactId>') });
    const layout = await locateMavenModule('fn', path.join(ws, 'fn'), ws);
    expect(layout).toMatchObject({ buildDir: path.join(ws, 'fn'), projectList: undefined, pomSetsOutputTimestamp: false });
  });

  it('walks up through nested aggregators to the top one', async () => {
    const ws = await tempDir('java-nested', {
      'pom.xml': pom('<modules><module>apps</module></modules>'),
      'apps/pom.xml': pom('<modules><module>fn</module></modules>'),
      'apps/fn/pom.xml': pom(parent()),
    });
    expect(await locateMavenModule('fn', path.join(ws, 'apps/fn'), ws)).toMatchObject({ buildDir: ws, projectList: 'apps/fn' });
  });

  it('finds a sibling aggregator through the parent\'s relativePath', async () => {
    const ws = await tempDir('java-sibling', {
      'java-parent/pom.xml': pom('<modules><module>../java-fn</module><module>../libs/java-lib/pom.xml</module></modules>'),
      'java-fn/pom.xml': pom(parent('../java-parent/pom.xml')),
    });
    expect(await locateMavenModule('fn', path.join(ws, 'java-fn'), ws)).toMatchObject({ buildDir: path.join(ws, 'java-parent'), projectList: '../java-fn' });
  });

  it('ignores modules listed only in a profile or a comment', async () => {
    const ws = await tempDir('java-profile', {
      'pom.xml': pom('<!-- <modules><module>fn</module></modules> --><profiles><profile><modules><module>fn</module></modules></profile></profiles>'),
      'fn/pom.xml': pom(''),
    });
    expect((await locateMavenModule('fn', path.join(ws, 'fn'), ws)).projectList).toBeUndefined();
  });

  it('honours project.build.outputTimestamp set by a parent pom', async () => {
    const ws = await tempDir('java-timestamp', {
      'pom.xml': pom('<properties><project.build.outputTimestamp>2024-01-01T00:00:00Z</project.build.outputTimestamp></properties><modules><module>fn</module></modules>'),
      'fn/pom.xml': pom(parent()),
    });
    expect((await locateMavenModule('fn', path.join(ws, 'fn'), ws)).pomSetsOutputTimestamp).toBe(true);
  });

  it('fails with java:resolve when the folder has no pom.xml', async () => {
    const ws = await tempDir('java-nopom', { 'fn/Handler.java': '' });
    const err = await locateMavenModule('fn', path.join(ws, 'fn'), ws).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaPackageError);
    expect((err as Error).message).toMatch(/^java:resolve - fn: no pom.xml in fn/);
  });
});
