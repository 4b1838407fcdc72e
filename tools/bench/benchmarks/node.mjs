// Node.js packaging bench (issue 3): one realistic TypeScript function (zod, date-fns, lodash-es,
// a DynamoDB client left external) packaged by us through Nx, compared in the same run with
// esbuild CLI + zip, serverless@3 + serverless-esbuild (`sls package`) and AWS CDK NodejsFunction
// (`cdk synth`). Baseline tools are installed by this bench into temp dirs, never into the project.
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const name = 'node';

const FN_DEPS = { zod: '3.25.76', 'date-fns': '4.1.0', 'lodash-es': '4.17.21' };
const COUNT = 20;
const fnName = (i) => `fn${String(i + 1).padStart(2, '0')}`;

const handlerSource = (fn) => `import { z } from 'zod';
import { addDays, formatISO } from 'date-fns';
import { groupBy, sortBy } from 'lodash-es';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const FUNCTION = '${fn}';
const Order = z.object({ id: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })) });
const client = new DynamoDBClient({});

export const handler = async (event: unknown) => {
  const order = Order.parse(event);
  const bySku = groupBy(order.items, 'sku');
  if (process.env.TABLE) await client.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { id: { S: order.id } } }));
  return { fn: FUNCTION, id: order.id, skus: sortBy(Object.keys(bySku)), due: formatISO(addDays(new Date(0), 3)) };
};
`;

async function writeFiles(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    await fsp.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fsp.writeFile(path.join(dir, rel), content);
  }
}

/** Links what the repo has installed (nx, @nx-lambda/*, esbuild) into a bench workspace, beside its own installs. */
async function linkRepoModules(repoModules, wsModules) {
  for (const entry of await fsp.readdir(repoModules)) {
    if (entry.startsWith('.')) continue;
    const from = path.join(repoModules, entry);
    const to = path.join(wsModules, entry);
    if (entry.startsWith('@')) {
      await fsp.mkdir(to, { recursive: true });
      for (const inner of await fsp.readdir(from)) {
        await fsp.symlink(path.join(from, inner), path.join(to, inner)).catch((e) => { if (e.code !== 'EEXIST') throw e; });
      }
    } else await fsp.symlink(from, to).catch((e) => { if (e.code !== 'EEXIST') throw e; });
  }
}

async function nxWorkspace(h) {
  const ws = await h.tmpdir('node-bench-nx');
  const files = {
    'package.json': JSON.stringify({ name: 'node-bench', private: true, dependencies: FN_DEPS }, null, 2),
    'nx.json': JSON.stringify({
      analytics: false, neverConnectToCloud: true, plugins: ['@nx-lambda/plugin'],
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default'] },
    }, null, 2),
  };
  for (let i = 0; i < COUNT; i++) {
    files[`apps/${fnName(i)}/lambda.json`] = JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler' });
    files[`apps/${fnName(i)}/src/handler.ts`] = handlerSource(fnName(i));
  }
  await writeFiles(ws, files);
  await h.exec('npm', ['install', '--no-audit', '--no-fund'], { cwd: ws });
  await linkRepoModules(path.join(h.root, 'node_modules'), path.join(ws, 'node_modules'));
  await writeFiles(ws, FLOOR_FILES);
  return ws;
}

/**
 * Nx's floor: an executor that does nothing, declared like ours (batch implementation, preferBatch),
 * as target `floor` of fn01. `nx run fn01:floor` costs what Nx costs before and around any executor
 * (project graph with our plugin loaded, task hashing, the task worker process), so the ratio of
 * floor to sls@3 is the best any Nx executor could reach in that mode.
 */
const FLOOR_FILES = {
  'node_modules/nxl-bench-floor/package.json': JSON.stringify({ name: 'nxl-bench-floor', version: '1.0.0', executors: './executors.json' }),
  'node_modules/nxl-bench-floor/executors.json': JSON.stringify({ executors: { nothing: {
    implementation: './nothing.js', batchImplementation: './nothing.js#batch', preferBatch: true, schema: './schema.json', description: 'does nothing',
  } } }),
  'node_modules/nxl-bench-floor/schema.json': JSON.stringify({ type: 'object', properties: {} }),
  'node_modules/nxl-bench-floor/nothing.js': `exports.default = async () => ({ success: true });
exports.batch = async (taskGraph) => Object.fromEntries(Object.keys(taskGraph.tasks).map((id) => [id, { success: true }]));
`,
  'apps/fn01/project.json': JSON.stringify({ name: 'fn01', targets: { floor: { executor: 'nxl-bench-floor:nothing', cache: false } } }),
};

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

