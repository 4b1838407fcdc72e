import { describe, expect, it } from 'vitest';
import { mavenBuildArgs, mavenErrorLines, mavenVersions, parseDependencyList } from './maven';

describe('maven wrapper: parsing what mvn prints', () => {
  it('parses dependency:list lines with absolute files, classifiers and module suffixes', () => {
    const text = [
      '',
      'The following files have been resolved:',
      '   com.example:greeting:jar:1.0.0:compile:/ws/libs/greeting/target/greeting-1.0.0.jar -- module greeting (auto)',
      '   io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.100:runtime:/m2/io/netty/x.jar',
      '   none',
    ].join('\n');
    expect(parseDependencyList(text)).toEqual([
      { groupId: 'com.example', artifactId: 'greeting', type: 'jar', classifier: undefined, version: '1.0.0', scope: 'compile', file: '/ws/libs/greeting/target/greeting-1.0.0.jar' },
      { groupId: 'io.netty', artifactId: 'netty-transport-native-epoll', type: 'jar', classifier: 'linux-x86_64', version: '4.1.100', scope: 'runtime', file: '/m2/io/netty/x.jar' },
    ]);
  });

  it('keeps Maven\'s [ERROR] lines and drops the help boilerplate', () => {
    const out = '[INFO] x\n[ERROR] Failed to execute goal on project hello: Could not resolve dependencies\n[ERROR] \n[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n[ERROR] [Help 1] http://x';
    expect(mavenErrorLines(out)).toEqual(['Failed to execute goal on project hello: Could not resolve dependencies']);
  });

  it('reads the Maven and Java versions from the -V banner', () => {
    expect(mavenVersions('\x1b[1mApache Maven 3.8.7\x1b[m\nJava version: 17.0.15, vendor: Debian')).toEqual({ maven: '3.8.7', java: '17.0.15' });
  });

  it('sets project.build.outputTimestamp only when the pom does not', () => {
    const layout = { moduleDir: '/ws/fn', buildDir: '/ws', projectList: 'fn', poms: [], pomSetsOutputTimestamp: false };
    const opts = { profiles: ['a', 'b'], offline: true, runTests: false, mavenArgs: ['-T1C'], settingsFile: 's.xml' };
    const args = mavenBuildArgs(layout, opts, '/ws');
    expect(args).toEqual(expect.arrayContaining(['-s', '/ws/s.xml', '-o', '-Pa,b', '-pl', 'fn', '-am', '-DskipTests', '-Dproject.build.outputTimestamp=2000-01-01T00:00:00Z', '-Dmaven.jar.forceCreation=true']));
    expect(args.at(-1)).toBe('-T1C');
    expect(mavenBuildArgs({ ...layout, pomSetsOutputTimestamp: true }, { ...opts, runTests: true }, '/ws').join(' ')).not.toMatch(/outputTimestamp|skipTests/);
  });
});
