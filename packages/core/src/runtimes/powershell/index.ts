import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { compileGlobs } from '../../package/globs';
import { copyTree, notFunctionSource, outsideSources, treeSize } from '../../package/stage';
import type { BuildContext, BuildResult, DependencyRecord, FinalTree, HandlerCheck, ResolvedDependency, RuntimeStrategy } from '../types';
import { checkPowerShellHandler } from './handler';
import { findWorkspaceModules, fromModulePath, manifestRequiredModules, ModuleSource, stageModule } from './modules';
import { findPwsh, inspectScripts, ParsedScript } from './pwsh';

/** Runtime options of the powershell executor (normalised by the plugin). */
export interface PowerShellRuntimeOptions {
  /** pwsh used to parse scripts at build time; default: PATH, then ~/.dotnet/tools/pwsh. */
  pwsh?: string;
  /** Globs (relative to the project root) of the scripts to package. */
  scripts: readonly string[];
  /** Workspace folders searched for module projects (relative to the workspace root). */
  modulePaths: readonly string[];
}

export function powershellOptions(ctx: BuildContext): PowerShellRuntimeOptions {
  const o = ctx.request.options;
  const list = (v: unknown, fallback: string[]) => (Array.isArray(v) && v.length ? v.map(String) : fallback);
  return {
    pwsh: typeof o.pwsh === 'string' && o.pwsh ? o.pwsh : undefined,
    scripts: list(o.scripts, ['**/*.ps1']),
    modulePaths: list(o.modulePaths, ['.']),
  };
}

/** Never packaged as function scripts: Pester tests, build output, vendored modules (copied apart). */
const NOT_SCRIPTS = compileGlobs(['node_modules', 'dist', 'bin', 'obj', 'modules', '**/*.Tests.ps1']);

type Requirement = ParsedScript['requiredModules'][number] & { requiredBy: string };

/** `1.2` vs `1.10.0`: numeric parts, missing parts are 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return d;
  }
  return 0;
}

function satisfies(version: string | undefined, r: Requirement): boolean {
  if (!version) return !r.requiredVersion && !r.version && !r.maximumVersion;
  if (r.requiredVersion) return compareVersions(version, r.requiredVersion) === 0;
  if (r.version && compareVersions(version, r.version) < 0) return false;
  return !(r.maximumVersion && compareVersions(version, r.maximumVersion) > 0);
}

function describeRequirement(r: Requirement): string {
  return r.requiredVersion ? `= ${r.requiredVersion}` : [r.version && `>= ${r.version}`, r.maximumVersion && `<= ${r.maximumVersion}`].filter(Boolean).join(', ') || 'any version';
}

/** `#Requires -Modules` names by a quick text scan, so the first pwsh start can look them up too. */
function requiresByText(text: string): string[] {
  return [...text.matchAll(/^#Requires\s+-Modules?\s+(.+)$/gim)].flatMap((m) => [
    ...[...m[1].matchAll(/ModuleName\s*=\s*['"]([^'"]+)['"]/gi)].map((h) => h[1]),
    ...m[1].replace(/@\{[^}]*\}/g, '').split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean),
  ]);
}

/** Copies the scripts; returns them and the files that came from outside the project through symlinks. */
async function stageScripts(ctx: BuildContext, projectDir: string, scripts: readonly string[]): Promise<{ staged: string[]; outside: string[] }> {
  const match = compileGlobs(scripts);
  const staged: string[] = [];
  const elsewhere = notFunctionSource(projectDir, ctx.request.outputPath);
  const outside = outsideSources(projectDir, ctx.request.workspaceRoot);
  await copyTree(projectDir, ctx.stagingDir, {
    skip: (rel, isDir) => NOT_SCRIPTS(rel, isDir) || elsewhere(rel, isDir),
    filter: (rel, isDir) => isDir || match(rel, false),
    onFile: (rel, real) => {
      staged.push(rel);
      outside.onFile(rel, real);
    },
  });
  if (!staged.some((f) => f.endsWith('.ps1'))) {
    throw new LambdaPackageError('powershell:resolve', `${ctx.request.projectName} has no PowerShell script to package`,
      [`searched ${ctx.request.projectRoot} for ${scripts.join(', ')}`], 'add the handler script (e.g. handler.ps1) to the project root, or set "scripts"');
  }
  return { staged: staged.sort(), outside: outside.files };
}

/** Modules the project vendors itself under `modules/<Name>/[<Version>/]`: kept as they are. */
async function stageVendoredModules(ctx: BuildContext, projectDir: string): Promise<Map<string, DependencyRecord>> {
  const vendored = new Map<string, DependencyRecord>();
  const src = path.join(projectDir, 'modules');
  const names = await fsp.readdir(src).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const dir = path.join(src, name);
    if (!(await fsp.stat(dir)).isDirectory()) continue;
    await copyTree(dir, path.join(ctx.stagingDir, 'modules', name));
    const versions = (await fsp.readdir(dir)).filter((v) => /^\d+(\.\d+)*$/.test(v)).sort(compareVersions);
    vendored.set(name.toLowerCase(), {
      name, version: versions[versions.length - 1] ?? '0.0.0', size: await treeSize(dir), location: 'function', platform: 'any',
      reason: `vendored in ${ctx.request.projectRoot}/modules`,
    });
  }
  return vendored;
}

