import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { executed, parseTaskRuns, restored } from './support/nx-output';
import { commitAll, createWorkspace, E2eWorkspace, removeWorkspaces } from './support/workspace';

/**
 * Which Node.js functions an npm package bump re-packages. A function that bundles all its npm
 * packages is hashed by the `npm:` nodes its sources import (Nx's graph), not by the whole
 * package-lock.json; one with `nodeModules` keeps the whole lockfile (it may install a package no
 * source imports).
 *
 * | function    | imports     | nodeModules |
 * |-------------|-------------|-------------|
 * | ms-fn       | ms          |             |
 * | html-fn     | escape-html |             |
 * | installs-fn | (nothing)   | ms          |
 */
const STATIC = '--outputStyle=static';
const FUNCTIONS = ['html-fn', 'installs-fn', 'ms-fn'];

let ws: E2eWorkspace;

const handler = (body: string) => `${body}\nexport const handler = async (event: { name?: string }) => ({ statusCode: 200, body: answer(event.name ?? 'x') });\n`;

beforeAll(async () => {
  ws = await createWorkspace('node-inputs');
  for (const fn of FUNCTIONS) await ws.nx(['g', '@nx-lambda/plugin:function', fn, '--runtime=node', '--no-interactive']);
  await ws.write('functions/ms-fn/src/handler.ts', handler("import ms from 'ms';\nconst answer = (name: string) => `${name} ${ms('1h')}`;"));
  await ws.write('functions/html-fn/src/handler.ts', handler("import escapeHtml from 'escape-html';\nconst answer = (name: string) => escapeHtml(`<${name}>`);"));
  await ws.write('functions/installs-fn/src/handler.ts', handler('const answer = (name: string) => name;'));
  const marker = JSON.parse(await ws.read('functions/installs-fn/lambda.json')) as Record<string, unknown>;
  await ws.write('functions/installs-fn/lambda.json', `${JSON.stringify({ ...marker, nodeModules: ['ms'] }, null, 2)}\n`);
  // `nx affected` then follows the changed npm nodes, not the whole lockfile.
  const nxJson = JSON.parse(await ws.read('nx.json')) as { pluginsConfig: Record<string, Record<string, unknown>> };
  nxJson.pluginsConfig['@nx/js'] = { ...nxJson.pluginsConfig['@nx/js'], projectsAffectedByDependencyUpdates: 'auto' };
  await ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
  await commitAll(ws, 'functions');
}, 1_200_000);

afterAll(async () => {
  await removeWorkspaces();
});

/**
 * A new version of an installed package, as `npm install escape-html@<next>` leaves it: its
 * package.json and code in node_modules and its lockfile entry. node_modules is hard-linked to the
 * shared install, so files are replaced, never written through.
 */
