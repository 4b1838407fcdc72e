import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipReader } from '@nx-lambda/core';
import * as path from 'node:path';
import { executed, parseTaskRuns, restored } from './support/nx-output';
import { createWorkspace, E2eWorkspace, removeWorkspaces } from './support/workspace';

/**
 * Folders a function uses that are no Nx project (`shared/`): Nx hashes only project files, so
 * nx-lambda adds inputs for the ones a manifest names (Python here) and warns about the ones a
 * Node.js bundle reads.
 */
const STATIC = '--outputStyle=static';
const SHARED_PY = 'shared/pkg/src/shared_pkg/__init__.py';

let ws: E2eWorkspace;

beforeAll(async () => {
  ws = await createWorkspace('outside');
  await ws.write('wheels/.keep', ''); // nx.json's findLinks folder (offline pip)
  await ws.nx(['g', '@nx-lambda/plugin:function', 'py-fn', '--runtime=python', '--no-interactive']);
  await ws.nx(['g', '@nx-lambda/plugin:function', 'node-fn', '--runtime=node', '--no-interactive']);
  await ws.nx(['g', '@nx-lambda/plugin:library', 'node-lib', '--runtime=node', '--functions=node-fn', '--importPath=@e2e/node-lib', '--no-interactive']);
  await ws.write('shared/pkg/pyproject.toml', '[project]\nname = "shared-pkg"\nversion = "0.1.0"\n');
  await ws.write(SHARED_PY, 'GREETING = "v1"\n');
  await ws.write('functions/py-fn/requirements.txt', '-e ../../shared/pkg\n');
  await ws.write('functions/py-fn/app.py', 'from shared_pkg import GREETING\n\n\ndef handler(event, context):\n    return {"statusCode": 200, "body": GREETING}\n');
  await ws.write('shared/util.ts', 'export const twice = (s: string): string => s + s;\n');
  await ws.write('functions/node-fn/src/handler.ts', [
    "import { greet } from '@e2e/node-lib';", "import { twice } from '../../../shared/util';", '',
    "export const handler = async () => ({ statusCode: 200, body: twice(greet('e2e')) });", '',
  ].join('\n'));
}, 1_200_000);

afterAll(async () => {
  await removeWorkspaces();
});

describe('files from folders that are no Nx project', () => {
  it('a Python function\'s -e ../../shared/pkg is a cache input: a change there repackages, no change restores', async () => {
    const project = JSON.parse((await ws.nx(['show', 'project', 'py-fn', '--json'])).stdout) as { targets: { package: { inputs: unknown[] } } };
    expect(project.targets.package.inputs).toContain('{workspaceRoot}/shared/pkg/**/*');
    const packageFn = async () => parseTaskRuns((await ws.nx(['run', 'py-fn:package', STATIC])).stdout);
    const zipHolds = async (text: string) => (await ZipReader.with(path.join(ws.root, 'dist/functions/py-fn/function.zip'), (zip) => zip.read('shared_pkg/__init__.py'))).toString('utf8') === text;
    expect(executed(await packageFn(), 'package')).toEqual(['py-fn']);
    await ws.write(SHARED_PY, 'GREETING = "v2"\n');
    expect(executed(await packageFn(), 'package')).toEqual(['py-fn']);
    expect(await zipHolds('GREETING = "v2"\n')).toBe(true);
    expect(restored(await packageFn(), 'package')).toEqual(['py-fn']);
  });

  it('a Node.js function that bundles ../../shared/util.ts warns (in Nx batch mode), naming it but not the library it depends on', async () => {
    const runs = parseTaskRuns((await ws.nx(['run', 'node-fn:package', '--skip-nx-cache', STATIC])).stdout);
    const output = runs.find((r) => r.project === 'node-fn' && r.target === 'package')?.output ?? '';
    expect(output).toContain('warning: node-fn: the zip holds 1 file from outside node-fn and the projects it depends on in the Nx graph, which Nx does not hash:\n    shared/util.ts\n');
    expect(output).toContain('Make that folder an Nx library project');
    expect(output).not.toContain('libs/node-lib');
  });
});
