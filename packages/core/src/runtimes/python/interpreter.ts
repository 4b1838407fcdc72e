import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';
import { CHECK_HANDLER_SCRIPT, PREPARE_SCRIPT } from './python-scripts';

export type ModuleCheck =
  | { syntaxError: { line: number; offset: number | null; msg: string; text: string } }
  | { found: string | null; names: string[] };

/** A module to check in the same interpreter start (the handler, read from the source folder). */
export interface ModuleProbe {
  /** Zip path of the module (`pkg/mod.py`). */
  filename: string;
  fn: string;
  pythonVersion: string;
  source: Buffer;
}

/** Parsed TOML files, their markers evaluated for the Lambda target, and facts about the interpreter. */
export interface TomlBatch {
  files: Record<string, TomlTable>;
  markers: Record<string, boolean>;
  errors: Record<string, string>;
  /** `{ python, pip }` versions of the interpreter, for the manifest. */
  toolchain: Record<string, string>;
  /** Absolute path of the interpreter (past any pyenv/asdf shim), used for every later start. */
  executable: string;
  handler?: ModuleCheck;
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
 * One interpreter start: reads TOML files with tomllib (missing files are left out of `files`),
 * evaluates their markers and `markers` (from requirements files) for the target, reports the interpreter's versions and path, and checks `probe` when given. Fails clearly when
 * the interpreter has no pip. Runs in `cwd` so a version manager picks the project's Python.
 */
export async function readTomlFiles(ctx: BuildContext, interpreter: string, files: readonly string[], env: Record<string, string>, cwd: string, probe?: ModuleProbe, markers: readonly string[] = []): Promise<TomlBatch> {
  const [major, minor] = (probe?.pythonVersion ?? '3.0').split('.').map(Number);
  const handler = probe ? { filename: probe.filename, fn: probe.fn, major, minor, source: probe.source.toString('base64') } : undefined;
  try {
    const { stdout } = await ctx.exec({
      where: 'python:resolve', command: interpreter, args: ['-c', PREPARE_SCRIPT], cwd, input: JSON.stringify({ files, env, handler, markers }),
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

/** Parses module source with `ast` (never imports it) and looks for a module-level `fn`. */
export async function checkModuleSource(ctx: BuildContext, interpreter: string, filename: string, source: Buffer, fn: string, pythonVersion: string): Promise<ModuleCheck> {
  const [major, minor] = pythonVersion.split('.');
  const { stdout } = await ctx.exec({
    where: 'python:handler', command: interpreter, args: ['-c', CHECK_HANDLER_SCRIPT, filename, fn, major, minor], cwd: ctx.workDir, input: source,
  });
  return JSON.parse(stdout) as ModuleCheck;
}
