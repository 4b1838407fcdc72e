import type { ExecutorContext } from '@nx/devkit';
import { checkOptionsAgainstSchema, projectLocation } from '../../shared/package-options';
import { DeployExecutorOptions, NormalizedDeployOptions, normalizeDeployOptions } from './normalize-options';

/**
 * One task's options into a deploy spec. Nx reads a lenient copy of schema.json (batch mode: its
 * worker would end every task of the batch on one refusal), so the options are checked against
 * the full schema.json here, for their own task.
 */
export function prepareDeploy(options: DeployExecutorOptions, context: ExecutorContext): NormalizedDeployOptions {
  const loc = projectLocation(context);
  checkOptionsAgainstSchema('deploy', options, loc);
  const projects = context.projectsConfigurations?.projects ?? {};
  const projectRoots = Object.fromEntries(Object.entries(projects).map(([name, p]) => [name, p.root]));
  return normalizeDeployOptions(options, { ...loc, projectRoots });
}
