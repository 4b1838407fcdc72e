import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import type { Architecture, LayerAssignment, ResolvedDependency, RuntimeFamily } from '../runtimes/types';
import type { DependencyLayerPlan } from './planner';

/**
 * What a layer target writes under its output folder:
 *   plan.json                    the whole plan (layers, functions, bytes saved)
 *   functions/<function>.json    one function's share (its LayerAssignment list): what its package
 *                                target reads, so a plan change for other functions does not
 *                                invalidate its Nx cache
 *   <layer>/layer.zip, <layer>/manifest.json   one folder per planned layer
 */
export const PLAN_FILE = 'plan.json';
export const FUNCTION_SHARES_DIR = 'functions';
export const LAYER_ZIP = 'layer.zip';
export const LAYER_MANIFEST = 'manifest.json';

/** What every layer manifest says of its zip: what deploy (PublishLayerVersion) and limits read. */
export interface LayerZipManifest {
  name: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: Architecture[];
  codeSha256: string;
  sha256: string;
  zippedSize: number;
  unzippedSize: number;
  fileCount: number;
}

/** A planned dependency layer. */
export interface LayerManifest extends LayerZipManifest {
  /** The layer project that planned it. */
  project: string;
  family: RuntimeFamily;
  /** Zip entry paths (files only), to catch the same path in a function or another layer. */
  paths: string[];
  dependencies: ResolvedDependency[];
  functions: string[];
  reason: string;
  viaS3: boolean;
  toolchain: Record<string, string>;
}

export interface LayerPlanFile extends DependencyLayerPlan {
  project: string;
  family: RuntimeFamily;
  runtime: string;
  architecture: Architecture;
  /** Layer zips relative to the plan's folder. */
  artifacts: Record<string, string>;
  /** Functions in scope left out of the plan: their dependencies could not be resolved. */
  unresolved: UnresolvedFunction[];
}

/**
 * A function the layer target planned without: resolving its dependencies failed with an error
 * its user can fix (a bad option, a requirement no index has). Its package target reports the
 * error in full; `error` is the first line, with paths relative to the workspace root.
 */
export interface UnresolvedFunction {
  function: string;
  error: string;
}

/** One function's share of a layer project's plan. */
export interface FunctionShare {
  function: string;
  project: string;
  layers: LayerAssignment[];
}

export function shareFile(layerOutputDir: string, functionName: string): string {
  return path.join(layerOutputDir, FUNCTION_SHARES_DIR, `${functionName}.json`);
}

/**
 * The layers a function gets from one layer project. A function outside the project's scope has
 * no share file and gets nothing; a missing plan means the layer target has not run.
 */
export async function readFunctionShare(layerOutputDir: string, layerProject: string, functionName: string): Promise<LayerAssignment[]> {
  if (!existsSync(path.join(layerOutputDir, PLAN_FILE))) {
    throw new LambdaPackageError('layers:plan', `layer project ${layerProject} has no ${PLAN_FILE} in ${layerOutputDir}`, [],
      `run "nx run ${layerProject}:layer" first (the package target depends on it when the function names the layer)`);
  }
  const file = shareFile(layerOutputDir, functionName);
  if (!existsSync(file)) return [];
  return (JSON.parse(await fsp.readFile(file, 'utf8')) as FunctionShare).layers;
}
