import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';

/**
 * Where a function's Maven module sits in its build: the module folder, and the aggregator (a
 * pom.xml whose <modules> lists it, directly or through other aggregators) that the build runs
 * from with `-pl <module> -am`, so workspace libraries are built too and packed as jars.
 */
export interface MavenLayout {
  moduleDir: string;
  /** Folder the build runs in: the top aggregator, or the module itself. */
  buildDir: string;
  /** `-pl` value relative to buildDir; undefined when the module is built on its own. */
  projectList?: string;
  /** Poms read: the module's, its parents', the aggregators'. */
  poms: string[];
  /** The module's or an ancestor pom already sets project.build.outputTimestamp. */
  pomSetsOutputTimestamp: boolean;
}

export const POM = 'pom.xml';

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** The pom without comments and profiles: modules or properties inside a profile are conditional. */
function activeText(pom: string): string {
  return pom.replace(/<!--[\s\S]*?-->/g, '').replace(/<profiles>[\s\S]*?<\/profiles>/g, '');
}

function tagText(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>\\s*([\\s\\S]*?)\\s*</${tag}>`).exec(xml)?.[1];
}

/** Module folders an aggregator lists (a <module> may also name a pom file). */
export function listedModules(pomDir: string, pom: string): string[] {
  const modules = tagText(activeText(pom), 'modules') ?? '';
  return [...modules.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((m) => {
    const abs = path.resolve(pomDir, m[1]);
    return abs.endsWith('.xml') ? path.dirname(abs) : abs;
  });
}

/** The parent pom a module names (relativePath, default ../pom.xml), if it exists on disk. */
function parentPomDir(pomDir: string, pom: string): string | undefined {
  const parent = tagText(activeText(pom), 'parent');
  if (parent === undefined) return undefined;
  const rel = tagText(parent, 'relativePath') ?? `../${POM}`;
  if (!rel.trim()) return undefined; // <relativePath/>: resolved from repositories only
  const abs = path.resolve(pomDir, rel);
  return abs.endsWith('.xml') ? path.dirname(abs) : abs;
}

export function setsOutputTimestamp(pom: string): boolean {
  return /<project\.build\.outputTimestamp>/.test(activeText(pom));
}

function within(dir: string, root: string): boolean {
  return dir === root || dir.startsWith(root + path.sep);
}

/** Candidate aggregators of `dir`: the parent pom it names, then every folder above it. */
async function findAggregator(dir: string, pom: string, workspaceRoot: string, read: Map<string, string>): Promise<string | undefined> {
  const candidates: string[] = [];
  const parent = parentPomDir(dir, pom);
  if (parent) candidates.push(parent);
  for (let d = path.dirname(dir); within(d, workspaceRoot); d = path.dirname(d)) {
    candidates.push(d);
    if (d === workspaceRoot) break;
  }
  for (const c of candidates) {
    if (!within(c, workspaceRoot)) continue;
    const text = read.get(c) ?? (await readIfExists(path.join(c, POM)));
    if (text === undefined) continue;
    read.set(c, text);
    if (listedModules(c, text).includes(dir)) return c;
  }
  return undefined;
}

export async function locateMavenModule(projectName: string, moduleDir: string, workspaceRoot: string): Promise<MavenLayout> {
  const pom = await readIfExists(path.join(moduleDir, POM));
  if (pom === undefined) {
    throw new LambdaPackageError('java:resolve', `${projectName}: no pom.xml in ${path.relative(workspaceRoot, moduleDir) || '.'}`,
      [`looked for ${path.join(moduleDir, POM)}`],
      'add a pom.xml to the function folder (the java executor builds with Maven; Gradle is not supported yet)');
  }
  const read = new Map<string, string>([[moduleDir, pom]]);
  let buildDir = moduleDir;
  for (let agg = await findAggregator(moduleDir, pom, workspaceRoot, read); agg; agg = await findAggregator(agg, read.get(agg)!, workspaceRoot, read)) {
    buildDir = agg;
  }
  // The parent chain decides the effective properties.
  let pomSetsOutputTimestamp = false;
  const seen = new Set<string>();
  for (let d: string | undefined = moduleDir; d && !seen.has(d) && within(d, workspaceRoot); ) {
    seen.add(d);
    const text = read.get(d) ?? (await readIfExists(path.join(d, POM)));
    if (text === undefined) break;
    read.set(d, text);
    if (setsOutputTimestamp(text)) pomSetsOutputTimestamp = true;
    d = parentPomDir(d, text);
  }
  return {
    moduleDir,
    buildDir,
    projectList: buildDir === moduleDir ? undefined : path.relative(buildDir, moduleDir).split(path.sep).join('/'),
    poms: [...read.keys()].map((d) => path.join(d, POM)),
    pomSetsOutputTimestamp,
  };
}
