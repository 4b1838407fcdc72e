import type { ExecutorContext } from '@nx/devkit';
import { isWithinRoot } from '../../graph/workspace-files';

const SHOWN = 5;

/**
 * Roots of the project and of every project it depends on in the Nx graph, transitively: the
 * folders whose files a package target's inputs (`production`, `^production`) hash. Undefined
 * when the context has no graph.
 */
export function trackedRoots(context: ExecutorContext, projectName: string): string[] | undefined {
  const graph = context.projectGraph;
  if (!graph) return undefined;
  const seen = new Set([projectName]);
  const pending = [projectName];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const { target } of graph.dependencies[name] ?? []) {
      // npm:… targets are external nodes, not projects with a root.
      if (seen.has(target) || !graph.nodes[target]) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  return [...seen].flatMap((name) => (graph.nodes[name] ? [graph.nodes[name].data.root.replace(/\\/g, '/')] : []));
}

/**
 * A warning when the zip holds workspace files (from `sources`, outside the function's folder)
 * that lie in none of `roots`: Nx does not hash them, so after a change there the package target
 * restores the old zip from its cache.
 */
export function untrackedSourcesWarning(task: { project: string; target: string }, sources: readonly string[], roots: readonly string[]): string | undefined {
  const untracked = sources.filter((file) => !roots.some((root) => isWithinRoot(file, root)));
  if (!untracked.length) return undefined;
  const more = untracked.length > SHOWN ? [`    (and ${untracked.length - SHOWN} more)`] : [];
  const { project, target } = task;
  return [
    `${project}: the zip holds ${untracked.length} file${untracked.length === 1 ? '' : 's'} from outside ${project} and the projects it depends on in the Nx graph, which Nx does not hash:`,
    ...untracked.slice(0, SHOWN).map((file) => `    ${file}`),
    ...more,
    `  After a change there, nx run ${project}:${target} restores the old zip from the cache. Make that folder an Nx library project`,
    `  (nx g @nx-lambda/plugin:library) or part of a project ${project} depends on in the graph.`,
  ].join('\n');
}
