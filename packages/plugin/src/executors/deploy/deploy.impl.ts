import type { ExecutorContext } from '@nx/devkit';
import { deployFunctions } from '@nx-lambda/core';
import { DeployExecutorOptions, normalizeDeployOptions } from './lib/normalize-options';
import { failOnKnownError } from '../shared/known-failure';

/** `@nx-lambda/plugin:deploy`: thin; planning and applying live in @nx-lambda/core. */
export default async function deployExecutor(options: DeployExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  const projects = context.projectsConfigurations?.projects ?? {};
  if (!projectName || !projects[projectName]) throw new Error('nx-lambda: the deploy executor must run as a project target.');
  const projectRoot = projects[projectName].root;
  const projectRoots = Object.fromEntries(Object.entries(projects).map(([name, p]) => [name, p.root]));
  return failOnKnownError(async () => {
    const { spec, options: deployOptions } = normalizeDeployOptions(options, { projectName, projectRoot, workspaceRoot: context.root, projectRoots });
    const result = await deployFunctions([spec], { ...deployOptions, log: (line) => console.log(line) });
    return { success: result.ok };
  });
}

