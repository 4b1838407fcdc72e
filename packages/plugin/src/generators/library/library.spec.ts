import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { functionGenerator } from '../function/function';
import { libraryGenerator } from './library';
import { LIBRARY_OPTION_KEYS, normalizeLibraryOptions } from './lib/normalize-options';
import { WIRING } from './lib/wiring';

describe('library generator on a virtual tree', () => {
  let tree: Tree;
  const read = (p: string) => tree.read(p, 'utf-8') ?? '';
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('node: library with its alias in tsconfig.base.json, and the function tsconfig extends the base', async () => {
    tree.delete('tsconfig.base.json');
    await functionGenerator(tree, { name: 'orders', runtime: 'node', skipFormat: true });
    await libraryGenerator(tree, { name: 'greeting', runtime: 'node', functions: 'orders', importPath: '@acme/greeting', skipFormat: true });
    expect(readJson(tree, 'libs/greeting/project.json')).toMatchObject({ name: 'greeting', projectType: 'library', sourceRoot: 'libs/greeting/src' });
    expect(read('libs/greeting/src/index.ts')).toContain('export function greet(name: string)');
    expect(readJson(tree, 'tsconfig.base.json').compilerOptions.paths).toEqual({ '@acme/greeting': ['./libs/greeting/src/index.ts'] });
    expect(readJson(tree, 'functions/orders/tsconfig.json')).toMatchObject({ extends: '../../tsconfig.base.json', compilerOptions: { moduleResolution: 'bundler' } });
  });

  it('node: the alias defaults to the workspace npm scope, and an alias taken by another path is refused', async () => {
    await libraryGenerator(tree, { name: 'greeting', runtime: 'node', skipFormat: true });
    const scope = readJson(tree, 'package.json').name.replace(/^@/, '').split('/')[0];
    expect(Object.keys(readJson(tree, 'tsconfig.base.json').compilerOptions.paths)).toEqual([`@${scope}/greeting`]);
    await expect(libraryGenerator(tree, { name: 'other', runtime: 'node', importPath: `@${scope}/greeting`, skipFormat: true })).rejects.toThrow(/already maps .*greeting[\s\S]*--importPath/);
  });

  it('python: a src-layout package, and a path source plus a dependency in the function pyproject', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'python', skipFormat: true });
    await libraryGenerator(tree, { name: 'py-greeting', runtime: 'python', functions: 'orders', skipFormat: true });
    expect(read('libs/py-greeting/src/py_greeting/__init__.py')).toContain('def greet(name: str) -> str:');
    expect(read('libs/py-greeting/pyproject.toml')).toContain('name = "py-greeting"');
    const py = read('functions/orders/pyproject.toml');
    expect(py).toContain('dependencies = ["py-greeting"]');
    expect(py).toContain('[tool.uv.sources]\npy-greeting = { path = "../../libs/py-greeting" }\n');
  });

  it('ruby: a gem with gemspec, and the Gemfile plus the lockfile PATH and DEPENDENCIES', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'ruby', skipFormat: true });
    await libraryGenerator(tree, { name: 'rb-greeting', runtime: 'ruby', functions: 'orders', skipFormat: true });
    expect(read('libs/rb-greeting/rb-greeting.gemspec')).toContain("s.name = 'rb-greeting'");
    expect(read('libs/rb-greeting/lib/rb-greeting.rb')).toContain('module RbGreeting');
    expect(read('functions/orders/Gemfile')).toContain("gem 'rb-greeting', path: '../../libs/rb-greeting'\n");
    const lock = read('functions/orders/Gemfile.lock');
    expect(lock.startsWith('PATH\n  remote: ../../libs/rb-greeting\n  specs:\n    rb-greeting (0.1.0)\n\nGEM\n')).toBe(true);
    expect(lock).toContain('DEPENDENCIES\n  rb-greeting!\n\nBUNDLED WITH');
  });

  it('go: a module, and require + replace in the function go.mod', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'go', skipFormat: true });
    await libraryGenerator(tree, { name: 'go-greeting', runtime: 'go', functions: 'orders', skipFormat: true });
    expect(read('libs/go-greeting/go.mod')).toBe('module example.com/go-greeting\n\ngo 1.19\n');
    expect(read('libs/go-greeting/gogreeting.go')).toContain('package gogreeting');
    expect(read('functions/orders/go.mod')).toBe('module example.com/orders\n\ngo 1.19\n\nrequire example.com/go-greeting v0.0.0\n\nreplace example.com/go-greeting => ../../libs/go-greeting\n');
  });

  it('java: a jar module, a dependency, and a new aggregator that is the parent of the function', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'java', skipFormat: true });
    await libraryGenerator(tree, { name: 'java-greeting', runtime: 'java', functions: 'orders', skipFormat: true });
    expect(read('libs/java-greeting/src/main/java/com/example/javagreeting/JavaGreeting.java')).toContain('public static String greet(String name)');
    const agg = read('java-parent/pom.xml');
    expect(agg).toContain('<artifactId>java-parent</artifactId>');
    expect(agg).toContain('<packaging>pom</packaging>');
    expect(agg).toContain('<modules>\n    <module>../libs/java-greeting</module>\n    <module>../functions/orders</module>\n  </modules>');
    expect(readJson(tree, 'java-parent/project.json').name).toBe('java-parent');
    const fn = read('functions/orders/pom.xml');
    expect(fn).toContain('<parent>\n    <groupId>com.example</groupId>\n    <artifactId>java-parent</artifactId>\n    <version>1.0.0</version>\n    <relativePath>../../java-parent/pom.xml</relativePath>\n  </parent>');
    expect(fn).toMatch(/<dependencies>[\s\S]*<artifactId>java-greeting<\/artifactId>\s*<version>1.0.0<\/version>[\s\S]*<\/dependencies>/);
  });

  it('java: a second library joins the aggregator the function already has', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'java', skipFormat: true });
    await libraryGenerator(tree, { name: 'first', runtime: 'java', functions: 'orders', javaParent: 'build/maven', skipFormat: true });
    await libraryGenerator(tree, { name: 'second', runtime: 'java', functions: 'orders', skipFormat: true });
    expect(tree.exists('java-parent/pom.xml')).toBe(false);
    expect(read('build/maven/pom.xml').match(/<module>[^<]+<\/module>/g)).toEqual(['<module>../../libs/first</module>', '<module>../../functions/orders</module>', '<module>../../libs/second</module>']);
    expect(read('functions/orders/pom.xml').match(/<parent>/g)).toHaveLength(1);
  });

  it('java: a parent that is not an aggregator is an error that says what to add', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'java', skipFormat: true });
    tree.write('functions/orders/pom.xml', read('functions/orders/pom.xml').replace('<modelVersion>4.0.0</modelVersion>', '<modelVersion>4.0.0</modelVersion>\n  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.0</version><relativePath/></parent>'));
    await expect(libraryGenerator(tree, { name: 'greeting', runtime: 'java', functions: 'orders', skipFormat: true })).rejects.toThrow(/not a workspace aggregator with <modules>/);
    expect(tree.exists('libs/greeting')).toBe(false);
  });

  it('dotnet: a class library, and a ProjectReference in the function csproj', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'dotnet', skipFormat: true });
    await libraryGenerator(tree, { name: 'cs-greeting', runtime: 'dotnet', functions: 'orders', skipFormat: true });
    expect(read('libs/cs-greeting/CsGreeting.csproj')).toContain('<TargetFramework>net8.0</TargetFramework>');
    expect(read('libs/cs-greeting/Greeter.cs')).toContain('namespace CsGreeting;');
    expect(read('functions/orders/Orders.csproj')).toContain('  <ItemGroup>\n    <ProjectReference Include="../../libs/cs-greeting/CsGreeting.csproj" />\n  </ItemGroup>\n</Project>');
  });

  it('powershell: a module manifest and script module, and #Requires -Modules in the handler script', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'powershell', skipFormat: true });
    await libraryGenerator(tree, { name: 'ps-greeting', runtime: 'powershell', functions: 'orders', skipFormat: true });
    const psd1 = read('libs/ps-greeting/PsGreeting.psd1');
    expect(psd1).toContain("RootModule        = 'PsGreeting.psm1'");
    expect(psd1).toMatch(/GUID {14}= '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'/);
    expect(read('libs/ps-greeting/PsGreeting.psm1')).toContain('function Get-PsGreetingGreeting');
    expect(read('functions/orders/handler.ps1').startsWith('#Requires -Modules PsGreeting\n')).toBe(true);
  });

  it('wiring twice leaves the manifests as they were after the first time', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'python', skipFormat: true });
    const options = { name: 'greeting', runtime: 'python', functions: 'orders', skipFormat: true } as const;
    await libraryGenerator(tree, options);
    const once = read('functions/orders/pyproject.toml');
    // A second library of the same name would be a second project of that name: wire the same one again.
    WIRING.python.wire(tree, { name: 'orders', root: 'functions/orders' }, normalizeLibraryOptions(options));
    expect(read('functions/orders/pyproject.toml')).toBe(once);
  });

  it('refuses to overwrite an existing folder', async () => {
    tree.write('libs/greeting/keep.txt', 'mine');
    await expect(libraryGenerator(tree, { name: 'greeting', runtime: 'go', skipFormat: true })).rejects.toThrow(/libs\/greeting already exists/);
    expect(read('libs/greeting/keep.txt')).toBe('mine');
  });

  it('names unknown functions, and functions of another language, before writing anything', async () => {
    await functionGenerator(tree, { name: 'orders', runtime: 'node', skipFormat: true });
    await expect(libraryGenerator(tree, { name: 'greeting', runtime: 'go', functions: 'orders,billing', skipFormat: true })).rejects.toThrow(/no project named billing/);
    await expect(libraryGenerator(tree, { name: 'greeting', runtime: 'go', functions: 'orders', skipFormat: true })).rejects.toThrow(/orders has no go.mod in functions\/orders: wire go libraries to go functions/);
    expect(tree.exists('libs/greeting')).toBe(false);
  });

  it('finds functions Nx infers from lambda.json alone (no project.json) by their folder name', async () => {
    tree.write('apps/inferred-fn/lambda.json', JSON.stringify({ runtime: 'provided.al2023', handler: 'bootstrap' }));
    tree.write('apps/inferred-fn/go.mod', 'module example.com/inferred-fn\n\ngo 1.19\n');
    await libraryGenerator(tree, { name: 'greeting', runtime: 'go', functions: 'inferred-fn', skipFormat: true });
    expect(read('apps/inferred-fn/go.mod')).toContain('replace example.com/greeting => ../../libs/greeting\n');
  });

  it('refuses a project that is not a function', async () => {
    await libraryGenerator(tree, { name: 'base', runtime: 'go', skipFormat: true });
    await expect(libraryGenerator(tree, { name: 'greeting', runtime: 'go', functions: 'base', skipFormat: true })).rejects.toThrow(/base \(libs\/base\) is not a function project/);
  });
});

