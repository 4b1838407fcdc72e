/**
 * Pure text edits of the manifests that reference a workspace library, one per language. Each
 * returns the new text (the same text when the reference is already there) and keeps the rest of
 * the file as the user wrote it: no parse-and-reprint that would drop comments.
 */
import { csprojReferences, goRequires, mavenDependencies, mavenModules, powershellRequiredModules } from '../../../graph/local-references';

/** Relative path written into manifests: forward slashes, `./` for a folder below. */
export function relativeRef(rel: string): string {
  const posix = rel.replace(/\\/g, '/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}

/** The [section] of a TOML file: start of its body and end (next header or end of text). */
function tomlSection(text: string, header: string): { bodyStart: number; end: number } | undefined {
  const m = new RegExp(`^\\[${header.replace(/\./g, '\\.')}\\][ \\t]*(#.*)?$`, 'm').exec(text);
  if (!m) return undefined;
  const bodyStart = m.index + m[0].length + 1;
  const next = /^\[/m.exec(text.slice(bodyStart));
  return { bodyStart: Math.min(bodyStart, text.length), end: next ? bodyStart + next.index : text.length };
}

/** Index of the `]` closing a TOML array whose items start at `from` (strings and comments skipped). */
function tomlArrayEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close;
    } else if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === '[') depth++;
    else if (c === ']' && depth-- === 0) return i;
  }
  throw new Error('has an unterminated dependencies array');
}

