// Layer planner bench (issue 8): 20 node and 20 python functions with realistic overlap, drawn
// (seeded) from a pool of real npm packages and of locally built wheels of varying sizes. Each
// family is packaged three ways with the built core: without layers; with the planned layers
// (buildLayerProject, then every function against its share); and the lower bound: every function's
// own code plus every distinct dependency stored exactly once. Reports total zip bytes of each
// and the ratios; bar: with layers <= 1.15x the lower bound, and every function within the limits.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const name = 'layers';

const FUNCTIONS = 20;
/** npm packages as a workspace pins them; popular first (the draw favours the head of the list). */
const NPM_POOL = {
  zod: '3.23.8', dayjs: '1.11.13', uuid: '9.0.1', lodash: '4.17.21', ms: '2.1.3', semver: '7.6.3',
  yaml: '2.6.1', axios: '1.7.9', ajv: '8.17.1', luxon: '3.5.0', nanoid: '3.3.7', 'date-fns': '3.6.0',
};
/** Wheels: name -> unzipped payload bytes, from a few KiB to several MiB like real distributions. */
const WHEEL_POOL = {
  'aws-lambda-powertools': 2_400_000, pydantic: 1_900_000, requests: 420_000, urllib3: 850_000, idna: 260_000, certifi: 300_000,
  'python-dateutil': 700_000, six: 40_000, attrs: 220_000, jmespath: 90_000, orjson: 900_000, boto3_stubs: 3_500_000,
  sqlalchemy: 6_500_000, jinja2: 650_000, markupsafe: 60_000, 'typing-extensions': 130_000,
};
const MiB = 1024 * 1024;

/** mulberry32: the same fixture on every run. */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dependency sets: the k-th most popular package is used with probability 0.85 * 0.8^k (at least one each). */
function drawSets(pool, seed) {
  const rnd = random(seed);
  return Array.from({ length: FUNCTIONS }, () => {
    const set = pool.filter((_, k) => rnd() < Math.max(0.06, 0.85 * 0.8 ** k));
    return set.length ? set : [pool[Math.floor(rnd() * pool.length)]];
  });
}

async function writeFiles(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    await fsp.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fsp.writeFile(path.join(dir, rel), content);
  }
}

/** A pure wheel with `bytes` of module source, in a PEP 503 tree pip reads through a file:// index URL. */
async function writePaddedWheel(core, indexDir, pkg, bytes) {
  const mod = pkg.replace(/-/g, '_');
  const dist = `${mod}-1.0.0.dist-info`;
  const files = new Map();
  const chunk = 200_000;
  for (let i = 0, left = bytes; left > 0; i++, left -= chunk) {
    let text = '';
    for (let j = 0; text.length < Math.min(chunk, left); j++) text += createHash('sha512').update(`${pkg}/${i}/${j}`).digest('base64');
    files.set(`${mod}/part${i}.py`, Buffer.from(`DATA = ${JSON.stringify(text.slice(0, Math.min(chunk, left)))}\n`));
  }
  files.set(`${mod}/__init__.py`, Buffer.from('VERSION = "1.0.0"\n'));
  files.set(`${dist}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${pkg}\nVersion: 1.0.0\n`));
  files.set(`${dist}/WHEEL`, Buffer.from('Wheel-Version: 1.0\nGenerator: nx-lambda-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n'));
  const record = [...files].map(([p, d]) => `${p},sha256=${createHash('sha256').update(d).digest('base64url')},${d.length}`);
  files.set(`${dist}/RECORD`, Buffer.from(`${record.join('\n')}\n${dist}/RECORD,,\n`));
  const project = pkg.toLowerCase().replace(/[-_.]+/g, '-');
  const wheel = `${mod}-1.0.0-py3-none-any.whl`;
  await fsp.mkdir(path.join(indexDir, project), { recursive: true });
  const entries = [...files].map(([n, data]) => ({ name: n, type: 'file', data, executable: false, size: data.length }));
  await core.writeDeterministicZip(path.join(indexDir, project, wheel), entries);
  // pip reads a file:// index folder's index.html as the project page.
  await fsp.writeFile(path.join(indexDir, project, 'index.html'), `<!DOCTYPE html><html><body><a href="${wheel}">${wheel}</a></body></html>\n`);
}

