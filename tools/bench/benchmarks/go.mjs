// Go packaging bench (issue 5): examples/go-hello (stdlib Runtime API loop + a workspace module by
// replace) packaged by GoStrategy (go build for linux/amd64 + deterministic zip + checks) against
// plain `go build` with the same flags and build cache, then `zip`. Same run, warm caches; bar 1.1x.
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const name = 'go';

const GO_FLAGS = ['-tags', 'lambda.norpc', '-trimpath', '-buildvcs=false', '-ldflags', '-s -w -buildid=', '-modcacherw'];

export default async function (h) {
  const require = createRequire(path.join(h.root, 'package.json'));
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));
  const ws = await h.tmpdir('go-ws');
  await fsp.cp(path.join(h.root, 'examples/go-hello'), path.join(ws, 'go-hello'), { recursive: true });
  await fsp.cp(path.join(h.root, 'examples/libs/go-greeting'), path.join(ws, 'libs/go-greeting'), { recursive: true });
  const cache = core.familyCacheDir(ws, 'go');
  // No module downloads here (stdlib + replace); keep go from reaching for a proxy.
  const env = { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0', GOCACHE: path.join(cache, 'build'), GOMODCACHE: path.join(cache, 'mod'), GOPROXY: 'off' };
  process.env.GOPROXY = 'off';

  let n = 0;
  const ours = () => core.packageFunction(core.strategyFor('go'), {
    projectName: 'go-hello', projectRoot: 'go-hello', workspaceRoot: ws, family: 'go', runtime: 'provided.al2023', handler: 'bootstrap',
    architecture: 'x86_64', outputPath: path.join(ws, 'dist', `ours-${n++}`), include: [], exclude: [], allowSecrets: [], layers: [],
    limits: core.DEFAULT_LIMITS, compressionLevel: 6, options: {},
  });
  const plain = async () => {
    const out = await h.tmpdir('go-plain');
    await h.exec('go', ['build', '-o', path.join(out, 'bootstrap'), ...GO_FLAGS, '.'], { cwd: path.join(ws, 'go-hello'), env: { ...process.env, ...env } });
    await h.exec('zip', ['-q', '-X', '-j', path.join(out, 'function.zip'), path.join(out, 'bootstrap')], { cwd: out, env: process.env });
  };

  const first = await ours(); // warms the build cache both sides share
  await plain();
  h.report('go: zip size', first.manifest.zippedSize, 'bytes');
  h.report('go: bootstrap size', first.manifest.unzippedSize, 'bytes');
  const oursT = await h.time('go: ours (GoStrategy)', ours, { runs: 5 });
  const plainT = await h.time('go: go build + zip', plain, { runs: 5 });
  h.ratio('go: ours / plain', oursT.median, plainT.median, { max: 1.1 });
}
