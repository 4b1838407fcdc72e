import { LambdaPackageError } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the java executor as schema.json declares them. */
export interface JavaExecutorOptions extends CommonPackageOptions {
  buildTool?: 'maven';
  settingsFile?: string;
  profiles?: string[];
  offline?: boolean;
  runTests?: boolean;
  mavenArgs?: string[];
}

/** The java runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const JAVA_OPTION_KEYS = ['buildTool', 'settingsFile', 'profiles', 'offline', 'runTests', 'mavenArgs'] as const;

/** What @nx-lambda/core's JavaStrategy reads from the request's options. */
export interface NormalizedJavaOptions {
  buildTool: 'maven';
  /** Relative to the workspace root. */
  settingsFile?: string;
  profiles: string[];
  offline: boolean;
  runTests: boolean;
  mavenArgs: string[];
}

/** Flags the executor sets itself: passing them again through mavenArgs would fight it. */
const OWNED_FLAGS: Record<string, string> = {
  '-s': 'settingsFile', '--settings': 'settingsFile', '-o': 'offline', '--offline': 'offline', '-P': 'profiles', '--activate-profiles': 'profiles',
  '-pl': 'the project root (the module is found from it)', '--projects': 'the project root (the module is found from it)',
  '-f': 'the project root (the module is found from it)', '--file': 'the project root (the module is found from it)',
};

/**
 * Rules across fields for the java runtime; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizeJavaOptions(options: JavaExecutorOptions, loc: ProjectLocation): NormalizedJavaOptions {
  const where = `${loc.projectName}:package`;
  const buildTool = options.buildTool ?? 'maven';
  if (buildTool !== 'maven') {
    throw new LambdaPackageError(where, `buildTool "${String(buildTool)}" is not supported.\nUse "maven" (Gradle is not supported yet).`);
  }
  const profiles = [...new Set((options.profiles ?? []).map((p) => p.trim()).filter(Boolean))];
  const mavenArgs = [...(options.mavenArgs ?? [])];
  for (const arg of mavenArgs) {
    const flag = Object.keys(OWNED_FLAGS).find((f) => arg === f || (f === '-P' && arg.startsWith('-P')));
    if (flag) throw new LambdaPackageError(where, `"mavenArgs" contains "${arg}", which the java executor sets itself.\nRemove it from "mavenArgs" and use ${OWNED_FLAGS[flag].includes(' ') ? OWNED_FLAGS[flag] : `the "${OWNED_FLAGS[flag]}" option`} instead.`);
  }
  const settingsFile = options.settingsFile?.trim();
  return {
    buildTool,
    ...(settingsFile ? { settingsFile } : {}),
    profiles,
    offline: options.offline ?? false,
    runTests: options.runTests ?? false,
    mavenArgs,
  };
}
