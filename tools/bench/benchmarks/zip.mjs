// Zip engine bench (issue 2): our writer (collectTree + writeDeterministicZip, in a child node
// process so its peak RSS is its own) against Info-ZIP `zip -q -r -X -6` over the same
// node_modules tree (~127 MiB, ~21,000 files), same run. Bars: wall ratio ours/zip <= 1.0,
// our peak RSS <= 128 MiB. The tree is installed from the npm registry once and cached in
// os.tmpdir() under a key naming its packages.
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const name = 'zip';

const PACKAGES = ['aws-sdk@2', 'lodash@4', 'moment@2', 'date-fns@4', 'lodash-es@4', 'rxjs@7', 'core-js@3', '@babel/runtime@7', 'core-js-pure@3', 'ramda@0'];
const RSS_BAR_MIB = 128;

async function benchTree(h) {
  const key = createHash('sha256').update(PACKAGES.join(' ')).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), 'nxl-bench-cache', `zip-tree-${key}`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  const partial = `${dir}.partial`;
  await fsp.rm(partial, { recursive: true, force: true });
  await fsp.mkdir(partial, { recursive: true });
  await fsp.writeFile(path.join(partial, 'package.json'), '{ "name": "zip-bench-tree", "private": true }\n');
  console.log(`  installing the bench tree (${PACKAGES.join(' ')}) into ${dir}`);
  await h.exec('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', ...PACKAGES], { cwd: partial });
  await fsp.writeFile(path.join(partial, '.complete'), `${PACKAGES.join(' ')}\n`);
  await fsp.rename(partial, dir);
  return dir;
}

async function treeStats(dir) {
  let files = 0;
  let bytes = 0;
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += (await fsp.stat(path.join(e.parentPath ?? e.path, e.name))).size;
  }
  return { files, bytes };
}

/** The child process that runs our writer: the archive modules of the built core, nothing else. */
function childSource(root) {
  const dist = path.join(root, 'packages/core/dist/archive');
  return `
const { collectTree } = require(${JSON.stringify(path.join(dist, 'collect-tree.js'))});
const { writeDeterministicZip } = require(${JSON.stringify(path.join(dist, 'zip-writer.js'))});
(async () => {
  const [src, target] = process.argv.slice(2);
  const { entries } = await collectTree(src);
  const r = await writeDeterministicZip(target, entries, { level: 6 });
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ zippedSize: r.zippedSize, fileCount: r.fileCount, codeSha256: r.codeSha256, maxRssKiB: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 }));
})().catch((e) => { console.error(e.message); process.exit(1); });
`;
}

export default async function (h) {
  const cache = await benchTree(h);
  const src = path.join(cache, 'node_modules');
  const stats = await treeStats(src);
  h.report('bench tree size', stats.bytes / 1024 / 1024, 'MiB');
  h.report('bench tree files', stats.files, 'files');

  const work = await h.tmpdir('zip');
  const child = path.join(work, 'ours.cjs');
  await fsp.writeFile(child, childSource(h.root));
  const ourZip = path.join(work, 'ours.zip');
  const infoZip = path.join(work, 'info-zip.zip');

  const peaks = [];
  // CPU time (user + sys) next to wall time: the machine may be loaded by other jobs, and CPU
  // time says what the wall-time ratio would be without them.
  const oursCpu = [];
  const zipCpu = [];
  const shas = new Set();
  const ours = async () => {
    const { stdout } = await h.exec(process.execPath, [child, src, ourZip], { cwd: work });
    const r = JSON.parse(stdout);
    peaks.push(r.maxRssKiB);
    oursCpu.push(r.cpuMs);
    shas.add(r.codeSha256);
    return r;
  };
  const zipPeaks = [];
  const info = async () => {
    await fsp.rm(infoZip, { force: true }); // zip updates an existing archive instead of replacing it
    const { stderr } = await h.exec('/usr/bin/time', ['-f', 'maxrss=%M cpu=%U+%S', 'zip', '-q', '-r', '-X', '-6', infoZip, 'node_modules'], { cwd: cache });
    zipPeaks.push(Number(/maxrss=(\d+)/.exec(stderr)[1]));
    const [, user, sys] = /cpu=([\d.]+)\+([\d.]+)/.exec(stderr);
    zipCpu.push((Number(user) + Number(sys)) * 1000);
  };

  // One untimed run of each: page cache warm for both, and the first result checked.
  const first = await ours();
  await info();
  await h.exec('unzip', ['-tq', ourZip]);

  const zipT = await h.time('Info-ZIP zip -q -r -X -6', info);
  const oursT = await h.time('ours: collectTree + writeDeterministicZip (child node)', ours);
  h.ratio('wall time ours / Info-ZIP', oursT.median, zipT.median, { max: 1.0 });
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  h.report('ours: CPU time user+sys (median of all runs)', median(oursCpu), 'ms');
  h.report('Info-ZIP: CPU time user+sys (median of all runs)', median(zipCpu), 'ms');
  h.report('CPU time ours / Info-ZIP (information, no bar)', Number((median(oursCpu) / median(zipCpu)).toFixed(2)), '');

  const peakMiB = Math.max(...peaks) / 1024;
  h.report('ours: peak RSS (max of runs)', peakMiB, 'MiB');
  h.report('Info-ZIP: peak RSS', Math.max(...zipPeaks) / 1024, 'MiB');
  h.ratio(`ours peak RSS / ${RSS_BAR_MIB} MiB`, peakMiB, RSS_BAR_MIB, { max: 1.0 });
  h.report('ours: zip size', first.zippedSize / 1024 / 1024, 'MiB');
  h.report('Info-ZIP: zip size', (await fsp.stat(infoZip)).size / 1024 / 1024, 'MiB');
  h.report('ours: same CodeSha256 on every run', shas.size === 1 ? 'yes' : `no (${shas.size} values)`);
  if (shas.size !== 1) throw new Error('the writer produced different bytes across runs');
}
