import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
// The one module of core the graph needs: constants only, so computing the graph does not load the engine.
import { RUNTIME_FAMILIES, type RuntimeFamily } from '@nx-lambda/core/dist/runtimes/types';
import { InvalidMarkerError } from './invalid-marker';
import { isRecord, parseJsonText } from './json';
import { tsconfigChain } from './tsconfig-chain';
import type { WorkspaceFiles } from './workspace-files';

/** `lambda.json` in a function's root: the options of its package target, plus a few of its own. */
export interface FunctionMarker {
  runtime: string;
  handler: string;
  architecture?: 'x86_64' | 'arm64';
  /** Needed only for `provided.*` runtimes when the folder does not tell (go.mod, *.csproj, *.ps1). */
  family?: RuntimeFamily;
  layers?: string[];
  /** Options of the deploy target (role, memorySize, timeout, environment, ...). */
  deploy?: Record<string, unknown>;
  [runtimeOption: string]: unknown;
}

export const FUNCTION_MARKER = 'lambda.json';

/** Keys of the marker that are not package-target options. */
const NOT_PACKAGE_OPTIONS = new Set(['family', 'deploy', 'name', '$schema', 'tags']);

export function readFunctionMarker(workspaceRoot: string, markerPath: string): FunctionMarker {
  const abs = path.join(workspaceRoot, markerPath);
  let parsed: unknown;
  try {
    parsed = parseJsonText(readFileSync(abs, 'utf8'));
  } catch (err) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} is not valid JSON: ${(err as Error).message}\nFix the file; it must be an object with at least "runtime" and "handler".`);
  }
  if (!isRecord(parsed)) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} must be a JSON object with at least "runtime" and "handler".`);
  }
  const m = parsed as FunctionMarker;
  for (const key of ['runtime', 'handler'] as const) {
    if (typeof m[key] !== 'string' || !m[key]) {
      throw new InvalidMarkerError(`nx-lambda: ${markerPath} has no "${key}".\nAdd it, e.g. { "runtime": "nodejs22.x", "handler": "src/handler.handler" }.`);
    }
  }
  if (m.family !== undefined && !RUNTIME_FAMILIES.includes(m.family)) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} names family "${m.family}".\nUse one of: ${RUNTIME_FAMILIES.join(', ')}.`);
  }
  return m;
}

/** Whether a marker key is an option of the package target (not `family`, `deploy`, ...). */
export const isPackageOption = (key: string): boolean => !NOT_PACKAGE_OPTIONS.has(key);

export function packageOptionsOf(marker: FunctionMarker): Record<string, unknown> {
  return Object.fromEntries(Object.entries(marker).filter(([k]) => isPackageOption(k)));
}

/**
 * Which executor packages the function. Managed runtimes say it by name; the custom runtime
 * `provided.*` is shared by Go, Native AOT C# and PowerShell, so the folder's files decide
 * unless the marker names the family.
 */
export function familyOf(marker: FunctionMarker, projectDir: string, markerPath: string): RuntimeFamily {
  if (marker.family) return marker.family;
  const r = marker.runtime;
  if (r.startsWith('nodejs')) return 'node';
  if (r.startsWith('python')) return 'python';
  if (r.startsWith('ruby')) return 'ruby';
  if (r.startsWith('java')) return 'java';
  if (r.startsWith('dotnet')) return 'dotnet';
  if (r.startsWith('provided')) {
    const files = existsSync(projectDir) ? readdirSync(projectDir) : [];
    if (files.includes('go.mod') || files.some((f) => f.endsWith('.go'))) return 'go';
    if (files.some((f) => f.endsWith('.csproj'))) return 'dotnet';
    if (files.some((f) => f.endsWith('.ps1'))) return 'powershell';
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} uses the custom runtime "${r}" but the folder has no go.mod, *.csproj or *.ps1.\nAdd "family": "go" | "dotnet" | "powershell" to ${markerPath}.`);
  }
  throw new InvalidMarkerError(`nx-lambda: ${markerPath} names runtime "${r}", which no nx-lambda executor builds.\nUse a Lambda runtime identifier such as nodejs22.x, python3.12, ruby3.3, java21, dotnet8 or provided.al2023.`);
}

const NODE_LOCKFILE_INPUT = '{workspaceRoot}/package-lock.json';

