import type { ExecutorContext, ProjectGraph, TaskGraph } from '@nx/devkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFiles } from '../../../../core/src/test-support/workspace';
import { freshWorkspace } from '../../../../core/src/runtimes/node/test-support/fixture-workspace';
import { executorContext } from '../test-support/context';
import nodeExecutor, { batch } from '../node/node.impl';
import { untrackedSourcesWarning } from './untracked-sources';

const ROOTS = { 'uses-shared': 'apps/uses-shared', 'uses-lib': 'apps/uses-lib', 'paths-lib': 'libs/paths-lib', greeting: 'libs/greeting', api: 'libs/api' };

/**
 * The graph Nx would hand the executor: uses-shared -> api -> paths-lib (transitive), uses-lib ->
 * paths-lib, both -> npm:ms; greeting is a project neither depends on.
 */
function withGraph(context: ExecutorContext): ExecutorContext {
  const edges: Record<string, string[]> = { 'uses-shared': ['api', 'npm:ms'], api: ['paths-lib'], 'uses-lib': ['paths-lib', 'npm:ms'] };
  const projectGraph = {
    nodes: Object.fromEntries(Object.entries(ROOTS).map(([name, root]) => [name, { name, type: 'lib', data: { root } }])),
    dependencies: Object.fromEntries(Object.keys(ROOTS).map((name) => [name, (edges[name] ?? []).map((target) => ({ source: name, target, type: 'static' }))])),
    externalNodes: {},
  } as unknown as ProjectGraph;
  return { ...context, projectGraph, targetName: 'package' };
}

/** A workspace where uses-shared imports shared/ (no project) and greeting (a project it does not depend on), and uses-lib imports only a library it depends on. */
async function workspace(label: string): Promise<string> {
  const ws = await freshWorkspace(label, []);
  await writeFiles(ws, {
    'shared/util.ts': 'export const twice = (s: string): string => s + s;\n',
    'libs/api/src/index.ts': 'export const version = 1;\n',
    'apps/uses-shared/src/handler.ts': [
      "import { twice } from '../../../shared/util';",
      "import { greet } from '../../../libs/greeting/src/index';",
      "import { shout } from '@fixture/paths-lib';",
      "import { version } from '../../../libs/api/src/index';",
      'export const handler = async () => ({ body: twice(greet(shout("x"))), version });',
      '',
    ].join('\n'),
    'apps/uses-lib/src/handler.ts': "import { shout } from '@fixture/paths-lib';\nexport const handler = async () => ({ body: shout('x') });\n",
  });
  return ws;
}

const options = { handler: 'src/handler.handler', runtime: 'nodejs22.x' } as const;
const EXPECTED = [
  'uses-shared: the zip holds 2 files from outside uses-shared and the projects it depends on in the Nx graph, which Nx does not hash:',
  '    libs/greeting/src/index.ts',
  '    shared/util.ts',
  '  After a change there, nx run uses-shared:package restores the old zip from the cache. Make that folder an Nx library project',
  '  (nx g @nx-lambda/plugin:library) or part of a project uses-shared depends on in the graph.',
].join('\n');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('files a Node.js function bundles from outside the projects Nx hashes for it', () => {
  it('the executor warns, naming the function and the files, and not for libraries it depends on (directly or not)', async () => {
    const ws = await workspace('untracked');
    const warned: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void warned.push(line));
    const shared = await nodeExecutor(options, withGraph(executorContext(ws, 'uses-shared', ROOTS)));
    expect(shared.success).toBe(true);
    expect(warned).toEqual([`  warning: ${EXPECTED}`]);
    warned.length = 0;
    expect((await nodeExecutor(options, withGraph(executorContext(ws, 'uses-lib', ROOTS)))).success).toBe(true);
    expect(warned).toEqual([]);
  });

  it('batch mode gives each task the same warning in its own output', async () => {
    const ws = await workspace('untracked-batch');
    const ids = ['uses-shared:package', 'uses-lib:package'];
    const taskGraph = {
      roots: ids, continuousDependencies: {},
      tasks: Object.fromEntries(ids.map((id) => [id, { id, target: { project: id.split(':')[0], target: 'package' }, overrides: {}, outputs: [], parallelism: true }])),
      dependencies: Object.fromEntries(ids.map((id) => [id, []])),
    } as unknown as TaskGraph;
    const results: { task: string; result: { success: boolean; terminalOutput: string } }[] = [];
    for await (const r of batch(taskGraph, { 'uses-shared:package': options, 'uses-lib:package': options }, {} as never, withGraph(executorContext(ws, 'uses-shared', ROOTS)))) results.push(r);
    const output = Object.fromEntries(results.map((r) => [r.task, r.result.terminalOutput]));
    expect(results.every((r) => r.result.success)).toBe(true);
    expect(output['uses-shared:package']).toContain(`  warning: ${EXPECTED}\n`);
    expect(output['uses-lib:package']).not.toContain('warning');
  });

  it('names at most five files and counts the rest; a workspace-root project tracks everything', () => {
    const files = ['a/1.ts', 'a/2.ts', 'a/3.ts', 'a/4.ts', 'a/5.ts', 'a/6.ts', 'a/7.ts'];
    const warning = untrackedSourcesWarning({ project: 'fn', target: 'zip' }, files, ['apps/fn'])!;
    expect(warning.split('\n').slice(0, 7)).toEqual([
      'fn: the zip holds 7 files from outside fn and the projects it depends on in the Nx graph, which Nx does not hash:',
      '    a/1.ts', '    a/2.ts', '    a/3.ts', '    a/4.ts', '    a/5.ts', '    (and 2 more)',
    ]);
    expect(warning).toContain('nx run fn:zip restores the old zip');
    expect(untrackedSourcesWarning({ project: 'fn', target: 'zip' }, files, ['apps/fn', '.'])).toBeUndefined();
  });
});
