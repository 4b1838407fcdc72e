import type { ExecutorContext } from '@nx/devkit';

/**
 * The ExecutorContext Nx gives a runtime executor, with only what they read: the workspace root,
 * the project being run and the roots of the projects in the workspace (`{ name: root }`).
 */
export function executorContext(ws: string, projectName: string, roots: Record<string, string>): ExecutorContext {
  const projects = Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, { root }]));
  return { root: ws, cwd: ws, isVerbose: false, projectName, projectsConfigurations: { version: 2, projects } } as unknown as ExecutorContext;
}
