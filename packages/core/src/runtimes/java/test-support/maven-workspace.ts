import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exec } from '../../../exec';
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

const RUNNER = `
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

/** Calls a handler the way Lambda's Java runtime does for an event handler: (event[, context]). */
public class InvokeHandler {
  public static void main(String[] args) throws Exception {
    Class<?> cls = Class.forName(args[0]);
    Map<String, Object> event = new TreeMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      event.put(kv[0], kv[1]);
    }
    for (Method m : cls.getMethods()) {
      if (!m.getName().equals(args[1])) continue;
      Object target = java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? null : cls.getConstructor().newInstance();
      Object result = m.getParameterCount() == 2 ? m.invoke(target, event, null) : m.invoke(target, event);
      System.out.print(result);
      return;
    }
    throw new NoSuchMethodException(args[1]);
  }
}
`;

let runnerDir: Promise<string> | undefined;

/** Compiles the runner once per test file (javac --release 17, like the functions). */
export function compiledRunner(): Promise<string> {
  runnerDir ??= (async () => {
    const dir = await tempDir('java-runner', { 'InvokeHandler.java': RUNNER });
    await exec({ where: 'test:javac', command: 'javac', args: ['--release', '17', '-d', dir, 'InvokeHandler.java'], cwd: dir });
    return dir;
  })();
  return runnerDir;
}

/** Runs `handler` from an unzipped function tree with `java -cp '.:lib/*'` (java expands the glob). */
export async function invokeFromTree(tree: string, handler: string, event: Record<string, string>): Promise<string> {
  const runner = await compiledRunner();
  const [className, method = 'handleRequest'] = handler.split('::');
  const { stdout } = await exec({
    where: 'test:invoke', command: 'java',
    args: ['-cp', `.:lib/*:${runner}`, 'InvokeHandler', className, method, ...Object.entries(event).map(([k, v]) => `${k}=${v}`)],
    cwd: tree, cleanEnv: true, env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return stdout;
}
