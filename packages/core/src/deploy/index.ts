// The public surface of deploy; steps (apply, retry, upload) stay internal. Nothing here loads the
// AWS SDK: the engine behind deployFunctions is imported on first use (lazy.ts).
export * from './types';
export { planDeploy, configDifferences } from './plan';
export { readFunctionArtifact, readLayerArtifact } from './artifacts';
export {
  functionSettingsProblems, copyFunctionSettings, EPHEMERAL_STORAGE_MIB, TRACING_MODES, LOG_FORMATS, APPLICATION_LOG_LEVELS, SYSTEM_LOG_LEVELS,
} from './function-settings';
export type { SettingsProblem } from './function-settings';
export { MANAGED_TAGS_KEY, MAX_MANAGED_TAGS } from './tags';
export type { FunctionArtifact, LayerArtifact } from './artifacts';
export type { AwsClientConfig, DeployClientFactory } from './clients';
export { TokenBucket, processRateLimiter } from './rate-limit';
export { DEFAULT_RETRY } from './retry';
export type { RetryPolicy } from './retry';
export { formatPlan, formatOutcome } from './format';
export { deployFunctions } from './lazy';
export type { UnusedLayerVersion } from './layer-cleanup';
export type { DeployFunctionSpec, DeployOptions, DeployResult, FunctionOutcome, LayerOutcome, ItemStatus } from './deploy';
