import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/workspace';
import { reactorLockDir, withReactorLock } from './reactor-lock';

describe('java: one Maven build per aggregator at a time', () => {
  it('runs two builds of the same aggregator one after the other', async () => {
    const cache = await tempDir('java-lock');
    const lock = reactorLockDir(cache, '/ws/java-parent');
    const events: string[] = [];
    const build = (name: string) => withReactorLock(lock, '/ws/java-parent', 60_000, async () => {
      events.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 300));
      events.push(`${name} end`);
    });
    await Promise.all([build('a'), build('b')]);
    expect([['a start', 'a end', 'b start', 'b end'], ['b start', 'b end', 'a start', 'a end']]).toContainEqual(events);
    expect(existsSync(lock)).toBe(false);
  });

  it('gives each aggregator its own lock', () => {
    expect(reactorLockDir('/c', '/ws/a')).not.toBe(reactorLockDir('/c', '/ws/b'));
  });

  it('takes over a lock left by a process that died', async () => {
    const cache = await tempDir('java-lock-stale');
    const lock = reactorLockDir(cache, '/ws/p');
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    await fsp.mkdir(lock, { recursive: true });
    await fsp.writeFile(path.join(lock, 'owner.json'), JSON.stringify({ pid: deadPid, host: os.hostname() }));
    expect(await withReactorLock(lock, '/ws/p', 60_000, async () => 'built')).toBe('built');
  });

  it('releases the lock when the build fails', async () => {
    const cache = await tempDir('java-lock-fail');
    const lock = reactorLockDir(cache, '/ws/p');
    await expect(withReactorLock(lock, '/ws/p', 60_000, async () => { throw new Error('mvn failed'); })).rejects.toThrow('mvn failed');
    expect(existsSync(lock)).toBe(false);
  });
});
