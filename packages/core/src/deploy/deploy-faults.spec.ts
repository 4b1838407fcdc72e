import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaApi, startLambdaApi } from '../../../../tools/lambda-api/server.mjs';
import { tempDir } from '../test-support/workspace';
import { deployFunctions, DeployFunctionSpec, DeployResult } from './deploy';
import { writeFunctionArtifact, writeLayerArtifact } from './test-support/artifacts';
import { loopbackOptions, useDummyAwsCredentials } from './test-support/loopback';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
// 20% of Lambda calls fail: throttled, 500, connection dropped, or processed with the answer lost.
const FAULTS = { seed: 20240611, throttle: 0.06, serverError: 0.05, drop: 0.04, lostResponse: 0.05 };

describe('30 functions under 20% injected faults', () => {
  let api: LambdaApi;
  let result: DeployResult;
  const expected = new Map<string, { codeSha256: string; layers: string[] }>();

  beforeAll(async () => {
    useDummyAwsCredentials();
    api = await startLambdaApi({ updateDelayMs: 50, faults: FAULTS });
    const root = await tempDir('deploy-faults');
    const layerDirs = { 'deps-a': path.join(root, 'layer-a'), 'deps-b': path.join(root, 'layer-b') };
    await writeLayerArtifact(layerDirs['deps-a'], 'deps-a', { 'nodejs/node_modules/a/index.js': 'module.exports = "a";' });
    await writeLayerArtifact(layerDirs['deps-b'], 'deps-b', { 'nodejs/node_modules/b/index.js': 'module.exports = "b";' });
    const specs: DeployFunctionSpec[] = [];
    for (let i = 0; i < 30; i++) {
      const name = `fault-fn-${String(i).padStart(2, '0')}`;
      const layers = [['deps-a'], ['deps-b'], ['deps-a', 'deps-b'], []][i % 4];
      const dir = path.join(root, name);
      const zip = await writeFunctionArtifact(dir, { name, files: { 'index.js': `exports.handler = async () => ${i};` }, layers });
      expected.set(name, { codeSha256: zip.codeSha256, layers });
      specs.push({ artifactDir: dir, role: ROLE, layerArtifactDirs: layerDirs, alias: i % 5 === 0 ? 'live' : undefined });
    }
    result = await deployFunctions(specs, loopbackOptions(api.endpoint, { maxRetries: 10 }));
  });
  afterAll(async () => api?.close());

  it('injected faults really happened', () => {
    const injected = Object.values(api.faultCounts).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(10);
  });

  it('deploys every function', () => {
    expect(result.ok, result.report).toBe(true);
    expect(api.state.functions.size).toBe(30);
  });

  it('leaves every function at its CodeSha256 and layer list', () => {
    const layerName = (arn: string) => arn.split(':')[6];
    for (const [name, want] of expected) {
      const c = api.state.functions.get(name)?.config;
      expect(c?.CodeSha256, name).toBe(want.codeSha256);
      expect((c?.Layers as { Arn: string }[]).map((l) => layerName(l.Arn)), name).toEqual(want.layers);
    }
  });

  it('publishes each layer exactly once (no duplicate versions)', () => {
    expect(api.state.layers.get('deps-a')?.length).toBe(1);
    expect(api.state.layers.get('deps-b')?.length).toBe(1);
  });

  it('points each alias at a version with the function code', () => {
    const withAlias = [...expected].filter(([name]) => api.state.functions.get(name)?.aliases.has('live'));
    expect(withAlias).toHaveLength(6);
    for (const [name, want] of withAlias) {
      const f = api.state.functions.get(name);
      const live = f?.aliases.get('live');
      expect(f?.versions.find((v) => v.Version === live?.FunctionVersion)?.CodeSha256, name).toBe(want.codeSha256);
    }
  });
});