async function esbuildCliZip(h, ws, outDir) {
  const esbuildBin = path.join(h.root, 'node_modules', '.bin', 'esbuild');
  await h.exec(esbuildBin, [path.join(ws, 'apps/fn01/src/handler.ts'), '--bundle', '--platform=node', '--target=node22', '--format=esm',
    '--external:@aws-sdk/*', `--outfile=${path.join(outDir, 'index.mjs')}`, '--log-level=warning'], { cwd: ws });
  await h.exec('zip', ['-qX', path.join(outDir, 'function.zip'), 'index.mjs'], { cwd: outDir });
}

/** Installs a baseline tool set plus the function's dependencies into a temp dir; undefined (with the reason reported) if it fails. */
async function installBaseline(h, label, deps) {
  const dir = await h.tmpdir(`node-bench-${label}`);
  await writeFiles(dir, { 'package.json': JSON.stringify({ name: `bench-${label}`, private: true, dependencies: { ...deps, ...FN_DEPS } }, null, 2) });
  try {
    await h.exec('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
    return dir;
  } catch (err) {
    h.report(`${label}: install failed, not measured (${String(err.message).split('\n')[0].slice(0, 160)})`, 0, 'n/a');
    return undefined;
  }
}

async function slsService(dir, count) {
  const svc = path.join(dir, `svc${count}`);
  const functions = {};
  const files = {};
  for (let i = 0; i < count; i++) {
    functions[fnName(i)] = { handler: `src/${fnName(i)}/handler.handler` };
    files[`src/${fnName(i)}/handler.ts`] = handlerSource(fnName(i));
  }
  const yml = {
    service: `bench-${count}`, frameworkVersion: '3', configValidationMode: 'off',
    provider: { name: 'aws', runtime: 'nodejs20.x', region: 'us-east-1' },
    plugins: ['serverless-esbuild'],
    custom: { esbuild: { bundle: true, minify: false, format: 'esm', outputFileExtension: '.mjs', platform: 'node', target: 'node22', exclude: ['@aws-sdk/client-dynamodb'] } },
    package: { individually: true },
    functions,
  };
  files['serverless.yml'] = JSON.stringify(yml, null, 2); // YAML is a superset of JSON
  await writeFiles(svc, files);
  return svc;
}

/** sls@3 + serverless-esbuild with 1- and 10-function services; `measure` times both (undefined, reported, if sls fails). */
async function slsBaseline(h, slsDir) {
  const sls = (svc) => h.exec(process.execPath, [path.join(slsDir, 'node_modules/serverless/bin/serverless.js'), 'package'], { cwd: svc, env: SLS_ENV });
  const svc1 = await slsService(slsDir, 1);
  const svc10 = await slsService(slsDir, 10);
  return {
    async measure(when) {
      try {
        return {
          one: await h.time(`baseline: sls@3 package, 1 function (${when})`, () => sls(svc1)),
          ten: await h.time(`baseline: sls@3 package, 10 functions (${when})`, () => sls(svc10)),
        };
      } catch (err) {
        h.report(`sls@3: package failed, not measured (${String(err.message).split('\n')[0].slice(0, 160)})`, 0, 'n/a');
        return undefined;
      }
    },
  };
}

const SLS_ENV = { SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' };

async function cdkApp(dir) {
  const files = { 'app.js': `const path = require('node:path');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { NodejsFunction, OutputFormat } = require('aws-cdk-lib/aws-lambda-nodejs');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'NodeBench');
for (let i = 0; i < Number(process.env.BENCH_FUNCTIONS); i++) {
  const fn = 'fn' + String(i + 1).padStart(2, '0');
  new NodejsFunction(stack, fn, {
    entry: path.join(__dirname, 'src', fn, 'handler.ts'), handler: 'handler', runtime: lambda.Runtime.NODEJS_22_X,
    projectRoot: __dirname, depsLockFilePath: path.join(__dirname, 'package-lock.json'),
    bundling: { format: OutputFormat.ESM, externalModules: ['@aws-sdk/*'], target: 'node22' },
  });
}
app.synth();
` };
  for (let i = 0; i < COUNT; i++) files[`src/${fnName(i)}/handler.ts`] = handlerSource(fnName(i));
  await writeFiles(dir, files);
}

/**
 * Nx measured two ways the bars apply to: without the daemon (what CI runs: every command computes
 * the project graph in its own plugin workers) and with a warm daemon (Nx's default on a developer
 * machine). A third, for information: no daemon with Nx's plugins loaded in its own process
 * (NX_ISOLATE_PLUGINS=false, a setting of the user's, not ours) shows what the plugin workers cost.
 */
const NX_MODES = [
  { label: 'no daemon', env: { ...NX_ENV, NX_DAEMON: 'false' }, barred: true },
  { label: 'daemon', env: { ...NX_ENV, NX_DAEMON: 'true' }, barred: true },
  { label: 'no daemon, NX_ISOLATE_PLUGINS=false', env: { ...NX_ENV, NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false' }, barred: false },
];

/** The bar for a mode that has one; a mode measured for information gets none. */
const barFor = (mode, max) => ({ max: mode.barred ? max : Infinity });
const ratioLabel = (mode, what) => `[${mode.label}] ${mode.barred ? '' : 'info: '}${what}`;

async function measureNx(h, ws, nxBin, mode) {
  const nx = (args) => h.exec(process.execPath, [nxBin, ...args], { cwd: ws, env: mode.env });
  const ten = Array.from({ length: 10 }, (_, i) => fnName(i)).join(',');
  const tag = `[${mode.label}]`;
  await nx(['show', 'projects']); // starts the daemon in daemon mode; warms the OS cache in both
  const noop = await h.time(`ours ${tag}: nx show projects (Nx start-up)`, () => nx(['show', 'projects']));
  const floor = await h.time(`Nx floor ${tag}: nx run fn01:floor (an executor that does nothing)`, () => nx(['run', 'fn01:floor']));
  const one = await h.time(`ours ${tag}: nx run fn01:package (cold)`, () => nx(['run', 'fn01:package', '--skip-nx-cache']));
  const tenRun = await h.time(`ours ${tag}: nx run-many -t package, 10 functions (cold)`, () => nx(['run-many', '-t', 'package', '-p', ten, '--skip-nx-cache']));
  const twenty = await h.time(`ours ${tag}: nx run-many -t package, 20 functions (cold)`, () => nx(['run-many', '-t', 'package', '--skip-nx-cache']), { runs: 1 });
  await nx(['run-many', '-t', 'package']);
  let restored = 0;
  const warm = await h.time(`ours ${tag}: nx run-many -t package, 20 functions (warm cache)`, async () => {
    const { stdout } = await nx(['run-many', '-t', 'package']);
    restored = Number(/from the cache instead of running the command for (\d+) out of/.exec(stdout)?.[1] ?? 0);
  });
  h.report(`ours ${tag}: warm run restores every zip (${restored} of ${COUNT}): ${restored === COUNT ? 'PASS' : 'FAIL'}`, restored === COUNT ? 1 : 0, 'bool');
  h.report(`ours ${tag}: per function, 20 cold via Nx`, twenty.median / COUNT, 'ms');
  if (mode.env.NX_DAEMON === 'true') await nx(['daemon', '--stop']);
  return { ...mode, noop, floor, one, ten: tenRun };
}

export default async function nodeBench(h) {
  const ws = await nxWorkspace(h);
  const nxPkg = JSON.parse(await fsp.readFile(path.join(ws, 'node_modules/nx/package.json'), 'utf8'));
  const nxBin = path.join(ws, 'node_modules/nx', nxPkg.bin.nx);

  // Ours, in process (no Nx): the engine's own cost per function.
  const core = createRequire(import.meta.url)(path.join(h.root, 'packages/core/dist/index.js'));
  const request = (outputPath) => ({
    projectName: 'fn01', projectRoot: 'apps/fn01', workspaceRoot: ws, family: 'node', runtime: 'nodejs22.x', handler: 'src/handler.handler',
    architecture: 'x86_64', outputPath, include: [], exclude: [], allowSecrets: [], layers: [], limits: core.DEFAULT_LIMITS, compressionLevel: 6, options: {},
  });
  const engine = await h.time('ours: packageFunction in process, 1 function', async () => core.packageFunction(core.strategyFor('node'), request(await h.tmpdir('node-bench-engine'))), { runs: 5 });
  h.report('ours: engine wall time per function', engine.median, 'ms');

  // sls@3 is timed before and after ours: its time swings by half between runs here, and a machine
  // that speeds up or slows down during the run then weighs on both sides of the ratio.
  const slsDir = await installBaseline(h, 'sls3', { serverless: '^3', 'serverless-esbuild': '^1', esbuild: '^0.25' });
  const sls = slsDir && await slsBaseline(h, slsDir);
  const slsBefore = sls && await sls.measure('before ours');

  const modes = [];
  for (const mode of NX_MODES) modes.push(await measureNx(h, ws, nxBin, mode));
  const oursOne = modes[0].one;

  const cli = await h.time('baseline: esbuild CLI + zip, 1 function', async () => esbuildCliZip(h, ws, await h.tmpdir('node-bench-cli')));
  h.ratio('ours nx 1 fn / esbuild CLI + zip (info: Nx start-up included)', oursOne.median, cli.median, { max: Infinity });

  const slsAfter = slsBefore && await sls.measure('after ours');
  if (slsAfter) {
    const one = h.median([...slsBefore.one.runs, ...slsAfter.one.runs]);
    const ten = h.median([...slsBefore.ten.runs, ...slsAfter.ten.runs]);
    h.report('baseline: sls@3 package, 1 function, median of all 6 runs', one, 'ms');
    h.report('baseline: sls@3 package, 10 functions, median of all 6 runs', ten, 'ms');
    for (const m of modes) {
      h.ratio(ratioLabel(m, '1 function: ours (nx run, cold) / sls@3'), m.one.median, one, barFor(m, 0.75));
      h.ratio(ratioLabel(m, '10 functions: ours (nx run-many, cold) / sls@3'), m.ten.median, ten, barFor(m, 0.6));
      h.ratio(`[${m.label}] info: Nx start-up alone (show projects) / sls@3 1 function`, m.noop.median, one, { max: Infinity });
      h.ratio(`[${m.label}] info: Nx floor (a do-nothing executor) / sls@3 1 function`, m.floor.median, one, { max: Infinity });
    }
  }

  const cdkDir = await installBaseline(h, 'cdk', { 'aws-cdk-lib': '^2', constructs: '^10', 'aws-cdk': '^2', esbuild: '^0.25' });
  if (cdkDir) {
    await cdkApp(cdkDir);
    const cdkEnv = (n, out) => ({ BENCH_FUNCTIONS: String(n), CDK_OUTDIR: out, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' });
    const app = async (n) => h.exec(process.execPath, ['app.js'], { cwd: cdkDir, env: cdkEnv(n, await h.tmpdir('cdk-out')) });
    const synth = async (n) => {
      const out = await h.tmpdir('cdk-out');
      await h.exec(process.execPath, [path.join(cdkDir, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--app', 'node app.js', '-o', out, '-q', '--no-notices', '--no-version-reporting'],
        { cwd: cdkDir, env: cdkEnv(n, out) });
    };
    try {
      const oneApp = await h.time('baseline: CDK NodejsFunction app, 1 function', () => app(1));
      const oneSynth = await h.time('baseline: cdk synth, 1 function', () => synth(1));
      const tenSynth = await h.time('baseline: cdk synth, 10 functions', () => synth(10));
      h.report('baseline: CDK app (no CLI), 1 function', oneApp.median, 'ms');
      for (const m of modes) {
        h.ratio(ratioLabel(m, '1 function: ours (nx run, cold) / cdk synth'), m.one.median, oneSynth.median, barFor(m, 0.6));
        h.ratio(ratioLabel(m, '10 functions: ours (nx run-many, cold) / cdk synth'), m.ten.median, tenSynth.median, barFor(m, 0.3));
      }
    } catch (err) {
      h.report(`cdk: synth failed, not measured (${String(err.message).split('\n')[0].slice(0, 160)})`, 0, 'n/a');
    }
  }
}
