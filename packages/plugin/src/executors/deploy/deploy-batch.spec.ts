import * as path from 'node:path';
import type { TaskGraph } from '@nx/devkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LambdaApi, startLambdaApi } from '../../../../../tools/lambda-api/server.mjs';
import { tempDir } from '../../../../core/src/test-support/workspace';
import { writeFunctionArtifact, writeLayerArtifact } from '../../../../core/src/deploy/test-support/artifacts';
import { useDummyAwsCredentials } from '../../../../core/src/deploy/test-support/loopback';
import { executorContext } from '../test-support/context';
import deployExecutor, { batch } from './deploy.impl';

// Batch mode (`nx run-many -t deploy --batch`) against the loopback Lambda API: many functions in
// one executor process, one result per task. Real artifacts, real SDK, real HTTP.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const FUNCTIONS = ['orders', 'broken', 'typo', 'billing'];
let api: LambdaApi;
let ws: string;
const roots = { ...Object.fromEntries(FUNCTIONS.map((p) => [p, `apps/${p}`])), 'shared-deps': 'layers/shared-deps' };

function taskGraphOf(projects: string[]): TaskGraph {
  const id = (p: string) => `${p}:deploy`;
  const tasks = Object.fromEntries(projects.map((p) => [id(p), { id: id(p), target: { project: p, target: 'deploy' }, overrides: {}, outputs: [], parallelism: true }]));
  return { roots: projects.map(id), tasks, dependencies: Object.fromEntries(projects.map((p) => [id(p), []])), continuousDependencies: {} } as unknown as TaskGraph;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  useDummyAwsCredentials();
  api = await startLambdaApi({ updateDelayMs: 20 });
  ws = await tempDir('deploy-batch');
  await writeLayerArtifact(path.join(ws, 'dist/layers/shared-deps'), 'shared-deps', { 'nodejs/node_modules/dep/index.js': 'module.exports = 1;' });
  for (const name of FUNCTIONS) {
    const layers = name === 'orders' || name === 'billing' ? ['shared-deps'] : [];
    await writeFunctionArtifact(path.join(ws, `dist/apps/${name}`), { name, files: { 'index.js': `exports.handler = async () => "${name}";` }, layers });
  }
});
afterAll(async () => api?.close());

describe('deploy executor, batch mode', () => {
  it('fails exactly the tasks whose function Lambda refuses or whose options are wrong; the others deploy, their shared layer published once', async () => {
    const base = { endpoint: api.endpoint, role: ROLE, maxWaitSeconds: 60 };
    api.state.failNextUpdate('broken', 'InvalidSubnet', 'The subnet ID subnet-0abc does not exist.');
    const created = await collect(batch(taskGraphOf(['broken']), { 'broken:deploy': base }, {} as never, executorContext(ws, 'broken', roots)));
    expect(created[0].result.success).toBe(false);

    api.resetCounts();
    const inputs = {
      'orders:deploy': base, 'broken:deploy': base, 'typo:deploy': { ...base, memorySize: 100 }, 'billing:deploy': { ...base, memorySize: 256 },
    };
    const results = await collect(batch(taskGraphOf(FUNCTIONS), inputs, {} as never, executorContext(ws, 'orders', roots)));
    const byTask = Object.fromEntries(results.map((r) => [r.task, r.result]));
    expect(Object.fromEntries(results.map((r) => [r.task, r.result.success]))).toEqual({ 'orders:deploy': true, 'broken:deploy': false, 'typo:deploy': false, 'billing:deploy': true });
    expect(byTask['broken:deploy'].terminalOutput).toMatch(
      /function broken: failed \(not done: deploy\)\n\s+error: deploy:plan - function broken is in state Failed: its creation failed \(InvalidSubnet: [^\n]*\)\n\s+Fix: [^\n]*aws lambda delete-function --function-name broken/);
    expect(byTask['typo:deploy'].terminalOutput).toMatch(/^typo:options - the deploy executor refuses an option\n\s+"memorySize" is 100[^\n]*\n\s+Fix: change it in apps\/typo\/lambda.json/);
    expect(byTask['orders:deploy'].terminalOutput).toMatch(/layer shared-deps: deployed arn:[^\n]*:layer:shared-deps:1\n\s+function orders: deployed \(done: create\)/);
    expect(byTask['orders:deploy'].terminalOutput).not.toContain('billing');
    expect(api.counts.PublishLayerVersion).toBe(1);
    expect(api.state.functions.get('billing')?.config.MemorySize).toBe(256);
    expect(api.state.functions.has('typo')).toBe(false);
  });

  it('single-task mode fails the one task with the same message', async () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const out = await deployExecutor({ endpoint: api.endpoint, role: ROLE }, executorContext(ws, 'broken', roots));
      expect(out.success).toBe(false);
      expect(printed.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/error: deploy:plan - function broken is in state Failed[^\n]*\n\s+Fix: [^\n]*delete-function --function-name broken/);
    } finally {
      printed.mockRestore();
    }
  });
});
