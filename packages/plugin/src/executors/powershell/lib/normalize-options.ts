import { LambdaPackageError, type PowerShellRuntimeOptions } from '@nx-lambda/core';
import type { CommonPackageOptions, ProjectLocation } from '../../shared/package-options';

/** Options of the powershell executor as schema.json declares them. */
export interface PowerShellExecutorOptions extends CommonPackageOptions {
  pwsh?: string;
  scripts?: string[];
  modulePaths?: string[];
  runtimeLayer?: boolean;
  pwshDistribution?: string;
}

/** The powershell runtime's own option names (schema.json = COMMON_OPTION_KEYS + these). */
export const POWERSHELL_OPTION_KEYS = ['pwsh', 'scripts', 'modulePaths', 'runtimeLayer', 'pwshDistribution'] as const;

export type NormalizedPowerShellOptions = PowerShellRuntimeOptions;

/** What the runtime-layer target needs, normalised. */
export interface NormalizedRuntimeLayerOptions {
  distribution: string;
}

/**
 * Rules across fields for a PowerShell function; returns a new object and never mutates `options`.
 * Misconfiguration throws with what to change.
 */
export function normalizePowerShellOptions(options: PowerShellExecutorOptions, loc: ProjectLocation): NormalizedPowerShellOptions {
  const where = `${loc.projectName}:package`;
  if (options.pwshDistribution) {
    throw new LambdaPackageError(where, `"pwshDistribution" is set, but this target packages a function.\nSet "runtimeLayer": true to build the PowerShell runtime layer, or remove "pwshDistribution".`);
  }
  const modulePaths = (options.modulePaths ?? []).map((p) => p.trim()).filter(Boolean);
  const outside = modulePaths.find((p) => p.startsWith('/') || p.split(/[\\/]/).includes('..'));
  if (outside) {
    throw new LambdaPackageError(where, `module path "${outside}" leaves the workspace.\nList workspace folders relative to the workspace root; modules outside it are found through pwsh's PSModulePath.`);
  }
  const scripts = (options.scripts ?? []).map((s) => s.trim()).filter(Boolean);
  return {
    ...(options.pwsh?.trim() ? { pwsh: options.pwsh.trim() } : {}),
    scripts: scripts.length ? scripts : ['**/*.ps1'],
    modulePaths: modulePaths.length ? modulePaths : ['.'],
  };
}

/** The runtime-layer target: a pwsh distribution is required, function-only options are not allowed. */
export function normalizeRuntimeLayerOptions(options: PowerShellExecutorOptions, loc: ProjectLocation): NormalizedRuntimeLayerOptions {
  const where = `${loc.projectName}:runtime-layer`;
  const distribution = options.pwshDistribution?.trim();
  if (!distribution) {
    throw new LambdaPackageError(where, `"pwshDistribution" is not set.\nSet it to the unpacked folder or the .tar.gz of a PowerShell release for Lambda's architecture (powershell-<version>-linux-x64 or -arm64).`);
  }
  if (options.layers?.length) {
    throw new LambdaPackageError(where, `"layers" is set on the runtime layer target.\nRemove it: the runtime layer is attached to functions, it does not use layers itself.`);
  }
  return { distribution };
}
