import { describe, expect, it } from 'vitest';
import schema from '../schema.json';
import { COMMON_OPTION_KEYS } from '../../shared/package-options';
import { JAVA_OPTION_KEYS, JavaExecutorOptions, normalizeJavaOptions } from './normalize-options';

const loc = { projectName: 'fn', projectRoot: 'apps/fn', workspaceRoot: '/ws' };
const base: JavaExecutorOptions = { handler: 'com.example.Handler::handleRequest', runtime: 'java21' };

describe('java executor options', () => {
  it('schema.json declares exactly the common options and the java options', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...COMMON_OPTION_KEYS, ...JAVA_OPTION_KEYS].sort());
  });

  it('fills the defaults: maven, no profiles, online, tests skipped', () => {
    expect(normalizeJavaOptions(base, loc)).toEqual({ buildTool: 'maven', profiles: [], offline: false, runTests: false, mavenArgs: [] });
  });

  it('keeps the schema defaults in step with the normalised defaults', () => {
    const n = normalizeJavaOptions(base, loc);
    expect(schema.properties.buildTool.default).toBe(n.buildTool);
    expect(schema.properties.offline.default).toBe(n.offline);
    expect(schema.properties.runTests.default).toBe(n.runTests);
  });

  it('returns a new object and leaves the input untouched', () => {
    const input: JavaExecutorOptions = { ...base, profiles: [' lambda ', 'lambda'], mavenArgs: ['-T1C'], settingsFile: ' .mvn/settings.xml ' };
    const frozen = JSON.stringify(input);
    const n = normalizeJavaOptions(input, loc);
    expect(n).toMatchObject({ profiles: ['lambda'], settingsFile: '.mvn/settings.xml', mavenArgs: ['-T1C'] });
    expect(n.mavenArgs).not.toBe(input.mavenArgs);
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('rejects a Maven flag in mavenArgs that has its own option, naming the option', () => {
    expect(() => normalizeJavaOptions({ ...base, mavenArgs: ['-s', 'x.xml'] }, loc)).toThrow(/fn:package - "mavenArgs" contains "-s"[\s\S]*use the "settingsFile" option/);
    expect(() => normalizeJavaOptions({ ...base, mavenArgs: ['-Plambda'] }, loc)).toThrow(/use the "profiles" option/);
  });

  it('rejects a build tool other than maven', () => {
    expect(() => normalizeJavaOptions({ ...base, buildTool: 'gradle' as 'maven' }, loc)).toThrow(/buildTool "gradle" is not supported[\s\S]*Use "maven"/);
  });
});
