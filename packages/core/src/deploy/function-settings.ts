import { MANAGED_TAGS_KEY, MAX_MANAGED_TAGS } from './tags';
import type { FunctionSettings } from './types';

/**
 * Rules Lambda applies to the settings, checked before any call so a wrong value never leaves a
 * function half-deployed. The deploy executor runs the same rules on its options (after its
 * schema.json has checked each field alone), so both say the same thing.
 */

export const EPHEMERAL_STORAGE_MIB = { min: 512, max: 10240 } as const;
export const TRACING_MODES = ['Active', 'PassThrough'] as const;
export const LOG_FORMATS = ['Text', 'JSON'] as const;
export const APPLICATION_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export const SYSTEM_LOG_LEVELS = ['DEBUG', 'INFO', 'WARN'] as const;
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export interface SettingsProblem {
  /** What is wrong, naming the option (`logging.applicationLogLevel`). */
  problem: string;
  /** What to change. */
  fix: string;
}

const oneOf = (list: readonly string[]) => list.map((v) => `"${v}"`).join(', ');

export function functionSettingsProblems(s: FunctionSettings): SettingsProblem[] {
  const out: SettingsProblem[] = [];
  const add = (problem: string, fix: string) => out.push({ problem, fix });
  const e = s.ephemeralStorageMiB;
  if (e !== undefined && (!Number.isInteger(e) || e < EPHEMERAL_STORAGE_MIB.min || e > EPHEMERAL_STORAGE_MIB.max)) {
    add(`ephemeralStorageMiB is ${e}`, `use a whole number of MiB from ${EPHEMERAL_STORAGE_MIB.min} to ${EPHEMERAL_STORAGE_MIB.max}`);
  }
  if (s.tracing !== undefined && !(TRACING_MODES as readonly string[]).includes(s.tracing)) {
    add(`tracing is "${s.tracing}"`, `use ${oneOf(TRACING_MODES)}`);
  }
  if (s.vpc !== undefined) vpcProblems(s.vpc, add);
  if (s.logging !== undefined) loggingProblems(s.logging, add);
  if (s.tags !== undefined) tagProblems(s.tags, add);
  return out;
}

type Add = (problem: string, fix: string) => void;

function vpcProblems(vpc: NonNullable<FunctionSettings['vpc']>, add: Add): void {
  const subnets = vpc.subnetIds ?? [];
  const groups = vpc.securityGroupIds ?? [];
  if (subnets.length === 0 !== (groups.length === 0)) {
    add(`vpc has ${subnets.length} subnetIds and ${groups.length} securityGroupIds`,
      'give both lists to attach the function to a VPC, or neither (vpc: {}) to detach it; Lambda takes them only together');
  }
  const check = (name: string, list: readonly string[], prefix: string, max: number) => {
    if (list.length > max) add(`vpc.${name} lists ${list.length} IDs`, `Lambda takes at most ${max}`);
    const bad = list.find((id) => typeof id !== 'string' || !id.startsWith(prefix));
    if (bad !== undefined) add(`vpc.${name} holds "${bad}"`, `list ${prefix}... IDs there`);
    const twice = list.find((id, i) => list.indexOf(id) !== i);
    if (twice !== undefined) add(`vpc.${name} lists "${twice}" twice`, 'list each ID once');
  };
  check('subnetIds', subnets, 'subnet-', MAX_SUBNETS);
  check('securityGroupIds', groups, 'sg-', MAX_SECURITY_GROUPS);
}

function loggingProblems(l: NonNullable<FunctionSettings['logging']>, add: Add): void {
  if (!(LOG_FORMATS as readonly string[]).includes(l.logFormat)) add(`logging.logFormat is ${JSON.stringify(l.logFormat)}`, `use ${oneOf(LOG_FORMATS)}`);
  if (l.applicationLogLevel !== undefined && !(APPLICATION_LOG_LEVELS as readonly string[]).includes(l.applicationLogLevel)) {
    add(`logging.applicationLogLevel is "${l.applicationLogLevel}"`, `use ${oneOf(APPLICATION_LOG_LEVELS)}`);
  }
  if (l.systemLogLevel !== undefined && !(SYSTEM_LOG_LEVELS as readonly string[]).includes(l.systemLogLevel)) {
    add(`logging.systemLogLevel is "${l.systemLogLevel}"`, `use ${oneOf(SYSTEM_LOG_LEVELS)}`);
  }
  const levels = (['applicationLogLevel', 'systemLogLevel'] as const).filter((k) => l[k] !== undefined);
  if (levels.length && l.logFormat !== 'JSON') {
    add(`logging.${levels.join(' and logging.')} ${levels.length > 1 ? 'need' : 'needs'} logging.logFormat "JSON" (it is "${l.logFormat}")`,
      `set logging.logFormat to "JSON", or remove ${levels.map((k) => `logging.${k}`).join(' and ')}; Lambda filters log levels only in JSON logs`);
  }
  if (l.logGroup !== undefined && !LOG_GROUP.test(l.logGroup)) {
    add(`logging.logGroup is "${l.logGroup}"`, 'use 1-512 letters, digits and . - _ / #');
  }
}

function tagProblems(tags: Readonly<Record<string, string>>, add: Add): void {
  const keys = Object.keys(tags);
  if (keys.length > MAX_MANAGED_TAGS) {
    add(`tags lists ${keys.length} tags`, `list at most ${MAX_MANAGED_TAGS}: Lambda allows 50 per function and deploy keeps one (${MANAGED_TAGS_KEY}) to remember which it set`);
  }
  for (const key of keys) {
    if (key.length < 1 || key.length > 128) add(`tag key "${key}" is ${key.length} characters long`, 'use 1-128 characters');
    if (/^aws:/i.test(key)) add(`tag key "${key}" starts with "aws:"`, 'rename it: AWS reserves that prefix for its own tags');
    if (key === MANAGED_TAGS_KEY) add(`tag key "${key}" is the one deploy uses to remember the tags it set`, 'rename it');
    const value = tags[key];
    if (typeof value !== 'string') add(`tag "${key}" has the value ${JSON.stringify(value)}`, 'give every tag a string value ("" is allowed)');
    else if (value.length > 256) add(`tag "${key}" has a ${value.length}-character value`, 'use at most 256 characters');
  }
}

/** A copy of the settings fields of `s` (lists and maps copied too); fields left unset stay absent. */
export function copyFunctionSettings(s: Readonly<FunctionSettings>): FunctionSettings {
  const out: FunctionSettings = {
    role: s.role, memorySize: s.memorySize, timeout: s.timeout, description: s.description,
    environment: s.environment ? { ...s.environment } : undefined,
    ephemeralStorageMiB: s.ephemeralStorageMiB,
    tracing: s.tracing,
    vpc: s.vpc ? { subnetIds: [...(s.vpc.subnetIds ?? [])], securityGroupIds: [...(s.vpc.securityGroupIds ?? [])] } : undefined,
    logging: s.logging ? { ...s.logging } : undefined,
    tags: s.tags ? { ...s.tags } : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as FunctionSettings;
}
