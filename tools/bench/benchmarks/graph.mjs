// Project graph bench: what the plugin's createNodes and createDependencies add to every Nx command in
// a big monorepo, and whether it grows faster than the number of functions. Workspaces of 12, 32 and 60
// functions over all seven runtimes (the mix of a real monorepo: half Node.js), 9 shared libraries that
// the functions reference (pyproject path sources, -r includes, Gemfile path gems, go.mod replace +
// go.work, csproj references, Maven dependencies, TypeScript paths) and 2 layers. Written as files (the
// graph reads manifests only; no toolchain runs). Measured in the same run:
// - `nx show projects` with the plugin against the same workspace with the plugin removed from nx.json
//   (every folder keeps its project.json, so Nx sees the same projects), in turns: the ratio at each size
//   (most of the difference is Nx starting a plugin worker process, a fixed cost);
// - the hooks themselves, in a fresh process each run as an Nx plugin worker calls them: createNodes
//   and createDependencies of the built plugin, per function at each size, and the 60-function cost per
//   function over the 12-function one (at most about 1 when the work grows linearly; below 1 while fixed
//   costs such as loading the plugin dominate).
// No bars: the machine's load moves both sides, and the per-function figures are for reading trends.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export const name = 'graph';

const SIZES = [10, 30, 60];
/** Share of each runtime among the functions (30 Node.js, 10 Python, 5 Ruby, 5 Go, 4 Java, 3 .NET, 3 PowerShell of 60). */
const MIX = [['node', 30], ['python', 10], ['ruby', 5], ['go', 5], ['java', 4], ['dotnet', 3], ['powershell', 3]];
const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_VERSION_CHECK: 'true' };

const json = (v) => `${JSON.stringify(v, null, 2)}\n`;

/** The functions of a workspace of `count`: each runtime gets its share, at least one. */
function functionsOf(count) {
  return MIX.flatMap(([family, of60]) => Array.from({ length: Math.max(1, Math.round((of60 * count) / 60)) }, (_, i) => ({ family, name: `${family}-${String(i + 1).padStart(2, '0')}` })));
}

const LIBRARIES = {
  'libs/node-a/src/index.ts': 'export const a = () => "a";\n',
  'libs/node-b/src/index.ts': 'export const b = () => "b";\n',
  'libs/py-a/pyproject.toml': '[project]\nname = "py-a"\nversion = "0.1.0"\n[tool.uv.sources]\npy-b = { path = "../py-b" }\n',
  'libs/py-b/pyproject.toml': '[project]\nname = "py-b"\nversion = "0.1.0"\n',
  'libs/py-common/requirements.txt': '-e ../py-b\n',
  'libs/ruby-lib/ruby-lib.gemspec': 'Gem::Specification.new { |s| s.name = "ruby-lib" }\n',
  'libs/go-lib/go.mod': 'module example.com/go-lib\n\ngo 1.22\n',
  'libs/java-lib/pom.xml': '<project><groupId>com.example</groupId><artifactId>java-lib</artifactId><version>1</version></project>\n',
  'libs/dotnet-lib/DotnetLib.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
};

