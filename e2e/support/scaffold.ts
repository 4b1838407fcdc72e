import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeWheel } from '../../packages/core/src/runtimes/python/test-support/wheels';
import { commitAll, createWorkspace, E2eWorkspace } from './workspace';

/**
 * The workspace every e2e suite builds on, made with the plugin's generators:
 *
 * | project        | kind     | uses                                     |
 * |----------------|----------|------------------------------------------|
 * | node-a         | function | node-lib (tsconfig path), ms             |
 * | node-b         | function | ms, escape-html                          |
 * | node-c         | function | ms                                       |
 * | py-a           | function | py-lib (pyproject path dep), e2e-shared  |
 * | py-b           | function | e2e-shared                               |
 * | java-fn        | function | (template as generated)                  |
 * | go-fn          | function | (template as generated)                  |
 * | ruby-fn        | function | (template as generated)                  |
 * | dotnet-fn      | function | (template as generated)                  |
 * | ps-fn          | function | (template as generated), on the powershell-runtime layer |
 * | node-deps      | layer    | node functions (ms: three bundled copies cost more than one installed copy) |
 * | py-deps        | layer    | python functions (e2e-shared is shared)  |
 *
 * What each handler answers is in EXPECTED_RESPONSES: the strings prove that the library and the
 * third-party package (from the zip or from a layer) were really loaded.
 */
