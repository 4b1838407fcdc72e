import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { compileGlobs } from '../../package/globs';
import { copyTree, treeSize } from '../../package/stage';
import type { DependencyRecord } from '../types';
import type { AvailableModule } from './pwsh';

/** A PowerShell module found on disk: a folder holding `<Name>.psd1` (or only `<Name>.psm1`). */
export interface ModuleSource {
  name: string;
  /** From the manifest's ModuleVersion; undefined for a manifest-less .psm1 module. */
  version?: string;
  dir: string;
  origin: 'workspace' | 'module path';
}

/** Folders never searched for workspace modules. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.nx', 'dist', 'bin', 'obj', 'tmp', 'coverage', 'modules']);
const MAX_DEPTH = 6;
/** Files of a module project that are not part of the module. */
const NOT_MODULE_FILES = compileGlobs(['project.json', 'lambda.json', '**/*.Tests.ps1', 'tests/**', 'test/**']);

export function manifestVersion(psd1: string): string | undefined {
  return /^\s*ModuleVersion\s*=\s*['"]([^'"]+)['"]/m.exec(psd1)?.[1];
}

/** `RequiredModules = @('A', @{ ModuleName = 'B'; ... })` of a module manifest -> names. */
export function manifestRequiredModules(psd1: string): string[] {
  const block = /^\s*RequiredModules\s*=\s*@\(([\s\S]*?)\)\s*$/m.exec(psd1)?.[1];
  if (!block) return [];
  const names = [...block.matchAll(/ModuleName\s*=\s*['"]([^'"]+)['"]/gi)].map((m) => m[1]);
  const plain = block.replace(/@\{[^}]*\}/g, '');
  for (const m of plain.matchAll(/['"]([^'"]+)['"]/g)) names.push(m[1]);
  return names;
}

/**
 * Module projects of the workspace, by lower-cased name: every folder (outside build output and
 * dependency folders) that holds `<Name>.psd1`, or `<Name>.psm1` without a manifest.
 */
export async function findWorkspaceModules(workspaceRoot: string, searchRoots: readonly string[]): Promise<Map<string, ModuleSource>> {
  const found = new Map<string, ModuleSource>();
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
    const files = entries.filter((e) => e.isFile()).map((e) => e.name);
    for (const f of files.filter((n) => n.endsWith('.psd1') || n.endsWith('.psm1')).sort()) {
      const name = f.slice(0, -5);
      if (f.endsWith('.psm1') && files.includes(`${name}.psd1`)) continue;
      if (found.has(name.toLowerCase())) continue;
      const version = f.endsWith('.psd1') ? manifestVersion(await fsp.readFile(path.join(dir, f), 'utf8')) : undefined;
      found.set(name.toLowerCase(), { name, version, dir, origin: 'workspace' });
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) {
      if (e.isDirectory() && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await visit(path.join(dir, e.name), depth + 1);
    }
  };
  for (const root of searchRoots) await visit(path.resolve(workspaceRoot, root), 0);
  return found;
}

export function fromModulePath(m: AvailableModule): ModuleSource {
  return { name: m.name, version: m.version, dir: m.base, origin: 'module path' };
}

/** Zip folder of a module: `modules/<Name>/<Version>/`, or `modules/<Name>/` without a manifest. */
export function moduleFolder(m: ModuleSource): string {
  return m.version ? `modules/${m.name}/${m.version}` : `modules/${m.name}`;
}

/**
 * Copies a module into the staging folder and says why it is there. A workspace module is named
 * by its folder in the workspace, so the manifest reads the same in every checkout.
 */
export async function stageModule(stagingDir: string, m: ModuleSource, requiredBy: string, workspaceRoot: string): Promise<DependencyRecord> {
  const dest = path.join(stagingDir, moduleFolder(m));
  if ((await fsp.stat(dest).catch(() => undefined))?.isDirectory()) {
    throw new LambdaPackageError('powershell:modules', `module ${m.name} ${m.version ?? ''} is supplied twice`, [`from ${m.dir}`],
      'remove the copy in the function\'s own modules/ folder, or stop requiring it');
  }
  await copyTree(m.dir, dest, { skip: NOT_MODULE_FILES });
  return {
    name: m.name, version: m.version ?? '0.0.0', size: await treeSize(dest), location: 'function', platform: 'any',
    reason: m.origin === 'workspace'
      ? `workspace module project ${path.relative(workspaceRoot, m.dir).split(path.sep).join('/')}, required by ${requiredBy}`
      : `from the module path ${m.dir}, required by ${requiredBy}`,
  };
}
