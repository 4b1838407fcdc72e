import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';
import { CHECK_HANDLER_SCRIPT, READ_TOML_SCRIPT } from './python-scripts';

/** Parsed TOML files plus every marker in them evaluated for the Lambda target. */
export interface TomlBatch {
  files: Record<string, TomlTable>;
  markers: Record<string, boolean>;
  errors: Record<string, string>;
  /** `{ python, pip }` versions of the interpreter, for the manifest. */
  toolchain: Record<string, string>;
}
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** Guards for reading untyped TOML: a wrong shape reads as absent. */
export const toml = {
  table: (v: TomlValue | undefined): TomlTable => (v && typeof v === 'object' && !Array.isArray(v) ? v : {}),
  list: (v: TomlValue | undefined): TomlValue[] => (Array.isArray(v) ? v : []),
  str: (v: TomlValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined),
  strings: (v: TomlValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []),
  at: (v: TomlValue | undefined, ...keys: string[]): TomlValue | undefined => {
    let cur = v;
    for (const k of keys) cur = toml.table(cur)[k];
    return cur;
  },
};

/**
 * Reads TOML files with the interpreter's tomllib (missing files are left out of `files`), and
 * reports the python and pip versions; fails clearly when the interpreter has no pip.
 */
export async function readTomlFiles(ctx: BuildContext, interpreter: string, files: readonly string[], env: Record<string, string>): Promise<TomlBatch> {
  try {
    const { stdout } = await ctx.exec({
      where: 'python:resolve', command: interpreter, args: ['-c', READ_TOML_SCRIPT], cwd: ctx.workDir, input: JSON.stringify({ files, env }),
    });
    return JSON.parse(stdout) as TomlBatch;
  } catch (err) {
    if (err instanceof LambdaPackageError && err.details.some((d) => /No module named '?pip/.test(d))) {
      throw new LambdaPackageError('python:toolchain', `${interpreter} has no pip`, err.details,
        'install Python 3 with pip (tools/setup.sh does), or set the "python" option to an interpreter that has pip');
    }
    throw err;
  }
}

export type ModuleCheck =
  | { syntaxError: { line: number; offset: number | null; msg: string; text: string } }
  | { found: string | null; names: string[] };

/** Parses module source with `ast` (never imports it) and looks for a module-level `fn`. */
export async function checkModuleSource(ctx: BuildContext, interpreter: string, filename: string, source: Buffer, fn: string, pythonVersion: string): Promise<ModuleCheck> {
  const [major, minor] = pythonVersion.split('.');
  const { stdout } = await ctx.exec({
    where: 'python:handler', command: interpreter, args: ['-c', CHECK_HANDLER_SCRIPT, filename, fn, major, minor], cwd: ctx.workDir, input: source,
  });
  return JSON.parse(stdout) as ModuleCheck;
}
