import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../core/src/test-support/workspace';
import { AggregateCreateNodesError, type CreateNodesContext } from '@nx/devkit';
import { createOverrides } from 'nx/src/utils/command-line-utils';
import { combineOptionsForExecutor } from 'nx/src/utils/params';
import { createNodes, functionNode, layerNode, normalizePluginOptions } from './create-nodes';
import { executorSchema, schemaProblems } from './schema-check';

describe('functionNode', () => {
  it('infers package, deploy and invoke targets from lambda.json', async () => {
    const ws = await tempDir('nodes', {
      'apps/orders/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', architecture: 'arm64', deploy: { role: 'arn:aws:iam::1:role/r' } }),
    });
    const result = functionNode('apps/orders/lambda.json', normalizePluginOptions({}), ws);
    const project = result.projects!['apps/orders'];
    expect(project.name).toBe('orders');
    expect(project.targets!.package.executor).toBe('@nx-lambda/plugin:python');
    expect(project.targets!.package.cache).toBe(true);
    expect(project.targets!.package.options).toEqual({ runtime: 'python3.12', handler: 'app.handler', architecture: 'arm64' });
    expect(project.targets!.package.outputs).toEqual(['{workspaceRoot}/dist/{projectRoot}']);
    expect(project.targets!.package.inputs).toContainEqual({ runtime: 'python3 --version' });
    expect(project.targets!.deploy).toMatchObject({ executor: '@nx-lambda/plugin:deploy', cache: false, dependsOn: ['package'], options: { role: 'arn:aws:iam::1:role/r' } });
    expect(project.targets!.invoke.dependsOn).toEqual(['package']);
    expect(project.targets!.package.metadata!.description).toBe('Package python function as dist/apps/orders/function.zip');
  });

  it('uses the "default" named input where nx.json defines no "production" (unless the project.json does)', async () => {
    const ws = await tempDir('nodes', {
      'a/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      'b/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      'b/project.json': JSON.stringify({ name: 'b', namedInputs: { production: ['default'] } }),
    });
    const inputs = (fn: string, hasProduction: boolean) => functionNode(`${fn}/lambda.json`, normalizePluginOptions({}), ws, hasProduction).projects![fn].targets!.package.inputs!.slice(0, 2);
    expect(inputs('a', true)).toEqual(['production', '^production']);
    expect(inputs('a', false)).toEqual(['default', '^default']);
    expect(inputs('b', false)).toEqual(['production', '^default']);
  });

  it('gives package and deploy one direct-upload limit, set at the top of lambda.json or in its deploy (which wins)', async () => {
    const ws = await tempDir('nodes', {
      'a/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', directUploadLimitMiB: 20 }),
      'b/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', deploy: { directUploadLimitMiB: 10 } }),
      'c/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', directUploadLimitMiB: 20, deploy: { directUploadLimitMiB: 10 } }),
    });
    const limits = (fn: string) => {
      const targets = functionNode(`${fn}/lambda.json`, normalizePluginOptions({}), ws).projects![fn].targets!;
      return [targets.package.options.directUploadLimitMiB, targets.deploy.options.directUploadLimitMiB];
    };
    expect(limits('a')).toEqual([20, 20]);
    expect(limits('b')).toEqual([10, 10]);
    expect(limits('c')).toEqual([10, 10]);
  });

  it('tells provided.al2023 functions apart by their files, and lets nx.json rename targets', async () => {
    const ws = await tempDir('nodes', {
      'fns/go-fn/lambda.json': JSON.stringify({ runtime: 'provided.al2023', handler: 'bootstrap' }),
      'fns/go-fn/go.mod': 'module example.com/fn\n',
      'fns/ps-fn/lambda.json': JSON.stringify({ runtime: 'provided.al2023', handler: 'handler.ps1::Invoke' }),
      'fns/ps-fn/handler.ps1': 'function Invoke {}\n',
    });
    const opts = normalizePluginOptions({ packageTargetName: 'zip' });
    expect(functionNode('fns/go-fn/lambda.json', opts, ws).projects!['fns/go-fn'].targets!.zip.executor).toBe('@nx-lambda/plugin:go');
    const ps = functionNode('fns/ps-fn/lambda.json', opts, ws).projects!['fns/ps-fn'];
    expect(ps.targets!.zip.executor).toBe('@nx-lambda/plugin:powershell');
    expect(ps.targets!.deploy.dependsOn).toEqual(['zip']);
  });

  it('makes a function depend on the layer targets of its graph dependencies (createDependencies links the layers it names)', async () => {
    const ws = await tempDir('nodes', { 'f/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', layers: ['shared-node'] }) });
    const pkg = functionNode('f/lambda.json', normalizePluginOptions({}), ws).projects!.f.targets!.package;
    expect(pkg.dependsOn).toEqual(['^layer']);
    expect(pkg.inputs).toContainEqual({ dependentTasksOutputFiles: '**/functions/f.json', transitive: false });
  });

  it('keeps a package target out of Nx batch mode when its executor would refuse the options, and says why', async () => {
    const ws = await tempDir('nodes', {
      'good/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'arm64', minify: true }),
      'bad/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'arm', memorySize: 512 }),
    });
    const good = functionNode('good/lambda.json', normalizePluginOptions({}), ws).projects!.good.targets!.package;
    expect(good.parallelism).toBeUndefined();
    const bad = functionNode('bad/lambda.json', normalizePluginOptions({}), ws).projects!.bad.targets!.package;
    expect(bad.parallelism).toBe(false);
    expect(bad.metadata!.description).toContain('fix bad/lambda.json: "architecture" is "arm"; use one of x86_64, arm64; "memorySize" is not an option of this executor');
  });

  it('gives each function the plugin defaults its executor knows, so one language\'s options do not break another\'s', async () => {
    const ws = await tempDir('nodes', {
      'web/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      'etl/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', architecture: 'x86_64' }),
    });
    const opts = normalizePluginOptions({ defaults: { architecture: 'arm64', minify: true, deploy: { memorySize: 512 } } });
    const web = functionNode('web/lambda.json', opts, ws).projects!.web.targets!;
    expect(web.package.options).toEqual({ runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'arm64', minify: true });
    expect(web.deploy.options).toMatchObject({ memorySize: 512 });
    const etl = functionNode('etl/lambda.json', opts, ws).projects!.etl.targets!.package;
    expect(etl.options).toEqual({ runtime: 'python3.12', handler: 'app.handler', architecture: 'x86_64' });
    expect(etl.parallelism).toBeUndefined();
    // An option no executor knows is a typo: every function keeps it, and the check reports it.
    const typo = functionNode('etl/lambda.json', normalizePluginOptions({ defaults: { minfy: true } }), ws).projects!.etl.targets!.package;
    expect(typo.parallelism).toBe(false);
    expect(typo.metadata!.description).toContain('"minfy" is not an option of this executor');
  });

  it('merges lambda.json\'s deploy over the plugin defaults\' as SAM merges Globals: key by key, environment and tags too', async () => {
    const ws = await tempDir('nodes', {
      'fn/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', deploy: { role: 'arn:aws:iam::1:role/fn', environment: { TABLE: 'orders' }, tags: { team: 'orders' } } }),
    });
    const opts = normalizePluginOptions({ defaults: { deploy: { memorySize: 512, environment: { STAGE: 'dev', TABLE: 'x' }, tags: { owner: 'platform' } } } });
    expect(functionNode('fn/lambda.json', opts, ws).projects!.fn.targets!.deploy.options).toEqual({
      memorySize: 512, role: 'arn:aws:iam::1:role/fn', environment: { STAGE: 'dev', TABLE: 'orders' }, tags: { owner: 'platform', team: 'orders' }, outputPath: 'dist/{projectRoot}',
    });
  });

  it('passes lambda.json\'s deploy.stages to the deploy target, merged stage by stage with the defaults\' ones', async () => {
    const ws = await tempDir('nodes', {
      'fn/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', deploy: { memorySize: 256, stages: { prod: { functionName: 'fn-prod', environment: { STAGE: 'prod' } } } } }),
      'bad/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', deploy: 'fn-prod' }),
    });
    const opts = normalizePluginOptions({ defaults: { deploy: { stages: { prod: { alias: 'live', memorySize: 1024, environment: { LOG: 'warn' } }, dev: { alias: 'dev' } } } } });
    expect(functionNode('fn/lambda.json', opts, ws).projects!.fn.targets!.deploy.options).toEqual({
      memorySize: 256,
      stages: { prod: { alias: 'live', memorySize: 1024, functionName: 'fn-prod', environment: { LOG: 'warn', STAGE: 'prod' } }, dev: { alias: 'dev' } },
      outputPath: 'dist/{projectRoot}',
    });
    expect(() => functionNode('bad/lambda.json', opts, ws)).toThrow(/bad\/lambda.json has a "deploy" that is not an object/);
  });

  it('gives the invoke target the timeout, memory and environment of the merged deploy, and the command line wins', async () => {
    const ws = await tempDir('nodes', {
      'fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', deploy: { role: 'arn:aws:iam::1:role/fn', timeout: 2, memorySize: 256, environment: { FOO: 'bar' } } }),
      'bare/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
    });
    const opts = normalizePluginOptions({ defaults: { deploy: { memorySize: 512, tracing: 'Active', environment: { STAGE: 'dev' } } } });
    const invoke = functionNode('fn/lambda.json', opts, ws).projects!.fn.targets!.invoke;
    // Only what shapes a local run: role, tracing and the like are deploy's alone (invoke's schema refuses them).
    expect(invoke.options).toEqual({ timeout: 2, memorySize: 256, environment: { STAGE: 'dev', FOO: 'bar' }, outputPath: 'dist/{projectRoot}' });
    expect(schemaProblems(executorSchema('invoke'), invoke.options)).toEqual([]);
    expect(functionNode('bare/lambda.json', normalizePluginOptions({}), ws).projects!.bare.targets!.invoke.options).toEqual({ outputPath: 'dist/{projectRoot}' });
    // What Nx runs the executor with: the command line over the inferred options, option by option
    // (an --environment.NAME replaces the whole map).
    const schema = executorSchema('invoke') as Parameters<typeof combineOptionsForExecutor>[3];
    const run = (...args: string[]) => combineOptionsForExecutor(createOverrides(args), '', invoke, schema, 'fn', '');
    expect(run('--timeout=10')).toEqual({ timeout: 10, memorySize: 256, environment: { STAGE: 'dev', FOO: 'bar' }, outputPath: 'dist/{projectRoot}' });
    expect(run('--memorySize=1024', '--environment.FOO=cli')).toEqual({ timeout: 2, memorySize: 1024, environment: { FOO: 'cli' }, outputPath: 'dist/{projectRoot}' });
    // The stages too (merged with the defaults' ones), for --stage: invoke reads the settings above from the one it names.
    const staged = functionNode('fn/lambda.json', normalizePluginOptions({ defaults: { deploy: { stages: { prod: { memorySize: 1024 } } } } }), ws).projects!.fn.targets!.invoke;
    expect(staged.options.stages).toEqual({ prod: { memorySize: 1024 } });
    expect(schemaProblems(executorSchema('invoke'), staged.options)).toEqual([]);
    expect(combineOptionsForExecutor(createOverrides(['--stage=prod']), '', staged, schema, 'fn', '')).toMatchObject({ stage: 'prod', stages: { prod: { memorySize: 1024 } } });
  });

  it('reads project.json and lambda.json as Nx reads JSON (comments, trailing commas), and names the file that is broken', async () => {
    const ws = await tempDir('nodes', {
      'fn/lambda.json': '{\n  // the API\n  "runtime": "nodejs22.x", "handler": "index.handler",\n}\n',
      'fn/project.json': '{\n  // owned by the orders team\n  "name": "orders-api",\n}\n',
      'bad/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      'bad/project.json': '{\n  "name": "bad",,\n}\n',
    });
    const opts = normalizePluginOptions({});
    expect(Object.keys(functionNode('fn/lambda.json', opts, ws).projects!.fn.targets!)).toContain('package');
    expect(functionNode('fn/lambda.json', opts, ws).projects!.fn.name).toBe('orders-api');
    expect(() => functionNode('bad/lambda.json', opts, ws)).toThrow(/bad\/project.json is not valid JSON: .* at 2:\d+/);
  });

  it('checks project.json\'s options for the package target too: Nx merges them over the inferred ones', async () => {
    const ws = await tempDir('nodes', {
      'fn/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      'fn/project.json': JSON.stringify({ name: 'fn', targets: { package: { options: { format: 'umd' } } } }),
      'own/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      'own/project.json': JSON.stringify({ name: 'own', targets: { package: { executor: 'nx:run-commands', options: { command: 'make zip' } } } }),
    });
    const fn = functionNode('fn/lambda.json', normalizePluginOptions({}), ws).projects!.fn.targets!.package;
    expect(fn.parallelism).toBe(false);
    expect(fn.metadata!.description).toContain('fix fn/lambda.json or fn/project.json: "format" is "umd"; use one of auto, esm, cjs');
    // A project.json target with another executor replaces the inferred one: its options are not ours to check.
    expect(functionNode('own/lambda.json', normalizePluginOptions({}), ws).projects!.own.targets!.package.parallelism).toBeUndefined();
  });

  it('says what to fix for a marker without a handler, an unknown runtime, or an ambiguous custom runtime', async () => {
    const ws = await tempDir('nodes', {
      'a/lambda.json': JSON.stringify({ runtime: 'nodejs22.x' }),
      'b/lambda.json': JSON.stringify({ runtime: 'cobol1.0', handler: 'x' }),
      'c/lambda.json': JSON.stringify({ runtime: 'provided.al2023', handler: 'bootstrap' }),
      'd/lambda.json': '{ not json',
    });
    const opts = normalizePluginOptions({});
    expect(() => functionNode('a/lambda.json', opts, ws)).toThrow(/a\/lambda.json has no "handler"/);
    expect(() => functionNode('b/lambda.json', opts, ws)).toThrow(/runtime "cobol1.0".*\n.*nodejs22.x/);
    expect(() => functionNode('c/lambda.json', opts, ws)).toThrow(/Add "family"/);
    expect(() => functionNode('d/lambda.json', opts, ws)).toThrow(/d\/lambda.json is not valid JSON/);
  });

  it('createNodes makes a project of each function or layer whose marker is invalid, every target of it failing with what to fix', async () => {
    const ws = await tempDir('nodes', {
      'good/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler' }),
      'bad/lambda.json': JSON.stringify({ runtime: 'nodejs22.x' }),
      'named/lambda.json': '{ "runtime": ',
      'named/project.json': JSON.stringify({ name: 'orders-api' }),
      'staged/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', deploy: 'fn-prod' }),
      'layers/go/lambda-layer.json': JSON.stringify({ family: 'go', runtime: 'provided.al2023' }),
    });
    const context = { workspaceRoot: ws, nxJsonConfiguration: {} } as CreateNodesContext;
    const files = ['good/lambda.json', 'bad/lambda.json', 'named/lambda.json', 'staged/lambda.json', 'layers/go/lambda-layer.json'];
    const results = Object.fromEntries(await createNodes[1](files, { invokeTargetName: 'run-local' }, context));
    expect(results['good/lambda.json'].projects!.good.targets!.package.executor).toBe('@nx-lambda/plugin:node');
    const bad = results['bad/lambda.json'].projects!.bad;
    expect(bad).toMatchObject({ root: 'bad', name: 'bad', projectType: 'application', tags: ['lambda', 'lambda:invalid'] });
    expect(Object.keys(bad.targets!)).toEqual(['package', 'deploy', 'run-local']);
    for (const target of Object.values(bad.targets!)) {
      expect(target).toMatchObject({ executor: '@nx-lambda/plugin:invalid-config', cache: false });
      expect(target.options.message).toMatch(/^nx-lambda: bad\/lambda.json has no "handler".\nAdd it, e.g. \{ "runtime": "nodejs22.x", "handler": "src\/handler.handler" \}/);
      expect(target.metadata!.description).toBe(target.options.message);
    }
    expect(results['named/lambda.json'].projects!.named.name).toBe('orders-api');
    expect(results['named/lambda.json'].projects!.named.targets!.package.options.message).toMatch(/named\/lambda.json is not valid JSON/);
    expect(results['staged/lambda.json'].projects!.staged.targets!.deploy.options.message).toMatch(/staged\/lambda.json has a "deploy" that is not an object/);
    const layer = results['layers/go/lambda-layer.json'].projects!['layers/go'];
    expect(layer).toMatchObject({ name: 'go', projectType: 'library', tags: ['lambda-layer', 'lambda-layer:invalid'] });
    expect(Object.keys(layer.targets!)).toEqual(['layer']);
    expect(layer.targets!.layer.options.message).toMatch(/go compiles its dependencies into each function/);
  });

  it('createNodes still reports to Nx what is no marker\'s fault (a project.json that is not JSON), and makes projects of the others', async () => {
    const ws = await tempDir('nodes', {
      'good/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler' }),
      'bad/lambda.json': JSON.stringify({ runtime: 'nodejs22.x' }),
      'broken/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler' }),
      'broken/project.json': '{ "name": ,}',
    });
    const context = { workspaceRoot: ws, nxJsonConfiguration: {} } as CreateNodesContext;
    const err = await Promise.resolve(createNodes[1](['good/lambda.json', 'bad/lambda.json', 'broken/lambda.json'], {}, context)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AggregateCreateNodesError);
    const aggregate = err as AggregateCreateNodesError;
    expect(aggregate.errors.map(([file, e]) => [file, /broken\/project.json is not valid JSON/.test(String(e))])).toEqual([['broken/lambda.json', true]]);
    expect(aggregate.partialResults.map(([file]) => file)).toEqual(['good/lambda.json', 'bad/lambda.json']);
  });

  it('gives a layer target the limits lambda-layer.json sets, and refuses a key a layer project does not take', async () => {
    const ws = await tempDir('nodes', {
      'layers/a/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'python3.12', maxLayers: 1, unzippedLimitMiB: 100 }),
      'layers/b/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'python3.12', architecure: 'arm64' }),
    });
    expect(layerNode('layers/a/lambda-layer.json', normalizePluginOptions({}), ws).projects!['layers/a'].targets!.layer.options).toEqual({ maxLayers: 1, unzippedLimitMiB: 100 });
    expect(() => layerNode('layers/b/lambda-layer.json', normalizePluginOptions({}), ws)).toThrow(/layers\/b\/lambda-layer.json has "architecure", which a layer project does not take[\s\S]*architecture/);
  });

  it('makes a layer project from lambda-layer.json and refuses families that compile dependencies in', async () => {
    const ws = await tempDir('nodes', {
      'layers/shared/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'python3.12' }),
      'layers/go/lambda-layer.json': JSON.stringify({ family: 'go', runtime: 'provided.al2023' }),
    });
    const project = layerNode('layers/shared/lambda-layer.json', normalizePluginOptions({}), ws).projects!['layers/shared'];
    expect(project.targets!.layer).toMatchObject({ executor: '@nx-lambda/plugin:layer', cache: true, outputs: ['{workspaceRoot}/dist/{projectRoot}'] });
    expect(project.targets!.layer.inputs).toEqual(expect.arrayContaining(['{workspaceRoot}/**/requirements*.txt', '{workspaceRoot}/**/project.json', '{workspaceRoot}/**/lambda.json']));
    expect(() => layerNode('layers/go/lambda-layer.json', normalizePluginOptions({}), ws)).toThrow(/go compiles its dependencies into each function/);
  });
});