/** One function's files: its marker, project.json and the manifest that references a library. */
function functionFiles({ family, name }, i) {
  const root = `functions/${name}`;
  const marker = {
    node: { runtime: 'nodejs22.x', handler: 'src/handler.handler' },
    python: { runtime: 'python3.12', handler: 'app.handler' },
    ruby: { runtime: 'ruby3.3', handler: 'app.handler' },
    go: { runtime: 'provided.al2023', handler: 'bootstrap' },
    java: { runtime: 'java21', handler: 'com.example.Handler::handleRequest' },
    dotnet: { runtime: 'dotnet8', handler: 'Fn::Fn.Function::Handler' },
    powershell: { runtime: 'provided.al2023', handler: 'handler.ps1::handler' },
  }[family];
  const files = { [`${root}/lambda.json`]: json(marker), [`${root}/project.json`]: json({ name }) };
  const add = (rel, text) => { files[`${root}/${rel}`] = text; };
  if (family === 'node') add('src/handler.ts', `import { ${i % 2 ? 'a' : 'b'} } from '@bench/node-${i % 2 ? 'a' : 'b'}';\nexport const handler = async () => ${i % 2 ? 'a' : 'b'}();\n`);
  if (family === 'python') {
    add('app.py', 'def handler(event, context):\n    return 1\n');
    add('pyproject.toml', `[project]\nname = "${name}"\nversion = "0.1.0"\ndependencies = ["py-a"]\n[tool.uv.sources]\npy-a = { path = "../../libs/py-a" }\n`);
    add('requirements.txt', '-r ../../libs/py-common/requirements.txt\n');
  }
  if (family === 'ruby') add('Gemfile', "source 'https://rubygems.org'\ngem 'ruby-lib', path: '../../libs/ruby-lib'\n");
  if (family === 'go') add('go.mod', `module example.com/${name}\n\ngo 1.22\n\nrequire example.com/go-lib v0.0.0\n\nreplace example.com/go-lib => ../../libs/go-lib\n`);
  if (family === 'java') add('pom.xml', `<project><groupId>com.example</groupId><artifactId>${name}</artifactId><dependencies><dependency><groupId>com.example</groupId><artifactId>java-lib</artifactId></dependency></dependencies></project>\n`);
  if (family === 'dotnet') add('Fn.csproj', '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><ProjectReference Include="..\\..\\libs\\dotnet-lib\\DotnetLib.csproj" /></ItemGroup></Project>\n');
  if (family === 'powershell') add('handler.ps1', 'function handler($LambdaInput, $LambdaContext) { 1 }\n');
  return files;
}

async function writeWorkspace(h, count) {
  const ws = await h.tmpdir(`graph-${count}`);
  const fns = functionsOf(count);
  const files = {
    'package.json': json({ name: `graph-bench-${count}`, private: true }),
    'tsconfig.base.json': json({ compilerOptions: { paths: { '@bench/node-a': ['libs/node-a/src/index.ts'], '@bench/node-b': ['libs/node-b/src/index.ts'] } } }),
    'go.work': `go 1.22\n\nuse (\n${fns.filter((f) => f.family === 'go').map((f) => `\t./functions/${f.name}\n`).join('')}\t./libs/go-lib\n)\n`,
    'layers/node-deps/lambda-layer.json': json({ family: 'node', runtime: 'nodejs22.x' }),
    'layers/node-deps/project.json': json({ name: 'node-deps' }),
    'layers/py-deps/lambda-layer.json': json({ family: 'python', runtime: 'python3.12' }),
    'layers/py-deps/project.json': json({ name: 'py-deps' }),
    ...LIBRARIES,
  };
  for (const lib of new Set(Object.keys(LIBRARIES).map((f) => f.split('/').slice(0, 2).join('/')))) files[`${lib}/project.json`] = json({ name: path.posix.basename(lib) });
  fns.forEach((fn, i) => Object.assign(files, functionFiles(fn, i)));
  for (const [rel, text] of Object.entries(files)) {
    await fsp.mkdir(path.dirname(path.join(ws, rel)), { recursive: true });
    await fsp.writeFile(path.join(ws, rel), text);
  }
  await fsp.symlink(path.join(h.root, 'node_modules'), path.join(ws, 'node_modules'));
  return { ws, functions: fns.length };
}

const nxJson = (plugins) => json({ analytics: false, neverConnectToCloud: true, plugins, namedInputs: { default: ['{projectRoot}/**/*'], production: ['default'] } });

