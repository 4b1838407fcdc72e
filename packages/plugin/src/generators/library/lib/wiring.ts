import * as path from 'node:path';
import { getProjects, readJson, updateJson, writeJson, type Tree } from '@nx/devkit';
import type { RuntimeFamily } from '@nx-lambda/core';
import { mavenCoordinates } from '../../../graph/local-references';
import {
  addGemfilePathGem, addGoReplace, addLockfilePathGem, addMavenDependency, addMavenModule, addMavenParent, addProjectReference, addPyprojectPathDependency,
  addRequiresModule, mavenParentPath, relativeRef, type MavenCoords,
} from './manifest-edits';
import type { NormalizedLibraryOptions } from './normalize-options';

/** A function project to wire the library into. */
export interface FunctionTarget {
  name: string;
  root: string;
}

/** How one language references a workspace library from a function. */
interface Wiring {
  /** Why the function cannot take the library (missing manifest), checked before anything is written. */
  problem(tree: Tree, fn: FunctionTarget, o: NormalizedLibraryOptions): string | undefined;
  wire(tree: Tree, fn: FunctionTarget, o: NormalizedLibraryOptions): void;
}

const GEM_VERSION = '0.1.0';
const MAVEN_GROUP = 'com.example';
const MAVEN_VERSION = '1.0.0';
const TSCONFIG_CANDIDATES = ['tsconfig.app.json', 'tsconfig.json'];

const join = path.posix.join;
const rel = (from: string, to: string) => path.posix.relative(from, to) || '.';

function edit(tree: Tree, file: string, change: (text: string) => string): void {
  const before = tree.read(file, 'utf-8') ?? '';
  let after: string;
  try {
    after = change(before);
  } catch (err) {
    throw new Error(`nx-lambda:library - ${file} ${(err as Error).message}.\nFix the file, or add the reference to the library yourself.`);
  }
  if (after !== before) tree.write(file, after);
}

function missing(tree: Tree, fn: FunctionTarget, file: string, family: string): string | undefined {
  return tree.exists(join(fn.root, file)) ? undefined : `${fn.name} has no ${file} in ${fn.root}: wire ${family} libraries to ${family} functions`;
}

/** The handler script of a PowerShell function: from lambda.json's handler, else its only .ps1. */
function powershellScript(tree: Tree, fn: FunctionTarget): string | undefined {
  const marker = join(fn.root, 'lambda.json');
  const handler = tree.exists(marker) ? (readJson<{ handler?: string }>(tree, marker).handler ?? '') : '';
  const script = handler.split('::')[0];
  if (script.toLowerCase().endsWith('.ps1')) return tree.exists(join(fn.root, script)) ? join(fn.root, script) : undefined;
  const scripts = tree.children(fn.root).filter((f) => f.toLowerCase().endsWith('.ps1'));
  return scripts.length === 1 ? join(fn.root, scripts[0]) : undefined;
}

function csprojOf(tree: Tree, fn: FunctionTarget): string[] {
  return tree.children(fn.root).filter((f) => f.endsWith('.csproj'));
}

const node: Wiring = {
  problem: () => undefined,
  // The alias lives in tsconfig.base.json; the function's tsconfig (the one the node executor
  // reads first) must extend it, or esbuild never sees the alias.
  wire(tree, fn, o) {
    const target = TSCONFIG_CANDIDATES.map((f) => join(fn.root, f)).find((f) => tree.exists(f));
    const base = rel(fn.root, 'tsconfig.base.json');
    if (!target) {
      writeJson(tree, join(fn.root, 'tsconfig.json'), { extends: base, include: ['src/**/*.ts'] });
      return;
    }
    updateJson(tree, target, (json: { extends?: string | string[] }) => (json.extends ? json : { extends: base, ...json }));
  },
};

const python: Wiring = {
  problem: (tree, fn) => missing(tree, fn, 'pyproject.toml', 'python'),
  wire(tree, fn, o) {
    edit(tree, join(fn.root, 'pyproject.toml'), (t) => addPyprojectPathDependency(t, o.name, rel(fn.root, o.projectRoot)));
  },
};

const ruby: Wiring = {
  problem: (tree, fn) => missing(tree, fn, 'Gemfile', 'ruby'),
  // The lock gets the PATH section Bundler itself would write, so a frozen install accepts it.
  wire(tree, fn, o) {
    const ref = rel(fn.root, o.projectRoot);
    edit(tree, join(fn.root, 'Gemfile'), (t) => addGemfilePathGem(t, o.name, ref));
    const lock = join(fn.root, 'Gemfile.lock');
    if (tree.exists(lock)) edit(tree, lock, (t) => addLockfilePathGem(t, o.name, GEM_VERSION, ref));
  },
};

const go: Wiring = {
  problem: (tree, fn) => missing(tree, fn, 'go.mod', 'go'),
  wire(tree, fn, o) {
    edit(tree, join(fn.root, 'go.mod'), (t) => addGoReplace(t, o.goModule, rel(fn.root, o.projectRoot)));
  },
};

const dotnet: Wiring = {
  problem(tree, fn) {
    const found = csprojOf(tree, fn);
    return found.length === 1 ? undefined : `${fn.name} has ${found.length ? `${found.length} .csproj files` : 'no .csproj'} in ${fn.root}: wire dotnet libraries to a dotnet function with one project file`;
  },
  wire(tree, fn, o) {
    edit(tree, join(fn.root, csprojOf(tree, fn)[0]), (t) => addProjectReference(t, relativeRef(rel(fn.root, join(o.projectRoot, `${o.className}.csproj`)))));
  },
};

