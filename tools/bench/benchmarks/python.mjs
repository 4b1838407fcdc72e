// Python packaging bench (issue 4): one function with 10 wheels from a local PEP 503 index,
// packaged by PythonStrategy (pip for Lambda's platform + deterministic zip) against the same done
// by hand the way aws-lambda-builders does it: `pip install --target` + `zip -r`. Same run, same
// index, same warm pip cache, same platform flags; bar: ours <= 1.2x.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

export const name = 'python';

const WHEELS = 10;
const MODULES_PER_WHEEL = 12;

const moduleSource = (pkg, i) => `"""${pkg} module ${i}."""\n\n` +
  Array.from({ length: 40 }, (_, j) => `def f${j}(x):\n    return x * ${j} + ${i}  # ${'pad '.repeat(8)}\n`).join('\n');

async function writeWheel(core, dir, pkg, version) {
  const dist = `${pkg}-${version}.dist-info`;
  const files = new Map();
  files.set(`${pkg}/__init__.py`, Buffer.from(`VERSION = "${version}"\n`));
  for (let i = 0; i < MODULES_PER_WHEEL; i++) files.set(`${pkg}/m${i}.py`, Buffer.from(moduleSource(pkg, i)));
  files.set(`${dist}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n`));
  files.set(`${dist}/WHEEL`, Buffer.from('Wheel-Version: 1.0\nGenerator: nx-lambda-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n'));
  const record = [...files].map(([p, d]) => `${p},sha256=${createHash('sha256').update(d).digest('base64url')},${d.length}`);
  files.set(`${dist}/RECORD`, Buffer.from(`${record.join('\n')}\n${dist}/RECORD,,\n`));
  const entries = [...files].map(([n, data]) => ({ name: n, type: 'file', data, executable: false, size: data.length }));
  await core.writeDeterministicZip(path.join(dir, `${pkg}-${version}-py3-none-any.whl`), entries);
}

/** PEP 503 simple index over `dir` on 127.0.0.1. */
async function serveIndex(dir) {
  const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.whl'));
  const server = http.createServer(async (req, res) => {
    const parts = req.url.split('/').filter(Boolean);
    if (parts[0] === 'simple' && parts.length === 2) {
      const mine = files.filter((f) => f.split('-')[0].replace(/_/g, '-') === parts[1]);
      res.writeHead(mine.length ? 200 : 404, { 'content-type': 'text/html' });
      res.end(mine.map((f) => `<a href="/files/${f}">${f}</a>`).join('\n'));
    } else if (parts[0] === 'files' && files.includes(parts[1])) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(await fsp.readFile(path.join(dir, parts[1])));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/simple/`, close: () => new Promise((r) => server.close(r)) };
}

export default async function (h) {
  const require = createRequire(path.join(h.root, 'package.json'));
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));
  const indexDir = await h.tmpdir('py-index');
  const pkgs = Array.from({ length: WHEELS }, (_, i) => `benchpkg${i}`);
  for (const pkg of pkgs) await writeWheel(core, indexDir, pkg, '1.0.0');
  const index = await serveIndex(indexDir);
  try {
    const ws = await h.tmpdir('py-ws');
    await fsp.mkdir(path.join(ws, 'fn'), { recursive: true });
    await fsp.writeFile(path.join(ws, 'fn/app.py'), `import ${pkgs.join(', ')}\n\ndef handler(event, context):\n    return {"ok": True}\n`);
    await fsp.writeFile(path.join(ws, 'fn/requirements.txt'), pkgs.map((p) => `${p}==1.0.0`).join('\n') + '\n');
    // Both sides: pip isolated from this machine's config, one shared cache warmed before timing.
    const cache = await h.tmpdir('py-pip-cache');
    const pipEnv = { ...process.env, PIP_CONFIG_FILE: os.devnull, PIP_CACHE_DIR: cache, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    delete pipEnv.PIP_FIND_LINKS;
    delete pipEnv.PIP_INDEX_URL;
    const exec = (req) => core.exec({ ...req, env: { ...req.env, PIP_CONFIG_FILE: os.devnull, PIP_CACHE_DIR: cache, PIP_FIND_LINKS: undefined, PIP_INDEX_URL: undefined } });
    let n = 0;
    const ours = async () => {
      const request = {
        projectName: 'fn', projectRoot: 'fn', workspaceRoot: ws, family: 'python', runtime: 'python3.12', handler: 'app.handler', architecture: 'x86_64',
        outputPath: path.join(ws, 'dist', `ours-${n++}`), include: [], exclude: [], allowSecrets: [], layers: [], limits: core.DEFAULT_LIMITS,
        compressionLevel: 6, options: { indexUrl: index.url },
      };
      return core.packageFunction(core.RUNTIMES.python, request, { exec });
    };
    const byHand = async () => {
      const target = await h.tmpdir('py-by-hand');
      await fsp.copyFile(path.join(ws, 'fn/app.py'), path.join(target, 'app.py'));
      const platform = ['--platform', 'manylinux2014_x86_64', '--implementation', 'cp', '--python-version', '3.12', '--only-binary=:all:'];
      await h.exec('python3', ['-m', 'pip', 'install', '--target', target, '--no-compile', ...platform, '--index-url', index.url, '-r', path.join(ws, 'fn/requirements.txt')], { cwd: ws, env: pipEnv });
      await h.exec('zip', ['-r', '-q', '-X', path.join(target, '..', `${path.basename(target)}.zip`), '.'], { cwd: target, env: pipEnv });
    };
    const first = await ours(); // warms the pip cache for both sides
    await byHand();
    h.report('python: zip size (10 wheels)', first.manifest.zippedSize, 'bytes');
    h.report('python: files in zip', first.manifest.fileCount, 'files');
    const oursT = await h.time('python: ours (PythonStrategy, 10 wheels)', ours, { runs: 5 });
    const handT = await h.time('python: pip install --target + zip -r', byHand, { runs: 5 });
    h.ratio('python: ours / by hand', oursT.median, handT.median, { max: 1.2 });
  } finally {
    await index.close();
  }
}
