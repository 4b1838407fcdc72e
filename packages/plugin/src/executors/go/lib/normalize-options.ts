import { LambdaPackageError, type GoRuntimeOptions } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the go executor as schema.json declares them. */
export interface GoExecutorOptions extends CommonPackageOptions {
  mainPackage?: string;
  buildTags?: string[];
}

/** The go runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const GO_OPTION_KEYS = ['mainPackage', 'buildTags'] as const;

export type NormalizedGoOptions = GoRuntimeOptions;

/** Build tags are one comma-separated list for go: a comma or space inside a tag would split it. */
const TAG = /^[A-Za-z0-9_.]+$/;

/**
 * Rules across fields for the go runtime; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizeGoOptions(options: GoExecutorOptions, loc: ProjectLocation): NormalizedGoOptions {
  const where = `${loc.projectName}:package`;
  const mainPackage = options.mainPackage?.trim() || '.';
  if (mainPackage.includes('...')) {
    throw new LambdaPackageError(where, `"mainPackage" is "${mainPackage}", a pattern; one function is one main package.\nName the folder holding package main, e.g. "./cmd/handler".`);
  }
  const buildTags = [...new Set((options.buildTags ?? []).map((t) => t.trim()).filter(Boolean))];
  const bad = buildTags.filter((t) => !TAG.test(t));
  if (bad.length) {
    throw new LambdaPackageError(where, `build tag "${bad[0]}" is not a single tag.\nList each tag as its own "buildTags" entry (letters, digits, "_" and "." only).`);
  }
  return { mainPackage, buildTags };
}
