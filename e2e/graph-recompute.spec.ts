import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { executed, parseTaskRuns } from './support/nx-output';
import { run, RunResult } from './support/run';
import { createWorkspace, E2eWorkspace, removeWorkspaces } from './support/workspace';

/**
 * Nx's default on a developer machine: the daemon, which keeps the project graph and its file-map
 * cache in memory and computes the graph again after each file change. An edge the plugin gives
 * with a `sourceFile` is kept from that cache until that very file changes; these edges depend on
 * other files too, so each scenario changes only the other file and checks the graph follows.
 */
let ws: E2eWorkspace;

/** `nx <args>` with the daemon on (the suite's other commands run with it off). */
const nx = (args: readonly string[]): Promise<RunResult> =>
  run(process.execPath, [path.join(ws.root, 'node_modules', '.bin', 'nx'), ...args], { cwd: ws.root, env: { ...ws.env, NX_DAEMON: 'true' } });

/** Edges between workspace projects, as `nx graph --file` writes them: "source->target". */
async function edges(): Promise<string[]> {
  await nx(['graph', '--file=graph.json']);
  const { graph } = JSON.parse(await ws.read('graph.json')) as { graph: { dependencies: Record<string, { target: string }[]> } };
  return Object.entries(graph.dependencies).flatMap(([source, deps]) => deps.filter((d) => !d.target.startsWith('npm:')).map((d) => `${source}->${d.target}`)).sort();
}

const nodeLayer = (functions: string[]) => `${JSON.stringify({ family: 'node', runtime: 'nodejs22.x', functions })}\n`;

beforeAll(async () => {
  ws = await createWorkspace('graph-recompute');
  await ws.write('wheels/.keep', ''); // nx.json's findLinks folder (offline pip)
  await ws.nx(['g', '@nx-lambda/plugin:function', 'node-fn', '--runtime=node', '--no-interactive']);
  await ws.nx(['g', '@nx-lambda/plugin:function', 'py-fn', '--runtime=python', '--no-interactive']);
  await ws.write('layers/first/lambda-layer.json', nodeLayer(['node-fn']));
  await ws.write('libs/py-lib/project.json', '{ "name": "py-lib" }\n');
  await ws.write('libs/py-lib/pyproject.toml', '[project]\nname = "py-lib"\nversion = "0.1.0"\n');
  await ws.write('shared/pkg/pyproject.toml', '[project]\nname = "shared-pkg"\nversion = "0.1.0"\n');
  await nx(['daemon', '--start']);
}, 1_200_000);

afterAll(async () => {
  if (ws) await nx(['daemon', '--stop']);
  await removeWorkspaces();
});

describe('the graph the Nx daemon computes again after an edit', () => {
  it('links a function to a layer its lambda.json named before the layer project existed, and packages it after that layer', async () => {
    await ws.write('functions/node-fn/lambda.json', `${JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler', layers: ['first'] })}\n`);
    expect(await edges()).toEqual(['node-fn->first']);
    await ws.write('functions/node-fn/lambda.json', `${JSON.stringify({ runtime: 'nodejs22.x', handler: 'src/handler.handler', layers: ['first', 'later'] })}\n`);
    expect(await edges()).toEqual(['node-fn->first']);
    // The layer generated after lambda.json named it: lambda.json itself does not change.
    await ws.write('layers/later/lambda-layer.json', nodeLayer(['node-fn']));
    expect(await edges()).toEqual(['node-fn->first', 'node-fn->later']);
    const runs = parseTaskRuns((await nx(['run', 'node-fn:package', '--outputStyle=static'])).stdout);
    expect(executed(runs, 'layer')).toEqual(['first', 'later']);
    expect(executed(runs, 'package')).toEqual(['node-fn']);
  });

  it('links a Python function to a folder its requirements.txt names once that folder is made an Nx project', async () => {
    await ws.write('functions/py-fn/requirements.txt', '-e ../../libs/py-lib\n-e ../../shared/pkg\n');
    expect((await edges()).filter((e) => e.startsWith('py-fn->'))).toEqual(['py-fn->py-lib']);
    // What the package target's warning advises for a folder no project owns; requirements.txt does not change.
    await ws.write('shared/pkg/project.json', '{ "name": "shared-pkg" }\n');
    expect((await edges()).filter((e) => e.startsWith('py-fn->'))).toEqual(['py-fn->py-lib', 'py-fn->shared-pkg']);
  });
});