/** `name@version#platform` back into a dependency (scoped npm names keep their leading @). */
function parseKey(key) {
  const hash = key.lastIndexOf('#');
  const at = key.lastIndexOf('@', hash);
  return { name: key.slice(0, at), version: key.slice(at + 1, hash), platform: key.slice(hash + 1), size: 0 };
}

/** Builds every distinct dependency once (batches never repeat a name) and returns the zip bytes. */
async function everyDependencyOnce(core, h, strategy, request, deps, exec) {
  const batches = [];
  for (const d of deps) {
    const free = batches.find((b) => !b.some((o) => o.name === d.name));
    if (free) free.push(d);
    else batches.push([d]);
  }
  let bytes = 0;
  for (const [i, batch] of batches.entries()) {
    const dir = await h.tmpdir(`${strategy.family}-once`);
    const stagingDir = path.join(dir, 'staging');
    const workDir = path.join(dir, 'work');
    await fsp.mkdir(stagingDir);
    await fsp.mkdir(workDir);
    const ctx = { request: { ...request, projectName: `once-${i}` }, stagingDir, workDir, cacheDir: path.join(dir, 'cache'), exec, warn: () => undefined, log: () => undefined };
    await strategy.buildLayer(ctx, batch);
    const { entries } = await core.collectTree(stagingDir);
    bytes += (await core.writeDeterministicZip(path.join(dir, 'once.zip'), entries, { level: request.compressionLevel })).zippedSize;
  }
  return bytes;
}

async function benchFamily(core, h, { family, runtime, ws, functions, options, exec }) {
  const strategy = core.strategyFor(family);
  const request = (fn, outDir, layers = []) => ({
    projectName: fn.name, projectRoot: fn.root, workspaceRoot: ws, family, runtime, handler: fn.handler, architecture: 'x86_64',
    outputPath: path.join(ws, 'dist', outDir, fn.root), include: [], exclude: [], allowSecrets: [], layers, limits: core.DEFAULT_LIMITS,
    compressionLevel: 6, options: options(fn),
  });
  const deps = { exec };
  let without = 0;
  for (const fn of functions) without += (await core.packageFunction(strategy, request(fn, 'plain'), deps)).manifest.zippedSize;

  const layerOut = path.join(ws, 'dist/layers', family);
  let planned;
  await h.time(`${family}: plan + build layers for ${functions.length} functions`, async () => {
    planned = await core.buildLayerProject(strategy, {
      project: `${family}-shared`, projectRoot: `layers/${family}`, workspaceRoot: ws, family, runtime, architecture: 'x86_64', outputPath: layerOut,
      functions: functions.map((fn) => request(fn, 'plain')), minLayerBytes: 64 * 1024, limits: core.DEFAULT_LIMITS, compressionLevel: 6,
    }, deps);
  }, { runs: 1 });
  let withLayers = 0;
  let withinLimits = true;
  for (const layer of planned.plan.layers) withLayers += JSON.parse(await fsp.readFile(path.join(layerOut, layer.name, 'manifest.json'), 'utf8')).zippedSize;
  for (const fn of functions) {
    const share = await core.readFunctionShare(layerOut, `${family}-shared`, fn.name);
    const { manifest } = await core.packageFunction(strategy, request(fn, 'layered', share), deps);
    withLayers += manifest.zippedSize;
    const unzipped = manifest.unzippedSize + share.reduce((s, l) => s + l.unzippedSize, 0);
    if (share.length > 5 || unzipped > 250 * MiB || manifest.zippedSize > 50 * MiB || manifest.warnings.length) withinLimits = false;
  }

  // Lower bound: each function's own code (all its dependencies supplied elsewhere) + every distinct dependency once.
  let lower = 0;
  const distinct = new Map();
  for (const fn of functions) {
    const share = planned.plan.functions[fn.name];
    const keys = [...Object.keys(share.supplied), ...share.kept.map((k) => k.key)];
    for (const k of keys) distinct.set(k, parseKey(k));
    const everything = [{ layer: 'everything', provides: keys.map(parseKey), unzippedSize: 0 }];
    lower += (await core.packageFunction(strategy, request(fn, 'code-only', everything), deps)).manifest.zippedSize;
  }
  lower += await everyDependencyOnce(core, h, strategy, request(functions[0], 'once'), [...distinct.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), exec ?? core.exec);

  h.report(`${family}: layers planned`, planned.plan.layers.length);
  h.report(`${family}: zip bytes without layers`, (without / MiB).toFixed(2), 'MiB');
  h.report(`${family}: zip bytes with layers (functions + layers)`, (withLayers / MiB).toFixed(2), 'MiB');
  h.report(`${family}: zip bytes lower bound (each dependency once)`, (lower / MiB).toFixed(2), 'MiB');
  h.report(`${family}: every function within Lambda's limits`, withinLimits ? 'yes' : 'NO');
  h.ratio(`${family}: with layers / without layers`, withLayers, without);
  h.ratio(`${family}: with layers / lower bound`, withLayers, lower, { max: 1.15 });
  return { without, withLayers, lower, withinLimits };
}

