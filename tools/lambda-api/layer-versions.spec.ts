import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  CreateFunctionCommand, DeleteLayerVersionCommand, GetLayerVersionCommand, LambdaClient, ListFunctionsCommand, ListLayersCommand,
  ListLayerVersionsCommand, PublishLayerVersionCommand, PublishVersionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDeterministicZip } from '../../packages/core/src/archive/zip-writer';
import { useDummyAwsCredentials } from '../../packages/core/src/deploy/test-support/loopback';
import { tempDir } from '../../packages/core/src/test-support/workspace';
import { LambdaApi, startLambdaApi } from './server.mjs';

// The loopback API's layer versions and ListFunctions as the Lambda API reference describes them,
// through the real SDK over HTTP.
const ROLE = 'arn:aws:iam::123456789012:role/x';
let api: LambdaApi;
let lambda: LambdaClient;
let zip: Buffer;

beforeAll(async () => {
  useDummyAwsCredentials();
  api = await startLambdaApi({ updateDelayMs: 10 });
  lambda = new LambdaClient({ endpoint: api.endpoint, region: api.region });
  const file = path.join(await tempDir('layer-versions'), 'a.zip');
  const data = Buffer.from('exports.handler = async () => 1;');
  await writeDeterministicZip(file, [{ name: 'index.js', type: 'file', data, executable: false, size: data.length }]);
  zip = await fsp.readFile(file);
});
afterAll(async () => api?.close());

const wait = { minDelay: 0.05, maxWaitTime: 10 };

describe('DeleteLayerVersion', () => {
  it('hides the version (read, list, new use) but keeps it for the function that has it; numbers are never given again; a second delete is no error', async () => {
    const v1 = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'deps', Content: { ZipFile: zip } }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'user', Role: ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: zip }, Layers: [v1.LayerVersionArn as string] }));
    await waitUntilFunctionActiveV2({ ...wait, client: lambda }, { FunctionName: 'user' });

    await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'deps', VersionNumber: 1 }));
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'deps', VersionNumber: 1 }));
    await expect(lambda.send(new GetLayerVersionCommand({ LayerName: 'deps', VersionNumber: 1 }))).rejects.toThrow(/does not exist/);
    expect((await lambda.send(new ListLayerVersionsCommand({ LayerName: 'deps' }))).LayerVersions).toEqual([]);
    expect((await lambda.send(new ListLayersCommand({}))).Layers).toEqual([]);

    // The function keeps it: new code goes through with the layer it has.
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'user', ZipFile: zip }));
    await waitUntilFunctionUpdatedV2({ ...wait, client: lambda }, { FunctionName: 'user' });
    // No function can be given it again.
    await expect(lambda.send(new CreateFunctionCommand({ FunctionName: 'other', Role: ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: zip }, Layers: [v1.LayerVersionArn as string] })))
      .rejects.toThrow(/does not exist/);

    const v2 = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'deps', Content: { ZipFile: zip } }));
    expect(v2.Version).toBe(2);
    expect((await lambda.send(new ListLayersCommand({}))).Layers).toEqual([expect.objectContaining({ LayerName: 'deps', LatestMatchingVersion: expect.objectContaining({ Version: 2 }) })]);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'user', Layers: [v2.LayerVersionArn as string] }));
    await waitUntilFunctionUpdatedV2({ ...wait, client: lambda }, { FunctionName: 'user' });
  });
});

describe('ListFunctions', () => {
  it('lists $LATEST of each function, and with FunctionVersion=ALL its published versions with their layers, 50 a page', async () => {
    await lambda.send(new PublishVersionCommand({ FunctionName: 'user' }));
    const latest = await lambda.send(new ListFunctionsCommand({}));
    expect(latest.Functions?.map((f) => `${f.FunctionName}:${f.Version}`)).toEqual(['user:$LATEST']);
    expect(latest.Functions?.[0]).not.toHaveProperty('State');
    const all = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    expect(all.Functions?.map((f) => `${f.FunctionName}:${f.Version}`)).toEqual(['user:$LATEST', 'user:1']);
    expect(all.Functions?.[1].Layers?.map((l) => l.Arn)).toEqual(['arn:aws:lambda:us-east-1:123456789012:layer:deps:2']);
    const paged = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 1 }));
    expect(paged.Functions).toHaveLength(1);
    expect((await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: paged.NextMarker }))).Functions?.map((f) => f.Version)).toEqual(['1']);
  });
});
