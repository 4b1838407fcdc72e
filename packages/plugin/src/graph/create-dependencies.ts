import * as path from 'node:path';
import { ABI_BOUND_FAMILIES } from '@nx-lambda/core/dist/layers/compatibility';
import type { CreateDependencies, DependencyType, RawProjectGraphDependency } from '@nx/devkit';

/**
 * DependencyType.implicit without loading @nx/devkit (the graph runs on every Nx command). Every
 * edge here is implicit (no `sourceFile`): Nx keeps the edges of a source file from its file-map
 * cache (in the daemon's memory, and in .nx/workspace-data between commands) until that file's
 * hash changes, while the target of each edge here also depends on other files: which folders are
 * projects (a library made a project after the manifest named it), other projects' go.mod, pom.xml
 * or module names, which projects a lambda.json `layers` names exist (a layer generated after).
 * An implicit edge is taken from each computation's answer, so none outlives its reason.
 */
const IMPLICIT = 'implicit' as DependencyType.implicit;
import { inLayerScope, LAYER_MARKER, readLayerMarker } from './layer-marker';
import { normalizePluginOptions, type NxLambdaPluginOptions } from './create-nodes';
import { familyOf, FUNCTION_MARKER, readFunctionMarker } from './marker';
import { unlessInvalid } from './invalid-marker';
import {
  csprojReferences, goLocalPaths, goModulePath, goRequires, mavenCoordinates, mavenDependencies, mavenParent, powershellRequiredModules, pythonPyprojectPaths,
  pythonRequirementPaths, rubyGemfilePaths,
} from './local-references';
import { ProjectFolder, WorkspaceFiles } from './workspace-files';
import { dotnetProjectFiles, pythonLocalReferences } from './local-inputs';

interface ProjectInfo {
  name: string;
  root: string;
  tags: string[];
  /** Its folder, listed once and each manifest read once per graph computation. */
  folder: ProjectFolder;
  /** The package target as Nx merged it (lambda.json, project.json, targetDefaults), for function projects. */
  packageTarget?: { executor?: string; options?: Record<string, unknown> };
}

/** Which manifest files of a project can reference local folders, and how to read them. */
const PATH_REFERENCES: Record<string, (text: string) => string[]> = {
  'pyproject.toml': pythonPyprojectPaths,
  'requirements.txt': pythonRequirementPaths,
  Gemfile: rubyGemfilePaths,
  'go.mod': goLocalPaths,
};

/** The project whose root contains `rel` (the deepest one): `byRoot` looked up from `rel` up to the workspace root. */
function owner(byRoot: ReadonlyMap<string, ProjectInfo>, rel: string): ProjectInfo | undefined {
  for (let dir = rel.replace(/\/+$/, ''); ; dir = path.posix.dirname(dir)) {
    const found = byRoot.get(dir);
    if (found) return found;
    if (dir === '.' || dir === '/' || dir === '') return byRoot.get('') ?? byRoot.get('.');
  }
}

/**
 * Edges from the manifests of every language: pyproject/requirements path dependencies, Gemfile
 * `path:` gems, go.mod `replace` and go.work `use`, csproj ProjectReference, Maven dependencies on
 * workspace modules, PowerShell `#Requires -Modules` of workspace modules.
 */