describe('dotnet and powershell function templates', () => {
  it('dotnet: the csproj targets the framework of the Lambda runtime, the handler string names Function.Handler', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await functionGenerator(tree, { name: 'orders', runtime: 'dotnet', lambdaRuntime: 'dotnet10', skipFormat: true });
    expect(tree.read('functions/orders/Orders.csproj', 'utf-8')).toContain('<TargetFramework>net10.0</TargetFramework>');
    expect(tree.read('functions/orders/Function.cs', 'utf-8')).toContain('namespace Orders;');
    expect(readJson(tree, 'functions/orders/lambda.json')).toEqual({ runtime: 'dotnet10', handler: 'Orders::Orders.Function::Handler' });
  });

  it('powershell: handler.ps1 defines Invoke-Handler on the custom runtime', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await functionGenerator(tree, { name: 'orders', runtime: 'powershell', skipFormat: true });
    expect(tree.read('functions/orders/handler.ps1', 'utf-8')).toMatch(/^function Invoke-Handler \{\n {4}param\(\$LambdaInput, \$LambdaContext\)/m);
    expect(readJson(tree, 'functions/orders/lambda.json')).toEqual({ runtime: 'provided.al2023', handler: 'handler.ps1::Invoke-Handler', family: 'powershell', layers: ['powershell-runtime'] });
  });
});

