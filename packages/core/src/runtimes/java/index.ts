import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { copyTree } from '../../package/stage';
import { BuildContext, BuildResult, DependencyRecord, dependencyKey, ExcludePlan, FinalTree, HandlerCheck, ResolvedDependency, RuntimeStrategy } from '../types';
import { javaReleaseOfMajor } from './class-file';
import { ClassPath, classesNewerThan, LIB_DIR, MAX_CLASS_MAJOR } from './class-path';
import { checkJavaHandler } from './handler';
import { artifactName, DEPENDENCY_LIST_FILE, MAVEN_BUILD_TIMEOUT_MS, MavenArtifact, MavenOptions, mavenVersions, parseDependencyList, runMavenBuild } from './maven';
import { locateMavenModule, MavenLayout } from './maven-project';
import { reactorLockDir, withReactorLock } from './reactor-lock';
import { isWorkspaceModuleJar, writeNormalisedJar } from './workspace-jar';

export const JAVA_LAYER_ROOT = 'java/lib';

/** Runtime options of the java executor, as the core reads them (see the plugin's schema.json). */
export function mavenOptionsOf(options: Readonly<Record<string, unknown>>): MavenOptions {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const buildTool = options.buildTool ?? 'maven';
  if (buildTool !== 'maven') {
    throw new LambdaPackageError('java:options', `buildTool "${String(buildTool)}" is not supported`, [], 'set "buildTool" to "maven" (Gradle is not supported yet)');
  }
  return {
    settingsFile: typeof options.settingsFile === 'string' && options.settingsFile ? options.settingsFile : undefined,
    profiles: strings(options.profiles),
    offline: options.offline === true,
    runTests: options.runTests === true,
    mavenArgs: strings(options.mavenArgs),
  };
}

/** One Maven build of a function: its module layout and its runtime jars. */
interface MavenBuild {
  layout: MavenLayout;
  opts: MavenOptions;
  jars: StagedJar[];
  toolchain: Record<string, string>;
  /** Snapshot of target/classes (absent when the module has no classes of its own). */
  classesDir?: string;
}

interface StagedJar {
  artifact: MavenArtifact;
  /** Where the jar is copied from: the repository, or a normalised snapshot of a workspace module's jar. */
  source: string;
  /** File name under lib/: artifactId-version[-classifier].jar, as copy-dependencies names it. */
  fileName: string;
  size: number;
  fromWorkspace: boolean;
}

const builds = new WeakMap<BuildContext, Promise<MavenBuild>>();

/** resolve, build and buildLayer share one Maven run per context. */
function mavenBuildOf(ctx: BuildContext): Promise<MavenBuild> {
  let build = builds.get(ctx);
  if (!build) {
    build = runBuild(ctx);
    builds.set(ctx, build);
  }
  return build;
}

async function runBuild(ctx: BuildContext): Promise<MavenBuild> {
  const { request } = ctx;
  const opts = mavenOptionsOf(request.options);
  const moduleDir = path.resolve(request.workspaceRoot, request.projectRoot);
  const layout = await locateMavenModule(request.projectName, moduleDir, request.workspaceRoot);
  const lock = reactorLockDir(ctx.cacheDir, layout.buildDir);
  return withReactorLock(lock, layout.buildDir, MAVEN_BUILD_TIMEOUT_MS, async () => {
    const listFile = path.join(moduleDir, DEPENDENCY_LIST_FILE);
    await fsp.rm(path.dirname(listFile), { recursive: true, force: true });
    const toolchain = mavenVersions(await runMavenBuild(ctx, layout, opts));
    const listed = await fsp.readFile(listFile, 'utf8').catch(() => {
      throw new LambdaPackageError('java:dependencies', `${request.projectName}: Maven did not write the dependency list`, [`expected ${listFile}`],
        'check that the module\'s pom is a jar module (packaging jar) and that mavenArgs do not skip the dependency plugin');
    });
    const jars = await runtimeJars(ctx, parseDependencyList(listed));
    // Snapshot what the next build of this reactor would overwrite (workspace jars, classes)
    // before the lock is released; repository jars do not change under a version. Workspace jars
    // carry the modes the umask gave target/, so the snapshot is a normalised copy.
    const snapshot = path.join(ctx.workDir, 'maven');
    for (const j of jars.filter((x) => x.fromWorkspace)) {
      await fsp.mkdir(path.join(snapshot, 'lib'), { recursive: true });
      j.source = path.join(snapshot, 'lib', j.fileName);
      j.size = await writeNormalisedJar(j.artifact.file, j.source);
    }
    const built = path.join(moduleDir, 'target', 'classes');
    const classesDir = (await fsp.stat(built).then((st) => st.isDirectory(), () => false)) ? path.join(snapshot, 'classes') : undefined;
    if (classesDir) await copyTree(built, classesDir);
    return { layout, opts, jars, toolchain, classesDir };
  });
}