const powershell: Wiring = {
  problem: (tree, fn) => (powershellScript(tree, fn) ? undefined : `${fn.name} has no handler script (lambda.json "handler": "script.ps1::Function", or one .ps1) in ${fn.root}: add "#Requires -Modules <Module>" to the script that uses the module yourself`),
  wire(tree, fn, o) {
    edit(tree, powershellScript(tree, fn)!, (t) => addRequiresModule(t, o.className));
  },
};

/** The aggregator folder a Java function builds from: its parent when that lists modules, else the chosen one. */
function aggregatorFor(tree: Tree, fn: FunctionTarget, o: NormalizedLibraryOptions): { dir: string; linkParent: boolean } | { error: string } {
  const pom = tree.read(join(fn.root, 'pom.xml'), 'utf-8') ?? '';
  const parentPath = mavenParentPath(pom);
  if (parentPath === undefined) return { dir: o.javaParent ?? 'java-parent', linkParent: true };
  const parentPom = path.posix.normalize(join(fn.root, parentPath.endsWith('.xml') ? parentPath : join(parentPath, 'pom.xml')));
  const text = tree.exists(parentPom) ? tree.read(parentPom, 'utf-8')! : '';
  if (!/<modules>/.test(text)) {
    return { error: `${fn.name}'s pom.xml has a parent (${parentPom}) that is not a workspace aggregator with <modules>: add <module> entries for ${fn.root} and ${o.projectRoot} to an aggregator yourself` };
  }
  return { dir: path.posix.dirname(parentPom), linkParent: false };
}

/** A new aggregator: packaging pom, listing modules; its project.json names it after its folder. */
function createAggregator(tree: Tree, dir: string): MavenCoords {
  const coords = { groupId: MAVEN_GROUP, artifactId: path.posix.basename(dir), version: MAVEN_VERSION };
  const clash = [...getProjects(tree)].find(([name, p]) => name === coords.artifactId && p.root !== dir);
  if (clash) throw new Error(`nx-lambda:library - a project named ${coords.artifactId} already exists in ${clash[1].root}.\nPass --javaParent=<folder> to create the Maven aggregator somewhere else.`);
  tree.write(join(dir, 'pom.xml'), `<?xml version="1.0" encoding="UTF-8"?>
<!--
  Maven aggregator: Java functions name it as <parent>, so the java executor builds them with
  \`-pl <function> -am\` from here and packs the workspace libraries they use as lib/*.jar.
-->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${coords.groupId}</groupId>
  <artifactId>${coords.artifactId}</artifactId>
  <version>${coords.version}</version>
  <packaging>pom</packaging>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
</project>
`);
  tree.write(join(dir, '.gitignore'), 'target/\n');
  const offset = dir.split('/').map(() => '..').join('/');
  writeJson(tree, join(dir, 'project.json'), { name: coords.artifactId, $schema: `${offset}/node_modules/nx/schemas/project-schema.json`, projectType: 'library', tags: ['maven-aggregator'] });
  return coords;
}

const java: Wiring = {
  problem(tree, fn, o) {
    const found = missing(tree, fn, 'pom.xml', 'java');
    if (found) return found;
    const agg = aggregatorFor(tree, fn, o);
    return 'error' in agg ? agg.error : undefined;
  },
  // One reactor builds the function and the library: the function gets a <dependency>, the
  // aggregator lists both modules, and a function without a parent gets the aggregator as parent
  // (the java executor finds the aggregator through <parent><relativePath>).
  wire(tree, fn, o) {
    const fnPom = join(fn.root, 'pom.xml');
    edit(tree, fnPom, (t) => addMavenDependency(t, { groupId: MAVEN_GROUP, artifactId: o.name, version: MAVEN_VERSION }));
    const agg = aggregatorFor(tree, fn, o) as { dir: string; linkParent: boolean };
    const aggPom = join(agg.dir, 'pom.xml');
    const existing = tree.exists(aggPom) ? mavenCoordinates(tree.read(aggPom, 'utf-8')!) : undefined;
    const coords = existing
      ? { groupId: existing.groupId ?? MAVEN_GROUP, artifactId: existing.artifactId, version: /<version>\s*([^<\s]+)/.exec(tree.read(aggPom, 'utf-8')!)?.[1] ?? MAVEN_VERSION }
      : createAggregator(tree, agg.dir);
    edit(tree, aggPom, (t) => addMavenModule(addMavenModule(t, rel(agg.dir, o.projectRoot)), rel(agg.dir, fn.root)));
    if (agg.linkParent) edit(tree, fnPom, (t) => addMavenParent(t, coords, rel(fn.root, aggPom)));
  },
};

export const WIRING: Record<RuntimeFamily, Wiring> = { node, python, ruby, go, java, dotnet, powershell };

/** node: the path alias in tsconfig.base.json (created when missing), once per library. */
export function addTsconfigAlias(tree: Tree, o: NormalizedLibraryOptions): void {
  const entry = `./${join(o.projectRoot, 'src', 'index.ts')}`;
  if (!tree.exists('tsconfig.base.json')) writeJson(tree, 'tsconfig.base.json', { compilerOptions: {} });
  updateJson(tree, 'tsconfig.base.json', (json: { compilerOptions?: { paths?: Record<string, string[]> } }) => {
    const paths = json.compilerOptions?.paths ?? {};
    const current = paths[o.importPath];
    if (current && !(current.length === 1 && current[0] === entry)) {
      throw new Error(`nx-lambda:library - tsconfig.base.json already maps ${o.importPath} to ${current.join(', ')}.\nPass --importPath=<another alias>.`);
    }
    return { ...json, compilerOptions: { ...json.compilerOptions, paths: { ...paths, [o.importPath]: [entry] } } };
  });
}
