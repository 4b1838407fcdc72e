import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

const BYTECODE_DIRS = new Set(['__pycache__']);
const TEST_DIRS = new Set(['tests']);

/** Bytecode (`__pycache__`, `*.pyc`) and, unless kept, `tests/` folders: never needed at run time. */
export function isBuildNoise(relPath: string, isDir: boolean, keepTests: boolean): boolean {
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  if (isDir) return BYTECODE_DIRS.has(base) || (!keepTests && TEST_DIRS.has(base));
  return base.endsWith('.pyc');
}

/** Removes build noise from a folder in place; returns the removed relative paths. */
export async function dropBuildNoise(dir: string, keepTests: boolean, rel = ''): Promise<string[]> {
  const removed: string[] = [];
  for (const e of await fsp.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (isBuildNoise(r, e.isDirectory(), keepTests)) {
      await fsp.rm(path.join(dir, r), { recursive: true, force: true });
      removed.push(r);
    } else if (e.isDirectory()) removed.push(...(await dropBuildNoise(dir, keepTests, r)));
  }
  return removed;
}