async function runtimeJars(ctx: BuildContext, artifacts: readonly MavenArtifact[]): Promise<StagedJar[]> {
  const { request } = ctx;
  const jars: StagedJar[] = [];
  for (const a of artifacts) {
    if (a.type !== 'jar' && a.type !== 'test-jar') {
      ctx.warn(`${artifactName(a)}:${a.version} has type "${a.type}", not a jar: left out of lib/`);
      continue;
    }
    const st = await fsp.stat(a.file).catch(() => undefined);
    if (!st?.isFile()) {
      throw new LambdaPackageError('java:dependencies', `${request.projectName}: ${artifactName(a)}:${a.version} has no jar file`, [`Maven reports: ${a.file}`],
        'a workspace module must be packaged as a jar (packaging jar) to be used by a function');
    }
    jars.push({
      artifact: a, source: a.file, fileName: `${a.artifactId}-${a.version}${a.classifier ? `-${a.classifier}` : ''}.jar`, size: st.size,
      fromWorkspace: isWorkspaceModuleJar(a, request.workspaceRoot),
    });
  }
  // Two artifacts with one file name (same artifactId from two groups): prefix the group, as
  // copy-dependencies' prependGroupId does, so neither overwrites the other.
  const counts = new Map<string, number>();
  for (const j of jars) counts.set(j.fileName, (counts.get(j.fileName) ?? 0) + 1);
  for (const j of jars) if (counts.get(j.fileName)! > 1) j.fileName = `${j.artifact.groupId}.${j.fileName}`;
  return jars;
}

function resolvedOf(j: StagedJar): ResolvedDependency {
  return { name: artifactName(j.artifact), version: j.artifact.version, platform: 'any', size: j.size };
}

async function stageJars(jars: readonly StagedJar[], dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  for (const j of jars) await fsp.copyFile(j.source, path.join(dir, j.fileName));
}

function buildNotes(ctx: BuildContext, b: MavenBuild): Record<string, unknown> {
  const rel = (p: string) => path.relative(ctx.request.workspaceRoot, p).split(path.sep).join('/') || '.';
  return {
    buildTool: 'maven',
    buildDir: rel(b.layout.buildDir),
    ...(b.layout.projectList ? { projectList: b.layout.projectList } : {}),
    outputTimestamp: b.layout.pomSetsOutputTimestamp ? 'set by the pom' : 'set by nx-lambda',
    jars: b.jars.map((j) => ({
      file: j.fileName,
      coordinates: `${j.artifact.groupId}:${j.artifact.artifactId}:${j.artifact.type}${j.artifact.classifier ? `:${j.artifact.classifier}` : ''}:${j.artifact.version}`,
      scope: j.artifact.scope,
      size: j.size,
    })),
  };
}

