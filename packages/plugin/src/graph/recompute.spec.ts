import { statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CreateNodesContext } from '@nx/devkit';
import { tempDir } from '../../../core/src/test-support/workspace';
import { createNodes } from './create-nodes';

/**
 * Nx's daemon loads the plugin once and calls its hooks again in the same process on every file
 * change, for hours: nothing a hook remembers may answer for a workspace that has changed since.
 */
const LOCKFILE = '{workspaceRoot}/package-lock.json';
const NARROWED = { externalDependencies: ['@nx-lambda/plugin'] };

const nxJson = (analyze: 'true ' | 'false') => `{"pluginsConfig":{"@nx/js":{"analyzeSourceFiles":${analyze}}}}\n`;

const FILES = {
  'nx.json': nxJson('true '),
  'package.json': JSON.stringify({ name: 'ws', devDependencies: { '@nx-lambda/plugin': '0.1.0' } }),
  'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/@nx-lambda/plugin': { version: '0.1.0', resolved: 'file:vendor/p.tgz' } } }, null, 2),
  'apps/fn/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler' }),
};

async function packageInputs(workspaceRoot: string): Promise<unknown[]> {
  const context = { workspaceRoot, nxJsonConfiguration: { namedInputs: { production: ['default'] } } } as unknown as CreateNodesContext;
  const results = await createNodes[1](['apps/fn/lambda.json'], {}, context);
  return results[0][1].projects!['apps/fn'].targets!.package.inputs!;
}

/** One whole second, as file systems with coarse times (and `cp -p`, `rsync -a`, tar) keep them. */
const SECOND = new Date('2026-01-01T00:00:00Z');

/** A workspace whose root files all carry the time SECOND. */
async function workspace(): Promise<string> {
  const ws = await tempDir('recompute', FILES);
  for (const file of ['nx.json', 'package.json', 'package-lock.json']) utimesSync(path.join(ws, file), SECOND, SECOND);
  return ws;
}

/** Rewrites a file with text of the same length and gives it back its time: an edit within one mtime tick, or a copy that keeps times. */
function rewriteKeepingTime(file: string, text: string): void {
  const before = statSync(file).size;
  writeFileSync(file, text);
  utimesSync(file, SECOND, SECOND);
  expect(statSync(file).size).toBe(before);
}

describe('createNodes called again in the same process (Nx daemon)', () => {
  it('sees an nx.json edit that keeps its size and modification time', async () => {
    const ws = await workspace();
    expect(await packageInputs(ws)).toContainEqual(NARROWED);
    rewriteKeepingTime(path.join(ws, 'nx.json'), nxJson('false'));
    const inputs = await packageInputs(ws);
    expect(inputs).toContain(LOCKFILE);
    expect(inputs).not.toContainEqual(NARROWED);
  });

  it('sees a package-lock.json edit that keeps its size and modification time', async () => {
    const ws = await workspace();
    expect(await packageInputs(ws)).toContainEqual(NARROWED);
    const lock = path.join(ws, 'package-lock.json');
    // The plugin now comes from a workspace folder (a link): Nx has no npm node to hash for it.
    rewriteKeepingTime(lock, FILES['package-lock.json'].replace('"resolved": "file:vendor/p.tgz"', '"link": true, "resolved": "ppp"'));
    expect(await packageInputs(ws)).toContain(LOCKFILE);
  });
});
