import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { tailOf } from '../../exec';
import type { BuildContext } from '../types';
import type { MavenLayout } from './maven-project';

/** Thin wrapper over `mvn`: argv in, stdout or a LambdaPackageError carrying Maven's own words out. */

export const MAVEN = 'mvn';
/** Used when the pom does not set project.build.outputTimestamp: jars get fixed entry times. */
export const DEFAULT_OUTPUT_TIMESTAMP = '2000-01-01T00:00:00Z';
/** Written by dependency:list in each reactor module, relative to that module's folder. */
export const DEPENDENCY_LIST_FILE = 'target/nx-lambda/dependencies.txt';
export const MAVEN_BUILD_TIMEOUT_MS = 30 * 60_000;

export interface MavenOptions {
  settingsFile?: string;
  profiles: readonly string[];
  offline: boolean;
  runTests: boolean;
  mavenArgs: readonly string[];
}

/** One runtime jar as `dependency:list -DoutputAbsoluteArtifactFilename` reports it. */
export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  type: string;
  classifier?: string;
  version: string;
  scope: string;
  file: string;
}

export function artifactName(a: Pick<MavenArtifact, 'groupId' | 'artifactId' | 'classifier'>): string {
  return `${a.groupId}:${a.artifactId}${a.classifier ? `:${a.classifier}` : ''}`;
}

export function mavenSettingsArgs(opts: MavenOptions, workspaceRoot: string): string[] {
  const args: string[] = [];
  if (opts.settingsFile) args.push('-s', path.resolve(workspaceRoot, opts.settingsFile));
  if (opts.offline) args.push('-o');
  if (opts.profiles.length) args.push(`-P${opts.profiles.join(',')}`);
  return args;
}

/**
 * One Maven run: package the module (and the workspace modules it needs), then list its runtime
 * dependency set with absolute jar paths. A single invocation, so reactor modules resolve to the
 * jars just built and Maven starts once.
 */
export function mavenBuildArgs(layout: MavenLayout, opts: MavenOptions, workspaceRoot: string): string[] {
  return [
    '-B',
    '-V', // prints the Maven and Java versions for the manifest without a second JVM start
    ...mavenSettingsArgs(opts, workspaceRoot),
    ...(layout.projectList ? ['-pl', layout.projectList, '-am'] : []),
    ...(opts.runTests ? [] : ['-DskipTests']),
    ...(layout.pomSetsOutputTimestamp ? [] : [`-Dproject.build.outputTimestamp=${DEFAULT_OUTPUT_TIMESTAMP}`]),
    // The jar plugin keeps a jar it thinks up to date: one left by an IDE or a plain `mvn package`
    // keeps that build's clock in its entry times.
    '-Dmaven.jar.forceCreation=true',
    'package',
    'dependency:list',
    '-DincludeScope=runtime',
    '-DoutputAbsoluteArtifactFilename=true',
    `-DoutputFile=${DEPENDENCY_LIST_FILE}`,
    ...opts.mavenArgs,
  ];
}

export async function runMavenBuild(ctx: BuildContext, layout: MavenLayout, opts: MavenOptions): Promise<string> {
  const { request } = ctx;
  const args = mavenBuildArgs(layout, opts, request.workspaceRoot);
  ctx.log(`${request.projectName}: ${MAVEN} ${args.join(' ')} (in ${layout.buildDir})`);
  const result = await ctx.exec({ where: 'java:maven', command: MAVEN, args, cwd: layout.buildDir, timeoutMs: MAVEN_BUILD_TIMEOUT_MS, okCodes: [0, 1] });
  if (result.code !== 0) throw mavenFailure(request.projectName, result.stdout + result.stderr, args, layout, opts, request.workspaceRoot);
  return result.stdout;
}

/** The `-V` banner -> { maven: '3.8.7', java: '17.0.15' }. */
export function mavenVersions(output: string): Record<string, string> {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const out: Record<string, string> = {};
  const maven = /Apache Maven (\S+)/.exec(clean)?.[1];
  const java = /Java version: ([^,\s]+)/.exec(clean)?.[1];
  if (maven) out.maven = maven;
  if (java) out.java = java;
  return out;
}

/**
 * Lines of `dependency:list` output: `   g:a:jar[:classifier]:version:scope:/abs/file.jar -- module x`.
 * Scope is the token before the file, which may itself hold a colon (Windows drive).
 */
export function parseDependencyList(text: string): MavenArtifact[] {
  const scopes = new Set(['compile', 'runtime', 'provided', 'system', 'test', 'import']);
  const out: MavenArtifact[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/ -- module .*$/, '').trim();
    const parts = line.split(':');
    if (parts.length < 6) continue;
    const scopeAt = [4, 5].find((i) => scopes.has(parts[i]) && parts.length > i + 1);
    if (scopeAt === undefined) continue;
    const [groupId, artifactId, type] = parts;
    out.push({
      groupId, artifactId, type,
      classifier: scopeAt === 5 ? parts[3] : undefined,
      version: parts[scopeAt - 1],
      scope: parts[scopeAt],
      file: parts.slice(scopeAt + 1).join(':'),
    });
  }
  return out;
}

const COMPILER_ERROR = /COMPILATION ERROR|maven-compiler-plugin[^\n]*:(compile|testCompile)/;
const RESOLUTION_ERROR = /Could not resolve dependencies|Could not find artifact|Could not transfer artifact|Non-resolvable (parent|import) POM|Failed to read artifact descriptor|Plugin .* could not be resolved|No plugin found for prefix|has not been downloaded from it before/;

/** The [ERROR] lines Maven prints, without the help-link boilerplate that follows them. */
export function mavenErrorLines(output: string): string[] {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/);
  const errors = lines.filter((l) => l.startsWith('[ERROR]')).map((l) => l.replace(/^\[ERROR\] ?/, '').trimEnd());
  const cut = errors.findIndex((l) => /^To see the full stack trace|^-> \[Help 1\]$/.test(l));
  const useful = (cut >= 0 ? errors.slice(0, cut) : errors).filter((l) => l.trim());
  return useful.length ? useful : tailOf(output);
}

function mavenFailure(projectName: string, output: string, args: readonly string[], layout: MavenLayout, opts: MavenOptions, workspaceRoot: string): LambdaPackageError {
  const errors = mavenErrorLines(output).slice(0, 40);
  const command = [`command: ${MAVEN} ${args.join(' ')}`, `cwd: ${layout.buildDir}`];
  if (COMPILER_ERROR.test(output)) {
    return new LambdaPackageError('java:compile', `${projectName}: compilation failed`, [...errors, ...command],
      'fix the compiler errors above (file:[line,column] points at the source)');
  }
  if (RESOLUTION_ERROR.test(output)) {
    const settings = opts.settingsFile ? path.resolve(workspaceRoot, opts.settingsFile) : 'default (~/.m2/settings.xml and $MAVEN_HOME/conf/settings.xml)';
    return new LambdaPackageError('java:dependencies', `${projectName}: Maven could not resolve a dependency or plugin`, [
      ...errors,
      `settings: ${settings}`,
      `offline: ${opts.offline ? 'yes (-o): only the local repository is used' : 'no'}`,
      ...(opts.profiles.length ? [`profiles: ${opts.profiles.join(', ')}`] : []),
      ...command,
    ], 'check the coordinates in the pom, and that the repositories or mirror in the settings file can serve them (the "settingsFile" option picks the file; "offline" needs a filled local repository)');
  }
  return new LambdaPackageError('java:maven', `${projectName}: mvn package failed`, [...errors, ...command],
    'fix the build error above; run the same command in that folder to see the full log');
}
