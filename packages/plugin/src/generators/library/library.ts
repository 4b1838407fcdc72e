import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { formatFiles, generateFiles, getProjects, readJson, writeJson, type Tree } from '@nx/devkit';
import { initGenerator } from '../init/init';
import { assertProjectNameFree, markerOnlyProjects } from '../project-names';
import { LibraryGeneratorOptions, normalizeLibraryOptions, type NormalizedLibraryOptions } from './lib/normalize-options';
import { addTsconfigAlias, WIRING, type FunctionTarget } from './lib/wiring';

/** Templates stay in src (shipped in the npm package); the same path from src and dist. */
const TEMPLATES = path.join(__dirname, '..', '..', '..', 'src', 'generators', 'library', 'files');

/** Where Nx's project.json says the sources are, per language. */
const SOURCE_ROOT: Record<string, string> = { node: 'src', python: 'src', java: 'src/main/java' };

function isFunctionProject(tree: Tree, fn: FunctionTarget, targets: Record<string, { executor?: string }>): boolean {
  return tree.exists(path.posix.join(fn.root, 'lambda.json')) || Object.values(targets).some((t) => t.executor?.startsWith('@nx-lambda/plugin:'));
}

/** The function projects named in --functions; unknown names and unwireable functions fail before anything is written. */
function functionTargets(tree: Tree, o: NormalizedLibraryOptions): FunctionTarget[] {
  const projects = getProjects(tree);
  const inferred = o.functions.some((f) => !projects.has(f)) ? markerOnlyProjects(tree, 'lambda.json') : new Map<string, string>();
  const unknown = o.functions.filter((f) => !projects.has(f) && !inferred.has(f));
  if (unknown.length) {
    throw new Error(`nx-lambda:library - no project named ${unknown.join(', ')} in this workspace.\nName existing function projects in --functions (see \`nx show projects\`).`);
  }
  const targets = o.functions.map((name) => ({ name, root: projects.get(name)?.root ?? inferred.get(name)! }));
  const notFunctions = targets.filter((fn) => !isFunctionProject(tree, fn, projects.get(fn.name)?.targets ?? {}));
  if (notFunctions.length) {
    throw new Error(`nx-lambda:library - ${notFunctions.map((f) => `${f.name} (${f.root})`).join(', ')} ${notFunctions.length > 1 ? 'are not function projects' : 'is not a function project'}: no lambda.json and no @nx-lambda/plugin package target.\nName function projects in --functions.`);
  }
  const problems = targets.flatMap((fn) => WIRING[o.family].problem(tree, fn, o) ?? []);
  if (problems.length) throw new Error(`nx-lambda:library - cannot wire ${o.name} to every function:\n${problems.join('\n')}`);
  return targets;
}

/**
 * A shared workspace library in its language's idiom (default libs/<name>), with a project.json
 * naming it; each function in --functions is wired to it the way that language references a
 * local library (see lib/wiring.ts).
 */
export async function libraryGenerator(tree: Tree, options: LibraryGeneratorOptions): Promise<void> {
  const rootPackage = tree.exists('package.json') ? readJson<{ name?: string }>(tree, 'package.json').name : undefined;
  const o = normalizeLibraryOptions(options, rootPackage);
  if (tree.exists(o.projectRoot) && tree.children(o.projectRoot).length > 0) {
    throw new Error(`nx-lambda:library - ${o.projectRoot} already exists and is not empty.\nChoose another name or --directory; the generator never overwrites a project.`);
  }
  assertProjectNameFree(tree, o.name, 'library');
  const targets = functionTargets(tree, o);
  await initGenerator(tree, { skipFormat: true });
  const offset = o.projectRoot.split('/').map(() => '..').join('/');
  generateFiles(tree, path.join(TEMPLATES, o.family), o.projectRoot, { ...o, guid: randomUUID(), tmpl: '' });
  const sourceRoot = SOURCE_ROOT[o.family] ? path.posix.join(o.projectRoot, SOURCE_ROOT[o.family]) : o.projectRoot;
  writeJson(tree, path.posix.join(o.projectRoot, 'project.json'), {
    name: o.name, $schema: `${offset}/node_modules/nx/schemas/project-schema.json`, projectType: 'library', sourceRoot, tags: o.tags,
  });
  if (o.family === 'node') addTsconfigAlias(tree, o);
  for (const fn of targets) WIRING[o.family].wire(tree, fn, o);
  if (!o.skipFormat) await formatFiles(tree);
}

export default libraryGenerator;
