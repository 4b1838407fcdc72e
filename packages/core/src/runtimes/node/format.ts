import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { FunctionBuildRequest } from '../types';
import type { EntryPoint } from './entry';
import type { NodeBuildOptions, NodeOutputFormat, ResolvedNodeOptions } from './options';

/** A line that begins with an `import` or `export` statement (not `import(` nor `import.meta`). */
const ESM_STATEMENT = /^[ \t]*(?:import(?:[ \t]*[{*'"]|[ \t]+[\w$])|export(?:[ \t]*[{*]|[ \t]+[\w$]))/m;
/** `module.exports` or an assignment to `exports.<name>` (what tsc's CommonJS output writes too). */
const COMMONJS_EXPORT = /\bmodule\.exports\b|(?<![\w$.])exports\.[A-Za-z_$][\w$]*\s*=(?!=)/;

/**
 * The textual test `auto` applies to a `.js` entry outside a `"type": "module"` package: CommonJS
 * when the source assigns `module.exports` or `exports.<name>` and no line begins with an
 * `import`/`export` statement. Not a parser: a statement-like line inside a template string counts.
 */
export function isCommonJsSource(code: string): boolean {
  return COMMONJS_EXPORT.test(code) && !ESM_STATEMENT.test(code);
}

/** `"type"` of the nearest package.json from `dir` up to the workspace root, as Node looks it up, and that file. */
async function nearestPackageType(request: FunctionBuildRequest, dir: string): Promise<{ file: string; type?: unknown } | undefined> {
  const root = path.resolve(request.workspaceRoot);
  for (let at = dir; at === root || at.startsWith(root + path.sep); at = path.dirname(at)) {
    const file = path.join(at, 'package.json');
    const text = await fsp.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (text === undefined) continue;
    const rel = path.relative(root, file).split(path.sep).join('/');
    try {
      return { file: rel, type: (JSON.parse(text) as { type?: unknown }).type };
    } catch (err) {
      throw new LambdaPackageError('node:entry', `${request.projectName}: ${rel} is not valid JSON`, [(err as Error).message],
        `fix ${rel}: its "type" decides whether the handler is CommonJS, or set "format": "esm" or "cjs" in ${request.projectRoot}/lambda.json`);
    }
  }
  return undefined;
}

async function autoFormat(request: FunctionBuildRequest, entry: EntryPoint): Promise<{ format: NodeOutputFormat; reason: string }> {
  const ext = path.extname(entry.file);
  const auto = (format: NodeOutputFormat, why: string) => ({ format, reason: `auto: ${why}` });
  if (ext === '.cjs' || ext === '.cts') return auto('cjs', `${entry.file} is CommonJS by its extension`);
  if (ext === '.mjs' || ext === '.mts') return auto('esm', `${entry.file} is an ES module by its extension`);
  if (ext === '.ts' || ext === '.tsx') return auto('esm', `${entry.file} is TypeScript, written with import/export`);
  const abs = path.resolve(request.workspaceRoot, entry.file);
  const pkg = await nearestPackageType(request, path.dirname(abs));
  const commonJs = isCommonJsSource(await fsp.readFile(abs, 'utf8'));
  if (pkg?.type === 'module') {
    // Node loads it as an ES module too, where module.exports does not exist: the handler check says so.
    return auto('esm', `${pkg.file} has "type": "module"${commonJs ? `, yet ${entry.file} assigns module.exports or exports.<name>: rename it to .cjs or set "format": "cjs"` : ''}`);
  }
  if (commonJs) {
    return auto('cjs', `${entry.file} is CommonJS (assigns module.exports or exports.<name>, no import/export statement)` +
      ` and ${pkg ? `${pkg.file} has no "type": "module"` : 'no package.json above it has "type": "module"'}`);
  }
  return auto('esm', `${entry.file} has no CommonJS exports (module.exports, exports.<name>) or uses import/export`);
}

/**
 * Settles the output format of one function. An explicit "esm" or "cjs" wins; "auto" (the default)
 * packages the entry the way Node.js would load it, so a CommonJS handler works without options:
 * `.cjs`/`.cts` -> cjs; `.mjs`/`.mts` and TypeScript (`.ts`/`.tsx`) -> esm; `.js`/`.jsx` -> esm under
 * a nearest package.json with `"type": "module"`, else cjs when `isCommonJsSource`, else esm.
 */
export async function withResolvedFormat(request: FunctionBuildRequest, entry: EntryPoint, options: NodeBuildOptions): Promise<ResolvedNodeOptions> {
  const { format, reason } = options.format === 'auto'
    ? await autoFormat(request, entry)
    : { format: options.format, reason: `set by the "format" option` };
  return { ...options, format, formatReason: reason };
}
