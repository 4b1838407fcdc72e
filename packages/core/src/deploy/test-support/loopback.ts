import { afterAll, beforeAll } from 'vitest';
import { LambdaApi, LambdaApiOptions, startLambdaApi } from '../../../../../tools/lambda-api/server.mjs';
import { tempDir } from '../../test-support/workspace';
import type { DeployOptions } from '../deploy';

/** Test-only AWS settings: dummy credentials for the loopback API, never real ones. */
export function useDummyAwsCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOOPBACKTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'loopback-secret';
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_PROFILE;
}

/** Deploy options for tests: the real SDK clients at the loopback endpoint, quick waiter polls. */
export function loopbackOptions(endpoint: string, over: DeployOptions = {}): DeployOptions {
  return { endpoint, waiter: { minDelaySeconds: 0.05, maxWaitSeconds: 60 }, ...over };
}

/** What a deploy spec starts from: dummy credentials, the loopback API and an empty temp folder. */
export async function loopbackFixture(label: string, options: LambdaApiOptions = {}): Promise<{ api: LambdaApi; root: string }> {
  useDummyAwsCredentials();
  return { api: await startLambdaApi(options), root: await tempDir(label) };
}

export interface LoopbackSuite {
  api: LambdaApi;
  root: string;
  /** loopbackOptions at this suite's API. */
  opts(over?: DeployOptions): DeployOptions;
}

/** A spec file's loopback API and temp folder: started before its tests, closed after them. */
export function loopbackSuite(label: string, options: LambdaApiOptions = {}): LoopbackSuite {
  const suite = { opts: (over: DeployOptions = {}) => loopbackOptions(suite.api.endpoint, over) } as LoopbackSuite;
  beforeAll(async () => void Object.assign(suite, await loopbackFixture(label, options)));
  afterAll(async () => suite.api?.close());
  return suite;
}
