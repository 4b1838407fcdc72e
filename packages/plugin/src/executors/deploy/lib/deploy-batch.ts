import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { deployFunctions, formatOutcome, formatPlan, isKnownError } from '@nx-lambda/core';
import type { DeployResult, FunctionOutcome } from '@nx-lambda/core';
import { BatchTaskResult, contextForTask } from '../../shared/batch';
import { DeployExecutorOptions, NormalizedDeployOptions } from './normalize-options';
import { prepareDeploy } from './prepare-deploy';

interface Prepared extends NormalizedDeployOptions {
  taskId: string;
}

/**
 * Batch mode (Nx's batchImplementation, for `nx run-many -t deploy --batch`): the functions of a
 * batch that share their deploy options (endpoint, region, profile, ...) deploy in one deployFunctions call, so a layer several
 * of them use is read and published once, and the layer versions they leave are judged with all of
 * them moved. Each task still gets its own result and output: a function Lambda refuses, or whose
 * options are wrong, fails its own task and the others deploy.
 */
export async function* deployBatch(taskGraph: TaskGraph, inputs: Record<string, DeployExecutorOptions>, _overrides: DeployExecutorOptions, context: ExecutorContext): AsyncGenerator<BatchTaskResult> {
  const groups = new Map<string, Prepared[][]>();
  for (const [taskId, task] of Object.entries(taskGraph.tasks)) {
    let prepared: NormalizedDeployOptions;
    try {
      prepared = prepareDeploy(inputs[taskId], contextForTask(context, task));
    } catch (err) {
      yield failed(taskId, err);
      continue;
    }
    // One call deploys a function once: a second task for the same name (two stages set to one
    // functionName) goes to another call.
    const sets = groups.get(JSON.stringify(prepared.options)) ?? [];
    groups.set(JSON.stringify(prepared.options), sets);
    const set = sets.find((s) => !s.some((p) => p.spec.functionName === prepared.spec.functionName));
    if (set) set.push({ taskId, ...prepared });
    else sets.push([{ taskId, ...prepared }]);
  }
  for (const set of [...groups.values()].flat()) yield* deploySet(set);
}

async function* deploySet(set: Prepared[]): AsyncGenerator<BatchTaskResult> {
  let result: DeployResult;
  try {
    result = await deployFunctions(set.map((p) => p.spec), { ...set[0].options, log: () => undefined });
  } catch (err) {
    // Misconfiguration found while reading the artifacts (a manifest missing, a layer not built):
    // deployed one by one, each such error lands on its own task.
    if (set.length > 1 && isKnownError(err)) {
      for (const one of set) yield* deploySet([one]);
      return;
    }
    for (const p of set) yield failed(p.taskId, err);
    return;
  }
  let cleanupShown = false;
  for (const p of set) {
    const outcome = result.functions.find((f) => f.functionName === p.spec.functionName) as FunctionOutcome;
    const lines = functionReport(result, outcome);
    if (result.unusedLayerReport && !cleanupShown && outcome.status === 'deployed') {
      lines.push(result.unusedLayerReport);
      cleanupShown = true;
    }
    yield { task: p.taskId, result: { success: succeeded(result, outcome), terminalOutput: `${lines.join('\n')}\n` } };
  }
}

/** The function's part of the run: its plan, its layers and, after apply, what was deployed. */
function functionReport(result: DeployResult, outcome: FunctionOutcome): string[] {
  const layers = outcome.layers ?? [];
  const plan = { layers: result.plan.layers.filter((l) => layers.includes(l.name)), functions: result.plan.functions.filter((f) => f.functionName === outcome.functionName) };
  const lines = [formatPlan(plan)];
  if (result.dryRun) {
    if (outcome.status === 'failed') lines.push(formatOutcome([], [outcome], false, 'Deploy would refuse:'));
  } else {
    lines.push(formatOutcome(result.layers.filter((l) => layers.includes(l.name)), [outcome], succeeded(result, outcome)));
  }
  return lines;
}

function succeeded(result: DeployResult, outcome: FunctionOutcome): boolean {
  const layers = outcome.layers ?? [];
  return outcome.status !== 'failed' && outcome.status !== 'not attempted' && result.layers.every((l) => !layers.includes(l.name) || l.status !== 'failed');
}

/** A known failure prints its message; anything else is a bug and prints its stack. */
function failed(taskId: string, err: unknown): BatchTaskResult {
  const text = isKnownError(err) ? err.message : `${taskId} - unexpected error: ${(err as Error)?.stack ?? String(err)}`;
  return { task: taskId, result: { success: false, terminalOutput: `${text}\n` } };
}
