import { execFile, spawn, ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { ZipWriteResult } from '../zip-writer';
import { madeTempDirs } from '../../test-support/workspace';

export interface ChildZipResult extends ZipWriteResult {
  maxRssBytes: number;
}

/**
 * Bundles zip-child.ts from source into a temp folder (with the deflate worker beside it), so
 * child processes run the code under test, not a stale dist build.
 */
export function bundleZipChild(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nxl-test-zip-child-'));
  madeTempDirs().push(dir);
  const outfile = path.join(dir, 'zip-child.cjs');
  buildSync({ entryPoints: [path.join(__dirname, 'zip-child.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
  copyFileSync(path.join(__dirname, '..', 'deflate-worker.cjs'), path.join(dir, 'deflate-worker.cjs'));
  return outfile;
}

/** Runs the bundled writer in a child process with extra env; resolves with its result. */
export function runZipChild(script: string, root: string, target: string, opts: { env?: Record<string, string>; options?: object } = {}): Promise<ChildZipResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, root, target, JSON.stringify(opts.options ?? {})], { env: { ...process.env, ...opts.env }, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`zip child failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as ChildZipResult);
    });
  });
}

/** Starts the writer in a child process and returns it without waiting (for kill tests). */
export function startZipChild(script: string, root: string, target: string): ChildProcess {
  return spawn(process.execPath, [script, root, target], { stdio: ['ignore', 'pipe', 'pipe'] });
}
