import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { FunctionBuildRequest } from '../types';
import { NODE_ENTRY_EXTENSIONS, parseHandler, type ParsedHandler } from './handler-name';

export { parseHandler, type ParsedHandler };

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
