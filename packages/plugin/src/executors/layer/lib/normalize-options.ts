import { DEFAULT_LIMITS, LambdaPackageError, PackageLimits, RuntimeFamily } from '@nx-lambda/core';
import type { LayerMarker } from '../../../graph/layer-marker';
import { ProjectLocation, resolveOutputPath } from '../../shared/package-options';

export interface LayerExecutorOptions {
  family?: RuntimeFamily;
  runtime?: string;
  architecture?: 'x86_64' | 'arm64';
  functions?: string[];
  minLayerBytes?: number;
  outputPath?: string;
  compressionLevel?: number;
  maxLayers?: number;
  unzippedLimitMiB?: number;
  directUploadLimitMiB?: number;
}

export const LAYER_OPTION_KEYS = [
  'family', 'runtime', 'architecture', 'functions', 'minLayerBytes', 'outputPath', 'compressionLevel', 'maxLayers', 'unzippedLimitMiB', 'directUploadLimitMiB',
] as const;

export interface NormalizedLayerOptions {
  family: RuntimeFamily;
  runtime: string;
  architecture: 'x86_64' | 'arm64';
  functions?: string[];
  minLayerBytes: number;
  outputPath: string;
  compressionLevel: number;
  limits: PackageLimits;
}

/** Target options over lambda-layer.json; a new object, the inputs untouched. */
export function normalizeLayerOptions(options: LayerExecutorOptions, marker: Partial<LayerMarker>, loc: ProjectLocation): NormalizedLayerOptions {
  const family = options.family ?? marker.family;
  const runtime = options.runtime ?? marker.runtime;
  if (!family || !runtime) {
    throw new LambdaPackageError(`${loc.projectName}:layer`, `the layer has no ${family ? 'runtime' : 'family'}.\nSet "family" and "runtime" in ${loc.projectRoot}/lambda-layer.json, e.g. { "family": "node", "runtime": "nodejs22.x" }.`);
  }
  const MiB = 1024 * 1024;
  return {
    family,
    runtime,
    architecture: options.architecture ?? marker.architecture ?? 'x86_64',
    functions: options.functions ?? marker.functions,
    minLayerBytes: options.minLayerBytes ?? marker.minLayerBytes ?? 64 * 1024,
    outputPath: resolveOutputPath(loc, options.outputPath),
    compressionLevel: options.compressionLevel ?? 6,
    limits: {
      maxLayers: options.maxLayers ?? DEFAULT_LIMITS.maxLayers,
      unzippedBytes: (options.unzippedLimitMiB ?? DEFAULT_LIMITS.unzippedBytes / MiB) * MiB,
      directUploadBytes: (options.directUploadLimitMiB ?? DEFAULT_LIMITS.directUploadBytes / MiB) * MiB,
    },
  };
}
