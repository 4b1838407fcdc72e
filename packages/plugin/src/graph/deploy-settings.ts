/**
 * How deploy settings from several places add up, as SAM merges its Globals into a function: key
 * by key, and the maps (`environment`, `tags`) variable by variable, so a workspace-wide
 * `{ "environment": { "STAGE": "dev" } }` and a function's own variables add up. Used for the
 * plugin defaults' `deploy` under lambda.json's (the graph) and for a stage over the rest (the
 * deploy and invoke executors). Pure and light: the graph loads it on every Nx command.
 */

import { isRecord } from './json';

/** Deploy options that are maps: merged variable by variable, not replaced. */
const MERGED_MAPS = ['environment', 'tags'] as const;

/**
 * The deploy settings that shape a local run, as `sam local invoke` takes the template's: the
 * invoke target gets them from `deploy` (createNodes) and from the stage `--stage` names.
 */
export const LOCAL_RUN_SETTINGS = ['timeout', 'memorySize', 'environment'] as const;

/** `over` on `base`: key by key, the maps variable by variable. */
export function overlaySettings(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, ...over };
  for (const key of MERGED_MAPS) {
    if (isRecord(base[key]) && isRecord(over[key])) merged[key] = { ...base[key], ...over[key] };
  }
  return merged;
}

/** lambda.json's `deploy` over the plugin defaults' `deploy`; `stages` merge stage by stage. */
export function mergedDeploy(defaults: unknown, own: unknown): unknown {
  // Anything but two objects: lambda.json's value wins as given (the deploy target's check says if it is wrong).
  if (!isRecord(defaults) || !isRecord(own)) return own ?? defaults;
  const merged = overlaySettings(defaults, own);
  if (isRecord(defaults.stages) && isRecord(own.stages)) {
    const [a, b] = [defaults.stages, own.stages];
    merged.stages = Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((n) => [n, mergedDeploy(a[n], b[n])]));
  }
  return merged;
}
