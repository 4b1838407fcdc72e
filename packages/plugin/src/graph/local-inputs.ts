import * as path from 'node:path';
import type { RuntimeFamily } from '@nx-lambda/core/dist/runtimes/types';
import { NODE_ENTRY_EXTENSIONS, parseHandler } from '@nx-lambda/core/dist/runtimes/node/handler-name';
import { csprojReferences, goLocalPaths, goModulePath, goRequires, pythonPyprojectPaths, pythonRequirementFiles, pythonRequirementPaths, rubyGemfilePaths } from './local-references';
import { FUNCTION_MARKER } from './marker';
import { filesIn, isWithinRoot, WorkspaceFiles } from './workspace-files';

/** One manifest (workspace-relative) and the local paths it references, relative to its folder. */
interface Manifest {
  file: string;
  refs: string[];
}

/**
 * Nx inputs of a function's package target for the local folders its manifests reference outside
 * its own root: a `-e ../../shared/pkg` requirement, a Gemfile `path:` gem, a go.mod `replace` or a
 * go.work module it requires, a csproj `ProjectReference`. The zip holds their files, but when such
 * a folder is no Nx project neither `production` nor `^production` covers it, and a change there
 * would be served from Nx's cache. Reads only the manifests (this runs on every Nx command); a
 * folder that is also a project gets an input it did not need, which changes nothing. Paths that
 * leave the workspace cannot be inputs and are left out.
 */
export function localPathInputs(files: WorkspaceFiles, projectRoot: string, family: RuntimeFamily, options: Readonly<Record<string, unknown>>): string[] {
  const workspaceRoot = files.root;
  const read = (rel: string) => files.text(rel) ?? '';
  const at = (file: string, parse: (text: string) => string[]): Manifest => ({ file, refs: parse(read(file)) });
  const inRoot = (file: string) => path.posix.join(projectRoot, file);
  let reached: Set<string>;
  switch (family) {
    case 'python':
      reached = new Set(pythonLocalReferences(files, projectRoot, options).keys());
      break;
    case 'ruby':
      reached = new Set(reachable(workspaceRoot, [at(inRoot('Gemfile'), rubyGemfilePaths)], () => []).keys());
      break;
    case 'go': {
      const replaced = [...reachable(workspaceRoot, [at(inRoot('go.mod'), goLocalPaths)], () => []).keys()];
      reached = new Set([...replaced, ...goWorkModules(files, [projectRoot, ...replaced])]);
      break;
    }
    case 'dotnet': {
      // A reference names a project file: its folder is what the build reads; its own references are followed.
      const projectFiles = dotnetProjectFiles(files, projectRoot, options);
      reached = new Set([...projectFiles, ...reachable(workspaceRoot, projectFiles.map((f) => at(f, csprojReferences)),
        (csproj) => [at(csproj, csprojReferences)]).keys()].map((csproj) => path.posix.dirname(csproj)));
      break;
    }
    case 'node':
      return packageTypeInputs(files, projectRoot, options);
    default:
      return [];
  }
  return [...reached].filter((rel) => !isWithinRoot(rel, projectRoot)).sort().map((rel) => (files.isFile(rel) ? `{workspaceRoot}/${rel}` : `{workspaceRoot}/${rel ? `${rel}/` : ''}**/*`));
}

