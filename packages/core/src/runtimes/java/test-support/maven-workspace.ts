import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tempDir } from '../../../test-support/workspace';

/**
 * Test-only: Java workspaces that build offline. Maven Central is unreachable here, so every
 * workspace gets a settings.xml whose mirror serves everything from Debian's Maven repository
 * (/usr/share/maven-repo, installed by tools/setup.sh). Production code never assumes this.
 */
export const DEBIAN_MAVEN_REPO = '/usr/share/maven-repo';
export const FIXTURES = path.join(__dirname, '..', 'fixtures');
/** Shared by all Java tests and runs: Maven only copies from the file mirror once. */
export const TEST_LOCAL_REPO = path.join(os.tmpdir(), 'nx-lambda-java-test-m2');
export const SETTINGS_FILE = 'maven-settings.xml';

/** Fails (never skips) when a toolchain is missing. */
export function requireJavaToolchain(): void {
  for (const tool of ['mvn', 'java', 'javac']) {
    try {
      execFileSync(tool, ['-version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is not installed or not on PATH: run tools/setup.sh`);
    }
  }
  if (!existsSync(`${DEBIAN_MAVEN_REPO}/com/google/code/gson/gson`)) {
    throw new Error(`${DEBIAN_MAVEN_REPO} has no gson (libgoogle-gson-java): run tools/setup.sh`);
  }
}

/**
 * Short Maven runs spend most of their time in the JIT: C1 only roughly halves them. Test speed
 * only; users choose their own MAVEN_OPTS (it passes through).
 */
export function useFastMavenJvm(): void {
  process.env.MAVEN_OPTS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
}

export function offlineSettings(localRepo = TEST_LOCAL_REPO): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<settings>
  <localRepository>${localRepo}</localRepository>
  <mirrors>
    <mirror><id>debian</id><name>Debian Maven repository</name><mirrorOf>*</mirrorOf><url>file://${DEBIAN_MAVEN_REPO}</url></mirror>
  </mirrors>
</settings>
`;
}

/** A temp workspace holding a copy of `fixtures/<scenario>` under `into`, plus the offline settings. */
export async function fixtureWorkspace(scenario: string, into = '.'): Promise<string> {
  const ws = await tempDir(`java-${scenario}`, { [SETTINGS_FILE]: offlineSettings() });
  await fsp.cp(path.join(FIXTURES, scenario), path.join(ws, into), { recursive: true });
  return ws;
}