export const JavaStrategy: RuntimeStrategy = {
  family: 'java',
  lambdaRuntimes: Object.keys(MAX_CLASS_MAJOR),
  layerRoot: () => JAVA_LAYER_ROOT,
  layerFromFunctionBuilds: true,

  /**
   * The jars a layer may take: those Maven resolved from a repository. A workspace module's jar is
   * the workspace's own code, like a Python workspace library or a Ruby path: gem, and stays in each
   * function: a layer target's cache inputs are poms, not the library's sources, so a layered copy
   * would go stale when the library's code changes.
   */
  async resolve(ctx) {
    return (await mavenBuildOf(ctx)).jars.filter((j) => !j.fromWorkspace).map(resolvedOf);
  },

  async build(ctx: BuildContext, plan: ExcludePlan): Promise<BuildResult> {
    const b = await mavenBuildOf(ctx);
    if (b.classesDir) await copyTree(b.classesDir, ctx.stagingDir);
    const dependencies: DependencyRecord[] = [];
    const shipped: StagedJar[] = [];
    for (const j of b.jars) {
      const r = resolvedOf(j);
      const layer = j.fromWorkspace ? undefined : plan.providedBy.get(dependencyKey(r));
      if (layer === undefined) shipped.push(j);
      dependencies.push({
        ...r,
        location: layer ?? 'function',
        reason: layer !== undefined
          ? `supplied by layer ${layer} (${JAVA_LAYER_ROOT}/${j.fileName})`
          : `${j.fromWorkspace ? 'workspace module built by Maven' : `Maven runtime dependency (scope ${j.artifact.scope})`}: ${LIB_DIR}/${j.fileName}`,
      });
    }
    if (shipped.length) await stageJars(shipped, path.join(ctx.stagingDir, LIB_DIR));
    return { dependencies, toolchain: b.toolchain, notes: buildNotes(ctx, b) };
  },

  async checkHandler(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
    const { request } = ctx;
    const cp = await ClassPath.open(tree.root, tree.files);
    try {
      const maxMajor = MAX_CLASS_MAJOR[request.runtime];
      const tooNew = await classesNewerThan(cp, maxMajor);
      if (tooNew.length) {
        const first = tooNew[0];
        throw new LambdaPackageError('java:bytecode',
          `${request.projectName}: ${first.where} is class file version ${first.major}.${first.minor} (Java ${javaReleaseOfMajor(first.major)}), newer than ${request.runtime} runs (up to ${maxMajor}, Java ${javaReleaseOfMajor(maxMajor)})`,
          [...tooNew.slice(0, 10).map((c) => `${c.where}: version ${c.major} (Java ${javaReleaseOfMajor(c.major)})`), ...(tooNew.length > 10 ? [`... and ${tooNew.length - 10} more`] : [])],
          `compile for Java ${javaReleaseOfMajor(maxMajor)} (maven.compiler.release ${javaReleaseOfMajor(maxMajor)}) or pick a newer runtime; for a dependency, use a version built for Java ${javaReleaseOfMajor(maxMajor)}`);
      }
      return await checkJavaHandler(cp, request.handler);
    } finally {
      await cp.close();
    }
  },

  async buildLayer(ctx: BuildContext, deps: readonly ResolvedDependency[]): Promise<BuildResult> {
    const b = await mavenBuildOf(ctx);
    const wanted = new Set(deps.map(dependencyKey));
    const picked = b.jars.filter((j) => wanted.has(dependencyKey(resolvedOf(j))));
    const missing = deps.filter((d) => !picked.some((j) => dependencyKey(resolvedOf(j)) === dependencyKey(d)));
    if (missing.length) {
      throw new LambdaPackageError('java:layer', `${ctx.request.projectName}: the Maven build does not produce ${missing.length} jar(s) the layer should hold`,
        missing.map((d) => `${d.name}:${d.version}`), 'rebuild the layer plan: the function\'s dependencies changed since it was made');
    }
    await stageJars(picked, path.join(ctx.stagingDir, JAVA_LAYER_ROOT));
    return {
      dependencies: picked.map((j) => ({ ...resolvedOf(j), location: ctx.request.projectName, reason: `${JAVA_LAYER_ROOT}/${j.fileName}` })),
      toolchain: b.toolchain,
    };
  },
};
