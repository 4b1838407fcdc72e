import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../core/src/test-support/workspace';
import { functionNode, normalizePluginOptions } from './create-nodes';

/** The package target's inputs that name a folder or file outside the function (what local-inputs adds). */
async function outsideInputs(files: Record<string, string>, fn: string): Promise<unknown[]> {
  const ws = await tempDir('local-inputs', files);
  const inputs = functionNode(`${fn}/lambda.json`, normalizePluginOptions({}), ws).projects![fn].targets!.package.inputs!;
  return inputs.filter((i) => typeof i === 'string' && i.startsWith('{workspaceRoot}/') && !/(go\.work|nuget\.config|global\.json|Directory\.|package-lock|tsconfig)/.test(i));
}

describe('package inputs for local folders outside the function', () => {
  it('python: -e, plain, wheel-file and pyproject paths, followed through a library\'s own pyproject; not paths inside the function or outside the workspace', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      'apps/fn/requirements.txt': '-e ../../shared/pkg\n../../shared/plain # a comment\n./vendored/inner\n-e ../../../outside-the-workspace\n../../shared/wheels/x-1.0-py3-none-any.whl\nrequests==2.0\n',
      'apps/fn/pyproject.toml': '[project]\nname = "fn"\n[tool.uv.sources]\nlib = { path = "../../libs/uv-lib" }\n',
      'libs/uv-lib/pyproject.toml': '[project]\nname = "uv-lib"\n[tool.uv.sources]\ndeep = { path = "../deep" }\n',
      'shared/wheels/x-1.0-py3-none-any.whl': 'not a real wheel',
    }, 'apps/fn')).toEqual([
      '{workspaceRoot}/libs/deep/**/*', '{workspaceRoot}/libs/uv-lib/**/*', '{workspaceRoot}/shared/pkg/**/*', '{workspaceRoot}/shared/plain/**/*',
      '{workspaceRoot}/shared/wheels/x-1.0-py3-none-any.whl',
    ]);
  });

  it('python: the requirementsFile option\'s file (lambda.json or project.json), its paths relative to it, and the file itself when it lives elsewhere', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler', requirementsFile: '../../shared/reqs/prod.txt' }),
      'apps/fn/requirements.txt': '-e ../../shared/not-read\n',
      'shared/reqs/prod.txt': '-e ../pkg\n',
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/pkg/**/*', '{workspaceRoot}/shared/reqs/prod.txt']);
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      'apps/fn/project.json': JSON.stringify({ name: 'fn', targets: { package: { options: { requirementsFile: 'reqs/prod.txt' } } } }),
      'apps/fn/reqs/prod.txt': '-e ../../../shared/pkg\n',
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/pkg/**/*']);
  });

  it('python: files a requirements file includes (-r, followed, its paths relative to it) and its -c constraints, as pip reads them', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      'apps/fn/requirements.txt': '-r ../../shared/common.txt  # shared pins\n--constraint=../../constraints.txt\n-r https://example.com/remote.txt\nrequests==2.0\n',
      'shared/common.txt': '-e ./local_pkg\n-r nested/more.txt\n',
      'shared/nested/more.txt': '../other_pkg\n',
      'constraints.txt': 'requests<3\n',
    }, 'apps/fn')).toEqual([
      '{workspaceRoot}/constraints.txt', '{workspaceRoot}/shared/common.txt', '{workspaceRoot}/shared/local_pkg/**/*', '{workspaceRoot}/shared/nested/more.txt',
      '{workspaceRoot}/shared/other_pkg/**/*',
    ]);
  });

  it('ruby: Gemfile path gems outside the function', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'ruby3.3', handler: 'app.handler' }),
      'apps/fn/Gemfile': "source 'https://rubygems.org'\ngem 'greeter', path: '../../shared/greeter'\ngem 'inner', :path => './gems/inner'\ngem 'rack'\n",
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/greeter/**/*']);
  });

  it('ruby: a Gemfile `path ... do` block: the folder Bundler searches, and each gem\'s folder in it', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'ruby3.3', handler: 'app.handler' }),
      'apps/fn/Gemfile': "source 'https://rubygems.org'\n# path '../../commented' do\npath '../../shared/gems' do\n  gem 'greeter'\n  gem('texts', '~> 1.0')\nend\ngem 'rack'\n",
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/gems/**/*', '{workspaceRoot}/shared/gems/greeter/**/*', '{workspaceRoot}/shared/gems/texts/**/*']);
  });

  it('go: go.mod replace targets, and the go.work modules the function requires (not the others)', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'provided.al2023', handler: 'bootstrap' }),
      'apps/fn/go.mod': 'module example.com/fn\n\nrequire (\n\texample.com/x v0.0.0\n\texample.com/used v0.0.0\n)\n\nreplace example.com/x => ../../shared/x\nreplace example.com/in => ./internal/in\n',
      'shared/x/go.mod': 'module example.com/x\n\nrequire example.com/deep v0.0.0\n',
      'go.work': 'go 1.22\n\nuse (\n\t./apps/fn\n\t./shared/used\n\t./shared/deep\n\t./shared/unused\n)\n',
      'shared/used/go.mod': 'module example.com/used\n',
      'shared/deep/go.mod': 'module example.com/deep\n',
      'shared/unused/go.mod': 'module example.com/unused\n',
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/deep/**/*', '{workspaceRoot}/shared/used/**/*', '{workspaceRoot}/shared/x/**/*']);
  });

  it('dotnet: the folders of referenced project files, followed through their own references', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'dotnet8', handler: 'Fn::Fn.Function::Handler' }),
      'apps/fn/Fn.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <ProjectReference Include="..\\..\\shared\\Greeter\\Greeter.csproj" />\n    <ProjectReference Include="Inner\\Inner.csproj" />\n  </ItemGroup>\n</Project>\n',
      'shared/Greeter/Greeter.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <ProjectReference Include="../Text/Text.csproj" />\n  </ItemGroup>\n</Project>\n',
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/Greeter/**/*', '{workspaceRoot}/shared/Text/**/*']);
  });

  it('dotnet: the references of the project file the `project` option names below the root, relative to that file', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'dotnet8', handler: 'Fn::Fn.Function::Handler', project: 'src/Fn/Fn.csproj' }),
      'apps/fn/src/Fn/Fn.csproj': '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <ProjectReference Include="..\\..\\..\\..\\shared\\Greeter\\Greeter.csproj" />\n  </ItemGroup>\n</Project>\n',
      'shared/Greeter/Greeter.csproj': '<Project Sdk="Microsoft.NET.Sdk" />\n',
    }, 'apps/fn')).toEqual(['{workspaceRoot}/shared/Greeter/**/*']);
  });

  it('adds nothing when every referenced path is inside the function, and nothing for Node.js (its imports are checked at package time)', async () => {
    expect(await outsideInputs({
      'apps/fn/lambda.json': JSON.stringify({ runtime: 'python3.12', handler: 'app.handler' }),
      'apps/fn/requirements.txt': '-e ./libs/own\n',
    }, 'apps/fn')).toEqual([]);
    expect(await outsideInputs({
      'apps/web/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler' }),
      'apps/web/requirements.txt': '-e ../../shared/pkg\n',
    }, 'apps/web')).toEqual([]);
  });

  it('node: the package.json files above a .js handler, whose "type" decides the format auto picks; none for TypeScript or a set format', async () => {
    const fn = (extra: Record<string, unknown>, file: string) => ({
      'apps/web/lambda.json': JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler', ...extra }),
      [`apps/web/src/${file}`]: 'exports.handler = async () => 1;\n',
    });
    expect(await outsideInputs(fn({}, 'handler.js'), 'apps/web')).toEqual(['{workspaceRoot}/apps/package.json', '{workspaceRoot}/package.json']);
    expect(await outsideInputs(fn({ format: 'auto' }, 'handler.js'), 'apps/web')).toEqual(['{workspaceRoot}/apps/package.json', '{workspaceRoot}/package.json']);
    expect(await outsideInputs(fn({ format: 'cjs' }, 'handler.js'), 'apps/web')).toEqual([]);
    expect(await outsideInputs(fn({}, 'handler.ts'), 'apps/web')).toEqual([]);
  });
});