export const FUNCTIONS = ['node-a', 'node-b', 'node-c', 'py-a', 'py-b', 'java-fn', 'go-fn', 'ruby-fn', 'dotnet-fn', 'ps-fn'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export const LAYERS = ['node-deps', 'py-deps'] as const;
/** Built as they are (the PowerShell custom runtime), not planned from dependencies. */
export const RUNTIME_LAYERS = ['powershell-runtime'] as const;

/** Substrings of each function's response to the event `{ "name": "e2e" }`. */
export const EXPECTED_RESPONSES: Record<FunctionName, string[]> = {
  'node-a': ['Hello, e2e, from node-lib!', '3600000'],
  'node-b': ['&lt;e2e&gt;', '60000'],
  'node-c': ['86400000'],
  'py-a': ['Hello, e2e, from py-lib!', 'E2E-SHARED'],
  'py-b': ['E2E-SHARED PY-B'],
  'java-fn': ['Hello, e2e!', 'java-fn', '"statusCode":200'],
  'go-fn': ['Hello, e2e!', 'go-fn'],
  'ruby-fn': ['Hello, e2e!', 'ruby-fn'],
  'dotnet-fn': ['Hello, e2e!', 'dotnet-fn'],
  'ps-fn': ['Hello, e2e!', 'ps-fn'],
};

/** Library -> the functions that use it (what `nx affected` must pick). */
export const LIBRARY_DEPENDENTS = { 'node-lib': ['node-a'], 'py-lib': ['py-a'] } as const;
export const LIBRARY_SOURCES = { 'node-lib': 'libs/node-lib/src/index.ts', 'py-lib': 'libs/py-lib/src/py_lib/__init__.py' } as const;

export const EVENT_FILE = 'events/e2e.json';
const MAVEN_SETTINGS = 'tools/maven-settings.xml';

/** Offline settings of this suite (never product defaults): pip reads wheels/, Maven mirrors Debian's repository. */
async function writeOfflineSettings(ws: E2eWorkspace): Promise<void> {
  await ws.write(MAVEN_SETTINGS, [
    '<settings>', '  <mirrors>',
    '    <mirror><id>debian</id><mirrorOf>*</mirrorOf><url>file:///usr/share/maven-repo</url></mirror>',
    '  </mirrors>', '</settings>', '',
  ].join('\n'));
  const nxJson = JSON.parse(await ws.read('nx.json')) as { targetDefaults?: Record<string, { options?: Record<string, unknown> }> };
  nxJson.targetDefaults = { ...nxJson.targetDefaults, '@nx-lambda/plugin:java': { options: { settingsFile: MAVEN_SETTINGS } } };
  await ws.write('nx.json', `${JSON.stringify(nxJson, null, 2)}\n`);
  // What PyPI would serve: one pure wheel used by both Python functions.
  await fsp.mkdir(path.join(ws.root, 'wheels'), { recursive: true });
  await writeWheel(path.join(ws.root, 'wheels'), {
    name: 'e2e-shared', version: '1.0.0', tag: 'py3-none-any',
    files: { 'e2e_shared/__init__.py': `def shout(text):\n    return text.upper()\n\n# padding so the layer is worth its bytes\n${'#'.repeat(4096)}\n` },
  });
}

async function generateFunction(ws: E2eWorkspace, name: string, runtime: string): Promise<void> {
  await ws.nx(['g', '@nx-lambda/plugin:function', name, `--runtime=${runtime}`, '--no-interactive']);
}

/** A library with the plugin's generator, wired into `functions` by it (tsconfig path alias, pyproject path dependency). */
async function generateLibrary(ws: E2eWorkspace, name: string, runtime: string, functions: readonly string[], extra: readonly string[] = []): Promise<void> {
  await ws.nx(['g', '@nx-lambda/plugin:library', name, `--runtime=${runtime}`, `--functions=${functions.join(',')}`, ...extra, '--no-interactive']);
}

/** The generated handlers, edited the way a user would to use the libraries and third-party packages. */
async function useDependencies(ws: E2eWorkspace): Promise<void> {
  await ws.write('functions/node-a/src/handler.ts', [
    "import ms from 'ms';", "import { greet } from '@e2e/node-lib';", '',
    'export const handler = async (event: { name?: string }) => ({',
    "  statusCode: 200,", "  body: JSON.stringify({ message: greet(event.name ?? 'world'), hour: ms('1h') }),", '});', '',
  ].join('\n'));
  await ws.write('functions/node-b/src/handler.ts', [
    "import ms from 'ms';", "import escapeHtml from 'escape-html';", '',
    'export const handler = async (event: { name?: string }) => ({',
    "  statusCode: 200,", "  body: JSON.stringify({ html: escapeHtml(`<${event.name ?? 'world'}>`), minute: ms('1m') }),", '});', '',
  ].join('\n'));
  await ws.write('functions/node-c/src/handler.ts', [
    "import ms from 'ms';", '', "export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ day: ms('1d') }) });", '',
  ].join('\n'));
  // py-a's pyproject already lists py-lib (the library generator wired it); add the third-party wheel.
  const pyA = await ws.read('functions/py-a/pyproject.toml');
  await ws.write('functions/py-a/pyproject.toml', pyA.replace(/dependencies = \[/, 'dependencies = ["e2e-shared==1.0.0", '));
  await ws.write('functions/py-a/app.py', [
    'import json', 'from e2e_shared import shout', 'from py_lib import greet', '', '',
    'def handler(event, context):',
    '    return {"statusCode": 200, "body": json.dumps({"message": greet(event.get("name", "world")), "shared": shout("e2e-shared")})}', '',
  ].join('\n'));
  await ws.write('functions/py-b/pyproject.toml', [
    '[project]', 'name = "py-b"', 'version = "0.1.0"', 'requires-python = ">=3.9"', 'dependencies = ["e2e-shared==1.0.0"]', '',
  ].join('\n'));
  await ws.write('functions/py-b/app.py', [
    'import json', 'from e2e_shared import shout', '', '',
    'def handler(event, context):', '    return {"statusCode": 200, "body": json.dumps({"shared": shout("e2e-shared py-b")})}', '',
  ].join('\n'));
}

/**
 * A fresh workspace (see createWorkspace) with the projects above, generated and committed: the
 * base every suite and `nx affected --base=HEAD` starts from.
 */
export async function scaffoldWorkspace(label: string): Promise<E2eWorkspace> {
  const ws = await createWorkspace(label);
  await writeOfflineSettings(ws);
  await generateFunction(ws, 'node-a', 'node');
  await generateFunction(ws, 'node-b', 'node');
  await generateFunction(ws, 'node-c', 'node');
  await generateFunction(ws, 'py-a', 'python');
  await generateFunction(ws, 'py-b', 'python');
  await generateFunction(ws, 'java-fn', 'java');
  await generateFunction(ws, 'go-fn', 'go');
  await generateFunction(ws, 'ruby-fn', 'ruby');
  await generateFunction(ws, 'dotnet-fn', 'dotnet');
  // PowerShell runs on the runtime layer the generator adds; its pwsh comes from a PowerShell release,
  // which this machine cannot download: a stand-in distribution launches the installed pwsh.
  await ws.write('pwsh-dist/pwsh', '#!/bin/sh\nif command -v pwsh >/dev/null 2>&1; then exec pwsh "$@"; fi\nexec "$HOME/.dotnet/tools/pwsh" "$@"\n');
  await fsp.chmod(path.join(ws.root, 'pwsh-dist/pwsh'), 0o755);
  await ws.nx(['g', '@nx-lambda/plugin:function', 'ps-fn', '--runtime=powershell', '--pwshDistribution=pwsh-dist', '--no-interactive']);
  for (const [name, runtime] of [['node-deps', 'node'], ['py-deps', 'python']]) {
    await ws.nx(['g', '@nx-lambda/plugin:layer', name, `--runtime=${runtime}`, '--minLayerBytes=1', '--no-interactive']);
  }
  // Libraries before the imports that use them, as a user would: Nx caches each file's resolved
  // imports, and a tsconfig path added after an import was first analysed is not seen until that file changes.
  await generateLibrary(ws, 'node-lib', 'node', LIBRARY_DEPENDENTS['node-lib'], ['--importPath=@e2e/node-lib']);
  await generateLibrary(ws, 'py-lib', 'python', LIBRARY_DEPENDENTS['py-lib']);
  await useDependencies(ws);
  await ws.write(EVENT_FILE, `${JSON.stringify({ name: 'e2e' })}\n`);
  await commitAll(ws, 'e2e workspace');
  return ws;
}
