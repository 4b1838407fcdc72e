import { ChildProcess, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../test-support/workspace';
import { writeJsonAtomic } from './manifest';
import { archiveStaged, packageExcludes } from './pipeline';

/** Runs node with `code` (which writes temp files named with its own pid) and waits for it to exit. */
async function deadWriter(dir: string, names: readonly string[]): Promise<string[]> {
  const code = `const fs=require('fs'),p=require('path');for(const n of JSON.parse(process.argv[1]))fs.writeFileSync(p.join(${JSON.stringify(dir)},n.replace('PID',process.pid)),'partial')`;
  const child = spawn(process.execPath, ['-e', code, JSON.stringify(names)], { stdio: 'inherit' });
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  return names.map((n) => n.replace('PID', String(pid)));
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const c of running) c.kill();
});

describe('outputs: temp files of a killed run are removed by the next one', () => {
  it('archiveStaged and writeJsonAtomic remove the temps of dead processes and keep those of a live one', async () => {
    const out = await tempDir('abandoned-out');
    const staging = await tempDir('abandoned-staging', { 'app.py': 'def handler(e, c):\n    return 1\n' });
    // Names a Ctrl-C'd run leaves: this version's, and the earlier versions' (pending-<hex>, manifest.json.<pid>.tmp).
    const dead = await deadWriter(out, [
      '.function.zip.PID.0a1b2c3d.pending', '..function.zip.PID.0a1b2c3d.pending.PID.4e5f6a7b.tmp',
      '..function.zip.pending-88fc7354.PID.0a1b2c3d.tmp', 'manifest.json.PID.tmp', '.manifest.json.PID.0a1b2c3d.tmp',
    ]);
    const live = spawn('sleep', ['60']);
    running.push(live);
    const liveTemp = `.function.zip.${live.pid}.0a1b2c3d.pending`;
    await writeFiles(out, { [liveTemp]: 'being written by another run' });

    await archiveStaged('test', staging, path.join(out, 'function.zip'), { exclude: packageExcludes([], []), level: 6 }, async () => undefined);
    await writeJsonAtomic(path.join(out, 'manifest.json'), { ok: true });

    const left = await fsp.readdir(out);
    expect(left.filter((n) => dead.includes(n))).toEqual([]);
    expect(left.sort()).toEqual([liveTemp, 'function.zip', 'manifest.json'].sort());
  });
});