/** Lockfiles and manifests that change what a package contains, per family (Nx inputs). */
export const DEPENDENCY_FILES: Record<RuntimeFamily, string[]> = {
  node: [NODE_LOCKFILE_INPUT, '{workspaceRoot}/tsconfig.base.json', '{projectRoot}/package.json'],
  python: ['{projectRoot}/requirements.txt', '{projectRoot}/pyproject.toml', '{projectRoot}/uv.lock', '{projectRoot}/poetry.lock'],
  ruby: ['{projectRoot}/Gemfile', '{projectRoot}/Gemfile.lock'],
  java: ['{projectRoot}/pom.xml'],
  go: ['{projectRoot}/go.mod', '{projectRoot}/go.sum', '{workspaceRoot}/go.work'],
  // MSBuild imports every Directory.Build.props/.targets and Directory.Packages.props above a project.
  dotnet: ['{projectRoot}/**/*.csproj', '{workspaceRoot}/nuget.config', '{workspaceRoot}/**/Directory.*.props', '{workspaceRoot}/**/Directory.*.targets', '{workspaceRoot}/global.json'],
  powershell: [],
};

/** The toolchain version is an input: another compiler may give other bytes. */
export const TOOLCHAIN_COMMANDS: Record<RuntimeFamily, string> = {
  node: 'node --version',
  python: 'python3 --version',
  ruby: 'ruby --version',
  java: 'javac -version 2>&1',
  go: 'go version',
  dotnet: 'dotnet --version',
  // pwsh installed as a .NET global tool is often not on PATH.
  powershell: 'pwsh -v 2>/dev/null || "$HOME/.dotnet/tools/pwsh" -v 2>/dev/null || echo pwsh-not-found',
};

/** The npm package the executors come from; its lockfile entry is the Nx external node of the toolchain (esbuild is its dependency). */
const PLUGIN_PACKAGE = '@nx-lambda/plugin';

/**
 * The Nx inputs of a function's package target for its dependencies. `options`: the package target's
 * options (lambda.json under project.json's). For a Node.js function that bundles all its npm
 * packages, the whole lockfile gives way to what Nx hashes per project: the `npm:` nodes its sources
 * and its libraries' sources import (and theirs, transitively), which the hash reaches through
 * `^production`, plus this plugin's own node and the npm presets its tsconfig extends
 * (`externalDependencies`, which also stops Nx from hashing every npm package of the workspace).
 * So bumping a package one function bundles re-packages that function only. The tsconfig files the
 * bundle reads are inputs in every case. The whole lockfile stays an input where that could miss a package in the zip
 * (README, "is not hashed by the whole package-lock.json"): Nx reads no source imports, `nodeModules`
 * may install a package no source imports, Nx reads another lockfile than core does, or
 * package-lock.json installs no `@nx-lambda/plugin` or tsconfig preset (Nx fails every task on an
 * `externalDependencies` it cannot find).
 */
export function dependencyInputs(family: RuntimeFamily, files: WorkspaceFiles, projectRoot: string, options: Readonly<Record<string, unknown>>): NonNullable<TargetConfiguration['inputs']> {
  if (family !== 'node') return DEPENDENCY_FILES[family];
  // Every tsconfig the bundle reads: a preset outside every project is hashed only so.
  const tsconfig = tsconfigChain(files, projectRoot, options.tsConfig);
  const inputs = [...DEPENDENCY_FILES.node, ...tsconfig.files.filter((f) => f !== 'tsconfig.base.json').map((f) => `{workspaceRoot}/${f}`)];
  if (installsNodeModules(options.nodeModules) || !tsconfig.complete) return inputs;
  const workspace = nodeWorkspaceFacts(files);
  if (!workspace.importsAreEdges || !workspace.nxReadsPackageLock || workspace.defaultsInstall) return inputs;
  const external = [PLUGIN_PACKAGE, ...tsconfig.packages];
  if (!external.every((name) => workspace.installs(name))) return inputs;
  return [{ externalDependencies: external }, ...inputs.filter((f) => f !== NODE_LOCKFILE_INPUT)];
}

/** Anything but an absent or empty `nodeModules` may install packages (a value the schema refuses included). */
const installsNodeModules = (value: unknown): boolean => value !== undefined && !(Array.isArray(value) && value.length === 0);

