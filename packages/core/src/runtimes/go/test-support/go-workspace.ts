import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tempDir } from '../../../test-support/workspace';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

// Offline here: only replace'd workspace modules and the standard library. Users keep their GOPROXY.
process.env.GOPROXY = 'off';

/** The local go version (`go1.19.8`); a missing toolchain fails the test with the way out. */
export function requireGo(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim().split(' ')[2];
  } catch {
    throw new Error('go is not installed: run tools/setup.sh');
  }
}

/**
 * Go's build cache is content-addressed, so test workspaces may share one: the workspace's cache
 * dir links to a folder that outlives the run (a cold stdlib build for linux/arm64 costs tens of
 * seconds on a busy machine).
 */
async function linkSharedGoCache(workspace: string): Promise<void> {
  const shared = path.join(os.tmpdir(), 'nxl-test-go-cache');
  await fsp.mkdir(shared, { recursive: true });
  await fsp.mkdir(path.join(workspace, '.nx/nx-lambda'), { recursive: true });
  await fsp.symlink(shared, path.join(workspace, '.nx/nx-lambda/go'));
}

/** A temp workspace holding the named fixture scenarios at `places[scenario]` (default: its name). */
export async function goWorkspace(label: string, places: Record<string, string>): Promise<string> {
  const ws = await tempDir(label);
  await linkSharedGoCache(ws);
  for (const [scenario, dest] of Object.entries(places)) await fsp.cp(path.join(FIXTURES, scenario), path.join(ws, dest), { recursive: true });
  return ws;
}
