import * as path from 'node:path';
import { getProjects, readJson, visitNotIgnoredFiles, type Tree } from '@nx/devkit';

const MARKERS = ['lambda.json', 'lambda-layer.json'];

/**
 * Projects Nx infers from nx-lambda's markers alone (getProjects sees only project.json and
 * package.json projects), by name -> root: named as createNodes names them, after package.json's
 * `name` or else the folder. `only` keeps the projects of one marker (`lambda.json`: functions).
 */
export function markerOnlyProjects(tree: Tree, only?: string): Map<string, string> {
  const roots = new Map<string, string>();
  visitNotIgnoredFiles(tree, '', (file) => {
    const marker = path.posix.basename(file);
    if (!MARKERS.includes(marker) || (only && marker !== only)) return;
    const root = path.posix.dirname(file);
    if (tree.exists(path.posix.join(root, 'project.json'))) return;
    const pkg = path.posix.join(root, 'package.json');
    const name = (tree.exists(pkg) ? readJson<{ name?: string }>(tree, pkg).name : undefined) || path.posix.basename(root);
    roots.set(name, root);
  });
  return roots;
}

/**
 * Refuses a project name the workspace already has: two projects of one name stop every Nx
 * command in the workspace ("The following projects are defined in multiple locations").
 */
export function assertProjectNameFree(tree: Tree, name: string, generator: string, why?: string): void {
  const root = getProjects(tree).get(name)?.root ?? markerOnlyProjects(tree).get(name);
  if (root !== undefined) {
    const what = why ? `, and ${why}` : '';
    throw new Error(`nx-lambda:${generator} - a project named "${name}" already exists (${root || '.'})${what}.\nNx project names are unique in a workspace: ${why ? 'rename that project' : 'choose another name'}.`);
  }
}
