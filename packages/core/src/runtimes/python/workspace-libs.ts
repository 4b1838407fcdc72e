import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { copyTree } from '../../package/stage';
import { toml } from './interpreter';
import type { WorkspaceLib } from './project';
import { isBuildNoise } from './tree-filter';

/** One importable root of a library: a package folder or a single module file. */
export interface LibRoot {
  /** Absolute source path. */
  from: string;
  /** Path at the zip root: `greeting` or `greeting.py`. */
  to: string;
}

const NOT_PACKAGES = new Set(['tests', 'test', 'docs', 'examples', 'build', 'dist', 'scripts']);

/**
 * The importable roots of a library, as its build backend would put them in a wheel: Poetry
 * `packages`, Hatch `packages`, setuptools `packages` + `package-dir`, else the usual layouts
 * (`src/<name>`, `<name>`, or every package folder under `src/`).
 */
export async function libRoots(lib: WorkspaceLib): Promise<LibRoot[]> {
  const p = lib.pyproject;
  const at = (rel: string): LibRoot => ({ from: path.join(lib.dir, rel), to: path.posix.basename(rel.replace(/\\/g, '/')) });
  const poetry = toml.list(toml.at(p, 'tool', 'poetry', 'packages')).map(toml.table);
  if (poetry.length) return poetry.map((e) => at(path.join(toml.str(e.from) ?? '', toml.str(e.include) ?? '')));
  const hatch = toml.strings(toml.at(p, 'tool', 'hatch', 'build', 'targets', 'wheel', 'packages'));
  if (hatch.length) return hatch.map(at);
  const setuptools = toml.strings(toml.at(p, 'tool', 'setuptools', 'packages'));
  if (setuptools.length) {
    const base = toml.str(toml.at(p, 'tool', 'setuptools', 'package-dir', '')) ?? '';
    return [...new Set(setuptools.map((s) => s.split('.')[0]))].map((s) => at(path.join(base, s)));
  }
  const importName = lib.name.toLowerCase().replace(/[-.]+/g, '_');
  for (const base of ['src', '.']) {
    for (const candidate of [importName, `${importName}.py`]) {
      if (existsSync(path.join(lib.dir, base, candidate))) return [at(path.join(base, candidate))];
    }
  }
  const srcDir = path.join(lib.dir, 'src');
  if (existsSync(srcDir)) {
    const names = (await fsp.readdir(srcDir, { withFileTypes: true })).filter((e) =>
      (e.isDirectory() && !NOT_PACKAGES.has(e.name) && !e.name.endsWith('.egg-info') && !e.name.startsWith('.') && e.name !== '__pycache__') ||
      (e.isFile() && e.name.endsWith('.py')));
    if (names.length) return names.map((e) => at(path.join('src', e.name))).sort((a, b) => a.to.localeCompare(b.to));
  }
  throw new LambdaPackageError('python:libs', `cannot find the package of workspace library ${lib.name} (${lib.rel})`,
    [`looked for ${lib.rel}/src/${importName}, ${lib.rel}/${importName}, ${lib.rel}/src/*`],
    'use the src/<name>/ or <name>/ layout, or list the package under [tool.hatch.build.targets.wheel] packages');
}

/** Copies the library's importable roots to the staging root as real files (no .pth, no links). */
export async function copyLib(lib: WorkspaceLib, roots: readonly LibRoot[], stagingDir: string, keepTests: boolean): Promise<string[]> {
  const copied: string[] = [];
  for (const root of roots) {
    const st = await fsp.stat(root.from).catch(() => undefined);
    if (!st) {
      throw new LambdaPackageError('python:libs', `workspace library ${lib.name}: ${path.relative(lib.dir, root.from)} does not exist`, [`library: ${lib.rel}`],
        'fix the packages setting in its pyproject.toml');
    }
    if (st.isDirectory()) {
      await copyTree(root.from, path.join(stagingDir, root.to), {
        skip: (rel, isDir) => isBuildNoise(rel, isDir, keepTests), onFile: (rel) => copied.push(`${root.to}/${rel}`),
      });
    } else {
      await fsp.copyFile(root.from, path.join(stagingDir, root.to));
      await fsp.chmod(path.join(stagingDir, root.to), 0o644);
      copied.push(root.to);
    }
  }
  return copied;
}
