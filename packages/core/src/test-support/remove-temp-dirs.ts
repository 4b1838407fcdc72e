import { promises as fsp } from 'node:fs';
import { afterAll } from 'vitest';
import { madeTempDirs } from './workspace';

// A vitest setup file (vitest.config.mts): runs in every spec file's process, before its tests.
afterAll(async () => {
  const dirs = madeTempDirs().splice(0);
  if (process.env.NX_LAMBDA_KEEP_TEMP === '1') {
    if (dirs.length) console.log(`temp folders kept (NX_LAMBDA_KEEP_TEMP=1):\n  ${dirs.join('\n  ')}`);
    return;
  }
  await Promise.all(dirs.map((d) => fsp.rm(d, { recursive: true, force: true })));
});