async function bumpPackage(name: string, version: string, extraCode: string): Promise<void> {
  const dir = path.join(ws.root, 'node_modules', name);
  const replace = async (file: string, edit: (text: string) => string) => {
    const text = await fsp.readFile(path.join(dir, file), 'utf8');
    await fsp.rm(path.join(dir, file));
    await fsp.writeFile(path.join(dir, file), edit(text));
  };
  await replace('package.json', (text) => JSON.stringify({ ...JSON.parse(text), version }, null, 2));
  await replace('index.js', (text) => `${text}\n${extraCode}\n`);
  const lock = JSON.parse(await ws.read('package-lock.json')) as { packages: Record<string, Record<string, unknown>> };
  const entry = lock.packages[`node_modules/${name}`];
  lock.packages[`node_modules/${name}`] = { ...entry, version, resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`, integrity: `sha512-bumped-${name}-${version}` };
  await ws.write('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
}

const packageAll = async () => parseTaskRuns((await ws.nx(['run-many', '-t', 'package', STATIC])).stdout);
const inputsOf = async (project: string) =>
  (JSON.parse((await ws.nx(['show', 'project', project, '--json'])).stdout) as { targets: { package: { inputs: unknown[] } } }).targets.package.inputs;

describe('Node.js package inputs: npm packages', () => {
  it('a bump re-packages the functions that bundle the package and those with nodeModules; the others are restored from the cache', async () => {
    expect(await inputsOf('ms-fn')).toContainEqual({ externalDependencies: ['@nx-lambda/plugin'] });
    expect(await inputsOf('ms-fn')).not.toContain('{workspaceRoot}/package-lock.json');
    expect(await inputsOf('installs-fn')).toContain('{workspaceRoot}/package-lock.json');
    expect(executed(await packageAll(), 'package')).toEqual(FUNCTIONS);

    await bumpPackage('escape-html', '1.0.4', 'module.exports.bumpedBy = "node-inputs e2e";');
    const affected = (await ws.nx(['show', 'projects', '--affected', '--base=HEAD'])).stdout.split('\n').filter(Boolean).sort();
    expect(affected).toEqual(['html-fn', 'installs-fn']);
    const runs = await packageAll();
    expect(executed(runs, 'package')).toEqual(['html-fn', 'installs-fn']);
    expect(restored(runs, 'package')).toEqual(['ms-fn']);
    const manifest = JSON.parse(await ws.read('dist/functions/html-fn/manifest.json')) as { dependencies: { name: string; version: string }[] };
    expect(manifest.dependencies.find((d) => d.name === 'escape-html')?.version).toBe('1.0.4');

    // No change: every function is restored.
    expect(restored(await packageAll(), 'package')).toEqual(FUNCTIONS);
  });

  it('a tsconfig preset the bundle reads (a file outside every project, an npm package) re-packages on change', async () => {
    await ws.write('functions/ms-fn/src/handler.ts', handler([
      "import ms from 'ms';",
      'class Box { value = 1; constructor(v: number) { this.value = v; } }',
      'const answer = (name: string) => `${name} ${ms(\'1h\')} ${new Box(2).value}`;',
    ].join('\n')));
    await ws.write('functions/ms-fn/tsconfig.json', '{ "extends": "../../configs/tsconfig.node.json" }\n');
    await ws.write('configs/tsconfig.node.json', '{ "extends": "@e2e/tsconfig-preset/tsconfig.json" }\n');
    const preset = async (version: string, defineFields: boolean) => {
      await ws.write('node_modules/@e2e/tsconfig-preset/package.json', JSON.stringify({ name: '@e2e/tsconfig-preset', version }));
      await ws.write('node_modules/@e2e/tsconfig-preset/tsconfig.json', JSON.stringify({ compilerOptions: { useDefineForClassFields: defineFields } }));
      const lock = JSON.parse(await ws.read('package-lock.json')) as { packages: Record<string, unknown> };
      lock.packages['node_modules/@e2e/tsconfig-preset'] = { version, resolved: `https://registry.npmjs.org/@e2e/tsconfig-preset/-/tsconfig-preset-${version}.tgz`, integrity: `sha512-preset-${version}`, dev: true };
      await ws.write('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
    };
    await preset('1.0.0', true);
    expect(await inputsOf('ms-fn')).toContainEqual({ externalDependencies: ['@nx-lambda/plugin', '@e2e/tsconfig-preset'] });
    expect(executed(await packageAll(), 'package')).toContain('ms-fn');
    const zipV1 = await ws.readBytes('dist/functions/ms-fn/function.zip');
    expect(restored(await packageAll(), 'package')).toEqual(FUNCTIONS);

    // The shared preset outside every project: its own setting wins over the npm preset's.
    await ws.write('configs/tsconfig.node.json', '{ "extends": "@e2e/tsconfig-preset/tsconfig.json", "compilerOptions": { "useDefineForClassFields": false } }\n');
    let runs = await packageAll();
    expect(executed(runs, 'package')).toEqual(['ms-fn']);
    expect((await ws.readBytes('dist/functions/ms-fn/function.zip')).equals(zipV1)).toBe(false);

    // The npm preset: a new version changes what the shared preset leaves to it.
    await ws.write('configs/tsconfig.node.json', '{ "extends": "@e2e/tsconfig-preset/tsconfig.json" }\n');
    await packageAll();
    await preset('1.0.1', false);
    runs = await packageAll();
    expect(executed(runs, 'package')).toContain('ms-fn');
    expect(restored(runs, 'package')).toContain('html-fn');
    expect((await ws.readBytes('dist/functions/ms-fn/function.zip')).equals(zipV1)).toBe(false);
  });

  it('keeps the whole lockfile as an input where Nx reads no source imports', async () => {
    const nxJson = JSON.parse(await ws.read('nx.json')) as { pluginsConfig: Record<string, Record<string, unknown>> };
    nxJson.pluginsConfig['@nx/js'] = { ...nxJson.pluginsConfig['@nx/js'], analyzeSourceFiles: false };
    await ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
    const inputs = await inputsOf('ms-fn');
    expect(inputs).toContain('{workspaceRoot}/package-lock.json');
    expect(inputs).not.toContainEqual({ externalDependencies: ['@nx-lambda/plugin'] });
  });
});
