import * as os from 'node:os';
import type { ExecutorContext, Task, TaskGraph } from '@nx/devkit';

/** Where a task's lines for people go: the console for one task, a buffer per task in a batch. */
export interface TaskOutput {
  log(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export interface BatchTaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string };
}

export type BatchTaskRunner = (task: Task, context: ExecutorContext, out: TaskOutput) => Promise<boolean>;

/**
 * Runs a batch's tasks in dependency order, a few at a time (`NX_LAMBDA_BATCH_CONCURRENCY`,
 * default: the machine's cores, at most 4), and yields each result as it ends so Nx caches and
 * prints it then. An unexpected error fails its task with the stack, not the whole batch.
 */
export async function* runBatch(taskGraph: TaskGraph, context: ExecutorContext, run: BatchTaskRunner): AsyncGenerator<BatchTaskResult> {
  const ids = Object.keys(taskGraph.tasks);
  const inBatch = new Set(ids);
  // Nx 24 lists edges ({ id }); Nx 22-23 listed task ids.
  const edges = (id: string): unknown[] => taskGraph.dependencies[id] ?? [];
  const deps = (id: string) => edges(id).map((e) => (typeof e === 'string' ? e : (e as { id: string }).id)).filter((d) => inBatch.has(d));
  const done = new Map<string, boolean>();
  const waiting = new Set(ids);
  const running = new Map<string, Promise<BatchTaskResult>>();
  const limit = batchConcurrency();

  const start = (id: string) => {
    const task = taskGraph.tasks[id];
    const lines: string[] = [];
    const out: TaskOutput = { log: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) };
    running.set(id, run(task, contextForTask(context, task), out)
      .catch((err: unknown) => {
        out.error(`${task.target.project}:${task.target.target} - unexpected error: ${(err as Error)?.stack ?? String(err)}`);
        return false;
      })
      .then((success) => ({ task: id, result: { success, terminalOutput: lines.map((l) => `${l}\n`).join('') } })));
  };

  while (waiting.size || running.size) {
    const before = waiting.size;
    for (const id of [...waiting]) {
      if (running.size >= limit) break;
      const ds = deps(id);
      if (ds.some((d) => done.get(d) === false)) {
        waiting.delete(id);
        done.set(id, false);
        yield { task: id, result: { success: false, terminalOutput: `not run: a task it depends on failed (${ds.filter((d) => done.get(d) === false).join(', ')})\n` } };
      } else if (ds.every((d) => done.has(d))) {
        waiting.delete(id);
        start(id);
      }
    }
    if (!running.size) {
      if (waiting.size === before) throw new Error(`batch: tasks wait on each other and none can start: ${[...waiting].join(', ')}`);
      continue;
    }
    const finished = await Promise.race(running.values());
    running.delete(finished.task);
    done.set(finished.task, finished.result.success);
    yield finished;
  }
}

/** The batch's context as one task's executor would get it. */
export function contextForTask(context: ExecutorContext, task: Task): ExecutorContext {
  return { ...context, projectName: task.target.project, targetName: task.target.target, configurationName: task.target.configuration };
}

function batchConcurrency(): number {
  const fromEnv = Number(process.env.NX_LAMBDA_BATCH_CONCURRENCY);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
}
