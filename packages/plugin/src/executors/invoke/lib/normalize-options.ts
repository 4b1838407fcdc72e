import * as path from 'node:path';

/** Options of `@nx-lambda/plugin:invoke`, as schema.json declares them. */
export interface InvokeExecutorOptions {
  event?: string;
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  outputPath?: string;
}

export const INVOKE_OPTION_KEYS = ['event', 'timeout', 'memorySize', 'environment', 'outputPath'] as const;

export interface NormalizedInvokeOptions {
  /** Absolute event file, `-` for stdin, undefined for `{}`. */
  eventSource?: string;
  timeoutMs: number;
  memoryMb: number;
  env: Record<string, string>;
  /** Absolute folder with function.zip and manifest.json. */
  artifactDir: string;
}

export interface InvokeLocation {
  projectName: string;
  projectRoot: string;
  workspaceRoot: string;
}

/** The settings lambda.json may hold for invoke (the same keys deploy reads). */
export interface InvokeMarker {
  timeout?: unknown;
  memorySize?: unknown;
  environment?: unknown;
}

/**
 * Target options over lambda.json over Lambda's defaults (3 s, 128 MB). Pure: returns a new
 * object and never touches `options`; rules across fields throw with what to change.
 */
export function normalizeInvokeOptions(options: InvokeExecutorOptions, marker: InvokeMarker, loc: InvokeLocation): NormalizedInvokeOptions {
  const where = `${loc.projectName}:invoke`;
  const timeout = options.timeout ?? (typeof marker.timeout === 'number' ? marker.timeout : 3);
  if (!(timeout > 0 && timeout <= 900)) throw new Error(`${where} - timeout ${timeout} is outside Lambda's 1-900 seconds.\nSet "timeout" in the target options or ${loc.projectRoot}/lambda.json.`);
  const memoryMb = options.memorySize ?? (typeof marker.memorySize === 'number' ? marker.memorySize : 128);
  if (!(Number.isInteger(memoryMb) && memoryMb >= 128 && memoryMb <= 10240)) {
    throw new Error(`${where} - memorySize ${memoryMb} is outside Lambda's 128-10240 MB.\nSet "memorySize" in the target options or ${loc.projectRoot}/lambda.json.`);
  }
  const markerEnv = marker.environment && typeof marker.environment === 'object' ? (marker.environment as Record<string, unknown>) : {};
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...markerEnv, ...options.environment })) {
    if (typeof v !== 'string') throw new Error(`${where} - environment variable ${k} is not a string.\nQuote its value in ${loc.projectRoot}/lambda.json or the target options.`);
    env[k] = v;
  }
  const rel = (options.outputPath ?? 'dist/{projectRoot}').replace('{projectRoot}', loc.projectRoot).replace('{projectName}', loc.projectName);
  return {
    eventSource: options.event === '-' ? '-' : options.event ? path.resolve(loc.workspaceRoot, options.event) : undefined,
    timeoutMs: Math.round(timeout * 1000),
    memoryMb,
    env,
    artifactDir: path.resolve(loc.workspaceRoot, rel),
  };
}
