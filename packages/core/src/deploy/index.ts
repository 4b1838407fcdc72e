// The public surface of deploy; steps (apply, retry, upload) stay internal.
export * from './types';
export { planDeploy, configDifferences } from './plan';
export { readFunctionArtifact, readLayerArtifact } from './artifacts';
export type { FunctionArtifact, LayerArtifact } from './artifacts';
export { defaultClientFactory } from './clients';
export type { AwsClientConfig, DeployClientFactory } from './clients';
export { TokenBucket, processRateLimiter } from './rate-limit';
export { DEFAULT_RETRY } from './retry';
export type { RetryPolicy } from './retry';
export { formatPlan, formatOutcome } from './format';
export { deployFunctions } from './deploy';
export type { DeployFunctionSpec, DeployOptions, DeployResult, FunctionOutcome, LayerOutcome, ItemStatus } from './deploy';
