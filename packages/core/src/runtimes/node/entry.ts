import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import { NODE_ENTRY_EXTENSIONS, type FunctionBuildRequest } from '../types';

export interface ParsedHandler {
  /** Module path without extension, relative to the project root: `src/handler`. */
  module: string;
  /** What follows the module: `handler`, or `api.get` for a nested property. */
  exportPath: string;
  /** First segment of exportPath: the name the bundle must export. */
  exportName: string;
}

/**
 * Splits a handler the way Lambda's Node.js runtime does: the module is everything up to the
 * first dot after the last `/`; the rest is the (possibly nested) export.
 */
export function parseHandler(handler: string): ParsedHandler | undefined {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) return undefined;
  const exportPath = handler.slice(dot + 1);
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(exportPath)) return undefined;
  return { module: handler.slice(0, dot), exportPath, exportName: exportPath.split('.')[0] };
}

export interface EntryPoint extends ParsedHandler {
  /** Entry file relative to the workspace root, `/`-separated (what esbuild and the manifest see). */
  file: string;
}

/** Finds the handler's source file in the project; a clear error when the handler or file is wrong. */
export async function findEntry(request: FunctionBuildRequest): Promise<EntryPoint> {
  const parsed = parseHandler(request.handler);
  if (!parsed) {
    throw new LambdaPackageError('node:entry', `${request.projectName}: handler "${request.handler}" is not <file>.<export>`, [],
      `set "handler" in ${request.projectRoot}/lambda.json to the file path without extension, a dot and the exported function, e.g. "src/handler.handler"`);
  }
  const projectDir = path.join(request.workspaceRoot, request.projectRoot);
  const tried: string[] = [];
  for (const ext of NODE_ENTRY_EXTENSIONS) {
    const rel = path.posix.join(request.projectRoot, `${parsed.module}${ext}`);
    tried.push(rel);
    const st = await fsp.stat(path.join(request.workspaceRoot, rel)).catch(() => undefined);
    if (st?.isFile()) return { ...parsed, file: rel };
  }
  throw new LambdaPackageError('node:entry', `${request.projectName}: handler file for "${request.handler}" not found`,
    [`project: ${projectDir}`, `tried: ${tried.join(', ')}`],
    `create ${parsed.module}.ts (or .js/.mjs) in ${request.projectRoot}, or change "handler" to point at the file that exports ${parsed.exportName}`);
}
