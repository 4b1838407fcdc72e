import { LambdaPackageError } from '../errors';

const MiB = 1024 * 1024;

/** Lambda's quotas; options so an account with other limits can set its own. */
export interface PackageLimits {
  /** Largest zip uploaded directly; above it deploy goes through S3 (a warning, not an error). */
  directUploadBytes: number;
  /** Function plus all its layers, unzipped. */
  unzippedBytes: number;
  maxLayers: number;
}

export const DEFAULT_LIMITS: PackageLimits = {
  directUploadBytes: 50 * MiB,
  unzippedBytes: 250 * MiB,
  maxLayers: 5,
};

/** What Lambda gives a function created without them (deploy's plan shows them; invoke runs with them). */
export const LAMBDA_FUNCTION_DEFAULTS = { memorySizeMiB: 128, timeoutSeconds: 3 } as const;

export function formatBytes(n: number): string {
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export interface LimitInput {
  where: string;
  zippedSize: number;
  unzippedSize: number;
  layers: readonly { layer: string; unzippedSize: number }[];
}

/** Errors for what Lambda would refuse; returns warnings for what only changes how we deploy. */
export function checkLimits(input: LimitInput, limits: PackageLimits): string[] {
  const warnings: string[] = [];
  // A limit the user lowered is theirs, not Lambda's: say so, or the message would misstate Lambda.
  const lambdas = (key: keyof PackageLimits, option: string) => (limits[key] === DEFAULT_LIMITS[key] ? 'Lambda' : `its "${option}"`);
  if (input.layers.length > limits.maxLayers) {
    throw new LambdaPackageError(input.where, `uses ${input.layers.length} layers; ${lambdas('maxLayers', 'maxLayers')} allows ${limits.maxLayers}`,
      [`layers: ${input.layers.map((l) => l.layer).join(', ')}`],
      limits.maxLayers === DEFAULT_LIMITS.maxLayers ? 'merge layers or move dependencies back into the function'
        : `raise "maxLayers" (Lambda allows ${DEFAULT_LIMITS.maxLayers}), or set the layer project's "maxLayers" to ${limits.maxLayers} so its plan keeps to it`);
  }
  const total = input.unzippedSize + input.layers.reduce((s, l) => s + l.unzippedSize, 0);
  if (total > limits.unzippedBytes) {
    const whose = lambdas('unzippedBytes', 'unzippedLimitMiB');
    throw new LambdaPackageError(input.where, `unzipped size ${formatBytes(total)} exceeds ${whose === 'Lambda' ? "Lambda's" : `${whose} of`} ${formatBytes(limits.unzippedBytes)} (function + layers)`,
      [`function: ${formatBytes(input.unzippedSize)}`, ...input.layers.map((l) => `layer ${l.layer}: ${formatBytes(l.unzippedSize)}`)],
      'exclude files you do not need, or ship the function as a container image');
  }
  if (input.zippedSize > limits.directUploadBytes) {
    warnings.push(`zip is ${formatBytes(input.zippedSize)}, over the ${formatBytes(limits.directUploadBytes)} direct-upload limit: deploy will upload it through S3 (set s3Bucket)`);
  }
  return warnings;
}
