import * as http from 'node:http';
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaApi, startLambdaApi } from '../../../../tools/lambda-api/server.mjs';
import { LambdaPackageError } from '../errors';
import { tempDir } from '../test-support/workspace';
import { deployFunctions, DeployFunctionSpec } from './deploy';
import { writeFunctionArtifact } from './test-support/artifacts';
import { loopbackOptions, useDummyAwsCredentials } from './test-support/loopback';
import { closedPort, CutPoint, startCuttingProxy } from './test-support/network';

// Lambda out of reach, and AWS settings the SDK cannot use: real SDK clients, real sockets.
const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';
let api: LambdaApi;
let root: string;

beforeAll(async () => {
  useDummyAwsCredentials();
  api = await startLambdaApi({ updateDelayMs: 20, buckets: ['artifacts'] });
  root = await tempDir('deploy-access');
});
afterAll(async () => api?.close());

async function spec(name: string): Promise<DeployFunctionSpec> {
  const dir = path.join(root, name);
  await writeFunctionArtifact(dir, { name, files: { 'index.js': `exports.handler = async () => "${name}";` } });
  return { artifactDir: dir, role: ROLE };
}

async function failure(run: Promise<unknown>): Promise<LambdaPackageError> {
  const err = await run.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LambdaPackageError);
  return err as LambdaPackageError;
}

describe('Lambda out of reach', () => {
  it('a closed port fails after the retries, naming the endpoint, the function and what to check', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const err = await failure(deployFunctions([await spec('far-fn')], loopbackOptions(endpoint, { maxRetries: 1 })));
    expect(err.where).toBe('deploy:plan');
    expect(err.message).toMatch(new RegExp(`^deploy:plan - cannot reach Lambda at ${endpoint} for function far-fn: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\n  Fix: check "endpoint" \\(${endpoint}\\)`));
  });

  const cuts: [CutPoint, string][] = [['before', 'its CreateFunction is refused'], ['after', 'the polls after its CreateFunction are refused']];
  it.each(cuts)('half-way (cut %s: %s): the report says what was deployed, what not, why and what to check; a re-run finishes', async (cut) => {
    const [a, b] = [`net-a-${cut}`, `net-b-${cut}`];
    const proxy = await startCuttingProxy(api.endpoint, (req) =>
      (req.method === 'POST' && req.url === '/2015-03-31/functions' && req.body.toString().includes(`"FunctionName":"${b}"`) ? cut : undefined));
    const specs = [await spec(a), await spec(b)];
    const first = await deployFunctions(specs, loopbackOptions(proxy.endpoint, { concurrency: 1, maxRetries: 1 }));
    await proxy.close();
    expect(proxy.cut).toBe(true);
    expect(first.ok).toBe(false);
    expect(first.functions.map((f) => f.status)).toEqual(['deployed', 'failed']);
    expect(first.report).toMatch(new RegExp([
      `stopped half-way[\\s\\S]*function ${a}: deployed`,
      `function ${b}: failed \\(not done: create\\)`,
      `error: deploy:create - cannot reach Lambda at ${proxy.endpoint} for function ${b}: connect ECONNREFUSED [^\\n]+`,
      'Fix: check "endpoint"',
    ].join('[^\\n]*\\n\\s+')));
    expect(api.state.functions.has(b)).toBe(cut === 'after');
    const second = await deployFunctions(specs, loopbackOptions(api.endpoint));
    expect(second.ok, second.report).toBe(true);
    expect(second.functions.map((f) => f.status)).toEqual(['unchanged', cut === 'after' ? 'unchanged' : 'deployed']);
  });

  it('S3 out of reach half-way is said as S3, with the zip it was uploading', async () => {
    let heads = 0;
    const proxy = await startCuttingProxy(api.endpoint, (req) => (req.method === 'HEAD' && ++heads === 2 ? 'before' : undefined));
    const [a, b] = ['s3-net-a', 's3-net-b'];
    const over = { concurrency: 1, maxRetries: 1, s3Bucket: 'artifacts', directUploadLimitBytes: 1 };
    const result = await deployFunctions([await spec(a), await spec(b)], loopbackOptions(proxy.endpoint, over));
    await proxy.close();
    expect(result.functions.map((f) => f.status)).toEqual(['deployed', 'failed']);
    expect(result.report).toMatch(new RegExp(`function ${b}: failed \\(not done: create\\)\\n      error: deploy:upload - cannot reach S3 at ${proxy.endpoint} for function ${b}: [^\\n]+\\n      Fix: check "endpoint"`));
  });
});

describe('credentials and region', () => {
  const saved: Record<string, string | undefined> = {};
  const setEnv = (name: string, value: string | undefined) => {
    if (!(name in saved)) saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  beforeAll(async () => {
    // Empty AWS config files, and none of the other sources the SDK's chain would try.
    const home = await tempDir('aws-home');
    await fsp.writeFile(path.join(home, 'config'), '');
    await fsp.writeFile(path.join(home, 'credentials'), '');
    setEnv('AWS_CONFIG_FILE', path.join(home, 'config'));
    setEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(home, 'credentials'));
    setEnv('AWS_EC2_METADATA_DISABLED', 'true');
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']) setEnv(name, undefined);
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('an unknown profile names the profile and where it should be, before any request', async () => {
    api.resetCounts();
    const err = await failure(deployFunctions([await spec('cred-fn')], loopbackOptions(api.endpoint, { profile: 'nope', region: 'us-east-1' })));
    expect(err.message).toMatch(/^deploy:plan - no AWS credentials for function cred-fn from profile "nope": Could not load credentials from any providers\n  Fix: check that profile "nope" exists in ~\/\.aws\/config or ~\/\.aws\/credentials [\s\S]*aws sso login --profile nope/);
    expect(api.counts).toEqual({});
  });

  it('an unknown profile and no region says there is no region', async () => {
    setEnv('AWS_REGION', undefined);
    setEnv('AWS_DEFAULT_REGION', undefined);
    const err = await failure(deployFunctions([await spec('cred-fn')], loopbackOptions(api.endpoint, { profile: 'nope' })));
    expect(err.message).toMatch(/^deploy:plan - no AWS region for function cred-fn \(profile "nope" sets none\)\n  Fix: set "region"/);
  });
});

describe('credentials Lambda rejects', () => {
  let server: http.Server;
  let endpoint: string;
  beforeAll(async () => {
    useDummyAwsCredentials();
    // What Lambda answers to a key it does not know.
    server = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnrecognizedClientException' });
      res.end(JSON.stringify({ message: 'The security token included in the request is invalid.' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('are named as such, with what to renew', async () => {
    const err = await failure(deployFunctions([await spec('rejected-fn')], loopbackOptions(endpoint)));
    expect(err.message).toMatch(/^deploy:plan - Lambda rejected the credentials for function rejected-fn: The security token included in the request is invalid\.\n  Fix: renew them/);
  });
});
