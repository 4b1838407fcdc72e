import type { FunctionConfiguration, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import type { DeployedConfig, DesiredFunction, LoggingSettings } from './types';


/**
 * The configuration blocks beyond memory/timeout/environment: ephemeral storage, tracing, VPC and
 * logging. Lambda fills each with a default when it is not given, and GetFunction may or may not
 * echo a default back, so both sides are compared with the defaults filled in: a re-run against a
 * function that holds exactly what was asked for writes nothing.
 */

export const DEFAULT_EPHEMERAL_STORAGE_MIB = 512;
export const DEFAULT_TRACING = 'PassThrough';
const DEFAULT_LOG_LEVEL = 'INFO';

/** What GetFunction / GetFunctionConfiguration say about the blocks. */
export function deployedBlocks(c: FunctionConfiguration): Pick<DeployedConfig, 'ephemeralStorageMiB' | 'tracing' | 'vpc' | 'logging'> {
  const l = c.LoggingConfig;
  return {
    ephemeralStorageMiB: c.EphemeralStorage?.Size,
    tracing: c.TracingConfig?.Mode,
    vpc: { subnetIds: [...(c.VpcConfig?.SubnetIds ?? [])], securityGroupIds: [...(c.VpcConfig?.SecurityGroupIds ?? [])] },
    logging: l ? { logFormat: l.LogFormat, logGroup: l.LogGroup, applicationLogLevel: l.ApplicationLogLevel, systemLogLevel: l.SystemLogLevel } : undefined,
  };
}

/** Names (as in configChanges) of the blocks that differ; unset settings are not compared. */
export function blockDifferences(f: DesiredFunction, c: DeployedConfig): string[] {
  const out: string[] = [];
  if (f.ephemeralStorageMiB !== undefined && f.ephemeralStorageMiB !== (c.ephemeralStorageMiB ?? DEFAULT_EPHEMERAL_STORAGE_MIB)) out.push('ephemeralStorageMiB');
  if (f.tracing !== undefined && f.tracing !== (c.tracing ?? DEFAULT_TRACING)) out.push('tracing');
  if (f.vpc !== undefined && !sameVpc(f.vpc, c.vpc)) out.push('vpc');
  if (f.logging !== undefined && !sameLogging(fullLogging(f.logging, f.functionName), fullLogging(c.logging, f.functionName))) out.push('logging');
  return out;
}

/** The request fields for the blocks named in `fields` (all set ones on create). */
export function blockRequest(f: DesiredFunction, fields: readonly string[]): Partial<UpdateFunctionConfigurationRequest> {
  const req: Partial<UpdateFunctionConfigurationRequest> = {};
  if (fields.includes('ephemeralStorageMiB') && f.ephemeralStorageMiB !== undefined) req.EphemeralStorage = { Size: f.ephemeralStorageMiB };
  if (fields.includes('tracing') && f.tracing !== undefined) req.TracingConfig = { Mode: f.tracing };
  // Empty lists are how Lambda detaches a function from its VPC.
  if (fields.includes('vpc') && f.vpc !== undefined) req.VpcConfig = { SubnetIds: [...(f.vpc.subnetIds ?? [])], SecurityGroupIds: [...(f.vpc.securityGroupIds ?? [])] };
  if (fields.includes('logging') && f.logging !== undefined) {
    // Every field is sent with its default filled in, so the result does not depend on whether
    // Lambda merges a partial LoggingConfig into the old one or replaces it.
    const l = fullLogging(f.logging, f.functionName);
    req.LoggingConfig = { LogFormat: l.logFormat, LogGroup: l.logGroup, ApplicationLogLevel: l.applicationLogLevel, SystemLogLevel: l.systemLogLevel };
  }
  return req;
}

export const ALL_BLOCKS = ['ephemeralStorageMiB', 'tracing', 'vpc', 'logging'] as const;

const asSet = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort().join('\n');

function sameVpc(want: NonNullable<DesiredFunction['vpc']>, have: DeployedConfig['vpc']): boolean {
  return asSet(want.subnetIds) === asSet(have?.subnetIds) && asSet(want.securityGroupIds) === asSet(have?.securityGroupIds);
}

type FullLogging = LoggingSettings & { logGroup: string };

/** Lambda's defaults filled in; levels only exist with JSON (Lambda refuses them with Text). */
export function fullLogging(given: DeployedConfig['logging'] | LoggingSettings | undefined, functionName: string): FullLogging {
  // What Lambda returns is one of the same values; an unknown newer one simply compares unequal.
  const l = given as Partial<LoggingSettings> | undefined;
  const logFormat = l?.logFormat ?? 'Text';
  const json = logFormat === 'JSON';
  return {
    logFormat,
    logGroup: l?.logGroup || `/aws/lambda/${functionName}`,
    applicationLogLevel: json ? l?.applicationLogLevel ?? DEFAULT_LOG_LEVEL : undefined,
    systemLogLevel: json ? l?.systemLogLevel ?? DEFAULT_LOG_LEVEL : undefined,
  };
}

function sameLogging(a: FullLogging, b: FullLogging): boolean {
  return a.logFormat === b.logFormat && a.logGroup === b.logGroup && a.applicationLogLevel === b.applicationLogLevel && a.systemLogLevel === b.systemLogLevel;
}
