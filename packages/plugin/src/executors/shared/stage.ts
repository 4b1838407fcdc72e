import { LambdaPackageError } from '@nx-lambda/core';
import { overlaySettings } from '../../graph/deploy-settings';
import { isRecord } from '../../graph/json';
import { executorSchema, schemaProblems } from '../../graph/schema-check';

/** How a target picks a stage: `--stage` and the named stages (lambda.json's `deploy.stages`). */
export interface StageChoice {
  stage?: string;
  stages?: Record<string, object>;
}

export interface StageTarget {
  /** `<project>:<target>`, the prefix of every message. */
  where: string;
  projectRoot: string;
  /** The executor whose schema.json the options with the stage over them must pass. */
  executor: 'deploy' | 'invoke';
  /** The stage settings this executor takes (invoke: those that shape a local run); default all. */
  keys?: readonly string[];
}

/**
 * The options with the settings of the stage `--stage` names over them (environment and tags add
 * up), for deploy and invoke alike. A stage the function does not define is refused, never run as
 * the options without it: `nx affected -t deploy --stage=prd` must not update the functions it was
 * not meant for, and an invoke must not run with settings nobody deploys.
 */
export function withStage<T extends StageChoice>(input: T, at: StageTarget): Omit<T, 'stage' | 'stages'> {
  const { stage, stages, ...base } = input;
  if (stage === undefined) return base;
  const chosen = stages?.[stage];
  if (!isRecord(chosen)) {
    const known = Object.keys(stages ?? {});
    throw new LambdaPackageError(at.where, `no stage "${stage}": ${known.length ? `this function's stages are ${known.join(', ')}` : 'this function defines no stages'}.\nCheck the name, or add "stages": { "${stage}": { ... } } to "deploy" in ${at.projectRoot}/lambda.json (or to the plugin's defaults.deploy in nx.json).`);
  }
  const { keys } = at;
  const settings = keys ? Object.fromEntries(Object.entries(chosen).filter(([k]) => keys.includes(k))) : chosen;
  const merged = overlaySettings(base, settings) as Omit<T, 'stage' | 'stages'>;
  const problems = ['stage', 'stages'].filter((k) => k in chosen).map((k) => `"${k}" cannot be set inside a stage`).concat(schemaProblems(executorSchema(at.executor), merged));
  if (problems.length) throw new LambdaPackageError(at.where, `stage "${stage}": ${problems.join('; ')}.\nFix deploy.stages.${stage} in ${at.projectRoot}/lambda.json (or the plugin's defaults.deploy in nx.json).`);
  return merged;
}
