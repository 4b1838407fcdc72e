import * as path from 'node:path';
import { copyFunctionSettings, functionSettingsProblems, LambdaPackageError } from '@nx-lambda/core';
import type { DeployFunctionSpec, DeployOptions, LoggingSettings, TracingMode, VpcSettings } from '@nx-lambda/core';
import { withStage } from '../../shared/stage';

/** Options of `@nx-lambda/plugin:deploy` (schema.json; a spec keeps the two in step). */
export interface DeployExecutorOptions {
  /** Deploy this one of `stages`. */
  stage?: string;
  stages?: Record<string, Omit<DeployExecutorOptions, 'stage' | 'stages'>>;
  functionName?: string;
  outputPath?: string;
  role?: string;
  memorySize?: number;
  timeout?: number;
  environment?: Record<string, string>;
  description?: string;
  ephemeralStorageMiB?: number;
  tracing?: TracingMode;
  vpc?: VpcSettings;
  logging?: LoggingSettings;
  tags?: Record<string, string>;
  layerArns?: string[];
  publish?: boolean;
  alias?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
  s3Bucket?: string;
  s3KeyPrefix?: string;
  directUploadLimitMiB?: number;
  dryRun?: boolean;
  pruneLayerVersions?: boolean;
  maxRetries?: number;
  concurrency?: number;
  maxWaitSeconds?: number;
}

export const DEPLOY_OPTION_KEYS = [
  'stage', 'stages', 'functionName', 'outputPath', 'role', 'memorySize', 'timeout', 'environment', 'description',
  'ephemeralStorageMiB', 'tracing', 'vpc', 'logging', 'tags', 'layerArns', 'publish', 'alias',
  'region', 'profile', 'endpoint', 's3Bucket', 's3KeyPrefix', 'directUploadLimitMiB', 'dryRun', 'pruneLayerVersions', 'maxRetries', 'concurrency', 'maxWaitSeconds',
] as const satisfies readonly (keyof DeployExecutorOptions)[];

export interface DeployLocation {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
  /** Root folder of each project, to find layer outputs at `dist/<root>`. */
  projectRoots: Readonly<Record<string, string>>;
}

export interface NormalizedDeployOptions {
  spec: DeployFunctionSpec;
  options: Omit<DeployOptions, 'log' | 'clients' | 'rateLimiter'>;
}

/**
 * The target's options (Nx merged lambda.json's `deploy`, the plugin's defaults, project.json and
 * the command line into them) into a deploy spec. Pure: returns new objects and never mutates its
 * input; misconfiguration throws with what to change.
 */
export function normalizeDeployOptions(input: DeployExecutorOptions, loc: DeployLocation): NormalizedDeployOptions {
  const where = `${loc.projectName}:deploy`;
  const o: DeployExecutorOptions = withStage(input, { where, projectRoot: loc.projectRoot, executor: 'deploy' });
  if (o.functionName !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(o.functionName)) {
    throw new LambdaPackageError(where, `functionName "${o.functionName}" is not a valid Lambda function name.\nUse 1-64 letters, digits, hyphens or underscores.`);
  }
  if (o.s3KeyPrefix && !o.s3Bucket) {
    throw new LambdaPackageError(where, `"s3KeyPrefix" is set without "s3Bucket".\nSet "s3Bucket" too, or remove "s3KeyPrefix".`);
  }
  if (o.alias !== undefined && !/^(?!^[0-9]+$)[A-Za-z0-9_-]{1,128}$/.test(o.alias)) {
    throw new LambdaPackageError(where, `alias "${o.alias}" is not a valid alias name.\nUse letters, digits, hyphens or underscores, not only digits.`);
  }
  const functionName = o.functionName ?? loc.projectName;
  const problems = functionSettingsProblems(o);
  if (problems.length) {
    const lines = problems.map((p) => `${p.problem}: ${p.fix}.`);
    throw new LambdaPackageError(where, `function ${functionName}: ${problems[0].problem}.\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  const artifactDir = resolveFromRoot(loc, o.outputPath ?? 'dist/{projectRoot}', loc.projectRoot);
  const layerArtifactDirs = Object.fromEntries(Object.entries(loc.projectRoots).map(([name, root]) => [name, path.resolve(loc.workspaceRoot, 'dist', root)]));
  return {
    spec: {
      artifactDir,
      functionName,
      ...copyFunctionSettings(o),
      layerArns: [...(o.layerArns ?? [])],
      layerArtifactDirs,
      workspaceRoot: loc.workspaceRoot,
      publish: o.publish ?? false,
      alias: o.alias,
    },
    options: {
      region: o.region,
      profile: o.profile,
      endpoint: o.endpoint,
      s3Bucket: o.s3Bucket,
      s3KeyPrefix: o.s3KeyPrefix,
      dryRun: o.dryRun ?? false,
      pruneLayerVersions: o.pruneLayerVersions ?? false,
      maxRetries: o.maxRetries,
      concurrency: o.concurrency,
      directUploadLimitBytes: o.directUploadLimitMiB !== undefined ? o.directUploadLimitMiB * 1024 * 1024 : undefined,
      waiter: o.maxWaitSeconds !== undefined ? { maxWaitSeconds: o.maxWaitSeconds } : undefined,
    },
  };
}

function resolveFromRoot(loc: DeployLocation, rel: string, projectRoot: string): string {
  return path.resolve(loc.workspaceRoot, rel.replace('{projectRoot}', projectRoot).replace('{projectName}', loc.projectName));
}
