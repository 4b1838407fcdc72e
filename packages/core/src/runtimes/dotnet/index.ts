import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext, BuildResult, FinalTree, HandlerCheck, ResolvedDependency, RuntimeStrategy } from '../types';
import { checkManagedHandler } from './handler-check';
import { dotnetPublish, dotnetVersion, msbuildEscape, RID } from './dotnet-cli';
import { BOOTSTRAP, checkNativeBootstrap, nativeAotPrerequisites, stageNativeBootstrap } from './native-aot';
import { findProjectFile, FRAMEWORK_OF_RUNTIME, frameworkFor, readDotnetProject } from './project-file';
import { readProjectAssets } from './project-assets';

/** Runtime options of the dotnet executor (normalised by the plugin). */
export interface DotnetRuntimeOptions {
  /** The function's .csproj relative to the project root; default: the one *.csproj there. */
  project?: string;
  configuration: string;
  nativeAot: boolean;
}

export function dotnetOptions(ctx: BuildContext): DotnetRuntimeOptions {
  const o = ctx.request.options;
  return {
    project: typeof o.project === 'string' && o.project ? o.project : undefined,
    configuration: typeof o.configuration === 'string' && o.configuration ? o.configuration : 'Release',
    nativeAot: o.nativeAot === true,
  };
}

const MANAGED_RUNTIMES = Object.keys(FRAMEWORK_OF_RUNTIME);
const CUSTOM_RUNTIMES = ['provided.al2023', 'provided.al2'];

function checkRuntimeMode(ctx: BuildContext, nativeAot: boolean): void {
  const { runtime, projectName, projectRoot } = ctx.request;
  if (nativeAot && !CUSTOM_RUNTIMES.includes(runtime)) {
    throw new LambdaPackageError('dotnet:options', `${projectName}: nativeAot needs a custom runtime, not ${runtime}`,
      ['a Native AOT function is its own bootstrap executable; Lambda runs it on provided.al2023'],
      `set "runtime": "provided.al2023" in ${projectRoot}/lambda.json, or remove "nativeAot"`);
  }
  if (!nativeAot && CUSTOM_RUNTIMES.includes(runtime)) {
    throw new LambdaPackageError('dotnet:options', `${projectName}: runtime ${runtime} needs a Native AOT build`,
      [`managed .NET functions run on ${MANAGED_RUNTIMES.join(' or ')}`],
      `set "nativeAot": true, or set "runtime" to ${MANAGED_RUNTIMES.join(' or ')}`);
  }
}

/** Folder name for this function's bin/obj under the family cache (one per function: no sharing between parallel builds). */
function artifactsPath(ctx: BuildContext): string {
  return path.join(ctx.cacheDir, 'artifacts', ctx.request.projectName.replace(/[^A-Za-z0-9._-]/g, '_'));
}

async function runtimeConfigFramework(file: string): Promise<string | undefined> {
  const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return (JSON.parse(text) as { runtimeOptions?: { tfm?: string } }).runtimeOptions?.tfm;
}

