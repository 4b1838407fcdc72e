import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';

/**
 * Two functions that share a workspace library build it in the same `target/` folders when Nx runs
 * their package targets in parallel; Maven has no lock of its own for that. Builds from one
 * aggregator folder therefore take turns, through a lock folder (mkdir is atomic) in the family's
 * cache folder. A lock left by a process that died on this host is taken over.
 */
const POLL_MS = 250;
const OWNER = 'owner.json';

interface LockOwner {
  pid: number;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fsp.readFile(path.join(lockDir, OWNER), 'utf8')) as LockOwner;
  } catch {
    return undefined; // being written or removed right now: look again on the next poll
  }
}

export function reactorLockDir(cacheDir: string, buildDir: string): string {
  return path.join(cacheDir, 'locks', `${createHash('sha256').update(buildDir).digest('hex').slice(0, 16)}.lock`);
}

export async function withReactorLock<T>(lockDir: string, buildDir: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  await fsp.mkdir(path.dirname(lockDir), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: os.hostname() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fsp.mkdir(lockDir);
      await fsp.writeFile(path.join(lockDir, OWNER), JSON.stringify(me));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(lockDir);
    if (owner && owner.host === me.host && !alive(owner.pid)) {
      await fsp.rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new LambdaPackageError('java:maven', `another Maven build of ${buildDir} did not finish in ${Math.round(timeoutMs / 60_000)} minutes`,
        [`lock: ${lockDir}`, ...(owner ? [`held by pid ${owner.pid} on ${owner.host}`] : [])],
        'wait for the other package target, or remove the lock folder if no build is running');
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lockDir, { recursive: true, force: true });
  }
}
