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
 * A directory is the lock (mkdir is atomic); a lock older than `staleMs` is from a killed process.
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
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await fsp.stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > staleMs) {
        await fsp.rm(lock, { recursive: true, force: true });
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
