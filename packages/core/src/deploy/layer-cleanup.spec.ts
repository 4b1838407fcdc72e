import * as path from 'node:path';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { deployFunctions, DeployFunctionSpec } from './deploy';
import { writeFunctionArtifact, writeLayerArtifact } from './test-support/artifacts';
import { loopbackSuite } from './test-support/loopback';
import { startCuttingProxy } from './test-support/network';

// Weeks of deploys: the layer plan regroups (a layer's name follows the functions it serves) and
// layer contents change, so functions move to new layer versions. The versions they leave are
// named after the deploy with the command that deletes them, or deleted with pruneLayerVersions,
// never while any function version still refers to them. Real SDK, real HTTP, loopback API.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
const suite = loopbackSuite('layer-cleanup', { updateDelayMs: 20 });
const opts = (over = {}) => suite.opts(over);
const arn = (layer: string, version: number) => `arn:aws:lambda:us-east-1:123456789012:layer:${layer}:${version}`;

/** A function packaged against `layer` (written with `content`), as the package and layer targets leave it. */
async function build(name: string, layer: string, content: string, over: Partial<DeployFunctionSpec> = {}): Promise<DeployFunctionSpec> {
  const layerDir = path.join(suite.root, 'layers', layer, content);
  await writeLayerArtifact(layerDir, layer, { 'nodejs/node_modules/dep/index.js': `module.exports = ${JSON.stringify(content)};` });
  const dir = path.join(suite.root, name);
  await writeFunctionArtifact(dir, { name, files: { 'index.js': `exports.handler = async () => "${name}";` }, layers: [layer] });
  return { artifactDir: dir, role: ROLE, layerArtifactDirs: { [layer]: layerDir }, ...over };
}

describe('layer versions the deployed functions no longer use', () => {
  it('are listed with the delete command once no function (nor a published version) refers to them; nothing is deleted', async () => {
    const first = await deployFunctions([await build('orders', 'deps-ab', 'v1'), await build('billing', 'deps-ab', 'v1', { alias: 'live' })], opts());
    expect(first.ok, first.report).toBe(true);
    expect(first.unusedLayerVersions).toEqual([]);

    // The plan regroups: orders gets a layer of its own. billing still uses deps-ab:1.
    const moved = await deployFunctions([await build('orders', 'deps-a', 'v1')], opts());
    expect(moved.ok, moved.report).toBe(true);
    expect(moved.unusedLayerVersions).toEqual([]);
    expect(moved.report).not.toContain('no longer use');

    // billing moves too, but its published version 1 (alias live) still refers to deps-ab:1.
    const billing = await build('billing', 'deps-b', 'v1');
    expect((await deployFunctions([billing], opts())).unusedLayerVersions).toEqual([]);

    // A new version of billing's layer: billing leaves deps-b:1, which nothing else refers to.
    const changed = await deployFunctions([await build('billing', 'deps-b', 'v2')], opts());
    expect(changed.ok, changed.report).toBe(true);
    expect(changed.unusedLayerVersions).toEqual([{ layerName: 'deps-b', version: 1, arn: arn('deps-b', 1) }]);
    expect(changed.report).toContain([
      'Layer versions the deployed functions no longer use (no function version refers to them):',
      `  ${arn('deps-b', 1)}`,
      '  Delete them (or set "pruneLayerVersions": true and deploy deletes them):',
      '    aws lambda delete-layer-version --layer-name deps-b --version-number 1 --region us-east-1',
    ].join('\n'));
    expect(suite.api.counts.DeleteLayerVersion ?? 0).toBe(0);
    expect(suite.api.state.layers.get('deps-b')?.map((v) => v.Version)).toEqual([1, 2]);
  });

  it('pruneLayerVersions deletes the unused versions of ours, keeps one a published version refers to, and the functions still work', async () => {
    suite.api.resetCounts();
    const pruned = await deployFunctions([await build('billing', 'deps-b', 'v2', { alias: 'live' })], opts({ pruneLayerVersions: true }));
    expect(pruned.ok, pruned.report).toBe(true);
    expect(pruned.unusedLayerVersions).toEqual([{ layerName: 'deps-b', version: 1, arn: arn('deps-b', 1), deleted: true }]);
    expect(pruned.report).toContain(`Layer versions no function refers to (pruneLayerVersions):\n  deleted ${arn('deps-b', 1)}`);
    expect(suite.api.state.layers.get('deps-b')?.map((v) => v.Version)).toEqual([2]);

    // billing:2 (alias live) refers to deps-b:2: kept when billing's $LATEST moves on. The new
    // version after a deletion gets the next number, as in Lambda.
    const next = await deployFunctions([await build('billing', 'deps-b', 'v3')], opts({ pruneLayerVersions: true }));
    expect(next.ok, next.report).toBe(true);
    expect(next.layers).toEqual([expect.objectContaining({ arn: arn('deps-b', 3) })]);
    expect(next.unusedLayerVersions).toEqual([]);
    expect(suite.api.state.layers.get('deps-b')?.map((v) => v.Version)).toEqual([2, 3]);
    expect(suite.api.counts.DeleteLayerVersion).toBe(1);
    const lambda = new LambdaClient({ endpoint: suite.api.endpoint, region: suite.api.region });
    const live = await lambda.send(new GetFunctionCommand({ FunctionName: 'billing', Qualifier: 'live' }));
    expect(live.Configuration?.Layers?.map((l) => l.Arn)).toEqual([arn('deps-b', 2)]);
  });

  it('a version deploy did not publish (pinned in layerArns) is never listed nor deleted', async () => {
    const lambda = new LambdaClient({ endpoint: suite.api.endpoint, region: suite.api.region });
    const { PublishLayerVersionCommand } = await import('@aws-sdk/client-lambda');
    const zip = await import('node:fs/promises').then((fs) => fs.readFile(path.join(suite.root, 'layers', 'deps-b', 'v3', 'layer.zip')));
    const theirs = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'their-layer', Content: { ZipFile: zip } }));
    const pinned = await build('reports', 'deps-r', 'v1', { layerArns: [theirs.LayerVersionArn as string] });
    expect((await deployFunctions([pinned], opts())).ok).toBe(true);
    const unpinned = await deployFunctions([{ ...pinned, layerArns: [] }], opts({ pruneLayerVersions: true }));
    expect(unpinned.ok, unpinned.report).toBe(true);
    expect(unpinned.unusedLayerVersions).toEqual([]);
    expect(suite.api.state.layers.get('their-layer')?.length).toBe(1);
  });

  it('a check that cannot be made is said, with what to do, and the deploy still succeeds', async () => {
    const proxy = await startCuttingProxy(suite.api.endpoint, (req) => (req.method === 'GET' && /^\/2015-03-31\/functions\/?(\?|$)/.test(req.url) ? 'before' : undefined));
    const result = await deployFunctions([await build('billing', 'deps-b', 'v4')], opts({ endpoint: proxy.endpoint, maxRetries: 1 }));
    await proxy.close();
    expect(result.ok, result.report).toBe(true);
    expect(result.functions[0].status).toBe('deployed');
    expect(result.unusedLayerVersions).toEqual([]);
    expect(result.report).toMatch(/Layer versions no function uses: not checked\n  deploy:layer-cleanup - could not list the functions to see which layer versions they use: [^\n]+\n  Fix: allow lambda:ListFunctions/);
  });
});
