/**
 * Parsers of the local references Nx cannot see itself: each takes one manifest's text and
 * returns the referenced paths (relative to the manifest's folder) or names. Pure functions.
 */
import { requirementLines, requirementOption } from '@nx-lambda/core/dist/runtimes/python/requirement-lines';

/** pyproject.toml: `[tool.uv.sources] x = { path = "../libs/x" }`, Poetry `x = { path = "../x" }`. */
export function pythonPyprojectPaths(text: string): string[] {
  return [...text.matchAll(/\bpath\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
}

/** requirements.txt: `-e ../libs/x`, `../libs/x`, `./x`, `file:../x`, `name @ file:../x`. */
export function pythonRequirementPaths(text: string): string[] {
  const out: string[] = [];
  for (const line of requirementLines(text)) {
    const spec = line.replace(/^(-e|--editable)\s+/, '').replace(/^.*@\s*/, '').replace(/^file:(\/\/)?/, '');
    if (/^\.\.?\//.test(spec)) out.push(spec.replace(/\[.*\]$/, ''));
  }
  return out;
}

/**
 * requirements.txt: the other files pip reads for it, as core's requirements reader does: `-r`
 * includes (whose own lines count too) and `-c` constraints, each relative to the file naming it.
 */
export function pythonRequirementFiles(text: string): { included: string[]; constraints: string[] } {
  const out = { included: [] as string[], constraints: [] as string[] };
  for (const line of requirementLines(text)) {
    const { opt, value } = requirementOption(line);
    if (!value || /^[a-z]+:\/\//i.test(value)) continue;
    if (opt === '-r' || opt === '--requirement') out.included.push(value);
    else if (opt === '-c' || opt === '--constraint') out.constraints.push(value);
  }
  return out;
}

/**
 * Gemfile: `gem 'x', path: '../libs/x'` or `:path => "../libs/x"`; also a `path '../libs' do ... end`
 * block, where Bundler finds each gem's gemspec in the folder or below it: the folder itself (so
 * every file Bundler may read is covered) and `<folder>/<gem>` for each gem of the block (the
 * folder Bundler's convention gives it, which names the library project).
 */
export function rubyGemfilePaths(text: string): string[] {
  const body = text.replace(/(^|\s)#.*$/gm, '');
  const out = [...body.matchAll(/(?:\bpath:|:path\s*=>)\s*["']([^"']+)["']/g)].map((m) => m[1]);
  for (const block of body.matchAll(/^\s*path\s*\(?\s*["']([^"']+)["'][^\n]*?\bdo\b([\s\S]*?)^\s*end\b/gm)) {
    const dir = block[1].replace(/\/+$/, '');
    out.push(dir, ...[...block[2].matchAll(/\bgem\s*\(?\s*["']([^"']+)["']/g)].map((m) => `${dir}/${m[1]}`));
  }
  return out;
}

/** go.mod `replace mod => ../x` (single or block); go.work `use ./x` (single or block). */
export function goLocalPaths(text: string): string[] {
  const out: string[] = [];
  const body = text.replace(/\/\/.*$/gm, '');
  for (const m of body.matchAll(/=>\s*(\.{1,2}\/[^\s)]*)/g)) out.push(m[1]);
  for (const m of body.matchAll(/^\s*use\s+(\.{1,2}\/?[^\s()]*)\s*$/gm)) out.push(m[1]);
  for (const block of body.matchAll(/^\s*use\s*\(([\s\S]*?)\)/gm)) {
    for (const line of block[1].split(/\r?\n/)) if (line.trim()) out.push(line.trim());
  }
  return out;
}

/** .csproj: `<ProjectReference Include="..\libs\X\X.csproj" />` -> the referenced project file. */
export function csprojReferences(text: string): string[] {
  return [...text.matchAll(/<ProjectReference\s+Include\s*=\s*"([^"]+)"/g)].map((m) => m[1].replace(/\\/g, '/'));
}

export interface MavenCoordinates {
  groupId?: string;
  artifactId: string;
}

/** pom.xml: the project's own coordinates (groupId may come from the parent). */
export function mavenCoordinates(text: string): MavenCoordinates | undefined {
  const withoutBlocks = text.replace(/<(dependencies|dependencyManagement|build|plugins|profiles)>[\s\S]*?<\/\1>/g, '');
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(withoutBlocks)?.[1] ?? '';
  const own = withoutBlocks.replace(/<parent>[\s\S]*?<\/parent>/, '');
  const artifactId = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(own)?.[1];
  if (!artifactId) return undefined;
  const groupId = /<groupId>\s*([^<\s]+)\s*<\/groupId>/.exec(own)?.[1] ?? /<groupId>\s*([^<\s]+)\s*<\/groupId>/.exec(parent)?.[1];
  return { groupId, artifactId };
}

/** pom.xml: `<dependency>` coordinates and `<module>` folders. */
export function mavenDependencies(text: string): MavenCoordinates[] {
  return [...text.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].flatMap((m) => {
    const artifactId = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(m[1])?.[1];
    const groupId = /<groupId>\s*([^<\s]+)\s*<\/groupId>/.exec(m[1])?.[1];
    return artifactId ? [{ groupId, artifactId }] : [];
  });
}

/** pom.xml: the parent's coordinates, when the project has one. */
export function mavenParent(text: string): MavenCoordinates | undefined {
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(text)?.[1];
  const artifactId = parent && /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(parent)?.[1];
  return artifactId ? { groupId: /<groupId>\s*([^<\s]+)\s*<\/groupId>/.exec(parent!)?.[1], artifactId } : undefined;
}

export function mavenModules(text: string): string[] {
  return [...text.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((m) => m[1]);
}

/** `#Requires -Modules A, @{ ModuleName = 'B'; ... }` -> module names. */
export function powershellRequiredModules(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^#Requires\s+-Modules?\s+(.+)$/gim)) {
    const spec = m[1];
    for (const h of spec.matchAll(/ModuleName\s*=\s*["']([^"']+)["']/gi)) out.push(h[1]);
    const plain = spec.replace(/@\{[^}]*\}/g, '');
    for (const part of plain.split(',')) {
      const name = part.trim().replace(/^["']|["']$/g, '');
      if (name) out.push(name);
    }
  }
  return out;
}

/** go.mod: the module path it declares. */
export function goModulePath(text: string): string | undefined {
  return /^\s*module\s+(\S+)/m.exec(text)?.[1];
}

/** go.mod: required module paths (single lines and blocks); with go.work they resolve locally. */
export function goRequires(text: string): string[] {
  const body = text.replace(/\/\/.*$/gm, '');
  const out = [...body.matchAll(/^\s*require\s+([^\s(]+)\s+\S+/gm)].map((m) => m[1]);
  for (const block of body.matchAll(/^\s*require\s*\(([\s\S]*?)\)/gm)) {
    for (const line of block[1].split(/\r?\n/)) {
      const mod = line.trim().split(/\s+/)[0];
      if (mod) out.push(mod);
    }
  }
  return out;
}
