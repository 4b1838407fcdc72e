import * as path from 'node:path';
import type { FunctionBuildRequest } from '../types';
import type { PipIndexOptions } from './pip';

/** The Python runtime's own options (the plugin's normalize-options fills them from schema.json). */
export interface PythonBuildOptions {
  /** Interpreter that runs pip and the checks (not the Lambda runtime's version). */
  python: string;
  /** Folder of the function's modules, relative to the project root. */
  sourceDir: string;
  requirementsFile: string;
  /** uv.lock or poetry.lock, relative to the project root; default: found beside the function or at the workspace root. */
  lockFile?: string;
  index: PipIndexOptions;
  keepTests: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && !!x.trim()) : []);

/** Reads the runtime options off a request with their defaults; relative find-links are workspace-relative. */
export function pythonBuildOptions(request: FunctionBuildRequest): PythonBuildOptions {
  const o = request.options;
  const lockFile = str(o.lockFile);
  const indexUrl = str(o.indexUrl);
  return {
    python: str(o.python) ?? 'python3',
    sourceDir: str(o.sourceDir) ?? '.',
    requirementsFile: str(o.requirementsFile) ?? 'requirements.txt',
    ...(lockFile ? { lockFile } : {}),
    index: {
      ...(indexUrl ? { indexUrl } : {}),
      extraIndexUrls: strs(o.extraIndexUrls),
      findLinks: strs(o.findLinks).map((f) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(f) ? f : path.resolve(request.workspaceRoot, f))),
    },
    keepTests: o.keepTests === true,
  };
}