export default async function layersBench(h) {
  const require = createRequire(import.meta.url);
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));

  // node: one workspace, real npm packages pinned by its lockfile, functions that install a drawn set.
  const nodeWs = await h.tmpdir('layers-node');
  await writeFiles(nodeWs, { 'package.json': JSON.stringify({ name: 'layers-bench', private: true, dependencies: NPM_POOL }, null, 2) });
  await h.exec('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: nodeWs });
  const nodeFns = drawSets(Object.keys(NPM_POOL), 8).map((set, i) => ({ name: `n${String(i + 1).padStart(2, '0')}`, set, handler: 'src/handler.handler' }));
  for (const fn of nodeFns) {
    fn.root = `apps/${fn.name}`;
    await writeFiles(path.join(nodeWs, fn.root), { 'src/handler.ts': `export const handler = async () => ({ fn: '${fn.name}', uses: ${JSON.stringify(fn.set)} });\n` });
  }
  const node = await benchFamily(core, h, { family: 'node', runtime: 'nodejs20.x', ws: nodeWs, functions: nodeFns, options: (fn) => ({ format: 'cjs', nodeModules: fn.set }) });

  // python: wheels in a file:// PEP 503 tree, pip isolated from this machine's configuration.
  const pyWs = await h.tmpdir('layers-python');
  const indexDir = path.join(pyWs, '.index');
  for (const [pkg, bytes] of Object.entries(WHEEL_POOL)) await writePaddedWheel(core, indexDir, pkg, bytes);
  const pyFns = drawSets(Object.keys(WHEEL_POOL), 9).map((set, i) => ({ name: `p${String(i + 1).padStart(2, '0')}`, set, handler: 'app.handler' }));
  for (const fn of pyFns) {
    fn.root = `fns/${fn.name}`;
    await writeFiles(path.join(pyWs, fn.root), {
      'requirements.txt': `${fn.set.map((p) => `${p}==1.0.0`).join('\n')}\n`,
      'app.py': `def handler(event, context):\n    return {"fn": "${fn.name}"}\n`,
    });
  }
  const pipCache = path.join(pyWs, '.pip-cache');
  const exec = (req) => core.exec({ ...req, env: { ...req.env, PIP_CONFIG_FILE: '/dev/null', PIP_INDEX_URL: undefined, PIP_EXTRA_INDEX_URL: undefined, PIP_FIND_LINKS: undefined, PIP_CACHE_DIR: pipCache } });
  const python = await benchFamily(core, h, {
    family: 'python', runtime: 'python3.12', ws: pyWs, functions: pyFns, options: () => ({ indexUrl: pathToFileURL(indexDir).href }), exec,
  });

  const all = { without: node.without + python.without, withLayers: node.withLayers + python.withLayers, lower: node.lower + python.lower };
  h.report('all 40 functions: zip bytes without / with layers / lower bound',
    `${(all.without / MiB).toFixed(2)} / ${(all.withLayers / MiB).toFixed(2)} / ${(all.lower / MiB).toFixed(2)}`, 'MiB');
  h.ratio('all 40 functions: with layers / lower bound', all.withLayers, all.lower, { max: 1.15 });
}
