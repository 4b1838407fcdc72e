import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { RuntimeFamily } from '@nx-lambda/core/dist/runtimes/types';
import { NODE_ENTRY_EXTENSIONS, parseHandler } from '@nx-lambda/core/dist/runtimes/node/handler-name';
import { csprojReferences, goLocalPaths, goModulePath, goRequires, pythonPyprojectPaths, pythonRequirementPaths, rubyGemfilePaths } from './local-references';
import { FUNCTION_MARKER } from './marker';
import { filesIn, isWithinRoot, readWorkspaceFile } from './workspace-files';

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
export function localPathInputs(workspaceRoot: string, projectRoot: string, family: RuntimeFamily, options: Readonly<Record<string, unknown>>): string[] {
  const read = (rel: string) => readWorkspaceFile(workspaceRoot, rel) ?? '';
  const at = (file: string, parse: (text: string) => string[]): Manifest => ({ file, refs: parse(read(file)) });
  const inRoot = (file: string) => path.posix.join(projectRoot, file);
  let reached: Set<string>;
  switch (family) {
    case 'python': {
      // Paths in a requirements file are relative to that file; a library's own path dependencies are followed (core reads them too).
      const requirements = typeof options.requirementsFile === 'string' && options.requirementsFile.trim() ? options.requirementsFile.trim() : 'requirements.txt';
      const requirementsFile = resolveRef(workspaceRoot, inRoot(FUNCTION_MARKER), requirements);
      reached = reachable(workspaceRoot, [at(inRoot(requirements), pythonRequirementPaths), at(inRoot('pyproject.toml'), pythonPyprojectPaths)],
        (dir) => [at(path.posix.join(dir, 'pyproject.toml'), pythonPyprojectPaths)]);
      if (requirementsFile !== undefined) reached.add(requirementsFile); // the file itself, when it lives elsewhere
      break;
    }
    case 'ruby':
      reached = reachable(workspaceRoot, [at(inRoot('Gemfile'), rubyGemfilePaths)], () => []);
      break;
    case 'go': {
      const replaced = reachable(workspaceRoot, [at(inRoot('go.mod'), goLocalPaths)], () => []);
      reached = new Set([...replaced, ...goWorkModules(workspaceRoot, [projectRoot, ...replaced])]);
      break;
    }
    case 'dotnet':
      // A reference names a project file: its folder is what the build reads; its own references are followed.
      reached = new Set([...reachable(workspaceRoot, filesIn(workspaceRoot, projectRoot, '.csproj').map((f) => at(f, csprojReferences)),
        (csproj) => [at(csproj, csprojReferences)])].map((csproj) => path.posix.dirname(csproj)));
      break;
    case 'node':
      return packageTypeInputs(workspaceRoot, projectRoot, options);
    default:
      return [];
  }
  return [...reached].filter((rel) => !isWithinRoot(rel, projectRoot)).sort().map((rel) => (isFile(workspaceRoot, rel) ? `{workspaceRoot}/${rel}` : `{workspaceRoot}/${rel ? `${rel}/` : ''}**/*`));
}

/** `ref` from the folder of `manifest`, workspace-relative and `/`-separated; undefined when it leaves the workspace. */
function resolveRef(workspaceRoot: string, manifest: string, ref: string): string | undefined {
  const rel = path.relative(workspaceRoot, path.resolve(workspaceRoot, path.dirname(manifest), ref));
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** Every path the `first` manifests reference, and what the manifests `next` gives for each reached path reference, once each. */
function reachable(workspaceRoot: string, first: readonly Manifest[], next: (rel: string) => Manifest[]): Set<string> {
  const reached = new Set<string>();
  const pending = [...first];
  for (let m = pending.shift(); m; m = pending.shift()) {
    for (const ref of m.refs) {
      const rel = resolveRef(workspaceRoot, m.file, ref);
      if (rel === undefined || reached.has(rel)) continue;
      reached.add(rel);
      pending.push(...next(rel));
    }
  }
  return reached;
}

/**
 * Modules of the workspace's go.work that the function builds with: the ones its module (or a
 * module it replaces locally) requires, and what those require in turn. go.work's other modules
 * are not read by its build.
 */
function goWorkModules(workspaceRoot: string, moduleDirs: readonly string[]): string[] {
  const goWork = readWorkspaceFile(workspaceRoot, 'go.work');
  if (!goWork) return [];
  const goMod = (dir: string) => readWorkspaceFile(workspaceRoot, path.posix.join(dir, 'go.mod')) ?? '';
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
function packageTypeInputs(workspaceRoot: string, projectRoot: string, options: Readonly<Record<string, unknown>>): string[] {
  if (options.format !== undefined && options.format !== 'auto') return [];
  const parsed = parseHandler(typeof options.handler === 'string' ? options.handler : '');
  if (!parsed) return [];
  const module = path.posix.join(projectRoot, parsed.module);
  const firstFound = NODE_ENTRY_EXTENSIONS.find((ext) => isFile(workspaceRoot, `${module}${ext}`));
  if (firstFound !== '.js') return [];
  const inputs: string[] = [];
  for (let dir = path.posix.dirname(projectRoot); ; dir = path.posix.dirname(dir)) {
    const top = dir === '.' || dir === '/' || dir === '';
    inputs.push(`{workspaceRoot}/${top ? '' : `${dir}/`}package.json`);
    if (top) return inputs;
  }
}

function isFile(workspaceRoot: string, rel: string): boolean {
  return statSync(path.join(workspaceRoot, rel), { throwIfNoEntry: false })?.isFile() ?? false;
}
