import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { copyTree, CopyTreeOptions, notFunctionSource } from '../../package/stage';
import { isBuildNoise } from './tree-filter';

/** Project files that describe the build, not the function: never shipped from the source folder. */
const PROJECT_FILES = new Set([
  'project.json', 'lambda.json', 'pyproject.toml', 'uv.lock', 'poetry.lock', 'Pipfile', 'Pipfile.lock', 'setup.py', 'setup.cfg',
  '.python-version', 'conftest.py', 'package.json',
]);
const PROJECT_DIRS = new Set(['.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', 'node_modules', 'dist', 'build']);

/** Copies the function's own modules to the staging root; returns the copied relative paths. */
export async function stageFunctionSource(sourceDir: string, stagingDir: string, opts: { keepTests: boolean; outputPath: string; onFile?: CopyTreeOptions['onFile'] }): Promise<string[]> {
  if (!existsSync(sourceDir)) {
    throw new LambdaPackageError('python:source', `source folder ${sourceDir} does not exist`, [], 'set "sourceDir" to the folder (relative to the project root) that holds the handler module');
  }
  const copied: string[] = [];
  const elsewhere = notFunctionSource(sourceDir, opts.outputPath);
  await copyTree(sourceDir, stagingDir, {
    skip: (rel, isDir) => {
      if (isBuildNoise(rel, isDir, opts.keepTests) || elsewhere(rel, isDir)) return true;
      if (rel.includes('/')) return false;
      if (isDir) return PROJECT_DIRS.has(rel) || rel.endsWith('.egg-info');
      return PROJECT_FILES.has(rel) || /^requirements.*\.txt$/.test(rel);
    },
    onFile: (rel, real) => {
      copied.push(rel);
      opts.onFile?.(rel, real);
    },
  });
  return copied;
}
