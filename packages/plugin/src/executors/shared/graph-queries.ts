import * as path from 'node:path';
import type { ExecutorContext, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';

export const LAYER_EXECUTOR = '@nx-lambda/plugin:layer';

/** The project's target that runs `executor` (target names are configurable). */
export function targetByExecutor(project: ProjectConfiguration | undefined, executor: string): TargetConfiguration | undefined {
  return Object.values(project?.targets ?? {}).find((t) => t.executor === executor);
}

export function projectsOf(context: ExecutorContext): Record<string, ProjectConfiguration> {
  return context.projectsConfigurations?.projects ?? {};
}

/** Absolute output folder of a target: its outputPath option or dist/{projectRoot}. */
export function targetOutputDir(context: ExecutorContext, project: ProjectConfiguration, target: TargetConfiguration | undefined): string {
  const rel = (target?.options?.outputPath as string | undefined) ?? 'dist/{projectRoot}';
  return path.resolve(context.root, rel.replace('{projectRoot}', project.root).replace('{projectName}', project.name ?? ''));
}

/** Projects that depend on `name` in the project graph (direct edges). */
export function dependentsOf(context: ExecutorContext, name: string): string[] {
  const deps = context.projectGraph?.dependencies ?? {};
  return Object.keys(deps).filter((source) => deps[source].some((d) => d.target === name)).sort();
}

/** Direct graph dependencies of `name`. */
export function dependenciesOf(context: ExecutorContext, name: string): string[] {
  return [...new Set((context.projectGraph?.dependencies?.[name] ?? []).map((d) => d.target))].sort();
}
