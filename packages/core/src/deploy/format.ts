import type { FunctionOutcome, LayerOutcome } from './deploy';
import type { DeployPlan } from './types';

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
  }
  return lines.join('\n');
}

/** After apply: what was deployed and, after a failure, exactly what was not. */
export function formatOutcome(layers: readonly LayerOutcome[], functions: readonly FunctionOutcome[], ok: boolean): string {
  const lines = [ok ? 'Deploy finished:' : 'Deploy stopped half-way. Deployed and not deployed:'];
  for (const l of layers) {
    lines.push(`  layer ${l.name}: ${l.status}${l.arn ? ` ${l.arn}` : ''}`);
    if (l.error) lines.push(`      error: ${firstLine(l.error)}`);
  }
  for (const f of functions) {
    lines.push(`  function ${f.functionName}: ${f.status}${f.done.length ? ` (done: ${f.done.join(', ')})` : ''}${f.notDone.length && f.status !== 'deployed' ? ` (not done: ${f.notDone.join(', ')})` : ''}`);
    if (f.error) lines.push(`      error: ${firstLine(f.error)}`);
  }
  if (!ok) lines.push('  Fix the error and run deploy again: finished steps are skipped because their CodeSha256 and configuration already match.');
  return lines.join('\n');
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
