import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import { sleep } from './retry';

/**
 * A machine-wide lock around one layer publish. `nx run-many -t deploy` runs each function's deploy
 * in its own process; two functions sharing a new layer would both see "no version with this
 * CodeSha256" and publish it twice. The holder publishes; the others wait, then find its version.
 * A directory is the lock (mkdir is atomic). It names its holder (pid and host): a lock whose
 * holder on this host is gone (a deploy killed by Ctrl-C or a cancelled CI job) is taken over at
 * once, so the re-run does not wait for it; one whose holder cannot be checked (another host
 * sharing the temp dir) is taken over once older than `staleMs`.
 */
export interface PublishLockOptions {
  dir?: string;
  waitMs?: number;
  staleMs?: number;
  pollMs?: number;
}

export async function withPublishLock<T>(scope: string, layerName: string, codeSha256: string, fn: () => Promise<T>, options: PublishLockOptions = {}): Promise<T> {
  const root = options.dir ?? path.join(os.tmpdir(), 'nx-lambda-publish-locks');
  const key = createHash('sha256').update(`${scope}\0${layerName}\0${codeSha256}`).digest('hex').slice(0, 32);
  const lock = path.join(root, `${key}.lock`);
  const waitMs = options.waitMs ?? 15 * 60_000;
  const staleMs = options.staleMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 100;
  await fsp.mkdir(root, { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      await fsp.mkdir(lock);
      await fsp.writeFile(path.join(lock, OWNER_FILE), JSON.stringify({ pid: process.pid, host: os.hostname() }));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await fsp.stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > staleMs || (await holderGone(lock, age))) {
        // Renamed away first: a lock another waiter has just taken over is not removed with it.
        const dead = `${lock}.gone-${process.pid}-${Date.now()}`;
        if (await fsp.rename(lock, dead).then(() => true, () => false)) await fsp.rm(dead, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > waitMs) {
        throw new LambdaPackageError('deploy:layer', `layer ${layerName}: another deploy on this machine has been publishing it for over ${Math.round(waitMs / 1000)} s`, [`lock: ${lock}`],
          'wait for the other deploy to finish; if no deploy is running, delete the lock folder and run deploy again');
      }
      await sleep(pollMs);
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { recursive: true, force: true });
  }
}

const OWNER_FILE = 'owner.json';
/** Far longer than mkdir then writeFile take. */
const UNNAMED_LOCK_MS = 60_000;

/**
 * True when the lock names a process of this host that no longer runs, or names none long after
 * it was made (its holder died between mkdir and writing its name). Another host's: not known.
 */
async function holderGone(lock: string, age: number): Promise<boolean> {
  const owner = await fsp.readFile(path.join(lock, OWNER_FILE), 'utf8').then((t) => JSON.parse(t) as { pid?: unknown; host?: unknown }, () => undefined);
  if (!owner) return age > UNNAMED_LOCK_MS;
  if (owner.host !== os.hostname() || typeof owner.pid !== 'number') return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
