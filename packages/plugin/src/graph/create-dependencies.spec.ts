import { describe, expect, it } from 'vitest';
import type { CreateDependenciesContext } from '@nx/devkit';
import { tempDir } from '../../../core/src/test-support/workspace';
import { createDependencies } from './create-dependencies';
import { functionNode, normalizePluginOptions } from './create-nodes';
import { unlessInvalid } from './invalid-marker';
import { readLayerMarker } from './layer-marker';

let edgesRoot = '';

/** Edges among projects at `roots`; those with a lambda.json get the targets createNodes infers (as Nx passes them). */
async function edgesOf(files: Record<string, string>, roots: Record<string, string>, tags: Record<string, string[]> = {}, options: object = {}) {
  const ws = await tempDir('deps', files);
  edgesRoot = ws;
  const targetsAt = (root: string) => (files[`${root}/lambda.json`] ? unlessInvalid(() => functionNode(`${root}/lambda.json`, normalizePluginOptions(options), ws).projects![root].targets) : undefined);
  const projects = Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, { root, name, tags: tags[name] ?? [], targets: targetsAt(root) }]));
  const context = { workspaceRoot: ws, projects, externalNodes: {}, nxJsonConfiguration: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } } as unknown as CreateDependenciesContext;
  const deps = await createDependencies(options, context);
  // No `sourceFile`: Nx would keep such an edge from its file-map cache until that one file changes (recompute.spec.ts).
  for (const d of deps) expect({ ...d, source: '', target: '' }).toEqual({ source: '', target: '', type: 'implicit' });
  return deps.map((d) => `${d.source}->${d.target}`).sort();
}

