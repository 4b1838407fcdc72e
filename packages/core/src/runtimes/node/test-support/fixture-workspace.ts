import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exec } from '../../../exec';
import { tempDir } from '../../../test-support/workspace';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const TEMPLATE = path.join(FIXTURES, '_workspace');

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await fsp.readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out;
}

/**
 * The fixture workspace with node_modules and package-lock.json from a real `npm install`
 * (npm registry), built once per fixture content and reused by every spec of this runtime.
 */
async function installedTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of await listFiles(TEMPLATE)) hash.update(f).update(await fsp.readFile(path.join(TEMPLATE, f)));
  const target = path.join(os.tmpdir(), `nxl-node-fixture-${hash.digest('hex').slice(0, 16)}`);
  if (await fsp.stat(path.join(target, 'package-lock.json')).catch(() => undefined)) return target;
  const building = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await fsp.cp(TEMPLATE, building, { recursive: true });
  await exec({ where: 'test:npm', command: 'npm', args: ['install', '--no-audit', '--no-fund', '--ignore-scripts'], cwd: building, timeoutMs: 300_000 });
  await fsp.rename(building, target).catch(async () => fsp.rm(building, { recursive: true, force: true }));
  return target;
}

/** A fresh copy of the installed workspace at a new path, with the named function scenarios under apps/. */
export async function freshWorkspace(label: string, scenarios: readonly string[]): Promise<string> {
  const template = await installedTemplate();
  const ws = await tempDir(`node-${label}`);
  await fsp.cp(template, ws, { recursive: true, verbatimSymlinks: true });
  for (const s of scenarios) await fsp.cp(path.join(FIXTURES, s), path.join(ws, 'apps', s), { recursive: true });
  return ws;
}
