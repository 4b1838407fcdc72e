import { LAMBDA_FUNCTION_DEFAULTS } from '../package/limits';
import { fullLogging } from './config-blocks';
import type { FunctionOutcome, LayerOutcome } from './deploy';
import type { DeployPlan, NewFunctionSummary } from './types';


/** The plan as people read it: one line per layer and function, then why. */
export function formatPlan(plan: DeployPlan): string {
  const lines = ['Deploy plan:'];
  for (const l of plan.layers) {
    lines.push(l.action === 'reuse' ? `  layer ${l.name}: reuse ${l.arn}` : `  layer ${l.name}: publish layer (CodeSha256 ${l.codeSha256} is new)`);
  }
  for (const f of plan.functions) {
    const extra = f.steps.filter((s) => s === 'publish-version' || s.endsWith('-alias'));
    lines.push(`  function ${f.functionName}: ${f.action}${extra.length ? ` (+ ${extra.join(', ')})` : ''}`);
    for (const r of f.reasons) lines.push(`      ${r}`);
    if (f.newFunction) lines.push(...newFunctionLines(f.functionName, f.newFunction).map((l) => `      ${l}`));
  }
  if (!plan.layers.length && !plan.functions.length) lines.push('  nothing to deploy');
  return lines.join('\n');
}

/** What a create sets, one setting a line, as a SAM or CDK user reads a template; names only for environment and tags. */
function newFunctionLines(functionName: string, n: NewFunctionSummary): string[] {
  const orDefault = (value: number | undefined, fallback: number, unit: string) => (value === undefined ? `${fallback} ${unit} (Lambda's default)` : `${value} ${unit}`);
  const names = (keys: readonly string[]) => (keys.length ? `${keys.join(', ')} (names only)` : 'none');
  const lines = [
    `runtime: ${n.runtime}`, `handler: ${n.handler}`, `architecture: ${n.architecture}`, `role: ${n.role ?? 'none'}`,
    `memory: ${orDefault(n.memorySize, LAMBDA_FUNCTION_DEFAULTS.memorySizeMiB, 'MiB')}`, `timeout: ${orDefault(n.timeout, LAMBDA_FUNCTION_DEFAULTS.timeoutSeconds, 's')}`,
  ];
  if (n.description !== undefined) lines.push(`description: ${JSON.stringify(n.description)}`);
  if (n.environmentNames) lines.push(`environment: ${names(n.environmentNames)}`);
  lines.push(`layers: ${n.layers.join(', ') || 'none'}`);
  if (n.ephemeralStorageMiB !== undefined) lines.push(`ephemeral storage: ${n.ephemeralStorageMiB} MiB`);
  if (n.tracing) lines.push(`tracing: ${n.tracing}`);
  if (n.vpc) {
    const subnets = n.vpc.subnetIds ?? [];
    const groups = n.vpc.securityGroupIds ?? [];
    lines.push(`vpc: ${subnets.length || groups.length ? `subnets ${subnets.join(', ')}; security groups ${groups.join(', ')}` : 'none'}`);
  }
  if (n.logging) {
    const l = fullLogging(n.logging, functionName);
    const levels = l.applicationLogLevel ? `, application log level ${l.applicationLogLevel}, system log level ${l.systemLogLevel}` : '';
    lines.push(`logging: ${l.logFormat} to ${l.logGroup}${levels}`);
  }
  if (n.tagKeys) lines.push(`tags: ${names(n.tagKeys)}`);
  return lines;
}

/** After apply: what was deployed and, after a failure, exactly what was not. */
export function formatOutcome(layers: readonly LayerOutcome[], functions: readonly FunctionOutcome[], ok: boolean, title?: string): string {
  const changed = layers.some((l) => l.status === 'deployed') || functions.some((f) => f.status === 'deployed' || f.done.length > 0);
  const lines = [title ?? (ok ? 'Deploy finished:' : changed ? 'Deploy stopped half-way. Deployed and not deployed:' : 'Deploy failed before any change:')];
  for (const l of layers) {
    lines.push(`  layer ${l.name}: ${l.status}${l.arn ? ` ${l.arn}` : ''}`);
    lines.push(...errorLines(l.error));
  }
  for (const f of functions) {
    lines.push(`  function ${f.functionName}: ${f.status}${f.done.length ? ` (done: ${f.done.join(', ')})` : ''}${f.notDone.length && f.status !== 'deployed' ? ` (not done: ${f.notDone.join(', ')})` : ''}`);
    lines.push(...errorLines(f.error));
  }
  if (!ok) lines.push('  Fix the error and run deploy again: finished steps are skipped because their CodeSha256 and configuration already match.');
  return lines.join('\n');
}

/** The error's title and, when it has one, its Fix line: the report is all a failed deploy prints. */
function errorLines(error: string | undefined): string[] {
  if (!error) return [];
  const [title, ...rest] = error.split('\n');
  const fix = rest.find((l) => l.trimStart().startsWith('Fix: '));
  return [`      error: ${title}`, ...(fix ? [`      ${fix.trimStart()}`] : [])];
}
