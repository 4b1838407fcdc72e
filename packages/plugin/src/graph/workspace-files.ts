import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A workspace file's text (`rel` relative to the workspace root), or undefined when it is not there. */
export function readWorkspaceFile(workspaceRoot: string, rel: string): string | undefined {
  const abs = path.join(workspaceRoot, rel);
  return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
}

/** Whether workspace-relative `rel` is the project root `root` or lies under it (`.` and `` are the workspace root). */
export function isWithinRoot(rel: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return r === '.' || r === '' || rel === r || rel.startsWith(`${r}/`);
}

/** Files of one folder (not below it) whose names end in `ext`, as workspace-relative paths. */
export function filesIn(workspaceRoot: string, root: string, ext: string): string[] {
  const dir = path.join(workspaceRoot, root);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => path.posix.join(root, f)) : [];
}