/** `ref` from the folder of `manifest`, workspace-relative and `/`-separated; undefined when it leaves the workspace. */
function resolveRef(workspaceRoot: string, manifest: string, ref: string): string | undefined {
  const rel = path.relative(workspaceRoot, path.resolve(workspaceRoot, path.dirname(manifest), ref));
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * Every path the `first` manifests reference, and what the manifests `next` gives for each reached
 * path reference, once each: workspace-relative path -> the manifest that named it first.
 */
function reachable(workspaceRoot: string, first: readonly Manifest[], next: (rel: string) => Manifest[]): Map<string, string> {
  const reached = new Map<string, string>();
  const pending = [...first];
  for (let m = pending.shift(); m; m = pending.shift()) {
    for (const ref of m.refs) {
      const rel = resolveRef(workspaceRoot, m.file, ref);
      if (rel === undefined || reached.has(rel)) continue;
      reached.set(rel, m.file);
      pending.push(...next(rel));
    }
  }
  return reached;
}

/**
 * What a Python function's build reads outside its requirements file and pyproject.toml, as core
 * reads it: the path entries of the requirements file (`requirementsFile`, else requirements.txt),
 * of the files it includes with `-r` (followed, paths relative to each file) and its `-c`
 * constraints files; pyproject path sources, and a library's own, followed; and the requirements
 * file itself when it lives elsewhere. Workspace-relative path -> the manifest that names it (the
 * function's lambda.json for the requirements file). Paths inside the function are included.
 */
export function pythonLocalReferences(files: WorkspaceFiles, projectRoot: string, options: Readonly<Record<string, unknown>>): Map<string, string> {
  const workspaceRoot = files.root;
  const inRoot = (file: string) => path.posix.join(projectRoot, file);
  const requirements = typeof options.requirementsFile === 'string' && options.requirementsFile.trim() ? options.requirementsFile.trim() : 'requirements.txt';
  const included = new Set<string>();
  const requirementsAt = (file: string): Manifest => {
    const text = files.text(file) ?? '';
    const named = pythonRequirementFiles(text);
    for (const ref of named.included) {
      const rel = resolveRef(workspaceRoot, file, ref);
      if (rel !== undefined) included.add(rel);
    }
    return { file, refs: [...pythonRequirementPaths(text), ...named.included, ...named.constraints] };
  };
  const pyproject = (dir: string): Manifest => ({ file: path.posix.join(dir, 'pyproject.toml'), refs: pythonPyprojectPaths(files.text(path.posix.join(dir, 'pyproject.toml')) ?? '') });
  const reached = reachable(workspaceRoot, [requirementsAt(inRoot(requirements)), pyproject(projectRoot)], (rel) => [included.has(rel) ? requirementsAt(rel) : pyproject(rel)]);
  const requirementsFile = resolveRef(workspaceRoot, inRoot(FUNCTION_MARKER), requirements);
  if (requirementsFile !== undefined && !reached.has(requirementsFile)) reached.set(requirementsFile, inRoot(FUNCTION_MARKER));
  return reached;
}

/**
 * The .csproj files a .NET function builds, workspace-relative: its `project` option's (relative to
 * the function's root, as core reads it), else the ones in its root.
 */
export function dotnetProjectFiles(files: WorkspaceFiles, projectRoot: string, options: Readonly<Record<string, unknown>>): string[] {
  const project = typeof options.project === 'string' ? options.project.trim() : '';
  if (!project) return filesIn(files.root, projectRoot, '.csproj');
  const rel = resolveRef(files.root, path.posix.join(projectRoot, FUNCTION_MARKER), project);
  return rel === undefined ? [] : [rel];
}

/**
 * Modules of the workspace's go.work that the function builds with: the ones its module (or a
 * module it replaces locally) requires, and what those require in turn. go.work's other modules
 * are not read by its build.
 */
function goWorkModules(files: WorkspaceFiles, moduleDirs: readonly string[]): string[] {
  const workspaceRoot = files.root;
  const goWork = files.text('go.work');
  if (!goWork) return [];
  const goMod = (dir: string) => files.text(path.posix.join(dir, 'go.mod')) ?? '';
  const required = new Set(moduleDirs.flatMap((dir) => goRequires(goMod(dir))));
  const candidates = goLocalPaths(goWork).flatMap((ref) => {
    const dir = resolveRef(workspaceRoot, 'go.work', ref);
    const modulePath = dir === undefined ? undefined : goModulePath(goMod(dir));
    return dir !== undefined && modulePath ? [{ dir, modulePath }] : [];
  });
  const taken: string[] = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const c of candidates) {
      if (taken.includes(c.dir) || !required.has(c.modulePath)) continue;
      taken.push(c.dir);
      for (const mod of goRequires(goMod(c.dir))) required.add(mod);
      grew = true;
    }
  }
  return taken;
}

/**
 * The package.json files above a Node.js function whose "type" decides the format `auto` gives a
 * `.js` handler (as Node looks it up: the nearest one up to the workspace root). The project's own
 * package.json is an input already; TypeScript, `.mjs` and `.cjs` handlers and an explicit
 * "format" do not read them.
 */
function packageTypeInputs(files: WorkspaceFiles, projectRoot: string, options: Readonly<Record<string, unknown>>): string[] {
  if (options.format !== undefined && options.format !== 'auto') return [];
  const parsed = parseHandler(typeof options.handler === 'string' ? options.handler : '');
  if (!parsed) return [];
  const module = path.posix.join(projectRoot, parsed.module);
  const firstFound = NODE_ENTRY_EXTENSIONS.find((ext) => files.isFile(`${module}${ext}`));
  if (firstFound !== '.js') return [];
  const inputs: string[] = [];
  for (let dir = path.posix.dirname(projectRoot); ; dir = path.posix.dirname(dir)) {
    const top = dir === '.' || dir === '/' || dir === '';
    inputs.push(`{workspaceRoot}/${top ? '' : `${dir}/`}package.json`);
    if (top) return inputs;
  }
}
