import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { TaskGraph } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { executorContext } from '../test-support/context';
import { freshWorkspace } from '../../../../core/src/runtimes/node/test-support/fixture-workspace';
import nodeExecutor, { batch } from './node.impl';

const contextFor = (ws: string, project: string, others: string[] = []) =>
  executorContext(ws, project, Object.fromEntries([project, ...others].map((p) => [p, `apps/${p}`])));

/** A task graph as Nx hands a batch: `<project>:package` tasks; Nx 24 lists edges as { id }. */
function taskGraphOf(projects: string[], dependsOn: Record<string, string[]> = {}): TaskGraph {
  const id = (p: string) => `${p}:package`;
  const tasks = Object.fromEntries(projects.map((p) => [id(p), { id: id(p), target: { project: p, target: 'package' }, overrides: {}, outputs: [], parallelism: true }]));
  const dependencies = Object.fromEntries(projects.map((p) => [id(p), (dependsOn[p] ?? []).map((d) => ({ id: id(d) }))]));
  return { roots: projects.filter((p) => !dependsOn[p]?.length).map(id), tasks, dependencies, continuousDependencies: {} } as unknown as TaskGraph;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('@nx-lambda/plugin:node', () => {
  it('packages a function into dist/{projectRoot} and reports success', async () => {
    const ws = await freshWorkspace('executor', ['with-deps']);
    const result = await nodeExecutor({ handler: 'src/handler.handler', runtime: 'nodejs22.x', minify: true }, contextFor(ws, 'with-deps'));
    expect(result).toEqual({ success: true, zipPath: path.join(ws, 'dist/apps/with-deps/function.zip') });
    const manifest = JSON.parse(await fsp.readFile(path.join(ws, 'dist/apps/with-deps/manifest.json'), 'utf8'));
    expect(manifest.notes.lambdaHandler).toBe('index.handler');
  });

  it('returns success: false for bad input instead of throwing', async () => {
    const ws = await freshWorkspace('executor-bad', ['with-deps']);
    const result = await nodeExecutor({ handler: 'src/missing.handler', runtime: 'nodejs22.x' }, contextFor(ws, 'with-deps'));
    expect(result).toEqual({ success: false });
  });

  it('batch mode packages many functions in one process: same bytes as one at a time, a failure stays in its own task', async () => {
    const ws = await freshWorkspace('executor-batch', ['with-deps', 'cjs']);
    await fsp.cp(path.join(ws, 'apps/with-deps'), path.join(ws, 'apps/broken'), { recursive: true });
    const options = {
      'with-deps:package': { handler: 'src/handler.handler', runtime: 'nodejs22.x' },
      'cjs:package': { handler: 'src/handler.handler', runtime: 'nodejs22.x', format: 'cjs' },
      'broken:package': { handler: 'src/missing.handler', runtime: 'nodejs22.x' },
    } as const;
    const projects = ['with-deps', 'cjs', 'broken'];
    const results = await collect(batch(taskGraphOf(projects, { cjs: ['with-deps'] }), options, {} as never, contextFor(ws, 'with-deps', projects.slice(1))));
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(Object.keys(byTask).sort()).toEqual(Object.keys(options).sort());
    // cjs depends on with-deps inside the batch, so it ends after it.
    expect(results.findIndex((r) => r.task === 'cjs:package')).toBeGreaterThan(results.findIndex((r) => r.task === 'with-deps:package'));
    // Relative to the workspace: Nx replays a cached task's output in other checkouts.
    expect(byTask['with-deps:package']).toMatchObject({ success: true, terminalOutput: expect.stringContaining('with-deps: dist/apps/with-deps/function.zip\n') });
    expect(byTask['broken:package'].success).toBe(false);
    expect(byTask['broken:package'].terminalOutput).toMatch(/src\/missing/);

    const batched = await fsp.readFile(path.join(ws, 'dist/apps/with-deps/function.zip'));
    await nodeExecutor(options['with-deps:package'], contextFor(ws, 'with-deps'));
    expect((await fsp.readFile(path.join(ws, 'dist/apps/with-deps/function.zip'))).equals(batched)).toBe(true);
  });

  it('batch mode refuses a task whose options its schema.json refuses, in that task only (Nx hands a batch unchecked options)', async () => {
    const ws = await freshWorkspace('executor-batch-options', ['with-deps', 'cjs']);
    const options = {
      'with-deps:package': { handler: 'src/handler.handler', runtime: 'nodejs22.x' },
      'cjs:package': { handler: 'src/handler.handler', runtime: 'nodejs22.x', format: 'cjs', architecture: 'arm', minfy: true },
    } as const;
    const results = await collect(batch(taskGraphOf(['with-deps', 'cjs']), options as never, {} as never, contextFor(ws, 'with-deps', ['cjs'])));
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(byTask['with-deps:package'].success).toBe(true);
    expect(byTask['cjs:package'].success).toBe(false);
    expect(byTask['cjs:package'].terminalOutput).toContain([
      'cjs:options - the node executor refuses options',
      '  "architecture" is "arm"; use one of x86_64, arm64',
      '  "minfy" is not an option of this executor',
      '  Fix: change it in apps/cjs/lambda.json,',
    ].join('\n'));
    await expect(fsp.stat(path.join(ws, 'dist/apps/cjs/function.zip'))).rejects.toThrow();
  });

  it('batch mode does not run a task whose dependency in the batch failed', async () => {
    const ws = await freshWorkspace('executor-batch-dep', ['with-deps', 'cjs']);
    const options = {
      'with-deps:package': { handler: 'src/missing.handler', runtime: 'nodejs22.x' },
      'cjs:package': { handler: 'src/handler.handler', runtime: 'nodejs22.x', format: 'cjs' },
    } as const;
    const results = await collect(batch(taskGraphOf(['with-deps', 'cjs'], { cjs: ['with-deps'] }), options, {} as never, contextFor(ws, 'with-deps', ['cjs'])));
    expect(results.map((r) => [r.task, r.result.success])).toEqual([['with-deps:package', false], ['cjs:package', false]]);
    expect(results[1].result.terminalOutput).toMatch(/not run: a task it depends on failed \(with-deps:package\)/);
    await expect(fsp.stat(path.join(ws, 'dist/apps/cjs/function.zip'))).rejects.toThrow();
  });
});
