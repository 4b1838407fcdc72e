import { logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { functionGenerator } from './function/function';
import { FUNCTION_DEFAULTS } from './function/lib/normalize-options';
import { initGenerator } from './init/init';
import { layerGenerator } from './layer/layer';
import { libraryGenerator } from './library/library';

describe('generators on a virtual tree', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('init registers the plugin once and adds nothing else', async () => {
    const before = tree.listChanges().map((c) => c.path).sort();
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    const plugins = readJson(tree, 'nx.json').plugins.filter((p: { plugin?: string }) => p.plugin === '@nx-lambda/plugin');
    expect(plugins).toHaveLength(1);
    expect(readJson(tree, 'nx.json').pluginsConfig['@nx/js'].analyzeSourceFiles).toBe(true);
    expect(tree.listChanges().map((c) => c.path).sort()).toEqual(before);
  });

  it('function scaffolds the marker, a handler, a sample event and the project', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'python', skipFormat: true });
    expect(readJson(tree, 'functions/orders/lambda.json')).toEqual({ runtime: 'python3.12', handler: 'app.handler' });
    expect(readJson(tree, 'functions/orders/project.json')).toMatchObject({ name: 'orders', projectType: 'application' });
    expect(readJson(tree, 'functions/orders/events/sample.json')).toEqual({ name: 'world' });
    expect(tree.read('functions/orders/app.py', 'utf-8')).toContain('def handler(event, context):');
    expect(tree.read('functions/orders/pyproject.toml', 'utf-8')).toContain('name = "orders"');
  });

  it('function honours directory, architecture, lambdaRuntime and tags', async () => {
    await functionGenerator(tree, { name: 'Billing', runtime: 'node', directory: 'apps/billing', architecture: 'arm64', lambdaRuntime: 'nodejs20.x', tags: 'team:a, api', skipFormat: true });
    expect(readJson(tree, 'apps/billing/lambda.json')).toEqual({ runtime: 'nodejs20.x', handler: 'src/handler.handler', architecture: 'arm64' });
    expect(readJson(tree, 'apps/billing/project.json').tags).toEqual(['team:a', 'api']);
    expect(tree.read('apps/billing/src/handler.ts', 'utf-8')).toContain("function: 'billing'");
  });

  it('function\'s schema names the Lambda runtime each language defaults to', () => {
    const schema = JSON.parse(readFileSync(path.join(__dirname, 'function', 'schema.json'), 'utf8'));
    for (const d of Object.values(FUNCTION_DEFAULTS)) expect(schema.properties.lambdaRuntime.description).toContain(d.lambdaRuntime);
  });

  it('function refuses a Lambda runtime its language cannot use, naming the ones it can', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(functionGenerator(tree, { name: 'old', runtime: 'python', lambdaRuntime: 'python2.7', skipFormat: true }))
      .rejects.toThrow(/a python function cannot run on "python2.7".\nUse --lambdaRuntime with one of: python3.9, .*python3.13.* \(or leave it out for python3.12\)/);
    await expect(functionGenerator(tree, { name: 'aot', runtime: 'dotnet', lambdaRuntime: 'provided.al2023', skipFormat: true })).rejects.toThrow(/one of: dotnet8, dotnet10 \(or leave it out for dotnet8\)\.\nThe template is a managed class library\. Native AOT on provided\.al2023 needs a program[\s\S]*"nativeAot": true in its lambda\.json/);
    expect(tree.exists('functions/old')).toBe(false);
  });

  it('function refuses a name another project has, a folder outside the workspace and a Java keyword as package', async () => {
    await functionGenerator(tree, { name: 'api', runtime: 'python', directory: 'services/a/api', skipFormat: true });
    await expect(functionGenerator(tree, { name: 'api', runtime: 'python', directory: 'services/b/api', skipFormat: true }))
      .rejects.toThrow(/a project named "api" already exists \(services\/a\/api\)/);
    for (const directory of ['../outside', '/tmp/ws/apps/fn', 'apps/../../x']) {
      await expect(functionGenerator(tree, { name: 'esc', runtime: 'node', directory, skipFormat: true }), directory).rejects.toThrow(/is not a folder inside the workspace/);
    }
    await expect(functionGenerator(tree, { name: 'class', runtime: 'java', skipFormat: true })).rejects.toThrow(/"class" is a Java keyword[\s\S]*class-fn/);
    expect(tree.exists('services/b/api')).toBe(false);
    expect(tree.exists('functions/class')).toBe(false);
  });

  it('function and library refuse the name of a project Nx infers from a marker alone (no project.json)', async () => {
    tree.write('old/legacy/lambda.json', JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }));
    tree.write('svc/pkg-fn/lambda.json', JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }));
    tree.write('svc/pkg-fn/package.json', JSON.stringify({ name: 'billing' }));
    tree.write('layers/shared/lambda-layer.json', JSON.stringify({ family: 'python', runtime: 'python3.12' }));
    await expect(functionGenerator(tree, { name: 'legacy', runtime: 'python', skipFormat: true })).rejects.toThrow(/a project named "legacy" already exists \(old\/legacy\)/);
    await expect(functionGenerator(tree, { name: 'billing', runtime: 'go', skipFormat: true })).rejects.toThrow(/"billing" already exists \(svc\/pkg-fn\)/);
    await expect(libraryGenerator(tree, { name: 'shared', runtime: 'python', skipFormat: true })).rejects.toThrow(/nx-lambda:library - a project named "shared" already exists \(layers\/shared\)/);
    await functionGenerator(tree, { name: 'orders', runtime: 'python', skipFormat: true });
    await expect(libraryGenerator(tree, { name: 'orders', runtime: 'python', skipFormat: true })).rejects.toThrow(/"orders" already exists \(functions\/orders\)/);
    expect(['functions/legacy', 'functions/billing', 'libs/shared', 'libs/orders'].filter((d) => tree.exists(d))).toEqual([]);
  });

  it('function refuses to overwrite an existing project', async () => {
    tree.write('functions/orders/app.py', 'mine');
    await expect(functionGenerator(tree, { name: 'orders', runtime: 'python', skipFormat: true })).rejects.toThrow(/functions\/orders already exists/);
    expect(tree.read('functions/orders/app.py', 'utf-8')).toBe('mine');
  });

  it('layer writes its scope, and refuses languages that compile dependencies in', async () => {
    await layerGenerator(tree, { name: 'shared-py', runtime: 'python', functions: 'orders-*, tag:api', skipFormat: true });
    expect(readJson(tree, 'layers/shared-py/lambda-layer.json')).toEqual({ family: 'python', runtime: 'python3.12', functions: ['orders-*', 'tag:api'] });
    await expect(layerGenerator(tree, { name: 'g', runtime: 'go' as never, skipFormat: true })).rejects.toThrow(/compile their dependencies in/);
  });

  it('a PowerShell function names the runtime layer, created once per architecture', async () => {
    await functionGenerator(tree, { name: 'ps-a', runtime: 'powershell', pwshDistribution: 'vendor/pwsh-linux-x64.tar.gz', skipFormat: true });
    await functionGenerator(tree, { name: 'ps-b', runtime: 'powershell', skipFormat: true });
    expect(readJson(tree, 'functions/ps-a/lambda.json')).toEqual({ runtime: 'provided.al2023', handler: 'handler.ps1::Invoke-Handler', family: 'powershell', layers: ['powershell-runtime'] });
    expect(readJson(tree, 'functions/ps-b/lambda.json').layers).toEqual(['powershell-runtime']);
    const layer = readJson(tree, 'layers/powershell-runtime/project.json');
    expect(layer.targets.layer).toMatchObject({ executor: '@nx-lambda/plugin:powershell', options: { runtimeLayer: true, pwshDistribution: 'vendor/pwsh-linux-x64.tar.gz', architecture: 'x86_64' } });
    expect(layer.targets.layer.inputs).toEqual(['{workspaceRoot}/vendor/pwsh-linux-x64.tar.gz']);
  });

  it('hashes an unpacked PowerShell release by its files, and keeps the default release inside the runtime layer project (nx affected sees it)', async () => {
    await functionGenerator(tree, { name: 'ps-d', runtime: 'powershell', pwshDistribution: 'vendor/pwsh-dist/', skipFormat: true });
    expect(readJson(tree, 'layers/powershell-runtime/project.json').targets.layer.inputs).toEqual(['{workspaceRoot}/vendor/pwsh-dist/**/*']);
    await functionGenerator(tree, { name: 'ps-e', runtime: 'powershell', architecture: 'arm64', skipFormat: true });
    expect(readJson(tree, 'layers/powershell-runtime-arm64/project.json').targets.layer.options.pwshDistribution).toBe('layers/powershell-runtime-arm64/powershell-7.5.4-linux-arm64.tar.gz');
  });

  it('names the runtime layer\'s target as nx.json\'s layerTargetName, which the functions\' package targets depend on', async () => {
    await initGenerator(tree, { skipFormat: true });
    const nxJson = readJson(tree, 'nx.json');
    nxJson.plugins = nxJson.plugins.map((p: { plugin?: string; options?: object }) => (p.plugin === '@nx-lambda/plugin' ? { ...p, options: { ...p.options, layerTargetName: 'build-layers' } } : p));
    tree.write('nx.json', JSON.stringify(nxJson));
    await functionGenerator(tree, { name: 'ps-c', runtime: 'powershell', pwshDistribution: 'vendor/pwsh.tar.gz', skipFormat: true });
    expect(Object.keys(readJson(tree, 'layers/powershell-runtime/project.json').targets)).toEqual(['build-layers']);
  });

  it('refuses a PowerShell function when another project already has the runtime layer\'s name', async () => {
    await functionGenerator(tree, { name: 'powershell-runtime', runtime: 'python', skipFormat: true });
    await expect(functionGenerator(tree, { name: 'ps-fn', runtime: 'powershell', pwshDistribution: 'pwsh', skipFormat: true }))
      .rejects.toThrow(/"powershell-runtime" already exists \(functions\/powershell-runtime\), and it names the PowerShell runtime layer this function needs \(layers\/powershell-runtime\)/);
    expect(tree.exists('layers/powershell-runtime')).toBe(false);
    expect(tree.exists('functions/ps-fn')).toBe(false);
  });

  it('says where to put the PowerShell release when the runtime layer names one that is not there', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      await functionGenerator(tree, { name: 'ps-arm', runtime: 'powershell', architecture: 'arm64', skipFormat: true });
      expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/layers\/powershell-runtime-arm64 builds the PowerShell runtime layer from layers\/powershell-runtime-arm64\/powershell-7.5.4-linux-arm64.tar.gz, which is not there yet[\s\S]*Linux arm64/);
      tree.write('vendor/pwsh.tar.gz', 'x');
      warn.mockClear();
      await functionGenerator(tree, { name: 'ps-x', runtime: 'powershell', pwshDistribution: 'vendor/pwsh.tar.gz', skipFormat: true });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
