import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Temp name for `target` (written, then renamed onto it): hidden, beside it, carrying the writer's
 * pid so a later run can tell an abandoned one from one another process is still writing.
 */
export function tempNameFor(target: string, suffix: string, unique: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${unique}.${suffix}`);
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes temp files of `target` that a killed run left beside it (Ctrl-C, SIGKILL: no `finally`
 * runs). Left there they would sit in the output folder that Nx caches and restores with every
 * later cache hit. Files of a process that still runs are kept. Knows the names of
 * `tempNameFor` (also nested: the temp of a temp) and of earlier versions
 * (`.function.zip.pending-<hex>.<pid>.<hex>.tmp`, `manifest.json.<pid>.tmp`).
 */
export async function removeAbandonedTemps(target: string): Promise<string[]> {
  const dir = path.dirname(target);
  const pattern = new RegExp(`^\\.{0,2}${escapeRegExp(path.basename(target))}\\.(?:pending-[0-9a-f]+\\.)?(\\d+)\\.`);
  const names = await fsp.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const removed: string[] = [];
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || processIsAlive(Number(pid))) continue;
    await fsp.rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
