// C# packaging bench (issue 7): the with-deps fixture (a net8.0 function with a workspace
// library by ProjectReference and AWSSDK.S3 from NuGet) packaged by DotnetStrategy, compared in
// the same run with doing it by hand: `dotnet publish` into a folder + `zip -r`. Both are warmed
// once (restore, first compile), as a developer's repeated package runs are: ours keeps bin/obj
// in .nx/nx-lambda/dotnet/artifacts, by hand keeps them in the project's own bin/ and obj/.
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const name = 'dotnet';

const FN = 'functions/hello';

export default async function (h) {
  const require = createRequire(import.meta.url);
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));
  const ws = await h.tmpdir('dotnet-bench');
  await fsp.cp(path.join(h.root, 'packages/core/src/runtimes/dotnet/fixtures/with-deps'), ws, { recursive: true });

  const request = {
    projectName: 'hello', projectRoot: FN, workspaceRoot: ws, family: 'dotnet', runtime: 'dotnet8', handler: 'Hello::Hello.Function::Handler',
    architecture: 'x86_64', outputPath: path.join(ws, 'dist/ours'), include: [], exclude: [], allowSecrets: [], layers: [],
    limits: core.DEFAULT_LIMITS, compressionLevel: 6, options: {},
  };
  const stage = path.join(ws, 'dist/by-hand/publish');
  const byHandOnce = async () => {
    await fsp.rm(path.join(ws, 'dist/by-hand'), { recursive: true, force: true });
    await h.exec('dotnet', ['publish', path.join(ws, FN, 'Hello.csproj'), '-nologo', '-c', 'Release', '-r', 'linux-x64', '--self-contained', 'false',
      '-p:GenerateRuntimeConfigurationFiles=true', '-o', stage], { cwd: path.join(ws, FN) });
    await h.exec('zip', ['-r', '-X', '-q', '../function.zip', '.'], { cwd: stage });
  };
  await core.packageFunction(core.strategyFor('dotnet'), request);
  await byHandOnce();

  const ours = await h.time('nx-lambda dotnet package (warm)', () => core.packageFunction(core.strategyFor('dotnet'), request));
  const byHand = await h.time('dotnet publish + zip -r (warm)', byHandOnce);

  const zip = await fsp.stat(path.join(ws, 'dist/ours/function.zip'));
  h.report('function.zip (ours)', zip.size, 'bytes');
  h.ratio('nx-lambda / by hand', ours.median, byHand.median, { max: 1.1 });
}
