import { describe, expect, it } from 'vitest';
import { addGemfilePathGem, addGoReplace, addLockfilePathGem, addMavenDependency, addMavenModule, addProjectReference, addPyprojectPathDependency, addRequiresModule } from './manifest-edits';

describe('manifest edits keep what the user wrote', () => {
  it('pyproject: appends to a multi-line list with extras and comments, and to an existing [tool.uv.sources]', () => {
    const before = '[project]\nname = "fn"\ndependencies = [\n    "requests[socks]>=2",  # http\n    "boto3",\n]\n\n[tool.uv.sources]\nother = { path = "../other" }\n';
    expect(addPyprojectPathDependency(before, 'greeting', '../../libs/greeting')).toBe(
      '[project]\nname = "fn"\ndependencies = [\n    "requests[socks]>=2",  # http\n    "boto3",\n    "greeting",\n]\n\n[tool.uv.sources]\ngreeting = { path = "../../libs/greeting" }\nother = { path = "../other" }\n',
    );
  });

  it('pyproject: adds a dependencies key when [project] has none, and matches names the PEP 503 way', () => {
    expect(addPyprojectPathDependency('[project]\nname = "fn"\n', 'greeting', 'lib')).toBe('[project]\ndependencies = ["greeting"]\nname = "fn"\n\n[tool.uv.sources]\ngreeting = { path = "./lib" }\n');
    const listed = '[project]\ndependencies = ["My_Greeting>=1"]\n\n[tool.uv.sources]\nmy-greeting = { path = "../g" }\n';
    expect(addPyprojectPathDependency(listed, 'my-greeting', '../g')).toBe(listed);
    expect(() => addPyprojectPathDependency('[tool.poetry]\n', 'g', '../g')).toThrow(/no \[project\] table/);
  });

  it('Gemfile.lock: PATH sections sorted by remote before GEM, DEPENDENCIES sorted', () => {
    const lock = 'PATH\n  remote: ../b\n  specs:\n    b (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.6)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  b!\n  rake\n\nBUNDLED WITH\n   2.3.15\n';
    expect(addLockfilePathGem(lock, 'a', '0.1.0', '../a')).toBe(
      'PATH\n  remote: ../a\n  specs:\n    a (0.1.0)\n\nPATH\n  remote: ../b\n  specs:\n    b (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.6)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  a!\n  b!\n  rake\n\nBUNDLED WITH\n   2.3.15\n',
    );
    expect(addLockfilePathGem(lock, 'b', '0.1.0', '../b')).toBe(lock);
  });

  it('Gemfile: one gem line, not repeated', () => {
    const once = addGemfilePathGem("source 'https://rubygems.org'\n", 'greeting', '../libs/greeting');
    expect(once).toBe("source 'https://rubygems.org'\n\ngem 'greeting', path: '../libs/greeting'\n");
    expect(addGemfilePathGem(once, 'greeting', '../elsewhere')).toBe(once);
  });

  it('go.mod: into an existing require block; an existing replace is kept', () => {
    const mod = 'module example.com/fn\n\ngo 1.19\n\nrequire (\n\texample.com/a v0.0.0\n)\n\nreplace example.com/greeting => ../mine\n';
    expect(addGoReplace(mod, 'example.com/greeting', '../libs/greeting')).toBe('module example.com/fn\n\ngo 1.19\n\nrequire (\n\texample.com/a v0.0.0\n\texample.com/greeting v0.0.0\n)\n\nreplace example.com/greeting => ../mine\n');
  });

  it('csproj: next to the other ProjectReferences, once', () => {
    const proj = '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <ProjectReference Include="..\\a\\A.csproj" />\n    <PackageReference Include="X" Version="1" />\n  </ItemGroup>\n</Project>\n';
    const once = addProjectReference(proj, '../b/B.csproj');
    expect(once).toBe('<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <ProjectReference Include="..\\a\\A.csproj" />\n    <ProjectReference Include="../b/B.csproj" />\n    <PackageReference Include="X" Version="1" />\n  </ItemGroup>\n</Project>\n');
    expect(addProjectReference(proj, '../a/A.csproj')).toBe(proj);
  });

  it('pom: the dependency goes to the project dependencies, not dependencyManagement; modules once', () => {
    const pom = '<project>\n  <modelVersion>4.0.0</modelVersion>\n  <dependencyManagement>\n    <dependencies>\n    </dependencies>\n  </dependencyManagement>\n  <build/>\n</project>\n';
    const withDep = addMavenDependency(pom, { groupId: 'com.example', artifactId: 'greeting', version: '1.0.0' });
    expect(withDep).toContain('  </dependencyManagement>\n  <dependencies>\n    <dependency>\n      <groupId>com.example</groupId>\n      <artifactId>greeting</artifactId>\n      <version>1.0.0</version>\n    </dependency>\n  </dependencies>\n  <build/>');
    const agg = addMavenModule('<project>\n  <modules>\n    <module>a</module>\n  </modules>\n</project>\n', 'b');
    expect(agg).toBe('<project>\n  <modules>\n    <module>a</module>\n    <module>b</module>\n  </modules>\n</project>\n');
    expect(addMavenModule(agg, './b/')).toBe(agg);
  });

  it('ps1: #Requires once, whatever the case', () => {
    expect(addRequiresModule('#requires -modules greeting\nfunction X {}\n', 'Greeting')).toBe('#requires -modules greeting\nfunction X {}\n');
    expect(addRequiresModule('function X {}\n', 'Greeting')).toBe('#Requires -Modules Greeting\nfunction X {}\n');
  });
});