describe('createDependencies', () => {
  it('links functions to the workspace libraries each language references', async () => {
    const edges = await edgesOf(
      {
        'fns/py/pyproject.toml': '[tool.uv.sources]\ngreeting = { path = "../../libs/py-greeting" }\n',
        'fns/py2/requirements.txt': '-e ../../libs/py-greeting\nrequests==2.0\n',
        'libs/py-greeting/pyproject.toml': '[project]\nname = "greeting"\n',
        'fns/rb/Gemfile': "gem 'greeting', path: '../../libs/rb-greeting'\n",
        'libs/rb-greeting/greeting.gemspec': '',
        'fns/go/go.mod': 'module example.com/fn\nrequire example.com/greeting v0.0.0\nreplace example.com/greeting => ../../libs/go-greeting\n',
        'libs/go-greeting/go.mod': 'module example.com/greeting\n',
        'fns/cs/Fn.csproj': '<Project><ItemGroup><ProjectReference Include="..\\..\\libs\\cs-greeting\\Greeting.csproj" /></ItemGroup></Project>',
        'libs/cs-greeting/Greeting.csproj': '<Project/>',
        'java-parent/pom.xml': '<project><groupId>com.example</groupId><artifactId>parent</artifactId><packaging>pom</packaging></project>',
        'fns/java/pom.xml': '<project><parent><groupId>com.example</groupId><artifactId>parent</artifactId></parent><groupId>com.example</groupId><artifactId>fn</artifactId><dependencies><dependency><groupId>com.example</groupId><artifactId>greeting</artifactId></dependency></dependencies></project>',
        'libs/java-greeting/pom.xml': '<project><groupId>com.example</groupId><artifactId>greeting</artifactId></project>',
        'fns/ps/handler.ps1': '#Requires -Modules Greeting\nfunction handler {}\n',
        'libs/ps-greeting/Greeting.psd1': '@{}',
        'fns/unrelated/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      },
      {
        py: 'fns/py', py2: 'fns/py2', 'py-greeting': 'libs/py-greeting', rb: 'fns/rb', 'rb-greeting': 'libs/rb-greeting',
        go: 'fns/go', 'go-greeting': 'libs/go-greeting', cs: 'fns/cs', 'cs-greeting': 'libs/cs-greeting',
        java: 'fns/java', 'java-greeting': 'libs/java-greeting', 'java-parent': 'java-parent', ps: 'fns/ps', 'ps-greeting': 'libs/ps-greeting', unrelated: 'fns/unrelated',
      },
    );
    expect(edges).toEqual([
      'cs->cs-greeting',
      'go->go-greeting',
      'java->java-greeting',
      'java->java-parent',
      'ps->ps-greeting',
      'py->py-greeting',
      'py2->py-greeting',
      'rb->rb-greeting',
    ]);
  });

  it('links a Python function to the libraries its build reads: its requirementsFile, the files that includes (-r), their paths', async () => {
    const edges = await edgesOf(
      {
        'fns/py/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', requirementsFile: 'reqs/prod.txt' }),
        'fns/py/reqs/prod.txt': '-r ../../../shared/common.txt\n-e ../../../libs/direct\n',
        'shared/common.txt': '-e ../libs/via-include\n',
        'libs/direct/pyproject.toml': '[project]\nname = "direct"\n',
        'libs/via-include/pyproject.toml': '[project]\nname = "via-include"\n',
        'libs/unused/pyproject.toml': '[project]\nname = "unused"\n',
      },
      { py: 'fns/py', direct: 'libs/direct', 'via-include': 'libs/via-include', unused: 'libs/unused' },
    );
    expect(edges).toEqual(['py->direct', 'py->via-include']);
  });

  it('links a Ruby function to the gems of a Gemfile `path ... do` block', async () => {
    const edges = await edgesOf(
      {
        'fns/rb/Gemfile': "path '../../libs' do\n  gem 'greeter'\nend\n",
        'libs/greeter/greeter.gemspec': '',
        'libs/other/other.gemspec': '',
      },
      { rb: 'fns/rb', greeter: 'libs/greeter', other: 'libs/other' },
    );
    expect(edges).toEqual(['rb->greeter']);
  });

  it('links a .NET function through the project file its `project` option names below its root', async () => {
    const edges = await edgesOf(
      {
        'fns/cs/lambda.json': JSON.stringify({ runtime: 'dotnet8', handler: 'Fn::Fn.Function::Handler', project: 'src/Fn/Fn.csproj' }),
        'fns/cs/src/Fn/Fn.csproj': '<Project><ItemGroup><ProjectReference Include="..\\..\\..\\..\\libs\\cs-greeting\\Greeting.csproj" /></ItemGroup></Project>',
        'libs/cs-greeting/Greeting.csproj': '<Project/>',
      },
      { cs: 'fns/cs', 'cs-greeting': 'libs/cs-greeting' },
    );
    expect(edges).toEqual(['cs->cs-greeting']);
  });

  it('adds no edge for paths outside every project or back into the same project', async () => {
    const edges = await edgesOf({ 'fns/py/requirements.txt': '-e ../../vendor/thing\n-e ./sub\n' }, { py: 'fns/py' });
    expect(edges).toEqual([]);
  });

  it('links functions to the layer projects whose scope takes them in', async () => {
    const edges = await edgesOf(
      {
        'layers/node/lambda-layer.json': JSON.stringify({ family: 'node', runtime: 'nodejs22.x' }),
        'layers/node-arm/lambda-layer.json': JSON.stringify({ family: 'node', runtime: 'nodejs22.x', architecture: 'arm64', functions: ['orders-*'] }),
        'layers/py/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'python3.12', functions: ['tag:shared'] }),
        'fns/a/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
        'fns/orders-arm/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'arm64' }),
        'fns/other-arm/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'arm64' }),
        'fns/py-tagged/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
        'fns/py-plain/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      },
      { 'node-layer': 'layers/node', 'node-arm-layer': 'layers/node-arm', 'py-layer': 'layers/py', a: 'fns/a', 'orders-arm': 'fns/orders-arm', 'other-arm': 'fns/other-arm', 'py-tagged': 'fns/py-tagged', 'py-plain': 'fns/py-plain' },
      { 'py-tagged': ['shared'] },
    );
    // Implicit: no source file whose cached edges Nx would keep after a change of lambda-layer.json.
    expect(edges).toEqual(['a->node-layer', 'orders-arm->node-arm-layer', 'py-tagged->py-layer']);
  });

  it('takes a function\'s architecture from the plugin defaults when its lambda.json sets none', async () => {
    const files = {
      'layers/node-arm/lambda-layer.json': JSON.stringify({ family: 'node', runtime: 'nodejs22.x', architecture: 'arm64' }),
      'fns/a/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      'fns/b/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', architecture: 'x86_64' }),
    };
    const roots = { 'node-arm': 'layers/node-arm', a: 'fns/a', b: 'fns/b' };
    expect(await edgesOf(files, roots, {}, { defaults: { architecture: 'arm64' } })).toEqual(['a->node-arm']);
    expect(await edgesOf(files, roots)).toEqual([]);
  });

  it('links a Python or Ruby function only to layers of its runtime (wheels and gems are built for one ABI); Node.js to every runtime', async () => {
    const edges = await edgesOf(
      {
        'layers/py312/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'python3.12' }),
        'layers/py313/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'python3.13' }),
        'layers/rb/lambda-layer.json': JSON.stringify({ family: 'ruby', runtime: 'ruby3.3' }),
        'layers/node/lambda-layer.json': JSON.stringify({ family: 'node', runtime: 'nodejs22.x' }),
        'fns/p12/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
        'fns/p13/lambda.json': JSON.stringify({ runtime: 'python3.13', handler: 'app.handler' }),
        'fns/rb32/lambda.json': JSON.stringify({ runtime: 'ruby3.2', handler: 'app.handler' }),
        'fns/n20/lambda.json': JSON.stringify({ runtime: 'nodejs20.x', handler: 'index.handler' }),
      },
      { py312: 'layers/py312', py313: 'layers/py313', rb: 'layers/rb', node: 'layers/node', p12: 'fns/p12', p13: 'fns/p13', rb32: 'fns/rb32', n20: 'fns/n20' },
    );
    expect(edges).toEqual(['n20->node', 'p12->py312', 'p13->py313']);
  });

  it('links no function to a layer whose runtime is not of its family (its layer target says what to fix)', async () => {
    const edges = await edgesOf(
      {
        'layers/py/lambda-layer.json': JSON.stringify({ family: 'python', runtime: 'nodejs22.x' }),
        'fns/p/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
        'fns/n/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler' }),
      },
      { py: 'layers/py', p: 'fns/p', n: 'fns/n' },
    );
    expect(edges).toEqual([]);
    expect(() => readLayerMarker(edgesRoot, 'layers/py/lambda-layer.json')).toThrow(
      'nx-lambda: layers/py/lambda-layer.json names runtime "nodejs22.x" for a python layer; a python layer is built for a python runtime, e.g. "python3.12".\nSet "runtime" to the Lambda runtime of the functions it serves.');
  });

  it('links a function to the layers it names, runtime layers included', async () => {
    const edges = await edgesOf(
      { 'fns/ps/lambda.json': JSON.stringify({ runtime: 'provided.al2023', family: 'powershell', handler: 'handler.ps1::Invoke-Handler', layers: ['powershell-runtime'] }) },
      { ps: 'fns/ps', 'powershell-runtime': 'layers/powershell-runtime' },
    );
    expect(edges).toEqual(['ps->powershell-runtime']);
  });

  it('links the valid functions and layers when another lambda.json or lambda-layer.json is invalid (its own targets report that)', async () => {
    const edges = await edgesOf(
      {
        'layers/node/lambda-layer.json': JSON.stringify({ family: 'node', runtime: 'nodejs22.x' }),
        'layers/broken/lambda-layer.json': '{ "family": "node", ',
        'fns/a/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'index.handler', layers: ['broken-layer'] }),
        'fns/no-handler/lambda.json': JSON.stringify({ runtime: 'nodejs22.x' }),
        'fns/cobol/lambda.json': JSON.stringify({ runtime: 'cobol1.0', handler: 'x' }),
      },
      { 'node-layer': 'layers/node', 'broken-layer': 'layers/broken', a: 'fns/a', 'no-handler': 'fns/no-handler', cobol: 'fns/cobol' },
    );
    // a still depends on the layer it names: its package target then runs that layer's target, which fails saying what to fix.
    expect(edges).toEqual(['a->broken-layer', 'a->node-layer']);
  });
});
