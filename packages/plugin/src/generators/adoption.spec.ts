import { beforeAll, describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { buildPlugin, existingWorkspace, type NxWorkspace } from './test-support/nx-workspace';

/**
 * A team adopts nx-lambda in the workspace it already has: no `production` named input in nx.json
 * (as `nx init` and hand-written workspaces leave it), a tsconfig.base.json with path aliases and
 * a library project. What the generators scaffold must package and run there with no hand edits.
 */
describe('generators in an existing workspace (real Nx CLI)', () => {
  let ws: NxWorkspace;
  beforeAll(async () => {
    await buildPlugin();
    ws = await existingWorkspace('adopt', {
      'package.json': JSON.stringify({ name: 'acme', private: true }),
      'nx.json': JSON.stringify({ analytics: false, neverConnectToCloud: true, targetDefaults: { build: { cache: true } } }),
      'tsconfig.base.json': '{\n  // the workspace\'s own settings\n  "compilerOptions": { "baseUrl": ".", "module": "commonjs", "paths": { "@acme/util": ["libs/util/src/index.ts"] } }\n}\n',
      'libs/util/project.json': JSON.stringify({ name: 'util', projectType: 'library' }),
      'libs/util/src/index.ts': 'export const shout = (text: string): string => `${text.toUpperCase()}!`;\n',
    });
    await ws.nx(['g', '@nx-lambda/plugin:init', '--no-interactive']);
  });

  it('packages a scaffolded function where nx.json defines no "production" named input', async () => {
    await ws.nx(['g', '@nx-lambda/plugin:function', 'orders', '--runtime=python', '--no-interactive']);
    const nxJson = JSON.parse(await fsp.readFile(path.join(ws.root, 'nx.json'), 'utf8')) as { namedInputs?: object };
    expect(nxJson.namedInputs).toBeUndefined();
    const out = await ws.nx(['run', 'orders:package', '--outputStyle=static']);
    expect(out.stdout).toContain('orders: dist/functions/orders/function.zip');
    const project = JSON.parse((await ws.nx(['show', 'project', 'orders', '--json'])).stdout) as { targets: { package: { inputs: unknown[] } } };
    expect(project.targets.package.inputs.slice(0, 2)).toEqual(['default', '^default']);
  });

  it('a scaffolded Node.js function imports the workspace\'s existing tsconfig.base.json path alias', async () => {
    await ws.nx(['g', '@nx-lambda/plugin:function', 'Api-V2', '--runtime=node', '--directory=services/api-v2', '--no-interactive']);
    const tsconfig = await fsp.readFile(path.join(ws.root, 'services/api-v2/tsconfig.json'), 'utf8');
    expect(JSON.parse(tsconfig).extends).toBe('../../tsconfig.base.json');
    await fsp.writeFile(path.join(ws.root, 'services/api-v2/src/handler.ts'), [
      "import { shout } from '@acme/util';", '',
      "export const handler = async (event: { name?: string }) => ({ statusCode: 200, body: shout(event.name ?? 'world') });", '',
    ].join('\n'));
    const out = await ws.nx(['run', 'api-v2:invoke', '--event=services/api-v2/events/sample.json', '--outputStyle=static']);
    expect(out.stdout).toContain('"body":"WORLD!"');
  });

  it('refuses the name of a function the team wrote by hand (lambda.json, no project.json), and Nx keeps working', async () => {
    await fsp.mkdir(path.join(ws.root, 'legacy/billing'), { recursive: true });
    await fsp.writeFile(path.join(ws.root, 'legacy/billing/lambda.json'), JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }));
    await fsp.writeFile(path.join(ws.root, 'legacy/billing/app.py'), 'def handler(event, context):\n    return {}\n');
    const refused = await ws.nx(['g', '@nx-lambda/plugin:function', 'billing', '--runtime=node', '--no-interactive'], [1]);
    expect(refused.stdout + refused.stderr).toContain('a project named "billing" already exists (legacy/billing)');
    const projects = (await ws.nx(['show', 'projects'])).stdout.split('\n').filter((p) => p === 'billing');
    expect(projects).toEqual(['billing']);
  });
});
