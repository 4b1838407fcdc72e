import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CreateNodes, CreateNodesContext, CreateNodesResult, TargetConfiguration } from '@nx/devkit';
import { LAYER_INPUTS, LAYER_MARKER, LAYER_TARGET_OPTION_KEYS, readLayerMarker } from './layer-marker';
import { dependencyInputs, familyOf, FUNCTION_MARKER, FunctionMarker, isPackageOption, packageOptionsOf, readFunctionMarker, TOOLCHAIN_COMMANDS } from './marker';
import { RUNTIME_FAMILIES, type RuntimeFamily } from '@nx-lambda/core/dist/runtimes/types';
import { LOCAL_RUN_SETTINGS, mergedDeploy } from './deploy-settings';
import { localPathInputs } from './local-inputs';
import { WorkspaceFiles } from './workspace-files';
import { invalidMarkerNode, InvalidMarkerError } from './invalid-marker';
import { isRecord, parseJsonText } from './json';
import { executorSchema, schemaProblems } from './schema-check';

/** Plugin options in nx.json: `{ "plugin": "@nx-lambda/plugin", "options": { ... } }`. */
export interface NxLambdaPluginOptions {
  packageTargetName?: string;
  deployTargetName?: string;
  invokeTargetName?: string;
  layerTargetName?: string;
  /** Defaults merged under every function's lambda.json (e.g. `{ "architecture": "arm64" }`). */
  defaults?: Record<string, unknown>;
}

export interface NormalizedPluginOptions {
  packageTargetName: string;
  deployTargetName: string;
  invokeTargetName: string;
  layerTargetName: string;
  defaults: Record<string, unknown>;
}

export function normalizePluginOptions(options: NxLambdaPluginOptions | undefined): NormalizedPluginOptions {
  return {
    packageTargetName: options?.packageTargetName ?? 'package',
    deployTargetName: options?.deployTargetName ?? 'deploy',
    invokeTargetName: options?.invokeTargetName ?? 'invoke',
    layerTargetName: options?.layerTargetName ?? 'layer',
    defaults: options?.defaults ?? {},
  };
}

interface ProjectFile {
  name?: string;
  namedInputs?: Record<string, unknown>;
  targets?: Record<string, { executor?: string; options?: Record<string, unknown> }>;
}

function readProjectFile(workspaceRoot: string, root: string, file: 'project.json' | 'package.json'): ProjectFile | undefined {
  const abs = path.join(workspaceRoot, root, file);
  if (!existsSync(abs)) return undefined;
  try {
    return parseJsonText(readFileSync(abs, 'utf8')) as ProjectFile;
  } catch (err) {
    throw new Error(`nx-lambda: ${path.posix.join(root, file)} is not valid JSON: ${(err as Error).message}\nFix the file (Nx reads it too).`);
  }
}

/** Name of the project at `root`: what its project.json (as read) or package.json says, else the folder name. */
function projectNameAt(workspaceRoot: string, root: string, projectJson: ProjectFile | undefined): string {
  return projectJson?.name || readProjectFile(workspaceRoot, root, 'package.json')?.name || path.posix.basename(root);
}

/**
 * A target whose options its executor's schema refuses runs on its own (`parallelism: false`
 * keeps it out of Nx batch mode) and its description says what to fix. The executor refuses it
 * for its own task, but Nx's batch worker still checks what the lenient copy of a batch schema
 * keeps (a string where a list belongs), and one refusal there ends every task of the batch.
 */
function isolateIfRefused(target: TargetConfiguration, family: string, where: { markerPath: string; projectJson: ProjectFile | undefined; targetName: string }): TargetConfiguration {
  // project.json's options for the same executor are merged over the inferred ones by Nx.
  const root = path.posix.dirname(where.markerPath);
  const written = where.projectJson?.targets?.[where.targetName];
  const mergesOver = written && (written.executor === undefined || written.executor === target.executor);
  const problems = schemaProblems(executorSchema(family), { ...target.options, ...(mergesOver ? written.options : {}) });
  if (!problems.length) return target;
  const files = mergesOver && written.options ? `${where.markerPath} or ${root}/project.json` : where.markerPath;
  const description = `${target.metadata?.description ?? ''} - fix ${files}: ${problems.join('; ')}`;
  return { ...target, parallelism: false, metadata: { ...target.metadata, description } };
}

/**
 * The plugin's `defaults` a function of `family` takes: a workspace of several languages sets
 * `"minify": true` for its Node.js functions without breaking its Python ones, so an option only
 * other families' executors know is left out. One that no executor knows (a typo) stays, and the
 * schema check reports it.
 */
function defaultsFor(family: RuntimeFamily, defaults: Record<string, unknown>): Record<string, unknown> {
  const known = (f: RuntimeFamily, key: string) => executorSchema(f).properties?.[key] !== undefined;
  return Object.fromEntries(Object.entries(defaults).filter(([key]) =>
    !isPackageOption(key) || known(family, key) || !RUNTIME_FAMILIES.some((f) => known(f, key))));
}

