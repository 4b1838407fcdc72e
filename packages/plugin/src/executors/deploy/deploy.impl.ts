import type { ExecutorContext } from '@nx/devkit';
import { deployFunctions } from '@nx-lambda/core';
import { DeployExecutorOptions } from './lib/normalize-options';
import { prepareDeploy } from './lib/prepare-deploy';
import { deployBatch } from './lib/deploy-batch';
import { failOnKnownError } from '../shared/known-failure';

/** `@nx-lambda/plugin:deploy`: thin; planning and applying live in @nx-lambda/core. */
export default async function deployExecutor(options: DeployExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return failOnKnownError(async () => {
    const { spec, options: deployOptions } = prepareDeploy(options, context);
    const result = await deployFunctions([spec], { ...deployOptions, log: (line) => console.log(line) });
    return { success: result.ok };
  });
}

/** Batch mode (Nx's batchImplementation): the functions of the batch deploy in one process, one result per task. */
export const batch = deployBatch;