async function build(ctx: BuildContext): Promise<BuildResult> {
  const { request } = ctx;
  const opts = powershellOptions(ctx);
  const pwsh = findPwsh(opts.pwsh);
  if (!request.layers.length) {
    ctx.warn(`${request.projectName} names no layer, and a PowerShell function runs on the PowerShell custom runtime that a layer brings (bootstrap and pwsh): without it Lambda cannot start the function. Add the runtime layer project to "layers" in ${request.projectRoot}/lambda.json (nx g @nx-lambda/plugin:function creates layers/powershell-runtime with the first PowerShell function).`);
  }
  const projectDir = path.join(request.workspaceRoot, request.projectRoot);
  const { staged: scripts, outside } = await stageScripts(ctx, projectDir, opts.scripts);
  const vendored = await stageVendoredModules(ctx, projectDir);
  const guessed = new Set<string>();
  for (const s of scripts) for (const n of requiresByText(await fsp.readFile(path.join(ctx.stagingDir, s), 'utf8'))) guessed.add(n);
  const [inspection, workspace] = await Promise.all([
    inspectScripts(ctx, pwsh, 'powershell:parse', ctx.stagingDir, scripts, [...guessed]),
    findWorkspaceModules(request.workspaceRoot, opts.modulePaths),
  ]);
  const broken = inspection.files.filter((f) => f.errors.length);
  if (broken.length) {
    throw new LambdaPackageError('powershell:parse', `${request.projectName}: ${broken.map((f) => f.file).join(', ')} ${broken.length > 1 ? 'do' : 'does'} not parse`,
      broken.flatMap((f) => f.errors.map((e) => `${f.file}:${e.line}:${e.column}: ${e.message}`)), 'fix the syntax errors listed (pwsh\'s own parser found them)');
  }
  const onModulePath = new Map(inspection.modules.map((m) => [m.name.toLowerCase(), m]));
  const queue: Requirement[] = inspection.files.flatMap((f) => f.requiredModules.map((r) => ({ ...r, requiredBy: f.file })));
  const dependencies: DependencyRecord[] = [...vendored.values()];
  const staged = new Map<string, ModuleSource>();
  const builtIn: string[] = [];
  while (queue.length) {
    const r = queue.shift()!;
    const key = r.name.toLowerCase();
    if (vendored.has(key) || builtIn.includes(r.name)) continue;
    const done = staged.get(key);
    if (done) {
      if (!satisfies(done.version, r)) throw versionConflict(request.projectName, r, done);
      continue;
    }
    let source = workspace.get(key);
    if (!source) {
      if (!onModulePath.has(key)) {
        for (const m of (await inspectScripts(ctx, pwsh, 'powershell:modules', ctx.stagingDir, [], [r.name])).modules) onModulePath.set(m.name.toLowerCase(), m);
      }
      const available = onModulePath.get(key);
      if (available?.builtIn) {
        builtIn.push(r.name);
        continue;
      }
      source = available && fromModulePath(available);
    }
    if (!source) {
      throw new LambdaPackageError('powershell:modules', `${request.projectName}: module ${r.name} (required by ${r.requiredBy}) was not found`,
        ['searched: workspace module projects (folders with <Name>.psd1) and the module path of pwsh'],
        `add a workspace module project named ${r.name}, install it where pwsh finds it (Install-Module / Save-Module), or vendor it under ${request.projectRoot}/modules/${r.name}/<version>/`);
    }
    if (!satisfies(source.version, r)) throw versionConflict(request.projectName, r, source);
    staged.set(key, source);
    dependencies.push(await stageModule(ctx.stagingDir, source, r.requiredBy, request.workspaceRoot));
    const manifest = await fsp.readFile(path.join(source.dir, `${source.name}.psd1`), 'utf8').catch(() => '');
    for (const name of manifestRequiredModules(manifest)) queue.push({ name, version: '', requiredVersion: '', maximumVersion: '', requiredBy: `module ${source.name}` });
  }
  return {
    dependencies,
    toolchain: { pwsh: inspection.pwsh },
    sourcesOutsideProject: outside,
    notes: {
      layersSupported: false,
      runtime: 'custom runtime: attach the PowerShell runtime layer (powershell executor with runtimeLayer: true) to the function',
      builtInModules: builtIn.sort(),
    },
  };
}

function versionConflict(projectName: string, r: Requirement, m: ModuleSource): LambdaPackageError {
  return new LambdaPackageError('powershell:modules', `${projectName}: ${r.requiredBy} requires ${r.name} ${describeRequirement(r)}, but ${m.origin === 'workspace' ? 'the workspace has' : 'the module path has'} ${m.version ?? 'an unversioned module'}`,
    [`module folder: ${m.dir}`], `change the #Requires line of ${r.requiredBy}, or the ModuleVersion of ${r.name}`);
}

export const PowerShellStrategy: RuntimeStrategy = {
  family: 'powershell',
  lambdaRuntimes: ['provided.al2023', 'provided.al2'],
  // No layerRoot: modules are copied into the function's modules/ folder.
  async resolve(): Promise<ResolvedDependency[]> {
    return [];
  },
  build: (ctx) => build(ctx),
  async checkHandler(ctx: BuildContext, tree: FinalTree): Promise<HandlerCheck> {
    return checkPowerShellHandler(ctx, tree, findPwsh(powershellOptions(ctx).pwsh));
  },
};

export { buildPowerShellRuntimeLayer } from './runtime-layer';
export type { RuntimeLayerRequest, RuntimeLayerResult } from './runtime-layer';