async function build(ctx: BuildContext): Promise<BuildResult> {
  const { request } = ctx;
  const opts = dotnetOptions(ctx);
  checkRuntimeMode(ctx, opts.nativeAot);
  const projectDir = path.join(request.workspaceRoot, request.projectRoot);
  const projectFile = await findProjectFile(projectDir, request.projectRoot, opts.project);
  const project = await readDotnetProject(projectFile, request.workspaceRoot);
  const rid = RID[request.architecture];
  if (opts.nativeAot) await nativeAotPrerequisites(ctx);
  const framework = opts.nativeAot
    ? project.targetFrameworks.length > 1 ? project.targetFrameworks[project.targetFrameworks.length - 1] : undefined
    : frameworkFor(project, request.runtime, request.projectName);
  const artifacts = artifactsPath(ctx);
  const publishDir = opts.nativeAot ? path.join(ctx.workDir, 'publish') : ctx.stagingDir;
  const properties: Record<string, string> = {
    GenerateRuntimeConfigurationFiles: 'true',
    Deterministic: 'true',
    ContinuousIntegrationBuild: 'true',
    // The workspace root (which holds the artifacts folder too) maps to /src: a copy of the
    // workspace at another path compiles to the same bytes.
    PathMap: msbuildEscape(`${request.workspaceRoot}=/src`),
    // The SDK asks git for the commit, the remote URL and the repository root: the commit goes into
    // the informational version (1.0.0+<sha>) and SourceLink's URLs in the pdb, and the repository
    // root replaces the PathMap above with /_/. Any commit would change the zip, and a workspace
    // inside git would build other bytes than the same files outside it: no git queries at all.
    EnableSourceControlManagerQueries: 'false',
    // A SourceRevisionId the project sets itself stays out of the version too.
    IncludeSourceRevisionInInformationalVersion: 'false',
    ...(opts.nativeAot ? { PublishAot: 'true', StripSymbols: 'true' } : {}),
  };
  const [version] = await Promise.all([
    dotnetVersion(ctx, projectDir),
    dotnetPublish(ctx, {
      where: 'dotnet:publish', projectFile, cwd: projectDir, rid, configuration: opts.configuration, framework,
      selfContained: opts.nativeAot, artifactsPath: artifacts, output: publishDir, properties,
    }),
  ]);

  const tfm = opts.nativeAot ? framework ?? project.targetFrameworks[0] : await runtimeConfigFramework(path.join(publishDir, `${project.assemblyName}.runtimeconfig.json`));
  const want = FRAMEWORK_OF_RUNTIME[request.runtime];
  if (want && tfm && tfm !== want) {
    throw new LambdaPackageError('dotnet:build', `${request.projectName} was built for ${tfm}, but runtime ${request.runtime} runs ${want}`,
      [`from ${project.assemblyName}.runtimeconfig.json`], `set <TargetFramework>${want}</TargetFramework> in ${path.basename(projectFile)} (or in the props file that sets it)`);
  }
  const assetsFile = path.join(artifacts, 'obj', path.basename(projectFile, '.csproj'), 'project.assets.json');
  const dependencies = tfm
    ? await readProjectAssets(assetsFile, `${tfm}/${rid}`, publishDir, rid).catch((err: Error) => {
      ctx.warn(`could not read ${path.basename(assetsFile)} (${err.message}): the manifest lists no NuGet packages`);
      return [];
    })
    : [];
  if (!tfm) ctx.warn(`could not tell the target framework of ${project.assemblyName}: the manifest lists no NuGet packages`);
  if (opts.nativeAot) await stageNativeBootstrap(ctx, publishDir, project.assemblyName);
  return {
    dependencies,
    toolchain: { dotnet: version },
    executables: opts.nativeAot ? [BOOTSTRAP] : [],
    notes: {
      layersSupported: false,
      layers: '.NET publishes its dependencies into the function: nothing to put in a layer',
      mode: opts.nativeAot ? 'native-aot' : 'managed',
      targetFramework: tfm ?? 'unknown',
      runtimeIdentifier: rid,
      assembly: project.assemblyName,
    },
  };
}

export const DotnetStrategy: RuntimeStrategy = {
  family: 'dotnet',
  lambdaRuntimes: [...MANAGED_RUNTIMES, ...CUSTOM_RUNTIMES],
  // No layerRoot: dependencies are published into the function.
  async resolve(): Promise<ResolvedDependency[]> {
    // Nothing for the layer planner: .NET is not layered (packages are known after restore).
    return [];
  },
  build: (ctx) => build(ctx),
  async checkHandler(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
    return dotnetOptions(ctx).nativeAot ? checkNativeBootstrap(ctx, tree) : checkManagedHandler(ctx.request.handler, tree, ctx.request.architecture);
  },
};
