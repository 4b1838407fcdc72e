import { describe, expect, it } from 'vitest';
import {
  csprojReferences, goLocalPaths, goModulePath, goRequires, mavenCoordinates, mavenDependencies, powershellRequiredModules,
  pythonPyprojectPaths, pythonRequirementPaths, rubyGemfilePaths,
} from './local-references';

describe('local references', () => {
  it('reads uv sources and poetry path dependencies from pyproject.toml', () => {
    const text = `[project]\nname = "fn"\ndependencies = ["greeting", "requests==2.31.0"]\n[tool.uv.sources]\ngreeting = { path = "../libs/greeting" }\n[tool.poetry.dependencies]\nutil = { path = "../libs/util", develop = true }\n`;
    expect(pythonPyprojectPaths(text)).toEqual(['../libs/greeting', '../libs/util']);
  });

  it('reads editable, plain and file: path lines from requirements.txt, ignoring registry pins', () => {
    const text = `requests==2.31.0\n-e ../libs/a\n../libs/b[extra]\n# ../libs/commented\nc @ file:../libs/c\n`;
    expect(pythonRequirementPaths(text)).toEqual(['../libs/a', '../libs/b', '../libs/c']);
  });

  it('reads path gems from a Gemfile in both hash syntaxes', () => {
    expect(rubyGemfilePaths(`gem 'greeting', path: '../libs/greeting'\ngem "x", :path => "../x"\ngem 'json'\n`)).toEqual(['../libs/greeting', '../x']);
  });

  it('reads go.mod replace lines and blocks, go.work use blocks, module and requires', () => {
    const mod = `module example.com/fn\n\ngo 1.19\n\nrequire example.com/greeting v0.0.0\nrequire (\n\texample.com/other v1.0.0 // indirect\n)\nreplace example.com/greeting => ../libs/greeting\nreplace (\n\texample.com/other => ./other\n)\n`;
    expect(goLocalPaths(mod)).toEqual(['../libs/greeting', './other']);
    expect(goModulePath(mod)).toBe('example.com/fn');
    expect(goRequires(mod)).toEqual(['example.com/greeting', 'example.com/other']);
    expect(goLocalPaths(`go 1.19\nuse (\n\t./fn\n\t./libs/greeting\n)\n`)).toEqual(['./fn', './libs/greeting']);
  });

  it('reads ProjectReference paths with Windows separators', () => {
    expect(csprojReferences(`<ItemGroup><ProjectReference Include="..\\libs\\Greeting\\Greeting.csproj" /></ItemGroup>`)).toEqual(['../libs/Greeting/Greeting.csproj']);
  });

  it('reads Maven coordinates (groupId from the parent) and dependencies', () => {
    const pom = `<project><parent><groupId>com.example</groupId><artifactId>parent</artifactId></parent><artifactId>fn</artifactId>
      <dependencies><dependency><groupId>com.example</groupId><artifactId>greeting</artifactId></dependency></dependencies></project>`;
    expect(mavenCoordinates(pom)).toEqual({ groupId: 'com.example', artifactId: 'fn' });
    expect(mavenDependencies(pom)).toEqual([{ groupId: 'com.example', artifactId: 'greeting' }]);
  });

  it('reads #Requires -Modules names, plain and hashtable', () => {
    const ps = `#Requires -Modules Greeting, @{ ModuleName = 'Other'; ModuleVersion = '1.0' }\nfunction handler {}\n`;
    expect(powershellRequiredModules(ps)).toEqual(['Other', 'Greeting']);
  });
});
