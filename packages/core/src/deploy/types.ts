import type { Architecture } from '../runtimes/types';

/** A layer the function uses: one of our layer projects (ARN known after publish) or a pinned ARN. */
export type DesiredLayerRef = { layer: string } | { arn: string };

export type TracingMode = 'Active' | 'PassThrough';
export type LogFormat = 'Text' | 'JSON';
export type ApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';

/** A missing list counts as empty; both empty detaches the function from its VPC. */
export interface VpcSettings {
  subnetIds?: string[];
  securityGroupIds?: string[];
}

/** The whole logging configuration: an unset field means Lambda's default, not "leave". */
export interface LoggingSettings {
  logFormat: LogFormat;
  /** Default `/aws/lambda/<function name>`. */
  logGroup?: string;
  /** Only with logFormat JSON; default INFO. */
  applicationLogLevel?: ApplicationLogLevel;
  /** Only with logFormat JSON; default INFO. */
  systemLogLevel?: SystemLogLevel;
}

/** Configuration fields we manage; `undefined` means "leave what is deployed". */
export interface FunctionSettings {
  role?: string;
  memorySize?: number;
  timeout?: number;
  environment?: Record<string, string>;
  description?: string;
  /** /tmp size in MiB, 512-10240. */
  ephemeralStorageMiB?: number;
  tracing?: TracingMode;
  vpc?: VpcSettings;
  logging?: LoggingSettings;
  /**
   * Tags of the function (not of a version). Keys set by an earlier deploy and no longer listed are
   * removed; keys nx-lambda never set are left alone (see tags.ts).
   */
  tags?: Record<string, string>;
}

/** What one function should look like after deploy (from its manifest and options). */
export interface DesiredFunction extends FunctionSettings {
  functionName: string;
  runtime: string;
  handler: string;
  architecture: Architecture;
  codeSha256: string;
  layers: DesiredLayerRef[];
  publish: boolean;
  alias?: string;
}

export interface DesiredLayer {
  name: string;
  codeSha256: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: Architecture[];
}

/** The parts of a deployed function configuration ($LATEST or a version) that we compare. */
export interface DeployedConfig {
  runtime?: string;
  handler?: string;
  role?: string;
  memorySize?: number;
  timeout?: number;
  environment: Record<string, string>;
  description?: string;
  layers: string[];
  architecture: Architecture;
  codeSha256: string;
  /** The fields below are optional for plan fixtures; absent means Lambda's default. */
  ephemeralStorageMiB?: number;
  tracing?: string;
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  logging?: { logFormat?: string; logGroup?: string; applicationLogLevel?: string; systemLogLevel?: string };
  /**
   * Why Lambda's last create or update of it failed (LastUpdateStatus Failed). The values above are
   * then what was asked for, not what runs: deploy sends code and configuration again.
   */
  lastUpdateFailed?: string;
  /** Why its creation failed (State Failed): Lambda updates it no more; it must be deleted and created again. */
  stateFailed?: string;
}

export interface CurrentFunction {
  /** null when GetFunction said ResourceNotFound. */
  latest: DeployedConfig | null;
  /** The unqualified ARN (tags live on it); known when the function exists. */
  functionArn?: string;
  /** The function's tags as GetFunction returned them. */
  tags?: Record<string, string>;
  /** Why GetFunction returned no tags (TagsError: usually a missing lambda:ListTags permission). */
  tagsError?: string;
  /** Only read when the desired state names an alias. */
  alias?: { name: string; functionVersion: string; target: DeployedConfig | null } | null;
  /** Only read for `publish` without an alias: the newest published version, null when there is none. */
  lastVersion?: DeployedConfig | null;
}

/** An existing version of a layer whose CodeSha256 equals the desired one, if any. */
export interface CurrentLayer {
  match: { arn: string; version: number } | null;
}

export interface PlanInput {
  functions: DesiredFunction[];
  layers: DesiredLayer[];
  current: {
    functions: Record<string, CurrentFunction>;
    layers: Record<string, CurrentLayer>;
  };
}

export interface LayerDeployPlan {
  name: string;
  action: 'publish' | 'reuse';
  codeSha256: string;
  /** Known when reused. */
  arn?: string;
}

export type FunctionStep = 'create' | 'update-code' | 'update-config' | 'update-tags' | 'publish-version' | 'create-alias' | 'update-alias';

/** TagResource / UntagResource calls on the function: tags are not configuration of a version. */
export interface TagChanges {
  functionArn: string;
  /** Keys to add or change, with their new values (includes nx-lambda's record of the keys it manages). */
  set: Record<string, string>;
  /** Keys to remove. */
  remove: string[];
}

/**
 * What CreateFunction will set, for people reading a plan (dry run). Environment and tags by name
 * only: their values may be secrets, and a plan is printed and logged. Unset settings are absent
 * (Lambda's defaults apply).
 */
export interface NewFunctionSummary {
  runtime: string;
  handler: string;
  architecture: Architecture;
  role?: string;
  memorySize?: number;
  timeout?: number;
  description?: string;
  environmentNames?: string[];
  /** In order: ARNs, or `<layer project> (version published by this deploy)`. */
  layers: string[];
  ephemeralStorageMiB?: number;
  tracing?: TracingMode;
  vpc?: VpcSettings;
  logging?: LoggingSettings;
  tagKeys?: string[];
}

export interface FunctionDeployPlan {
  functionName: string;
  /** The headline: create / update code / update config / publish (version and alias only) / no change. */
  action: 'create' | 'update code' | 'update config' | 'publish' | 'update tags' | 'no change';
  steps: FunctionStep[];
  /** Why each step is there, for people reading the plan. */
  reasons: string[];
  /** Config fields UpdateFunctionConfiguration will send. */
  configChanges: string[];
  /** Present only when the function's tags change. */
  tagChanges?: TagChanges;
  /** Present only for a create. */
  newFunction?: NewFunctionSummary;
}

export interface DeployPlan {
  layers: LayerDeployPlan[];
  functions: FunctionDeployPlan[];
}
