import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord, parseJsonText } from './json';
import type { WorkspaceFiles } from './workspace-files';

/** The tsconfig files a Node.js function's bundle reads, and the npm packages among them. */
export interface TsconfigChain {
  /** Workspace-relative files: the one esbuild is given, then what it `extends`, in order. */
  files: string[];
  /** npm packages the chain extends (`@tsconfig/node22`): their files are in node_modules, which Nx hashes by package. */
  packages: string[];
  /** False when a file of the chain could not be read as JSON: what it extends is unknown. */
  complete: boolean;
}

/**
 * The tsconfig core's esbuild step uses (runtimes/node/esbuild.ts `tsconfigFor`: the `tsConfig`
 * option, else the project's tsconfig.app.json or tsconfig.json, else tsconfig.base.json) and every
 * file it extends. esbuild takes `paths`, `jsx*`, `useDefineForClassFields`, decorators and more from
 * the whole chain, so each file changes the bundle: a shared preset outside every project
 * (`configs/tsconfig.node.json`) or an npm preset is hashed by Nx only when it is an input.
 */
export function tsconfigChain(files: WorkspaceFiles, projectRoot: string, tsConfigOption: unknown): TsconfigChain {
  const chain: TsconfigChain = { files: [], packages: [], complete: true };
  const first = typeof tsConfigOption === 'string' && tsConfigOption.trim()
    ? path.posix.normalize(tsConfigOption.trim())
    : [path.posix.join(projectRoot, 'tsconfig.app.json'), path.posix.join(projectRoot, 'tsconfig.json'), 'tsconfig.base.json'].find((f) => existsSync(path.join(files.root, f)));
  const pending = first ? [first] : [];
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    if (chain.files.includes(file)) continue;
    chain.files.push(file);
    if (!existsSync(path.join(files.root, file))) continue; // esbuild fails the build naming it
    let parsed: unknown;
    try {
      // Read through the computation's WorkspaceFiles: every Node.js function reads tsconfig.base.json.
      const text = files.text(file);
      if (text === undefined) throw new Error(`${file} is not a file`);
      parsed = parseJsonText(text);
    } catch {
      chain.complete = false; // esbuild reports the syntax error when the function is packaged
      continue;
    }
    const extendsValue = isRecord(parsed) ? parsed.extends : undefined;
    for (const ref of typeof extendsValue === 'string' ? [extendsValue] : Array.isArray(extendsValue) ? extendsValue.filter((e): e is string => typeof e === 'string') : []) {
      if (ref.startsWith('.') || path.isAbsolute(ref)) {
        const resolved = extendedFile(files.root, file, ref);
        if (resolved !== undefined) pending.push(resolved);
      } else {
        const name = ref.startsWith('@') ? ref.split('/').slice(0, 2).join('/') : ref.split('/')[0];
        if (!chain.packages.includes(name)) chain.packages.push(name);
      }
    }
  }
  return chain;
}

/** A relative `extends` from `file`, workspace-relative (TypeScript adds `.json` when the name has none); undefined when it leaves the workspace. */
function extendedFile(workspaceRoot: string, file: string, ref: string): string | undefined {
  const abs = path.resolve(workspaceRoot, path.dirname(file), ref);
  const withJson = existsSync(abs) || abs.endsWith('.json') ? abs : `${abs}.json`;
  const rel = path.relative(workspaceRoot, withJson);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
