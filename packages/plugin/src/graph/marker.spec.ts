import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../core/src/test-support/workspace';
import { functionNode, normalizePluginOptions } from './create-nodes';

/**
 * Which dependency inputs a Node.js function's package target gets (the e2e node-inputs spec runs
 * real Nx on them). The default workspace: Nx reads source imports, package-lock.json installs the
 * plugin from a tarball, no other lockfile.
 */
const LOCKFILE = '{workspaceRoot}/package-lock.json';
const NARROWED = { externalDependencies: ['@nx-lambda/plugin'] };
const PLUGIN_ENTRY = { version: '0.1.0', resolved: 'file:vendor/nx-lambda-plugin-0.1.0.tgz', integrity: 'sha512-x', dev: true };

function workspace(change: { nxJson?: object; packageJson?: object; lockEntry?: object | null; lockPackages?: Record<string, object>; marker?: object; files?: Record<string, string> } = {}): Record<string, string> {
  const plugin = change.lockEntry === null ? {} : { 'node_modules/@nx-lambda/plugin': change.lockEntry ?? PLUGIN_ENTRY };
  const lock = { lockfileVersion: 3, packages: { '': {}, ...plugin, 'node_modules/ms': { version: '2.1.3' }, ...change.lockPackages } };
  return {
    'nx.json': JSON.stringify(change.nxJson ?? { pluginsConfig: { '@nx/js': { analyzeSourceFiles: true } } }),
    'package.json': JSON.stringify(change.packageJson ?? { name: 'ws', devDependencies: { '@nx-lambda/plugin': '0.1.0' } }),
    'package-lock.json': JSON.stringify(lock, null, 2),
    'apps/fn/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler', ...change.marker }),
    ...change.files,
  };
}

async function inputsOf(files: Record<string, string>): Promise<unknown[]> {
  const ws = await tempDir('node-inputs', files);
  return functionNode('apps/fn/lambda.json', normalizePluginOptions({}), ws).projects!['apps/fn'].targets!.package.inputs!;
}

describe('Node.js package inputs for npm packages', () => {
  it('a function that bundles its packages: the plugin as external dependency, not the whole lockfile', async () => {
    const inputs = await inputsOf(workspace());
    expect(inputs).toContainEqual(NARROWED);
    expect(inputs).not.toContain(LOCKFILE);
    expect(inputs).toContain('{workspaceRoot}/tsconfig.base.json');
  });

  it('Nx reads source imports when an @nx/js-family package is a root dependency and nx.json does not say', async () => {
    expect(await inputsOf(workspace({ nxJson: {}, packageJson: { devDependencies: { '@nx/js': '24.0.0' } } }))).toContainEqual(NARROWED);
  });

  it.each([
    ['the function has nodeModules', { marker: { nodeModules: ['ms'] } }],
    ['nodeModules is not a list', { marker: { nodeModules: 'ms' } }],
    ['nx.json turns source analysis off', { nxJson: { pluginsConfig: { '@nx/js': { analyzeSourceFiles: false } } } }],
    ['nx.json does not say and no @nx/js-family package is installed', { nxJson: {} }],
    ['a yarn.lock beside it is what Nx reads', { files: { 'yarn.lock': '' } }],
    ['a pnpm-lock.yaml beside it is what Nx reads', { files: { 'pnpm-lock.yaml': '' } }],
    ['nx.json names another package manager', { nxJson: { cli: { packageManager: 'pnpm' }, pluginsConfig: { '@nx/js': {} } } }],
    ['the plugin is a workspace link (no npm node)', { lockEntry: { resolved: 'packages/plugin', link: true } }],
    ['the lockfile does not install the plugin', { lockEntry: null }],
    ['nx.json targetDefaults set nodeModules', { nxJson: { pluginsConfig: { '@nx/js': {} }, targetDefaults: { '@nx-lambda/plugin:node': { options: { nodeModules: ['ms'] } } } } }],
  ])('keeps the whole lockfile when %s', async (_why, change) => {
    const inputs = await inputsOf(workspace(change));
    expect(inputs).toContain(LOCKFILE);
    expect(inputs).not.toContainEqual(NARROWED);
  });

  it('nodeModules set in project.json keeps the whole lockfile too', async () => {
    const files = workspace({ files: { 'apps/fn/project.json': JSON.stringify({ name: 'fn', targets: { package: { options: { nodeModules: ['ms'] } } } }) } });
    expect(await inputsOf(files)).toContain(LOCKFILE);
  });

  it('the tsconfig the bundle reads and every file it extends are inputs; an npm preset it extends is an external dependency', async () => {
    const presets = {
      'apps/fn/tsconfig.json': '{ "extends": "../../configs/tsconfig.node" }',
      'configs/tsconfig.node.json': '{\n  // shared by the functions\n  "extends": ["./tsconfig.strict.json", "@tsconfig/node22/tsconfig.json"],\n}',
      'configs/tsconfig.strict.json': '{ "compilerOptions": { "strict": true } }',
    };
    const inputs = await inputsOf(workspace({ lockPackages: { 'node_modules/@tsconfig/node22': { version: '22.0.2' } }, files: presets }));
    expect(inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/apps/fn/tsconfig.json', '{workspaceRoot}/configs/tsconfig.node.json', '{workspaceRoot}/configs/tsconfig.strict.json']));
    expect(inputs).toContainEqual({ externalDependencies: ['@nx-lambda/plugin', '@tsconfig/node22'] });
    // A preset the lockfile does not install has no npm node: the whole lockfile instead.
    const unpinned = await inputsOf(workspace({ files: presets }));
    expect(unpinned).toContain(LOCKFILE);
    expect(unpinned).toContain('{workspaceRoot}/configs/tsconfig.strict.json');
  });

  it('the tsConfig option names the first file of the chain', async () => {
    const inputs = await inputsOf(workspace({ marker: { tsConfig: 'configs/tsconfig.lambda.json' }, files: { 'configs/tsconfig.lambda.json': '{ "extends": "../tsconfig.base.json" }', 'tsconfig.base.json': '{}' } }));
    expect(inputs).toContain('{workspaceRoot}/configs/tsconfig.lambda.json');
    expect(inputs.filter((i) => i === '{workspaceRoot}/tsconfig.base.json')).toHaveLength(1);
  });

  it('other runtimes keep their lockfiles', async () => {
    const inputs = await inputsOf(workspace({ files: { 'apps/fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }) } }));
    expect(inputs).toContain('{projectRoot}/requirements.txt');
    expect(inputs).not.toContainEqual(NARROWED);
  });
});
