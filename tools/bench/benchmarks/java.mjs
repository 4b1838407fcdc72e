// Java packaging bench (issue 6): the with-deps fixture (a function module using gson and a
// workspace library, under an aggregator pom) packaged by JavaStrategy, compared in the same run
// with doing it by hand: `mvn package dependency:copy-dependencies` + copying classes and jars +
// `zip -r`. Both start from a clean tree each run. Maven Central is unreachable here, so both use
// a settings.xml that mirrors everything to Debian's /usr/share/maven-repo.
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const name = 'java';

const FN = 'functions/hello';

export default async function (h) {
  const require = createRequire(import.meta.url);
  const core = require(path.join(h.root, 'packages/core/dist/index.js'));
  const ws = await h.tmpdir('java-bench');
  await fsp.cp(path.join(h.root, 'packages/core/src/runtimes/java/fixtures/with-deps'), ws, { recursive: true });
  const m2 = path.join(await h.tmpdir('java-bench-m2'), 'repository');
  const settings = path.join(ws, 'settings.xml');
  await fsp.writeFile(settings, `<settings><localRepository>${m2}</localRepository><mirrors><mirror><id>debian</id><mirrorOf>*</mirrorOf><url>file:///usr/share/maven-repo</url></mirror></mirrors></settings>\n`);
  const clean = () => Promise.all(['target', 'libs/greeting/target', `${FN}/target`].map((d) => fsp.rm(path.join(ws, d), { recursive: true, force: true })));

  const request = {
    projectName: 'hello', projectRoot: FN, workspaceRoot: ws, family: 'java', runtime: 'java21', handler: 'com.example.Handler::handleRequest',
    architecture: 'x86_64', outputPath: path.join(ws, 'dist/ours'), include: [], exclude: [], allowSecrets: [], layers: [],
    limits: core.DEFAULT_LIMITS, compressionLevel: 6, options: { settingsFile: settings },
  };
  // Warm the local repository once so neither side pays for the first copy from the mirror.
  await core.packageFunction(core.strategyFor('java'), request);

  const ours = await h.time('nx-lambda java package (clean build)', async () => {
    await clean();
    await core.packageFunction(core.strategyFor('java'), request);
  });

  const byHand = await h.time('mvn package dependency:copy-dependencies + zip -r (clean build)', async () => {
    await clean();
    await h.exec('mvn', ['-B', '-s', settings, '-pl', FN, '-am', '-DskipTests', '-Dproject.build.outputTimestamp=2000-01-01T00:00:00Z',
      'package', 'dependency:copy-dependencies', '-DincludeScope=runtime'], { cwd: ws });
    const stage = path.join(ws, 'dist/by-hand');
    await fsp.rm(stage, { recursive: true, force: true });
    await fsp.cp(path.join(ws, FN, 'target/classes'), stage, { recursive: true });
    await fsp.cp(path.join(ws, FN, 'target/dependency'), path.join(stage, 'lib'), { recursive: true });
    await h.exec('zip', ['-r', '-X', '-q', '../function.zip', '.'], { cwd: stage });
  });

  const zip = await fsp.stat(path.join(ws, 'dist/ours/function.zip'));
  h.report('function.zip (ours)', zip.size, 'bytes');
  h.ratio('nx-lambda / by hand', ours.median, byHand.median, { max: 1.1 });
}
