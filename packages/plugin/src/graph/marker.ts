import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
// The one module of core the graph needs: constants only, so computing the graph does not load the engine.
import { RUNTIME_FAMILIES, type RuntimeFamily } from '@nx-lambda/core/dist/runtimes/types';
import { InvalidMarkerError } from './invalid-marker';
import { isRecord, parseJsonText } from './json';

/** `lambda.json` in a function's root: the options of its package target, plus a few of its own. */
export interface FunctionMarker {
  runtime: string;
  handler: string;
  architecture?: 'x86_64' | 'arm64';
  /** Needed only for `provided.*` runtimes when the folder does not tell (go.mod, *.csproj, *.ps1). */
  family?: RuntimeFamily;
  layers?: string[];
  /** Options of the deploy target (role, memorySize, timeout, environment, ...). */
  deploy?: Record<string, unknown>;
  [runtimeOption: string]: unknown;
}

export const FUNCTION_MARKER = 'lambda.json';

/** Keys of the marker that are not package-target options. */
const NOT_PACKAGE_OPTIONS = new Set(['family', 'deploy', 'name', '$schema', 'tags']);

export function readFunctionMarker(workspaceRoot: string, markerPath: string): FunctionMarker {
  const abs = path.join(workspaceRoot, markerPath);
  let parsed: unknown;
  try {
    parsed = parseJsonText(readFileSync(abs, 'utf8'));
  } catch (err) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} is not valid JSON: ${(err as Error).message}\nFix the file; it must be an object with at least "runtime" and "handler".`);
  }
  if (!isRecord(parsed)) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} must be a JSON object with at least "runtime" and "handler".`);
  }
  const m = parsed as FunctionMarker;
  for (const key of ['runtime', 'handler'] as const) {
    if (typeof m[key] !== 'string' || !m[key]) {
      throw new InvalidMarkerError(`nx-lambda: ${markerPath} has no "${key}".\nAdd it, e.g. { "runtime": "nodejs22.x", "handler": "src/handler.handler" }.`);
    }
  }
  if (m.family !== undefined && !RUNTIME_FAMILIES.includes(m.family)) {
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} names family "${m.family}".\nUse one of: ${RUNTIME_FAMILIES.join(', ')}.`);
  }
  return m;
}

/** Whether a marker key is an option of the package target (not `family`, `deploy`, ...). */
export const isPackageOption = (key: string): boolean => !NOT_PACKAGE_OPTIONS.has(key);

export function packageOptionsOf(marker: FunctionMarker): Record<string, unknown> {
  return Object.fromEntries(Object.entries(marker).filter(([k]) => isPackageOption(k)));
}

/**
 * Which executor packages the function. Managed runtimes say it by name; the custom runtime
 * `provided.*` is shared by Go, Native AOT C# and PowerShell, so the folder's files decide
 * unless the marker names the family.
 */
export function familyOf(marker: FunctionMarker, projectDir: string, markerPath: string): RuntimeFamily {
  if (marker.family) return marker.family;
  const r = marker.runtime;
  if (r.startsWith('nodejs')) return 'node';
  if (r.startsWith('python')) return 'python';
  if (r.startsWith('ruby')) return 'ruby';
  if (r.startsWith('java')) return 'java';
  if (r.startsWith('dotnet')) return 'dotnet';
  if (r.startsWith('provided')) {
    const files = existsSync(projectDir) ? readdirSync(projectDir) : [];
    if (files.includes('go.mod') || files.some((f) => f.endsWith('.go'))) return 'go';
    if (files.some((f) => f.endsWith('.csproj'))) return 'dotnet';
    if (files.some((f) => f.endsWith('.ps1'))) return 'powershell';
    throw new InvalidMarkerError(`nx-lambda: ${markerPath} uses the custom runtime "${r}" but the folder has no go.mod, *.csproj or *.ps1.\nAdd "family": "go" | "dotnet" | "powershell" to ${markerPath}.`);
  }
  throw new InvalidMarkerError(`nx-lambda: ${markerPath} names runtime "${r}", which no nx-lambda executor builds.\nUse a Lambda runtime identifier such as nodejs22.x, python3.12, ruby3.3, java21, dotnet8 or provided.al2023.`);
}

/** Lockfiles and manifests that change what a package contains, per family (Nx inputs). */
export const DEPENDENCY_FILES: Record<RuntimeFamily, string[]> = {
  node: ['{workspaceRoot}/package-lock.json', '{workspaceRoot}/tsconfig.base.json', '{projectRoot}/package.json'],
  python: ['{projectRoot}/requirements.txt', '{projectRoot}/pyproject.toml', '{projectRoot}/uv.lock', '{projectRoot}/poetry.lock'],
  ruby: ['{projectRoot}/Gemfile', '{projectRoot}/Gemfile.lock'],
  java: ['{projectRoot}/pom.xml'],
  go: ['{projectRoot}/go.mod', '{projectRoot}/go.sum', '{workspaceRoot}/go.work'],
  // MSBuild imports every Directory.Build.props/.targets and Directory.Packages.props above a project.
  dotnet: ['{projectRoot}/**/*.csproj', '{workspaceRoot}/nuget.config', '{workspaceRoot}/**/Directory.*.props', '{workspaceRoot}/**/Directory.*.targets', '{workspaceRoot}/global.json'],
  powershell: [],
};

/** The toolchain version is an input: another compiler may give other bytes. */
export const TOOLCHAIN_COMMANDS: Record<RuntimeFamily, string> = {
  node: 'node --version',
  python: 'python3 --version',
  ruby: 'ruby --version',
  java: 'javac -version 2>&1',
  go: 'go version',
  dotnet: 'dotnet --version',
  // pwsh installed as a .NET global tool is often not on PATH.
  powershell: 'pwsh -v 2>/dev/null || "$HOME/.dotnet/tools/pwsh" -v 2>/dev/null || echo pwsh-not-found',
};
