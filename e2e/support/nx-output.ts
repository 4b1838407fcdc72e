/** One task as Nx's static output reports it. */
export interface TaskRun {
  project: string;
  target: string;
  /** Restored from the Nx cache (local or remote), not executed. */
  cached: boolean;
  /** What the task printed (the lines under its `> nx run` header). */
  output: string;
}

/**
 * Tasks from `--outputStyle=static` output: each starts with a `> nx run <project>:<target>` line,
 * suffixed `[local cache]` / `[existing outputs match the cache, left as is]` when Nx did not run it.
 */
export function parseTaskRuns(stdout: string): TaskRun[] {
  const runs: TaskRun[] = [];
  const header = /^\s*>\s+nx run ([\w.@/-]+):([\w-]+)(.*)$/gm;
  const matches = [...stdout.matchAll(header)];
  matches.forEach((m, i) => {
    const end = i + 1 < matches.length ? matches[i + 1].index : stdout.length;
    const run = { project: m[1], target: m[2], cached: /cache/.test(m[3]), output: stdout.slice(m.index + m[0].length, end) };
    // A batch of one task (nx-lambda's node executor runs in Nx batch mode) is announced with its
    // header before it starts and printed under the same header when it ends: one run.
    const same = runs.find((r) => r.project === run.project && r.target === run.target && r.cached === run.cached);
    if (same) same.output += run.output;
    else runs.push(run);
  });
  return runs;
}

/** Projects whose `target` task really ran (not restored from the cache), sorted. */
export function executed(runs: readonly TaskRun[], target: string): string[] {
  return runs.filter((r) => r.target === target && !r.cached).map((r) => r.project).sort();
}

/** Projects whose `target` task was restored from the cache, sorted. */
export function restored(runs: readonly TaskRun[], target: string): string[] {
  return runs.filter((r) => r.target === target && r.cached).map((r) => r.project).sort();
}
