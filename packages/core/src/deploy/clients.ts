import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { TokenBucket } from './rate-limit';

/** Where the SDK connects; credentials always come from the standard AWS chain. */
export interface AwsClientConfig {
  region?: string;
  profile?: string;
  /** An emulator or the loopback API in tests. */
  endpoint?: string;
  /** SDK-level attempts; deploy retries itself, so it asks for 1. */
  maxAttempts: number;
}

/** The one seam for AWS clients: tests point the real SDK at a local endpoint through it. */
export interface DeployClientFactory {
  lambda(config: AwsClientConfig): LambdaClient;
  s3(config: AwsClientConfig): S3Client;
}

export const defaultClientFactory: DeployClientFactory = {
  lambda: (c) => new LambdaClient({ region: c.region, profile: c.profile, endpoint: c.endpoint, maxAttempts: c.maxAttempts }),
  // Path-style addressing when an endpoint is set: emulators rarely serve virtual-host buckets.
  s3: (c) => new S3Client({ region: c.region, profile: c.profile, endpoint: c.endpoint, maxAttempts: c.maxAttempts, forcePathStyle: c.endpoint !== undefined }),
};

/** Every HTTP request of `client` (waiter polls included) first takes a token from `bucket`. */
export function limitRequestRate(client: LambdaClient, bucket: TokenBucket): LambdaClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      await bucket.take();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'nxLambdaRequestRate' },
  );
  return client;
}
