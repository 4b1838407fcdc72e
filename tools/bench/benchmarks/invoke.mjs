// Local invoke bench (issue 11): one event through invokeFunction (unzip function + layer, local
// Runtime API, our node bootstrap, one HTTP round trip) against the least a local run can do:
// `unzip` both zips and call the handler in a fresh `node -e`. Same zips, same event. The gap is
// what the Lambda-faithful path (Runtime API, env, sandbox) costs; bar: ours <= 2x. Python and
// Java are reported (no baseline) to show a cold start of each bootstrap.
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const name = 'invoke';

const zipOf = async (core, target, files) => {
  const entries = Object.entries(files).map(([n, text]) => {
    const data = Buffer.from(text);
    return { name: n, type: 'file', data, executable: false, size: data.length };
  });
  await core.writeDeterministicZip(target, entries);
  return target;
};

export default async function (h) {
  const require = createRequire(path.join(h.root, 'package.json'));
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));
  const dir = await h.tmpdir('invoke');
  const event = { order: 'o-1', items: Array.from({ length: 100 }, (_, i) => ({ sku: `s${i}`, qty: i })) };
  const nodeFn = await zipOf(core, path.join(dir, 'node-fn.zip'), {
    'index.js': "const total = require('totals');\nexports.handler = async (e) => ({ order: e.order, total: total(e.items) });\n",
  });
  const nodeLayer = await zipOf(core, path.join(dir, 'node-layer.zip'), {
    'nodejs/node_modules/totals/index.js': 'module.exports = (items) => items.reduce((s, i) => s + i.qty, 0);\n',
  });
  const pyFn = await zipOf(core, path.join(dir, 'py-fn.zip'), { 'app.py': 'import totals\n\ndef handler(e, c):\n    return {"order": e["order"], "total": totals.total(e["items"])}\n' });
  const pyLayer = await zipOf(core, path.join(dir, 'py-layer.zip'), { 'python/totals.py': 'def total(items):\n    return sum(i["qty"] for i in items)\n' });

  const invoke = async (req) => {
    const r = await core.invokeFunction({ ...req, event, timeoutMs: 30_000 });
    if (r.error || r.initError || r.response?.total !== 4950) throw new Error(`invoke failed: ${JSON.stringify(r.error ?? r.initError ?? r.response)}\n${r.logs}`);
    return r;
  };
  const nodeReq = { zipPath: nodeFn, layerZips: [nodeLayer], family: 'node', runtime: 'nodejs20.x', handler: 'index.handler' };
  await invoke(nodeReq); // warm the page cache and the interpreter probe, as a second run would
  const ours = await h.time('invoke node (invokeFunction)', () => invoke(nodeReq), { runs: 5 });

  const eventFile = path.join(dir, 'event.json');
  await fsp.writeFile(eventFile, JSON.stringify(event));
  const baseline = await h.time('unzip + node -e handler(event)', async () => {
    const run = path.join(dir, `run-${Date.now()}`);
    await fsp.mkdir(run);
    await h.exec('unzip', ['-q', nodeFn, '-d', path.join(run, 'task')]);
    await h.exec('unzip', ['-q', nodeLayer, '-d', path.join(run, 'opt')]);
    await h.exec(process.execPath, ['-e', `require(${JSON.stringify(path.join(run, 'task/index.js'))}).handler(require(${JSON.stringify(eventFile)})).then((r) => console.log(JSON.stringify(r)))`], {
      cwd: run, env: { ...process.env, NODE_PATH: path.join(run, 'opt/nodejs/node_modules') },
    });
    await fsp.rm(run, { recursive: true, force: true });
  }, { runs: 5 });
  h.ratio('invoke node vs unzip + node -e', ours.median, baseline.median, { max: 2 });

  const last = await invoke(nodeReq);
  h.report('invoke node: init (spawn to first /next)', last.initDurationMs, 'ms');
  h.report('invoke node: duration (event to response)', last.durationMs, 'ms');
  h.report('invoke node: peak RSS', Math.round(last.peakRssKb / 1024), 'MiB');

  const pyReq = { zipPath: pyFn, layerZips: [pyLayer], family: 'python', runtime: 'python3.12', handler: 'app.handler' };
  await invoke(pyReq);
  await h.time('invoke python (invokeFunction)', () => invoke(pyReq), { runs: 3 });
}