describe('normalizeLibraryOptions', () => {
  it('keeps the schema and the option keys equal', () => {
    const schema = JSON.parse(readFileSync(path.join(__dirname, 'schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).sort()).toEqual([...LIBRARY_OPTION_KEYS].sort());
  });

  it('returns a new object and leaves the input untouched', () => {
    const input = { name: 'My-Lib', runtime: 'go' as const, functions: ' a, b ,a', directory: './shared/my-lib/' };
    const copy = structuredClone(input);
    expect(normalizeLibraryOptions(input, '@acme/root')).toMatchObject({ name: 'my-lib', projectRoot: 'shared/my-lib', functions: ['a', 'b'], goModule: 'example.com/my-lib', goPackage: 'mylib' });
    expect(input).toEqual(copy);
  });

  it('refuses options of another language and folders outside the workspace', () => {
    expect(() => normalizeLibraryOptions({ name: 'x', runtime: 'go', importPath: '@a/x' })).toThrow(/"importPath" is set for a go library/);
    expect(() => normalizeLibraryOptions({ name: 'x', runtime: 'node', javaParent: 'p' })).toThrow(/"javaParent" is set for a node library/);
    expect(() => normalizeLibraryOptions({ name: 'x', runtime: 'ruby', directory: '../x' })).toThrow(/leaves the workspace/);
  });
});
