// Deploy bench (issue 9): 20 functions sharing one layer, deployed with the real SDK to the
// loopback Lambda API. Compares a no-op redeploy (reads only, skipped by CodeSha256) with the
// first deploy, and a one-function change with a full redeploy; reports write calls.
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const name = 'deploy';
const COUNT = 20;
const ROLE = 'arn:aws:iam::123456789012:role/bench';

export default async function (h) {
  const require = createRequire(import.meta.url);
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));
  const { startLambdaApi } = await import(path.join(h.root, 'tools/lambda-api/server.mjs'));
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDBENCH';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  process.env.AWS_REGION ??= 'us-east-1';

  const dir = await h.tmpdir('deploy');
  const layerDir = path.join(dir, 'layer');
  await writeArtifact(core, layerDir, 'layer.zip', { 'nodejs/node_modules/dep/index.js': 'module.exports = 1;' }, (z) => ({
    name: 'bench-deps', codeSha256: z.codeSha256, sha256: z.sha256, zippedSize: z.zippedSize, compatibleRuntimes: ['nodejs22.x'], compatibleArchitectures: ['x86_64'],
  }));
  const specs = [];
  for (let i = 0; i < COUNT; i++) {
    const fn = `bench-fn-${i}`;
    const fnDir = path.join(dir, fn);
    await writeFunction(core, fnDir, fn, `exports.handler = async () => ${i};`);
    specs.push({ artifactDir: fnDir, role: ROLE, layerArtifactDirs: { 'bench-deps': layerDir } });
  }

  let api;
  const options = () => ({ endpoint: api.endpoint, waiter: { minDelaySeconds: 0.05, maxWaitSeconds: 60 } });
  const first = await h.time('first deploy (create 20 + 1 layer)', async () => {
    api = await startLambdaApi({ updateDelayMs: 50 });
    const r = await core.deployFunctions(specs, options());
    if (!r.ok) throw new Error(r.report);
  }, { runs: 1 });
  api.resetCounts();
  const noop = await h.time('no-op redeploy (20 unchanged)', async () => {
    const r = await core.deployFunctions(specs, options());
    if (!r.ok) throw new Error(r.report);
  }, { runs: 3 });
  h.report('write calls in 3 no-op redeploys', api.writeCalls(), 'calls');
  h.ratio('no-op redeploy / first deploy', noop.median, first.median, { max: 0.5 });

  await writeFunction(core, specs[0].artifactDir, 'bench-fn-0', 'exports.handler = async () => "changed";');
  api.resetCounts();
  await h.time('redeploy after one function changed', async () => {
    const r = await core.deployFunctions(specs, options());
    if (!r.ok) throw new Error(r.report);
  }, { runs: 1 });
  h.report('UpdateFunctionCode calls after one change', api.counts.UpdateFunctionCode ?? 0, 'calls');
  h.report('write calls after one change', api.writeCalls(), 'calls');
  await api.close();
}

async function writeFunction(core, dir, fn, code) {
  await writeArtifact(core, dir, 'function.zip', { 'index.js': code }, (z) => ({
    name: fn, family: 'node', runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'x86_64', codeSha256: z.codeSha256,
    sha256: z.sha256, zippedSize: z.zippedSize, unzippedSize: z.unzippedSize, fileCount: z.fileCount, dependencies: [],
    layers: ['bench-deps'], toolchain: {}, warnings: [], excluded: [],
  }));
}

async function writeArtifact(core, dir, zipName, files, manifest) {
  await fsp.mkdir(dir, { recursive: true });
  const entries = Object.entries(files).map(([n, c]) => ({ name: n, type: 'file', data: Buffer.from(c), executable: false, size: Buffer.byteLength(c) }));
  const z = await core.writeDeterministicZip(path.join(dir, zipName), entries);
  await fsp.writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest(z), null, 2)}\n`);
}