/** The deploy target's options: the merged `deploy` of lambda.json (its `stages` included: the executor picks one by `--stage`). */
function deployTargetOptions(deploy: unknown, outputPath: string, markerPath: string): Record<string, unknown> {
  if (deploy !== undefined && !isRecord(deploy)) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} has a "deploy" that is not an object.\nWrite the deploy target's options there, e.g. { "role": "arn:aws:iam::123456789012:role/fn", "memorySize": 512 }.`);
  }
  return { ...(deploy ?? {}), outputPath };
}

/**
 * One direct-upload limit for both targets: package warns by it that deploy will go through S3,
 * deploy decides by it. lambda.json sets it at the top or in "deploy" (which wins when both do).
 */
function directUploadLimitOf(marker: FunctionMarker): { directUploadLimitMiB?: unknown } {
  const limit = (isRecord(marker.deploy) ? marker.deploy.directUploadLimitMiB : undefined) ?? marker.directUploadLimitMiB;
  return limit === undefined ? {} : { directUploadLimitMiB: limit };
}

/**
 * The named input of a function's production files. Nx fails every task whose inputs name a named
 * input nx.json does not define, and workspaces made by `nx init` or by hand often define none;
 * `default` (all the project's files) is one Nx always defines.
 */
function productionInputs(workspaceHasProduction: boolean, projectJson: ProjectFile | undefined): [string, string] {
  const own = workspaceHasProduction || projectJson?.namedInputs?.production !== undefined ? 'production' : 'default';
  return [own, workspaceHasProduction ? '^production' : '^default'];
}

/**
 * Targets of one function project, inferred from its lambda.json. `workspaceHasProduction`: nx.json
 * defines the `production` named input (createNodes reads it from nx.json). `files`: the reads of
 * this graph computation, shared by its functions.
 */
export function functionNode(markerPath: string, options: NormalizedPluginOptions, workspaceRoot: string, workspaceHasProduction = true, files = new WorkspaceFiles(workspaceRoot)): CreateNodesResult {
  const root = path.posix.dirname(markerPath);
  const own = readFunctionMarker(workspaceRoot, markerPath);
  const family = familyOf({ ...options.defaults, ...own } as FunctionMarker, path.join(workspaceRoot, root), markerPath);
  const deploySettings = mergedDeploy(options.defaults.deploy, own.deploy);
  const marker = { ...defaultsFor(family, options.defaults), ...own, ...(deploySettings !== undefined ? { deploy: deploySettings } : {}) } as FunctionMarker;
  const outputPath = typeof marker.outputPath === 'string' ? marker.outputPath : 'dist/{projectRoot}';
  const projectJson = readProjectFile(workspaceRoot, root, 'project.json');
  const name = projectNameAt(workspaceRoot, root, projectJson);
  const uploadLimit = directUploadLimitOf(marker);
  const pkg: TargetConfiguration = {
    executor: `@nx-lambda/plugin:${family}`,
    cache: true,
    inputs: [
      ...productionInputs(workspaceHasProduction, projectJson),
      ...dependencyInputs(family, files, root, { ...marker, ...projectJson?.targets?.[options.packageTargetName]?.options }),
      ...localPathInputs(files, root, family, { ...marker, ...projectJson?.targets?.[options.packageTargetName]?.options }),
      { runtime: TOOLCHAIN_COMMANDS[family] },
      // Only this function's share of each layer plan: a plan change for others keeps its cache.
      { dependentTasksOutputFiles: `**/functions/${name}.json`, transitive: false },
    ],
    outputs: [`{workspaceRoot}/${outputPath}`],
    options: { ...packageOptionsOf(marker), ...uploadLimit },
    // The function builds without what its layers supply, so the layer plans come first. Layer
    // projects in scope, and those lambda.json names, are graph dependencies of the function
    // (createDependencies). Not `{ projects: layers }`: a mistyped name there makes Nx fail the
    // whole run with "Project patterns ... does not match any projects" before packaging says
    // which layer is unknown and what the layer projects are.
    dependsOn: [`^${options.layerTargetName}`],
    metadata: { description: `Package ${family} function as ${outputPath.replace(/\{projectRoot\}/g, root)}/function.zip`, technologies: ['aws-lambda', family] },
  };
  const deploy: TargetConfiguration = {
    executor: '@nx-lambda/plugin:deploy',
    cache: false,
    dependsOn: [options.packageTargetName],
    options: { ...uploadLimit, ...deployTargetOptions(marker.deploy, outputPath, markerPath) },
    metadata: { description: 'Deploy the packaged zip to AWS Lambda (only what changed)' },
  };
  // A local run gets the deployed settings that shape it, as `sam local invoke` gets the template's;
  // Nx puts project.json's and the command line's options over these, and `--stage` one of the stages.
  const deployed = isRecord(marker.deploy) ? marker.deploy : {};
  const invokeSettings = [...LOCAL_RUN_SETTINGS, 'stages'].filter((k) => deployed[k] !== undefined);
  const invoke: TargetConfiguration = {
    executor: '@nx-lambda/plugin:invoke',
    cache: false,
    dependsOn: [options.packageTargetName],
    options: { ...Object.fromEntries(invokeSettings.map((k) => [k, deployed[k]])), outputPath },
    metadata: { description: 'Run the packaged zip and its layers locally' },
  };
  return {
    projects: {
      [root]: {
        root,
        name,
        projectType: 'application',
        tags: ['lambda', `lambda:${family}`],
        targets: {
          [options.packageTargetName]: isolateIfRefused(pkg, family, { markerPath, projectJson, targetName: options.packageTargetName }),
          [options.deployTargetName]: deploy,
          [options.invokeTargetName]: invoke,
        },
      },
    },
  };
}

