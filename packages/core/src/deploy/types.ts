import type { Architecture } from '../runtimes/types';

/** A layer the function uses: one of our layer projects (ARN known after publish) or a pinned ARN. */
export type DesiredLayerRef = { layer: string } | { arn: string };

/** Configuration fields we manage; `undefined` means "leave what is deployed". */
export interface FunctionSettings {
  role?: string;
  memorySize?: number;
  timeout?: number;
  environment?: Record<string, string>;
  description?: string;
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
}

export interface CurrentFunction {
  /** null when GetFunction said ResourceNotFound. */
  latest: DeployedConfig | null;
  /** Only read when the desired state names an alias. */
  alias?: { name: string; functionVersion: string; target: DeployedConfig | null } | null;
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

export type FunctionStep = 'create' | 'update-code' | 'update-config' | 'publish-version' | 'create-alias' | 'update-alias';

export interface FunctionDeployPlan {
  functionName: string;
  /** The headline: create / update code / update config / publish (version and alias only) / no change. */
  action: 'create' | 'update code' | 'update config' | 'publish' | 'no change';
  steps: FunctionStep[];
  /** Why each step is there, for people reading the plan. */
  reasons: string[];
  /** Config fields UpdateFunctionConfiguration will send. */
  configChanges: string[];
}

export interface DeployPlan {
  layers: LayerDeployPlan[];
  functions: FunctionDeployPlan[];
}