/** PEP 503 name, so `My_Lib` and `my-lib` are the same distribution. */
function pep503(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** pyproject.toml: `name` in `[project] dependencies` and `name = { path = "rel" }` in `[tool.uv.sources]`. */
export function addPyprojectPathDependency(text: string, name: string, rel: string): string {
  const project = tomlSection(text, 'project');
  if (!project) throw new Error('has no [project] table');
  let out = text;
  const body = out.slice(project.bodyStart, project.end);
  const head = /^dependencies\s*=\s*\[/m.exec(body);
  const deps = head ? { index: head.index, inner: body.slice(head.index + head[0].length, tomlArrayEnd(body, head.index + head[0].length)) } : undefined;
  if (!deps || !head) {
    out = `${out.slice(0, project.bodyStart)}dependencies = ["${name}"]\n${out.slice(project.bodyStart)}`;
  } else {
    const listed = [...deps.inner.matchAll(/["']([A-Za-z0-9._-]+)/g)].some((d) => pep503(d[1]) === pep503(name));
    if (!listed) {
      const closeAt = project.bodyStart + head.index + head[0].length + deps.inner.length;
      const items = deps.inner.replace(/#.*$/gm, '').trim();
      if (deps.inner.includes('\n')) {
        // Multi-line list: a line of its own before the closing bracket.
        const before = out.slice(0, closeAt).replace(/\s*$/, '');
        out = `${before}${items && !items.endsWith(',') ? ',' : ''}\n    "${name}",\n${out.slice(closeAt)}`;
      } else {
        const before = out.slice(0, closeAt).replace(/\s*$/, '');
        out = `${before}${items ? (items.endsWith(',') ? ' ' : ', ') : ''}"${name}"${out.slice(closeAt)}`;
      }
    }
  }
  const line = `${name} = { path = "${relativeRef(rel)}" }\n`;
  const sources = tomlSection(out, 'tool.uv.sources');
  if (!sources) return `${out.replace(/\n*$/, '\n')}\n[tool.uv.sources]\n${line}`;
  const already = [...out.slice(sources.bodyStart, sources.end).matchAll(/^["']?([A-Za-z0-9._-]+)["']?\s*=/gm)].some((m) => pep503(m[1]) === pep503(name));
  return already ? out : `${out.slice(0, sources.bodyStart)}${line}${out.slice(sources.bodyStart)}`;
}

/** Gemfile: `gem 'name', path: 'rel'`. */
export function addGemfilePathGem(text: string, name: string, rel: string): string {
  if (new RegExp(`^\\s*gem\\s+["']${name.replace(/[.]/g, '\\.')}["']`, 'm').test(text)) return text;
  return `${text.replace(/\n*$/, '\n')}\ngem '${name}', path: '${relativeRef(rel)}'\n`;
}

/**
 * Gemfile.lock: a PATH section for the gem (Bundler writes path and git sources first, sorted by
 * remote, then GEM) and `name!` in DEPENDENCIES (sorted), as `bundle lock --local` would write.
 */
export function addLockfilePathGem(lock: string, name: string, version: string, rel: string): string {
  const remote = relativeRef(rel);
  const sections = lock.replace(/\n*$/, '\n').split(/\n(?=[A-Z][A-Z ]*\n)/);
  const isSource = (s: string) => /^(PATH|GIT)\n/.test(s);
  const remoteOf = (s: string) => /^\s+remote: (.*)$/m.exec(s)?.[1] ?? '';
  if (!sections.some((s) => s.startsWith('PATH\n') && remoteOf(s) === remote)) {
    const block = `PATH\n  remote: ${remote}\n  specs:\n    ${name} (${version})\n`;
    const sources = [...sections.filter(isSource), block].sort((a, b) => remoteOf(a).localeCompare(remoteOf(b)));
    const rest = sections.filter((s) => !isSource(s));
    sections.splice(0, sections.length, ...sources, ...rest);
  }
  const deps = sections.findIndex((s) => s.startsWith('DEPENDENCIES\n'));
  if (deps < 0) throw new Error('has no DEPENDENCIES section');
  const lines = sections[deps].replace(/\n*$/, '').split('\n').slice(1).filter(Boolean);
  if (!lines.some((l) => l.trim().split(/[\s!]/)[0] === name)) lines.push(`  ${name}!`);
  lines.sort((a, b) => a.trim().localeCompare(b.trim()));
  sections[deps] = `DEPENDENCIES\n${lines.join('\n')}\n`;
  return sections.map((s) => s.replace(/\n*$/, '\n')).join('\n');
}

/** go.mod: `require module v0.0.0` and `replace module => rel`. */
export function addGoReplace(text: string, module: string, rel: string): string {
  let out = text.replace(/\n*$/, '\n');
  if (!goRequires(out).includes(module)) {
    const block = /^require\s*\(\s*\n([\s\S]*?)^\)/m.exec(out);
    out = block
      ? `${out.slice(0, block.index + block[0].length - 1)}\t${module} v0.0.0\n${out.slice(block.index + block[0].length - 1)}`
      : `${out}\nrequire ${module} v0.0.0\n`;
  }
  if (!new RegExp(`^replace\\s+${module.replace(/[.]/g, '\\.')}(\\s+\\S+)?\\s*=>`, 'm').test(out) && !new RegExp(`^\\s+${module.replace(/[.]/g, '\\.')}(\\s+\\S+)?\\s*=>`, 'm').test(out)) {
    out = `${out}\nreplace ${module} => ${relativeRef(rel)}\n`;
  }
  return out;
}

/** .csproj: `<ProjectReference Include="rel" />`, in the ItemGroup holding the others, else a new one. */
export function addProjectReference(text: string, rel: string): string {
  const ref = rel.replace(/\\/g, '/');
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');
  if (csprojReferences(text).some((r) => norm(r) === norm(ref))) return text;
  const line = `<ProjectReference Include="${ref}" />`;
  const existing = /^([ \t]*)<ProjectReference\b[^>]*?(\/>|>[\s\S]*?<\/ProjectReference>)[ \t]*\n/m.exec(text);
  if (existing) {
    const at = existing.index + existing[0].length;
    return `${text.slice(0, at)}${existing[1]}${line}\n${text.slice(at)}`;
  }
  const close = text.lastIndexOf('</Project>');
  if (close < 0) throw new Error('has no </Project>');
  return `${text.slice(0, close)}  <ItemGroup>\n    ${line}\n  </ItemGroup>\n${text.slice(close)}`;
}

/** A PowerShell script: `#Requires -Modules Name` at its top. */
export function addRequiresModule(text: string, moduleName: string): string {
  if (powershellRequiredModules(text).some((m) => m.toLowerCase() === moduleName.toLowerCase())) return text;
  return `#Requires -Modules ${moduleName}\n${text}`;
}

export interface MavenCoords {
  groupId: string;
  artifactId: string;
  version: string;
}

/** The project's own `<dependencies>` (not dependencyManagement's or a profile's): its index range. */
function ownDependencies(pom: string): { open: number; close: number } | undefined {
  const masked = pom.replace(/<(dependencyManagement|profiles|build)>[\s\S]*?<\/\1>/g, (m) => ' '.repeat(m.length)).replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length));
  const open = masked.indexOf('<dependencies>');
  if (open < 0) return undefined;
  return { open, close: masked.indexOf('</dependencies>', open) };
}

/** pom.xml: a `<dependency>` on the library (compile scope: packed as lib/<artifactId>-<version>.jar). */
export function addMavenDependency(pom: string, dep: MavenCoords): string {
  if (mavenDependencies(pom).some((d) => d.artifactId === dep.artifactId && (d.groupId ?? dep.groupId) === dep.groupId)) return pom;
  const xml = `    <dependency>\n      <groupId>${dep.groupId}</groupId>\n      <artifactId>${dep.artifactId}</artifactId>\n      <version>${dep.version}</version>\n    </dependency>\n`;
  const own = ownDependencies(pom);
  if (own) return `${pom.slice(0, own.close).replace(/[ \t]*$/, '')}${xml}  ${pom.slice(own.close)}`;
  const at = /^[ \t]*<build\b/m.exec(pom)?.index ?? pom.lastIndexOf('</project>');
  return `${pom.slice(0, at)}  <dependencies>\n${xml}  </dependencies>\n${pom.slice(at)}`;
}

/** pom.xml: `<parent>` right after `<modelVersion>`. The caller checks there is none yet. */
export function addMavenParent(pom: string, parent: MavenCoords, relativePath: string): string {
  const xml = `  <parent>\n    <groupId>${parent.groupId}</groupId>\n    <artifactId>${parent.artifactId}</artifactId>\n    <version>${parent.version}</version>\n    <relativePath>${relativePath}</relativePath>\n  </parent>\n`;
  const mv = /<modelVersion>[^<]*<\/modelVersion>[ \t]*\n/.exec(pom);
  if (!mv) throw new Error('has no <modelVersion>');
  const at = mv.index + mv[0].length;
  return `${pom.slice(0, at)}${xml}${pom.slice(at)}`;
}

/** The `<relativePath>` of the pom's parent (Maven's default `../pom.xml`), or undefined without a parent. */
export function mavenParentPath(pom: string): string | undefined {
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(pom.replace(/<!--[\s\S]*?-->/g, ''))?.[1];
  if (parent === undefined) return undefined;
  return /<relativePath>\s*([^<]*?)\s*<\/relativePath>/.exec(parent)?.[1] || '../pom.xml';
}

/** An aggregator pom: `<module>folder</module>` (kept when already listed). */
export function addMavenModule(pom: string, folder: string): string {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '');
  if (mavenModules(pom).some((m) => norm(m) === norm(folder))) return pom;
  const close = pom.indexOf('</modules>');
  if (close >= 0) return `${pom.slice(0, close).replace(/[ \t]*$/, '')}    <module>${folder}</module>\n  ${pom.slice(close)}`;
  const at = /^[ \t]*<(properties|dependencies|build)>/m.exec(pom)?.index ?? pom.lastIndexOf('</project>');
  return `${pom.slice(0, at)}  <modules>\n    <module>${folder}</module>\n  </modules>\n${pom.slice(at)}`;
}
