import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployFunctions, DeployFunctionSpec } from './deploy';
import { writeFunctionArtifact, writeLayerArtifact } from './test-support/artifacts';
import { loopbackSuite } from './test-support/loopback';

// One deploy of many functions (core's API, the deploy executor's batch mode): a function Lambda
// will not take fails alone, and every other function of the run deploys. Real SDK, real HTTP.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const suite = loopbackSuite('deploy-isolation', { updateDelayMs: 20 });
const opts = (over = {}) => suite.opts(over);

async function spec(name: string, over: Partial<DeployFunctionSpec> = {}, layers: string[] = []): Promise<DeployFunctionSpec> {
  const dir = path.join(suite.root, name);
  await writeFunctionArtifact(dir, { name, files: { 'index.js': `exports.handler = async () => "${name}";` }, layers });
  return { artifactDir: dir, role: ROLE, ...over };
}

describe('a function Lambda will not take, among others', () => {
  it('fails alone (State Failed, no role for a create); the others and their shared layer deploy', async () => {
    const layerDir = path.join(suite.root, 'layers/shared-deps');
    await writeLayerArtifact(layerDir, 'shared-deps', { 'nodejs/node_modules/dep/index.js': 'module.exports = 1;' });
    const withLayer = { layerArtifactDirs: { 'shared-deps': layerDir } };
    suite.api.state.failNextUpdate('broken-fn', 'InvalidSubnet', 'The subnet ID subnet-0abc does not exist.');
    expect((await deployFunctions([await spec('broken-fn')], opts())).ok).toBe(false);

    const specs = [
      await spec('first-fn', withLayer, ['shared-deps']),
      await spec('broken-fn', { memorySize: 256 }),
      await spec('roleless-fn', { role: undefined }),
      await spec('last-fn', withLayer, ['shared-deps']),
    ];
    const result = await deployFunctions(specs, opts());
    expect(result.ok).toBe(false);
    expect(result.functions.map((f) => [f.functionName, f.status])).toEqual([
      ['first-fn', 'deployed'], ['broken-fn', 'failed'], ['roleless-fn', 'failed'], ['last-fn', 'deployed'],
    ]);
    expect(result.layers).toEqual([expect.objectContaining({ name: 'shared-deps', status: 'deployed' })]);
    expect(result.report).toMatch(/function broken-fn: failed \(not done: deploy\)\n\s+error: deploy:plan - function broken-fn is in state Failed[^\n]*\n\s+Fix: [^\n]*delete-function --function-name broken-fn/);
    expect(result.report).toMatch(/function roleless-fn: failed \(not done: deploy\)\n\s+error: deploy:plan - function roleless-fn does not exist yet and no "role" is set/);
    const layerArn = suite.api.state.layers.get('shared-deps')?.[0].LayerVersionArn;
    for (const name of ['first-fn', 'last-fn']) expect(suite.api.state.functions.get(name)?.config.Layers).toEqual([expect.objectContaining({ Arn: layerArn })]);
    expect(suite.api.state.functions.has('roleless-fn')).toBe(false);
    expect(suite.api.state.functions.get('broken-fn')?.config.MemorySize).toBe(128);
  });

  it('a dry run says which functions would be refused and plans the others', async () => {
    suite.api.resetCounts();
    const result = await deployFunctions([await spec('broken-fn'), await spec('fresh-fn')], opts({ dryRun: true }));
    expect(result.ok).toBe(false);
    expect(result.functions.map((f) => [f.functionName, f.status])).toEqual([['broken-fn', 'failed'], ['fresh-fn', 'planned']]);
    expect(result.report).toMatch(/function fresh-fn: create[\s\S]*Deploy would refuse:\n\s+function broken-fn: failed/);
    expect(suite.api.writeCalls()).toBe(0);
  });

  it('a function named twice in one deploy is refused before any call', async () => {
    const one = await spec('twice-fn');
    await expect(deployFunctions([one, { ...one, memorySize: 512 }], opts())).rejects.toThrow(/^deploy:options - function twice-fn is given twice[\s\S]*Fix: /);
  });
});
