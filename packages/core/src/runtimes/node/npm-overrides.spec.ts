import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '../../archive/zip-reader';
import { exec } from '../../exec';
import { packageFunction } from '../../package/pipeline';
import { makeRequest, tempDir } from '../../test-support/workspace';
import { invokePackaged } from '../../test-support/invoke';
import { NodeStrategy } from './index';

/**
 * A workspace whose root package.json overrides a transitive version (debug 4.3.4 declares ms 2.1.2;
 * the override pins 2.1.3, once directly and once through a `$ms` reference): a `nodeModules`
 * install must get what the workspace's node_modules holds, as `npm ci` of the workspace would.
 */
async function workspaceWithOverrides(overrides: Record<string, unknown>): Promise<string> {
  const ws = await tempDir('node-overrides');
  await fsp.writeFile(path.join(ws, 'package.json'), JSON.stringify({ name: 'overrides-ws', private: true, dependencies: { debug: '4.3.4', ms: '2.1.3' }, overrides }, null, 2));
  await exec({ where: 'test:npm', command: 'npm', args: ['install', '--no-audit', '--no-fund', '--ignore-scripts'], cwd: ws, timeoutMs: 300_000 });
  await fsp.mkdir(path.join(ws, 'apps/fn/src'), { recursive: true });
  await fsp.writeFile(path.join(ws, 'apps/fn/src/handler.ts'), `import createDebug from 'debug';
import { createRequire } from 'node:module';
export const handler = async () => ({ debug: typeof createDebug, ms: createRequire(import.meta.url)('ms/package.json').version });
`);
  return ws;
}

const request = (ws: string) => makeRequest(ws, { family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler', projectRoot: 'apps/fn', options: { nodeModules: ['debug'] } });

describe('node: nodeModules in a workspace with npm overrides', () => {
  let direct: string;
  let byReference: string;
  beforeAll(async () => {
    direct = await workspaceWithOverrides({ ms: '2.1.3' });
    byReference = await workspaceWithOverrides({ debug: { ms: '$ms' } });
  });

  it('installs the overridden version the lockfile pins (it failed with npm ci "Missing: ms@2.1.2 from lock file")', async () => {
    for (const ws of [direct, byReference]) {
      const built = await packageFunction(NodeStrategy, request(ws));
      const msJson = await ZipReader.with(built.zipPath, async (zip) => JSON.parse((await zip.read('node_modules/ms/package.json')).toString('utf8')));
      expect(msJson.version).toBe('2.1.3');
      expect(built.manifest.dependencies.find((d) => d.name === 'ms')).toMatchObject({ version: '2.1.3' });
      expect((await invokePackaged(built, {})).response).toEqual({ debug: 'function', ms: '2.1.3' });
    }
  });

  it('refuses a $reference to a package the root does not depend on, naming package.json and the fix', async () => {
    const pkgFile = path.join(direct, 'package.json');
    const pkg = JSON.parse(await fsp.readFile(pkgFile, 'utf8'));
    await fsp.writeFile(pkgFile, JSON.stringify({ ...pkg, overrides: { debug: { ms: '$nothere' } } }));
    await expect(packageFunction(NodeStrategy, request(direct))).rejects.toThrow(/overrides refer to \$nothere at "debug > ms"[\s\S]*package\.json[\s\S]*add nothere to the root package\.json/);
  });
});

describe('node: an npm ci failure', () => {
  it('shows what npm said, not the option list it prints after it', async () => {
    const ws = await workspaceWithOverrides({ ms: '2.1.3' });
    const pkgFile = path.join(ws, 'package.json');
    const pkg = JSON.parse(await fsp.readFile(pkgFile, 'utf8'));
    await fsp.writeFile(pkgFile, JSON.stringify({ ...pkg, overrides: undefined })); // package.json out of step with the lockfile
    const err = await packageFunction(NodeStrategy, request(ws)).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/npm ci of the function's locked packages failed[\s\S]*Missing: ms@2\.1\.2 from lock file[\s\S]*run npm install at the workspace root/);
    expect(err?.message).not.toMatch(/--install-links/);
  });
});
