import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';

/** What packaging needs to know about a .csproj before running `dotnet publish`. */
export interface DotnetProject {
  /** Absolute path of the .csproj. */
  file: string;
  /** Assembly name: `<AssemblyName>` or the project file's name. */
  assemblyName: string;
  /** Target frameworks found in the project (or Directory.Build.props); empty when MSBuild logic sets them. */
  targetFrameworks: string[];
  /** Where the frameworks were read from, for error messages. */
  frameworkSource?: string;
}

/** Lambda runtime -> the target framework its managed runtime loads. */
export const FRAMEWORK_OF_RUNTIME: Readonly<Record<string, string>> = { dotnet8: 'net8.0', dotnet10: 'net10.0' };

function property(xml: string, name: string): string | undefined {
  // Comments may hold example values; drop them first.
  const body = xml.replace(/<!--[\s\S]*?-->/g, '');
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>\\s*([^<]*?)\\s*</${name}>`).exec(body);
  return m?.[1] || undefined;
}

/** The project file: the `project` option, else the one *.csproj in the project root. */
export async function findProjectFile(projectDir: string, projectRoot: string, option: string | undefined): Promise<string> {
  if (option) {
    const file = path.resolve(projectDir, option);
    if (!(await fsp.stat(file).catch(() => undefined))?.isFile()) {
      throw new LambdaPackageError('dotnet:resolve', `project file ${path.posix.join(projectRoot, option)} does not exist`, [],
        'set "project" to the .csproj of the function, relative to the project root');
    }
    return file;
  }
  const names = await fsp.readdir(projectDir).catch(() => [] as string[]);
  const found = names.filter((n) => n.endsWith('.csproj')).sort();
  if (found.length === 1) return path.join(projectDir, found[0]);
  throw new LambdaPackageError('dotnet:resolve',
    found.length ? `${projectRoot} has ${found.length} project files` : `${projectRoot} has no .csproj project file`,
    found.map((f) => `found: ${f}`),
    found.length ? 'set "project" to the one that holds the function' : 'add the function\'s .csproj to the project root, or set "project" to its path');
}

/** Reads the assembly name and target frameworks; Directory.Build.props files up to the workspace root fill gaps. */
export async function readDotnetProject(file: string, workspaceRoot: string): Promise<DotnetProject> {
  const xml = await fsp.readFile(file, 'utf8');
  const assemblyName = property(xml, 'AssemblyName') ?? path.basename(file, '.csproj');
  const sources: Array<[string, string]> = [[file, xml]];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const props = path.join(dir, 'Directory.Build.props');
    const text = await fsp.readFile(props, 'utf8').catch(() => undefined);
    if (text !== undefined) sources.push([props, text]);
    if (dir === workspaceRoot || !dir.startsWith(workspaceRoot) || dir === path.dirname(dir)) break;
  }
  for (const [source, text] of sources) {
    const value = property(text, 'TargetFrameworks') ?? property(text, 'TargetFramework');
    if (value && !value.includes('$(')) {
      const targetFrameworks = value.split(';').map((f) => f.trim()).filter(Boolean);
      return { file, assemblyName, targetFrameworks, frameworkSource: path.relative(workspaceRoot, source) };
    }
  }
  return { file, assemblyName, targetFrameworks: [] };
}

/**
 * The framework to publish for a managed runtime: the project must target it. Returns undefined
 * when the project does not say statically (MSBuild decides; the runtimeconfig check catches it).
 */
export function frameworkFor(project: DotnetProject, runtime: string, projectName: string): string | undefined {
  const want = FRAMEWORK_OF_RUNTIME[runtime];
  if (!want || !project.targetFrameworks.length) return undefined;
  if (project.targetFrameworks.includes(want)) return want;
  throw new LambdaPackageError('dotnet:options', `${projectName} targets ${project.targetFrameworks.join(', ')}, but runtime ${runtime} runs ${want}`,
    [`target framework read from ${project.frameworkSource}`],
    `set <TargetFramework>${want}</TargetFramework> in ${path.basename(project.file)}, or choose the runtime that matches (${
      Object.entries(FRAMEWORK_OF_RUNTIME).map(([r, f]) => `${r} = ${f}`).join(', ')})`);
}
