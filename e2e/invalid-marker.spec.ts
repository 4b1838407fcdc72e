import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executed, parseTaskRuns } from './support/nx-output';
import { commitAll, createWorkspace, E2eWorkspace, removeWorkspaces } from './support/workspace';

const STATIC = '--outputStyle=static';
const BAD_MARKER = 'functions/bad/lambda.json';
/** What readFunctionMarker says of a lambda.json without a handler: the file, what is wrong, what to write. */
const MESSAGE = `nx-lambda: ${BAD_MARKER} has no "handler".\nAdd it, e.g. { "runtime": "nodejs22.x", "handler": "src/handler.handler" }.`;

let ws: E2eWorkspace;

/**
 * Two Node.js functions made by the generator; `bad`'s lambda.json then loses its handler, as a
 * teammate's unfinished edit would. One invalid marker must not fail Nx for the whole workspace.
 */
beforeAll(async () => {
  ws = await createWorkspace('invalid-marker');
  for (const name of ['good', 'bad']) await ws.nx(['g', '@nx-lambda/plugin:function', name, '--runtime=node', '--no-interactive']);
  await ws.write(BAD_MARKER, `${JSON.stringify({ runtime: 'nodejs22.x' }, null, 2)}\n`);
  await commitAll(ws, 'two functions, one with an invalid lambda.json');
}, 1_200_000);

afterAll(async () => {
  await removeWorkspaces();
});

describe('a function whose lambda.json is invalid', () => {
  it('is still a project: nx show projects lists both functions, and nx show project shows what to fix', async () => {
    const { stdout } = await ws.nx(['show', 'projects', '--json']);
    expect((JSON.parse(stdout) as string[]).sort()).toEqual(['bad', 'good']);
    const bad = JSON.parse((await ws.nx(['show', 'project', 'bad', '--json'])).stdout) as { tags: string[]; targets: Record<string, { executor: string; metadata?: { description?: string } }> };
    expect(bad.tags).toContain('lambda:invalid');
    for (const target of ['package', 'deploy', 'invoke']) {
      expect(bad.targets[target]?.executor, target).toBe('@nx-lambda/plugin:invalid-config');
      expect(bad.targets[target]?.metadata?.description, target).toBe(MESSAGE);
    }
  });

  it('leaves the other functions alone: nx run good:package succeeds, nx run bad:package fails naming bad\'s lambda.json', async () => {
    const good = await ws.nx(['run', 'good:package', STATIC]);
    expect(ws.exists('dist/functions/good/function.zip')).toBe(true);
    const bad = await ws.nx(['run', 'bad:package', STATIC], [1]);
    expect(`${bad.stdout}${bad.stderr}`).toContain(MESSAGE);
    expect(ws.exists('dist/functions/bad')).toBe(false);
  });

  it('is affected when its files change, and its target then fails loudly while the unchanged function does not run', async () => {
    const handler = 'functions/bad/src/handler.ts';
    await ws.write(handler, `${await ws.read(handler)}// changed by the e2e suite\n`);
    try {
      expect((await ws.nx(['show', 'projects', '--affected', '--base=HEAD'])).stdout.trim().split('\n')).toEqual(['bad']);
      const { stdout, stderr } = await ws.nx(['affected', '-t', 'package', '--base=HEAD', STATIC], [1]);
      expect(executed(parseTaskRuns(stdout), 'package')).toEqual(['bad']);
      expect(`${stdout}${stderr}`).toContain(MESSAGE);
      expect(`${stdout}${stderr}`).toMatch(/Failed tasks:\s+- bad:package\s/);
    } finally {
      await ws.git(['checkout', '--', handler]);
    }
  });
});
