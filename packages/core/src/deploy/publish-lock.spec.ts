import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { withPublishLock } from './publish-lock';

describe('withPublishLock', () => {
  it('runs one holder at a time for the same layer and bytes', async () => {
    const dir = await tempDir('lock');
    const events: string[] = [];
    const hold = (id: string) => withPublishLock('t', 'deps', 'sha', async () => {
      events.push(`${id} in`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${id} out`);
    }, { dir, pollMs: 5 });
    await Promise.all([hold('a'), hold('b')]);
    // Whichever gets the lock first, the other enters only after it left.
    const first = events[0].split(' ')[0];
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  it('does not serialise different layers', async () => {
    const dir = await tempDir('lock');
    const events: string[] = [];
    const hold = (name: string) => withPublishLock('t', name, 'sha', async () => {
      events.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 50));
      events.push(`${name} out`);
    }, { dir, pollMs: 5 });
    await Promise.all([hold('a'), hold('b')]);
    expect(events.slice(0, 2).sort()).toEqual(['a in', 'b in']);
  });

  it('takes over a lock left by a killed process once it is stale, and says what to do when a live one never ends', async () => {
    const dir = await tempDir('lock');
    await withPublishLock('t', 'deps', 'sha', async () => {
      const [held] = await fsp.readdir(dir);
      await expect(withPublishLock('t', 'deps', 'sha', async () => 1, { dir, waitMs: 30, pollMs: 5 }))
        .rejects.toThrow(/another deploy on this machine[\s\S]*delete the lock folder/);
      const old = new Date(Date.now() - 60_000);
      await fsp.utimes(path.join(dir, held), old, old);
      expect(await withPublishLock('t', 'deps', 'sha', async () => 'taken over', { dir, staleMs: 10_000, pollMs: 5 })).toBe('taken over');
    }, { dir });
  });

  it('takes over at once a lock whose holder on this machine was killed (a re-run after Ctrl-C does not wait)', async () => {
    const dir = await tempDir('lock');
    const script = path.join(dir, '..', `hold-lock-${process.pid}.ts`);
    await fsp.writeFile(script, [
      `import { withPublishLock } from ${JSON.stringify(path.join(__dirname, 'publish-lock'))};`,
      `void withPublishLock('t', 'deps', 'sha', () => new Promise(() => console.log('held')), { dir: ${JSON.stringify(dir)} });`,
    ].join('\n'));
    const holder = spawn(process.execPath, [path.join(__dirname, '../../../../node_modules/vite-node/vite-node.mjs'), script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      holder.on('exit', (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
    });
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    expect(await fsp.readdir(dir)).toHaveLength(1);
    // Default staleMs (30 min): without the holder check this waits out waitMs and throws.
    expect(await withPublishLock('t', 'deps', 'sha', async () => 'taken over', { dir, waitMs: 20_000, pollMs: 5 })).toBe('taken over');
    expect(await fsp.readdir(dir)).toEqual([]);
  });
});
