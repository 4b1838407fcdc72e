import type { ZipReader } from '../archive/zip-reader';
import type { Exec } from '../exec';
import type { PackageLimits } from '../package/limits';

export const RUNTIME_FAMILIES = ['node', 'python', 'ruby', 'java', 'go', 'dotnet', 'powershell'] as const;
export type RuntimeFamily = (typeof RUNTIME_FAMILIES)[number];
export type Architecture = 'x86_64' | 'arm64';

/** One third-party dependency as resolution sees it: what the layer planner groups on. */
export interface ResolvedDependency {
  name: string;
  version: string;
  /** Platform key: `any` for pure packages, else the wheel tag, gem platform or npm os-cpu. */
  platform: string;
  /** Unzipped bytes when known at resolve time (0 when only the install tells). */
  size: number;
}

/** Identity used to decide that two functions share a dependency. */
export function dependencyKey(d: Pick<ResolvedDependency, 'name' | 'version' | 'platform'>): string {
  return `${d.name}@${d.version}#${d.platform}`;
}

/** What one layer supplies to the function being built (from the layer plan). */
export interface LayerAssignment {
  /** Layer project name. */
  layer: string;
  provides: readonly ResolvedDependency[];
  /** Unzipped size of the layer, counted against the 250 MiB limit. */
  unzippedSize: number;
  /** Zip entry paths of the layer, to detect the same path in layer and function. */
  paths?: readonly string[];
  /** Folder of the layer's zip and manifest, relative to the workspace root (for deploy and invoke). */
  artifactDir?: string;
}

/** Normalised request to package one function: common options plus the runtime's own. */
export interface FunctionBuildRequest {
  projectName: string;
  /** Relative to the workspace root, `/`-separated. */
  projectRoot: string;
  workspaceRoot: string;
  family: RuntimeFamily;
  runtime: string;
  handler: string;
  architecture: Architecture;
  /** Absolute folder receiving `function.zip` and `manifest.json`. */
  outputPath: string;
  /** Globs (relative to the project root) of extra files copied into the zip at the same path. */
  include: readonly string[];
  /** Globs of zip entries left out. */
  exclude: readonly string[];
  /** Globs that put back files the secret filter drops (`.env*`, keys). */
  allowSecrets: readonly string[];
  layers: readonly LayerAssignment[];
  limits: PackageLimits;
  compressionLevel: number;
  /** Runtime-specific options, already normalised by that runtime's executor. */
  options: Readonly<Record<string, unknown>>;
}

export interface BuildContext {
  request: FunctionBuildRequest;
  /** Empty temp folder; whatever the build leaves here is the zip's content. */
  stagingDir: string;
  /** Scratch temp folder for the build, removed afterwards. */
  workDir: string;
  /** Shared across builds of this family (module caches and the like), outside any output. */
  cacheDir: string;
  exec: Exec;
  warn(message: string): void;
  log(message: string): void;
}

/** Dependencies supplied by the function's layers: the build leaves them out. */
export interface ExcludePlan {
  provided: readonly ResolvedDependency[];
  /** dependencyKey -> layer name */
  providedBy: ReadonlyMap<string, string>;
}

export interface DependencyRecord {
  name: string;
  version: string;
  size: number;
  /** `function`, or the layer that supplies it. */
  location: string;
  platform?: string;
  /** How it got there: `bundled by esbuild`, `installed by pip`, `supplied by layer x (used by 3 functions)`. */
  reason?: string;
}

export interface BuildResult {
  dependencies: DependencyRecord[];
  /** Tool name -> version string, e.g. `{ esbuild: '0.28.2', node: 'v20.20.2' }`. */
  toolchain: Record<string, string>;
  /** Extra, runtime-specific manifest fields (`{ layersSupported: false }`, sourcemap hints). */
  notes?: Record<string, unknown>;
  /** Zip paths to store as executables even if their mode says otherwise. */
  executables?: readonly string[];
  /**
   * Workspace files outside the project's folder (node_modules aside) that went into the zip,
   * relative to the workspace root and `/`-separated, where the runtime can tell (node: the
   * bundle's inputs). A caller with a build cache checks that it tracks them.
   */
  sourcesOutsideProject?: readonly string[];
}

/** The packaged tree as it will ship: the staged folder plus the entries of the written zip. */
export interface FinalTree {
  root: string;
  files: ReadonlySet<string>;
  zip: ZipReader;
}

export type HandlerCheck = { ok: true; detail?: string } | { ok: false; problem: string; hint: string; details?: string[] };

export interface RuntimeStrategy {
  family: RuntimeFamily;
  /** Lambda runtime identifiers this strategy builds for. */
  lambdaRuntimes: readonly string[];
  /** Folder inside a layer zip that Lambda puts on the runtime's path; absent: no layers. */
  layerRoot?: (runtime: string) => string;
  resolve(ctx: BuildContext): Promise<ResolvedDependency[]>;
  build(ctx: BuildContext, plan: ExcludePlan): Promise<BuildResult>;
  checkHandler(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck>;
  /** Stages `deps` under `layerRoot(runtime)` in ctx.stagingDir for a layer zip. */
  buildLayer?(ctx: BuildContext, deps: readonly ResolvedDependency[]): Promise<BuildResult>;
  /**
   * buildLayer takes its files from one function's own build (Maven): it is called once per
   * function of the layer with that function's request and the dependencies it resolves, and
   * resolve's sizes are already what a layer holds.
   */
  layerFromFunctionBuilds?: boolean;
  /**
   * Bytes in a layer of those `deps` the workspace already holds exactly as a layer install would
   * lay them out (Node: a locked, platform-independent package without install scripts, in the
   * workspace's node_modules), read in place; the others are measured by staging a layer. Only a
   * speed-up: each size must be the one staging would give (a test compares them).
   */
  layerSizesInWorkspace?(workspaceRoot: string, deps: readonly ResolvedDependency[]): Promise<Map<string, number>>;
  /**
   * Stops helper processes the strategy keeps between builds (esbuild's service). A batch of
   * builds in one process calls it at the end, so the process exits at once with nothing left
   * behind; the next build starts them again.
   */
  dispose?(): Promise<void>;
  /**
   * Called with every request of a batch before the first build: work the builds share is done
   * once (Node: one esbuild run for many entries). Only a speed-up: each build's output must be
   * exactly what it would be alone, and a request it cannot prepare is built as usual.
   */
  prepareBatch?(requests: readonly FunctionBuildRequest[]): Promise<void>;
}