/** A layer project: its `layer` target plans and builds the layers of the functions in scope. */
export function layerNode(markerPath: string, options: NormalizedPluginOptions, workspaceRoot: string): CreateNodesResult {
  const root = path.posix.dirname(markerPath);
  const marker = readLayerMarker(workspaceRoot, markerPath);
  const target: TargetConfiguration = {
    executor: '@nx-lambda/plugin:layer',
    cache: true,
    inputs: ['default', ...LAYER_INPUTS[marker.family], { runtime: TOOLCHAIN_COMMANDS[marker.family] }],
    outputs: ['{workspaceRoot}/dist/{projectRoot}'],
    options: Object.fromEntries(LAYER_TARGET_OPTION_KEYS.filter((k) => marker[k] !== undefined).map((k) => [k, marker[k]])),
    metadata: { description: `Plan and build ${marker.family} layers shared by several functions`, technologies: ['aws-lambda', marker.family] },
  };
  return {
    projects: {
      [root]: { root, name: projectNameAt(workspaceRoot, root, readProjectFile(workspaceRoot, root, 'project.json')), projectType: 'library', tags: ['lambda-layer', `lambda-layer:${marker.family}`], targets: { [options.layerTargetName]: target } },
    },
  };
}

/** Both markers in one glob; each file decides which kind of project it makes. */
export const createNodes: CreateNodes<NxLambdaPluginOptions> = [
  `**/{${FUNCTION_MARKER},${LAYER_MARKER}}`,
  (files, options, context) => nodesFromMarkers(files, normalizePluginOptions(options ?? {}), context),
];

/**
 * What @nx/devkit's createNodesFromFiles does, without loading @nx/devkit on every graph
 * computation: one result per marker. A marker its owner must fix still makes a project (whose
 * targets fail saying what to fix); the markers that failed otherwise (a bug, a project.json that
 * is not JSON, which fails Nx anyway) are reported together (Nx's AggregateCreateNodesError,
 * loaded only then) while the others still become projects.
 */
async function nodesFromMarkers(files: readonly string[], options: NormalizedPluginOptions, context: CreateNodesContext): Promise<[string, CreateNodesResult][]> {
  const results: [string, CreateNodesResult][] = [];
  const errors: [string, Error][] = [];
  const hasProduction = context.nxJsonConfiguration?.namedInputs?.production !== undefined;
  const workspaceFiles = new WorkspaceFiles(context.workspaceRoot);
  for (const file of files) {
    try {
      results.push([file, markerNode(file, options, workspaceFiles, hasProduction)]);
    } catch (err) {
      errors.push([file, err as Error]);
    }
  }
  if (errors.length) {
    const { AggregateCreateNodesError } = await import('@nx/devkit');
    throw new AggregateCreateNodesError(errors, results);
  }
  return results;
}

/**
 * The project one marker makes. An invalid marker fails its own project's targets, never the
 * graph: one broken lambda.json must not stop `nx show projects`, `nx affected` or the other
 * functions' packages for everyone in the workspace.
 */
function markerNode(file: string, options: NormalizedPluginOptions, files: WorkspaceFiles, hasProduction: boolean): CreateNodesResult {
  const workspaceRoot = files.root;
  const layer = path.posix.basename(file) === LAYER_MARKER;
  try {
    return layer ? layerNode(file, options, workspaceRoot) : functionNode(file, options, workspaceRoot, hasProduction, files);
  } catch (err) {
    if (!(err instanceof InvalidMarkerError)) throw err;
    const root = path.posix.dirname(file);
    const name = projectNameAt(workspaceRoot, root, readProjectFile(workspaceRoot, root, 'project.json'));
    const targetNames = layer ? [options.layerTargetName] : [options.packageTargetName, options.deployTargetName, options.invokeTargetName];
    return invalidMarkerNode(file, { name, kind: layer ? 'layer' : 'function', targetNames }, err.message);
  }
}

/** Nx 22 reads `createNodesV2`; Nx 23+ prefers `createNodes`. Same tuple under both names. */
export const createNodesV2 = createNodes;
