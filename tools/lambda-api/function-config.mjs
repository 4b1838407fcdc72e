// The configuration blocks of a function beyond memory and timeout: EphemeralStorage, TracingConfig,
// VpcConfig, LoggingConfig. Kept as Lambda keeps them: every function has a default for each
// (no VpcConfig until one is attached), Lambda checks the values and the rules between them, and
// an update replaces a block's given fields.
import { invalid, validation } from './api-error.mjs';

export const BLOCK_FIELDS = ['EphemeralStorage', 'TracingConfig', 'VpcConfig', 'LoggingConfig'];

const LOG_FORMATS = ['Text', 'JSON'];
const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'];
const TRACING_MODES = ['Active', 'PassThrough'];

/** What a new function holds before anything is set. */
export function defaultBlocks(functionName) {
  return {
    EphemeralStorage: { Size: 512 },
    TracingConfig: { Mode: 'PassThrough' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${functionName}` },
  };
}

/** The blocks a CreateFunction / UpdateFunctionConfiguration body sets, checked, over `current`. */
export function blocksFrom(body, current) {
  const next = {};
  if (body.EphemeralStorage !== undefined) next.EphemeralStorage = ephemeralStorage(body.EphemeralStorage);
  if (body.TracingConfig !== undefined) next.TracingConfig = tracing(body.TracingConfig);
  if (body.VpcConfig !== undefined) next.VpcConfig = vpc(body.VpcConfig);
  if (body.LoggingConfig !== undefined) next.LoggingConfig = logging(body.LoggingConfig, current.LoggingConfig);
  return next;
}

function ephemeralStorage(e) {
  const size = e?.Size;
  if (!Number.isInteger(size) || size < 512 || size > 10240) {
    throw validation('ephemeralStorage.size', size, 'Member must have value between 512 and 10240');
  }
  return { Size: size };
}

function tracing(t) {
  if (!TRACING_MODES.includes(t?.Mode)) throw validation('tracingConfig.mode', t?.Mode, `Member must satisfy enum value set: [${TRACING_MODES.join(', ')}]`);
  return { Mode: t.Mode };
}

function vpc(v) {
  const SubnetIds = [...(v?.SubnetIds ?? [])];
  const SecurityGroupIds = [...(v?.SecurityGroupIds ?? [])];
  if (SubnetIds.length > 16) throw validation('vpcConfig.subnetIds', SubnetIds.join(','), 'Member must have length less than or equal to 16');
  if (SecurityGroupIds.length > 5) throw validation('vpcConfig.securityGroupIds', SecurityGroupIds.join(','), 'Member must have length less than or equal to 5');
  if ((SubnetIds.length === 0) !== (SecurityGroupIds.length === 0)) throw invalid('SubnetIds and SecurityGroupIds must coexist or be both empty list.');
  // Lambda finds the VPC from the subnets; the loopback has no VPCs, so one ID stands for all.
  return { SubnetIds, SecurityGroupIds, VpcId: SubnetIds.length ? 'vpc-0loopback00000000' : '', Ipv6AllowedForDualStack: false };
}

function logging(l, current) {
  const LogFormat = l?.LogFormat ?? current?.LogFormat ?? 'Text';
  if (!LOG_FORMATS.includes(LogFormat)) throw validation('loggingConfig.logFormat', LogFormat, `Member must satisfy enum value set: [${LOG_FORMATS.join(', ')}]`);
  if (l?.ApplicationLogLevel !== undefined && !APPLICATION_LOG_LEVELS.includes(l.ApplicationLogLevel)) {
    throw validation('loggingConfig.applicationLogLevel', l.ApplicationLogLevel, `Member must satisfy enum value set: [${APPLICATION_LOG_LEVELS.join(', ')}]`);
  }
  if (l?.SystemLogLevel !== undefined && !SYSTEM_LOG_LEVELS.includes(l.SystemLogLevel)) {
    throw validation('loggingConfig.systemLogLevel', l.SystemLogLevel, `Member must satisfy enum value set: [${SYSTEM_LOG_LEVELS.join(', ')}]`);
  }
  if (LogFormat !== 'JSON' && (l?.ApplicationLogLevel !== undefined || l?.SystemLogLevel !== undefined)) {
    throw invalid('ApplicationLogLevel and SystemLogLevel can only be set when LogFormat is JSON.');
  }
  const LogGroup = l?.LogGroup ?? current?.LogGroup;
  if (LogGroup !== undefined && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(LogGroup)) {
    throw validation('loggingConfig.logGroup', LogGroup, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  }
  const out = { LogFormat, LogGroup };
  if (LogFormat === 'JSON') {
    // JSON logs are filtered at INFO unless a level is given.
    out.ApplicationLogLevel = l?.ApplicationLogLevel ?? current?.ApplicationLogLevel ?? 'INFO';
    out.SystemLogLevel = l?.SystemLogLevel ?? current?.SystemLogLevel ?? 'INFO';
  }
  return out;
}