interface NodeWorkspaceFacts {
  /** Nx makes `npm:` edges from TS/JS imports (its `analyzeSourceFiles`). */
  importsAreEdges: boolean;
  /**
   * Nx takes its `npm:` nodes from package-lock.json, the file core checks bundled versions against:
   * a bun, yarn or pnpm lockfile beside it wins in Nx (so does nx.json's `cli.packageManager`).
   */
  nxReadsPackageLock: boolean;
  /** package-lock.json installs the package from a registry or tarball (not as a link to a workspace folder): Nx has its `npm:` node. */
  installs(name: string): boolean;
  /** nx.json's targetDefaults set `nodeModules`, which lambda.json does not show. */
  defaultsInstall: boolean;
}

/** Lockfiles Nx prefers to package-lock.json (nx/src/utils/package-manager.ts, detectPackageManager). */
const OTHER_LOCKFILES = ['bun.lockb', 'bun.lock', 'yarn.lock', 'pnpm-lock.yaml'];
const NX_JS_PACKAGES = ['@nx/workspace', '@nx/js', '@nx/node', '@nx/next', '@nx/react', '@nx/angular', '@nx/web'];
/**
 * Per graph computation (one WorkspaceFiles is made for each createNodes call), never across
 * them: Nx's daemon keeps this module loaded for hours, and a key of sizes and modification times
 * served an old answer after an edit that kept both (a same-length version bump within one mtime
 * tick, `cp -p`, `rsync -a`, a checkout that restores times).
 */
const factsOfComputation = new WeakMap<WorkspaceFiles, NodeWorkspaceFacts>();

/** What nx.json, package.json and the lockfiles say, read once per graph computation. */
function nodeWorkspaceFacts(files: WorkspaceFiles): NodeWorkspaceFacts {
  const known = factsOfComputation.get(files);
  if (known) return known;
  const json = (rel: string): Record<string, unknown> => {
    const text = files.text(rel);
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = parseJsonText(text);
    } catch (err) {
      throw new Error(`nx-lambda: ${rel} at the workspace root is not valid JSON: ${(err as Error).message}\nFix the file (Nx reads it too).`);
    }
    return isRecord(parsed) ? parsed : {};
  };
  const [nxJson, packageJson] = [json('nx.json'), json('package.json')];
  const facts: NodeWorkspaceFacts = {
    importsAreEdges: nxAnalyzesSourceFiles(nxJson, packageJson),
    nxReadsPackageLock: !OTHER_LOCKFILES.some((f) => files.isFile(f)) && [undefined, 'npm'].includes(isRecord(nxJson.cli) ? (nxJson.cli.packageManager as string | undefined) : undefined),
    installs: lockfileInstalls.bind(undefined, files.text('package-lock.json') ?? ''),
    defaultsInstall: isRecord(nxJson.targetDefaults) && Object.values(nxJson.targetDefaults).some((d) => isRecord(d) && isRecord(d.options) && installsNodeModules(d.options.nodeModules)),
  };
  factsOfComputation.set(files, facts);
  return facts;
}

/** Nx's own rule (nx/src/plugins/js/utils/config.ts): `pluginsConfig["@nx/js"]` decides, else an Nx JS plugin among the root dependencies. */
function nxAnalyzesSourceFiles(nxJson: Record<string, unknown>, packageJson: Record<string, unknown>): boolean {
  const js = isRecord(nxJson.pluginsConfig) ? nxJson.pluginsConfig['@nx/js'] : undefined;
  if (isRecord(js)) return js.analyzeSourceFiles !== false;
  const deps = { ...(isRecord(packageJson.dependencies) ? packageJson.dependencies : {}), ...(isRecord(packageJson.devDependencies) ? packageJson.devDependencies : {}) };
  return NX_JS_PACKAGES.some((p) => p in deps);
}

/** Whether a package-lock.json text installs `name` at the top of node_modules, other than as a link to a workspace folder. */
function lockfileInstalls(lockText: string, name: string): boolean {
  const entry = new RegExp(`"node_modules/${name.replace(/[/.]/g, '\\$&')}"\\s*:\\s*\\{([^}]*)`).exec(lockText);
  return entry !== null && !/"link"\s*:\s*true/.test(entry[1]);
}
