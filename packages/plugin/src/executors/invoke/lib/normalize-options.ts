import * as path from 'node:path';
import { LAMBDA_FUNCTION_DEFAULTS } from '@nx-lambda/core';
import { LOCAL_RUN_SETTINGS } from '../../../graph/deploy-settings';
import { withStage } from '../../shared/stage';

/** Options of `@nx-lambda/plugin:invoke`, as schema.json declares them. */
export interface InvokeExecutorOptions {
  event?: string;
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  outputPath?: string;
  /** Run with this one of `stages` over the options (its timeout, memorySize and environment). */
  stage?: string;
  /** lambda.json's deploy.stages: deploy options by stage name, of which invoke reads the ones that shape a local run. */
  stages?: Record<string, Record<string, unknown>>;
}

export const INVOKE_OPTION_KEYS = ['event', 'timeout', 'memorySize', 'environment', 'outputPath', 'stage', 'stages'] as const;

export interface NormalizedInvokeOptions {
  /** Absolute event file, `-` for stdin, undefined for `{}`. */
  eventSource?: string;
  timeoutMs: number;
  memoryMb: number;
  env: Record<string, string>;
  /** Absolute folder with function.zip and manifest.json. */
  artifactDir: string;
}

export interface InvokeLocation {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
}

/**
 * Target options over Lambda's defaults (3 s, 128 MB). The inferred target's timeout, memorySize
 * and environment are lambda.json's `deploy` ones (createNodes), so a local run gets the deployed
 * settings as `sam local invoke` gets the template's, and the command line overrides them; Nx
 * checks each against schema.json before the executor runs. `--stage` puts that stage's settings
 * over them as deploy does (the same overlay; an unknown stage is refused, so nothing runs). Pure:
 * returns a new object.
 */
export function normalizeInvokeOptions(input: InvokeExecutorOptions, loc: InvokeLocation): NormalizedInvokeOptions {
  const options: InvokeExecutorOptions = withStage(input, { where: `${loc.projectName}:invoke`, projectRoot: loc.projectRoot, executor: 'invoke', keys: LOCAL_RUN_SETTINGS });
  const rel = (options.outputPath ?? 'dist/{projectRoot}').replace('{projectRoot}', loc.projectRoot).replace('{projectName}', loc.projectName);
  return {
    eventSource: options.event === '-' ? '-' : options.event ? path.resolve(loc.workspaceRoot, options.event) : undefined,
    timeoutMs: Math.round((options.timeout ?? LAMBDA_FUNCTION_DEFAULTS.timeoutSeconds) * 1000),
    memoryMb: options.memorySize ?? LAMBDA_FUNCTION_DEFAULTS.memorySizeMiB,
    env: { ...options.environment },
    artifactDir: path.resolve(loc.workspaceRoot, rel),
  };
}