/** A child process that loads the built plugin and calls its hooks once on `ws`, as a plugin worker does; prints their times. */
const HOOKS_SCRIPT = `
const fs = require('node:fs'), path = require('node:path');
const [ws, pluginPath] = process.argv.slice(1);
const plugin = require(pluginPath);
const markers = [];
const walk = (rel) => { for (const e of fs.readdirSync(path.join(ws, rel), { withFileTypes: true })) {
  if (e.name === 'node_modules' || e.name === '.nx') continue;
  const r = rel ? rel + '/' + e.name : e.name;
  if (e.isDirectory()) walk(r); else if (e.name === 'lambda.json' || e.name === 'lambda-layer.json') markers.push(r);
} };
walk('');
(async () => {
  const nxJson = { namedInputs: { production: ['default'] } };
  let t = process.hrtime.bigint();
  const results = await plugin.createNodesV2[1](markers, {}, { workspaceRoot: ws, nxJsonConfiguration: nxJson });
  const nodes = Number(process.hrtime.bigint() - t) / 1e6;
  const projects = {};
  for (const dir of ['libs', 'layers']) for (const p of fs.readdirSync(path.join(ws, dir))) projects[p] = { root: dir + '/' + p, tags: [] };
  for (const [, r] of results) for (const [root, p] of Object.entries(r.projects)) projects[p.name] = { root, tags: p.tags, targets: p.targets };
  t = process.hrtime.bigint();
  const deps = await plugin.createDependencies({}, { workspaceRoot: ws, projects, nxJsonConfiguration: nxJson, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } });
  const dependencies = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(JSON.stringify({ nodes, dependencies, edges: deps.length }));
})();
`;

export default async function (h) {
  const pluginPath = path.join(h.root, 'packages', 'plugin', 'dist', 'index.js');
  const nx = path.join(h.root, 'node_modules', '.bin', 'nx');
  const perFunction = {};
  for (const count of SIZES) {
    const { ws, functions } = await writeWorkspace(h, count);
    console.log(`  ${functions} functions:`);
    // Without and with the plugin in turns, so a change of the machine's load falls on both sides.
    const times = { without: [], with: [] };
    const showProjects = async (side, plugins, timed) => {
      await fsp.writeFile(path.join(ws, 'nx.json'), nxJson(plugins));
      const start = process.hrtime.bigint();
      await h.exec(process.execPath, [nx, 'show', 'projects'], { cwd: ws, env: NX_ENV });
      if (timed) times[side].push(Number(process.hrtime.bigint() - start) / 1e6);
    };
    for (let run = 0; run <= 5; run++) {
      await showProjects('without', [], run > 0); // run 0 untimed: page cache, Nx's first start
      await showProjects('with', ['@nx-lambda/plugin'], run > 0);
    }
    const [without, withPlugin] = [h.median(times.without), h.median(times.with)];
    h.report(`${functions} functions: nx show projects without the plugin (median of 5)`, without.toFixed(0), 'ms');
    h.report(`${functions} functions: nx show projects with the plugin (median of 5)`, withPlugin.toFixed(0), 'ms');
    h.ratio(`${functions} functions: nx show projects, with / without the plugin`, withPlugin, without);
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(JSON.parse((await h.exec(process.execPath, ['-e', HOOKS_SCRIPT, ws, pluginPath], { cwd: ws })).stdout));
    const nodes = h.median(runs.map((r) => r.nodes));
    const dependencies = h.median(runs.map((r) => r.dependencies));
    h.report(`${functions} functions: createNodes (fresh process, median of 5)`, nodes.toFixed(1), 'ms');
    h.report(`${functions} functions: createDependencies (fresh process, median of 5; ${runs[0].edges} edges)`, dependencies.toFixed(1), 'ms');
    perFunction[count] = { nodes: nodes / functions, dependencies: dependencies / functions, functions };
  }
  const [small, big] = [perFunction[SIZES[0]], perFunction[SIZES[SIZES.length - 1]]];
  h.ratio(`createNodes per function, ${big.functions} / ${small.functions} functions (<= 1: at most linear)`, big.nodes, small.nodes);
  h.ratio(`createDependencies per function, ${big.functions} / ${small.functions} functions (<= 1: at most linear)`, big.dependencies, small.dependencies);
}
