import * as path from 'node:path';
import { formatFiles, names, type Tree } from '@nx/devkit';
import { layerRuntimeProblem, type LayerMarker } from '../../graph/layer-marker';
import { initGenerator } from '../init/init';
import { FUNCTION_DEFAULTS } from '../function/lib/normalize-options';

export interface LayerGeneratorOptions {
  name: string;
  runtime: 'node' | 'python' | 'ruby' | 'java';
  lambdaRuntime?: string;
  architecture?: 'x86_64' | 'arm64';
  functions?: string;
  minLayerBytes?: number;
  directory?: string;
  skipFormat?: boolean;
}

const LAYERED = ['node', 'python', 'ruby', 'java'];

/** A layer project: lambda-layer.json with its scope, and a project.json naming it. */
export async function layerGenerator(tree: Tree, options: LayerGeneratorOptions): Promise<void> {
  if (!LAYERED.includes(options.runtime)) {
    throw new Error(`nx-lambda:layer - ${options.runtime} functions compile their dependencies in; layers serve ${LAYERED.join(', ')}.\nChoose one of those runtimes.`);
  }
  const name = names(options.name).fileName;
  const root = (options.directory ?? `layers/${name}`).replace(/\/+$/, '');
  if (tree.exists(root) && tree.children(root).length > 0) {
    throw new Error(`nx-lambda:layer - ${root} already exists and is not empty.\nChoose another name or --directory.`);
  }
  const runtime = options.lambdaRuntime ?? FUNCTION_DEFAULTS[options.runtime].lambdaRuntime;
  const wrongRuntime = layerRuntimeProblem(options.runtime, runtime);
  if (wrongRuntime) throw new Error(`nx-lambda:layer - --lambdaRuntime ${wrongRuntime.replace(/^names runtime /, '')}.\nPass the Lambda runtime of the functions it serves, or leave --lambdaRuntime out for ${FUNCTION_DEFAULTS[options.runtime].lambdaRuntime}.`);
  await initGenerator(tree, { skipFormat: true });
  const marker: LayerMarker = {
    family: options.runtime,
    runtime,
    ...(options.architecture && options.architecture !== 'x86_64' ? { architecture: options.architecture } : {}),
    ...(options.functions ? { functions: options.functions.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(options.minLayerBytes !== undefined ? { minLayerBytes: options.minLayerBytes } : {}),
  };
  tree.write(path.posix.join(root, 'lambda-layer.json'), `${JSON.stringify(marker, null, 2)}\n`);
  const offset = root.split('/').map(() => '..').join('/');
  tree.write(path.posix.join(root, 'project.json'), `${JSON.stringify({ name, $schema: `${offset}/node_modules/nx/schemas/project-schema.json`, projectType: 'library', tags: ['lambda-layer'] }, null, 2)}\n`);
  if (!options.skipFormat) await formatFiles(tree);
}

export default layerGenerator;
