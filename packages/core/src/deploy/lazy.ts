import type { deployFunctions as DeployFunctions } from './deploy';

/**
 * Loads the deploy engine, and with it the AWS SDK clients, only when a deploy runs. Every
 * package task imports @nx-lambda/core; measured here, the SDK added 0.5 s (warm) to 3.4 s (cold)
 * to each such process.
 */
export const deployFunctions: typeof DeployFunctions = async (...args) => (await import('./deploy')).deployFunctions(...args);
