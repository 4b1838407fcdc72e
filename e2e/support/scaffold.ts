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
 * | node-deps      | layer    | node functions (ms: three bundled copies cost more than one installed copy) |
 * | py-deps        | layer    | python functions (e2e-shared is shared)  |
 *
 * What each handler answers is in EXPECTED_RESPONSES: the strings prove that the library and the
 * third-party package (from the zip or from a layer) were really loaded.
 */
export const FUNCTIONS = ['node-a', 'node-b', 'node-c', 'py-a', 'py-b', 'java-fn', 'go-fn'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
export const LAYERS = ['node-deps', 'py-deps'] as const;

/** Substrings of each function's response to the event `{ "name": "e2e" }`. */
export const EXPECTED_RESPONSES: Record<FunctionName, string[]> = {
  'node-a': ['Hello, e2e, from node-lib!', '3600000'],
  'node-b': ['&lt;e2e&gt;', '60000'],
  'node-c': ['86400000'],
  'py-a': ['Hello, e2e, from py-lib!', 'E2E-SHARED'],
  'py-b': ['E2E-SHARED PY-B'],
  'java-fn': ['Hello, e2e!', 'java-fn'],
  'go-fn': ['Hello, e2e!', 'go-fn'],
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

// TODO(issue 10): switch the two libraries to `nx g @nx-lambda/plugin:library` once that generator lands.
async function writeNodeLibrary(ws: E2eWorkspace): Promise<void> {
  await ws.write('libs/node-lib/project.json', `${JSON.stringify({ name: 'node-lib', projectType: 'library', sourceRoot: 'libs/node-lib/src' }, null, 2)}\n`);
  await ws.write(LIBRARY_SOURCES['node-lib'], 'export function greet(name: string): string {\n  return `Hello, ${name}, from node-lib!`;\n}\n');
  await ws.write('tsconfig.base.json', `${JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, paths: { '@e2e/node-lib': ['./libs/node-lib/src/index.ts'] } },
  }, null, 2)}\n`);
}

async function writePythonLibrary(ws: E2eWorkspace): Promise<void> {
  await ws.write('libs/py-lib/project.json', `${JSON.stringify({ name: 'py-lib', projectType: 'library', sourceRoot: 'libs/py-lib/src' }, null, 2)}\n`);
  await ws.write('libs/py-lib/pyproject.toml', [
    '[project]', 'name = "py-lib"', 'version = "0.1.0"', 'dependencies = []', '',
    '[build-system]', 'requires = ["setuptools>=61"]', 'build-backend = "setuptools.build_meta"', '',
  ].join('\n'));
  await ws.write(LIBRARY_SOURCES['py-lib'], 'def greet(name):\n    return f"Hello, {name}, from py-lib!"\n');
}

/** The generated handlers, edited the way a user would to use the libraries and packages. */
async function useDependencies(ws: E2eWorkspace): Promise<void> {
  // TODO(issue 8): an ESM bundle's bare `import` of a layer package does not search NODE_PATH
  // (/opt/nodejs/node_modules on Lambda), so node functions served by a layer are bundled as CommonJS.
  for (const fn of ['node-a', 'node-b', 'node-c']) {
    const marker = JSON.parse(await ws.read(`functions/${fn}/lambda.json`)) as Record<string, unknown>;
    await ws.write(`functions/${fn}/lambda.json`, `${JSON.stringify({ ...marker, format: 'cjs' }, null, 2)}\n`);
  }
  const nodeTsconfig = `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }, null, 2)}\n`;
  await ws.write('functions/node-a/tsconfig.json', nodeTsconfig);
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
  await ws.write('functions/py-a/pyproject.toml', [
    '[project]', 'name = "py-a"', 'version = "0.1.0"', 'requires-python = ">=3.9"', 'dependencies = ["py-lib", "e2e-shared==1.0.0"]', '',
    '[tool.uv.sources]', 'py-lib = { path = "../../libs/py-lib" }', '',
  ].join('\n'));
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
  for (const [name, runtime] of [['node-deps', 'node'], ['py-deps', 'python']]) {
    await ws.nx(['g', '@nx-lambda/plugin:layer', name, `--runtime=${runtime}`, '--minLayerBytes=1', '--no-interactive']);
  }
  await writeNodeLibrary(ws);
  await writePythonLibrary(ws);
  await useDependencies(ws);
  await ws.write(EVENT_FILE, `${JSON.stringify({ name: 'e2e' })}\n`);
  await commitAll(ws, 'e2e workspace');
  return ws;
}
