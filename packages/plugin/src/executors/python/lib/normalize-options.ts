import * as path from 'node:path';
import { LambdaPackageError } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the python executor as schema.json declares them. */
export interface PythonExecutorOptions extends CommonPackageOptions {
  python?: string;
  sourceDir?: string;
  requirementsFile?: string;
  lockFile?: string;
  indexUrl?: string;
  extraIndexUrls?: string[];
  findLinks?: string[];
  keepTests?: boolean;
}

/** The python runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const PYTHON_OPTION_KEYS = ['python', 'sourceDir', 'requirementsFile', 'lockFile', 'indexUrl', 'extraIndexUrls', 'findLinks', 'keepTests'] as const;

/** What @nx-lambda/core's PythonStrategy reads from `request.options`. */
export interface NormalizedPythonOptions {
  python: string;
  sourceDir: string;
  requirementsFile: string;
  lockFile?: string;
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  keepTests: boolean;
}

const trimmed = (list: readonly string[] | undefined) => [...new Set((list ?? []).map((s) => s.trim()).filter(Boolean))];

/**
 * Rules across fields for the python runtime; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizePythonOptions(options: PythonExecutorOptions, loc: ProjectLocation): NormalizedPythonOptions {
  const where = `${loc.projectName}:package`;
  const sourceDir = (options.sourceDir ?? '.').trim() || '.';
  if (path.isAbsolute(sourceDir) || path.posix.normalize(sourceDir.replace(/\\/g, '/')).startsWith('..')) {
    throw new LambdaPackageError(where, `"sourceDir" (${sourceDir}) leaves the project.\nSet it to a folder inside ${loc.projectRoot}, e.g. "src".`);
  }
  const lockFile = options.lockFile?.trim();
  if (lockFile && !/(^|[\\/])(uv|poetry)\.lock$/.test(lockFile)) {
    throw new LambdaPackageError(where, `"lockFile" (${lockFile}) is neither a uv.lock nor a poetry.lock.\nPoint it at one of those, or remove it to use requirements.txt / pyproject.toml.`);
  }
  const indexUrl = options.indexUrl?.trim();
  return {
    python: options.python?.trim() || 'python3',
    sourceDir,
    requirementsFile: options.requirementsFile?.trim() || 'requirements.txt',
    ...(lockFile ? { lockFile } : {}),
    ...(indexUrl ? { indexUrl } : {}),
    extraIndexUrls: trimmed(options.extraIndexUrls),
    findLinks: trimmed(options.findLinks),
    keepTests: options.keepTests ?? false,
  };
}