export const createDependencies: CreateDependencies<NxLambdaPluginOptions> = (options, context) => {
  const ws = context.workspaceRoot;
  const packageTargetName = normalizePluginOptions(options).packageTargetName;
  const files = new WorkspaceFiles(ws);
  const projects: ProjectInfo[] = Object.entries(context.projects).map(([name, p]) => {
    const root = p.root.replace(/\\/g, '/');
    return { name, root, tags: p.tags ?? [], folder: new ProjectFolder(files, root), packageTarget: p.targets?.[packageTargetName] };
  });
  const byRoot = new Map(projects.map((p) => [p.root.replace(/\/+$/, ''), p]));
  const deps: RawProjectGraphDependency[] = [];
  const seen = new Set<string>();
  const add = (source: ProjectInfo, targetRel: string) => {
    const target = owner(byRoot, path.posix.normalize(targetRel));
    if (!target || target.name === source.name) return;
    const key = `${source.name}->${target.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    deps.push({ source: source.name, target: target.name, type: IMPLICIT });
  };

  const mavenByCoordinates = new Map<string, ProjectInfo>();
  const psModules = new Map<string, ProjectInfo>();
  const goModules = new Map<string, ProjectInfo>();
  for (const p of projects) {
    const goMod = p.folder.text('go.mod');
    const modulePath = goMod ? goModulePath(goMod) : undefined;
    if (modulePath) goModules.set(modulePath, p);
    const pom = p.folder.text('pom.xml');
    const coords = pom ? mavenCoordinates(pom) : undefined;
    if (coords) mavenByCoordinates.set(`${coords.groupId ?? ''}:${coords.artifactId}`, p);
    for (const f of [...p.folder.filesEndingIn('.psd1'), ...p.folder.filesEndingIn('.psm1')]) psModules.set(path.posix.basename(f).replace(/\.ps[dm]1$/, '').toLowerCase(), p);
  }

  for (const p of projects) {
    if (p.packageTarget?.executor === '@nx-lambda/plugin:python') {
      // What the build reads: `requirementsFile`, `-r` includes, `-c` constraints. A reference in a
      // file of another project is that project's edge.
      for (const [rel, manifest] of pythonLocalReferences(files, p.root, p.packageTarget.options ?? {})) {
        const from = owner(byRoot, manifest);
        if (from === p || !from) add(p, rel);
      }
    }
    for (const [file, parse] of Object.entries(PATH_REFERENCES)) {
      const text = p.folder.text(file);
      if (text) for (const ref of parse(text)) add(p, path.posix.join(p.root, ref));
    }
    // A required module that is a workspace project (via replace or go.work) is a local edge.
    for (const mod of goRequires(p.folder.text('go.mod') ?? '')) {
      const target = goModules.get(mod);
      if (target) add(p, target.root);
    }
    // A .NET function's `project` option may name a .csproj below its root (or elsewhere): references are relative to that file.
    const projectFiles = p.packageTarget?.executor === '@nx-lambda/plugin:dotnet' ? dotnetProjectFiles(files, p.root, p.packageTarget.options ?? {}) : p.folder.filesEndingIn('.csproj');
    for (const csproj of projectFiles) {
      const from = owner(byRoot, csproj);
      if (from !== p && from) continue; // that project's own edges
      for (const ref of csprojReferences(files.text(csproj) ?? '')) add(p, path.posix.dirname(path.posix.join(path.posix.dirname(csproj), ref)));
    }
    const pom = p.folder.text('pom.xml');
    if (pom) {
      const parent = mavenParent(pom);
      for (const d of [...mavenDependencies(pom), ...(parent ? [parent] : [])]) {
        const target = mavenByCoordinates.get(`${d.groupId ?? ''}:${d.artifactId}`);
        if (target) add(p, target.root);
      }
    }
    for (const script of p.folder.filesEndingIn('.ps1')) {
      for (const name of powershellRequiredModules(p.folder.text(path.posix.basename(script)) ?? '')) {
        const target = psModules.get(name.toLowerCase());
        if (target) add(p, target.root);
      }
    }
  }
  deps.push(...layerEdges(ws, projects, normalizePluginOptions(options).defaults));
  return deps;
};

/**
 * Function -> layer project, for every layer whose scope (family, architecture, for Python and
 * Ruby the runtime, `functions`) takes the function in: so `^layer` runs its layers before its
 * package target. A function's architecture is its lambda.json's, else the plugin defaults', as
 * its package target's options; its runtime is its lambda.json's (a layer of another Python or
 * Ruby runtime cannot serve it, so an edge would only run that layer first and mark it affected).
 * A scope edge depends on the layer's lambda-layer.json as much as on the function's lambda.json,
 * and a named one on the layer project existing: implicit, like every edge here (IMPLICIT).
 */
function layerEdges(ws: string, projects: readonly ProjectInfo[], defaults: Record<string, unknown>): RawProjectGraphDependency[] {
  const layers = projects.flatMap((p) => {
    const rel = path.posix.join(p.root, LAYER_MARKER);
    const marker = p.folder.has(LAYER_MARKER) ? unlessInvalid(() => readLayerMarker(ws, rel)) : undefined;
    return marker ? [{ project: p, marker }] : [];
  });
  const byName = new Map(projects.map((p) => [p.name, p]));
  const out: RawProjectGraphDependency[] = [];
  const defaultArchitecture = typeof defaults.architecture === 'string' ? defaults.architecture : 'x86_64';
  for (const p of projects) {
    const rel = path.posix.join(p.root, FUNCTION_MARKER);
    if (!p.folder.has(FUNCTION_MARKER)) continue;
    const fn = unlessInvalid(() => readFunctionMarker(ws, rel));
    const family = fn && unlessInvalid(() => familyOf(fn, path.join(ws, p.root), rel));
    // An invalid marker is no reason to fail the graph: its project's targets say what to fix.
    if (!fn || !family) continue;
    // Layers named in lambda.json (runtime layers too) are dependencies whatever their kind.
    for (const named of fn.layers ?? []) {
      const target = byName.get(named);
      if (target && !layers.some((l) => l.project.name === named)) out.push({ source: p.name, target: target.name, type: IMPLICIT });
    }
    for (const { project, marker } of layers) {
      const sameArch = (marker.architecture ?? 'x86_64') === (fn.architecture ?? defaultArchitecture);
      const sameAbi = !ABI_BOUND_FAMILIES.has(family) || marker.runtime === fn.runtime;
      if (fn.layers?.includes(project.name)) out.push({ source: p.name, target: project.name, type: IMPLICIT });
      else if (marker.family === family && sameArch && sameAbi && inLayerScope(marker.functions, p.name, p.tags)) out.push({ source: p.name, target: project.name, type: IMPLICIT });
    }
  }
  return out;
}
