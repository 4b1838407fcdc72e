import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { buildPowerShellRuntimeLayer, formatBytes } from '@nx-lambda/core';
import { projectLocation, resolveOutputPath, shownPath } from '../shared/package-options';
import { runPackageExecutor } from '../shared/run-package';
import { normalizePowerShellOptions, normalizeRuntimeLayerOptions, PowerShellExecutorOptions } from './lib/normalize-options';
import { failOnKnownError } from '../shared/known-failure';

/**
 * `@nx-lambda/plugin:powershell`: packages a PowerShell function (scripts + modules/) or, with
 * `runtimeLayer: true`, builds the PowerShell custom runtime layer (bootstrap + pwsh).
 */
export default async function powershellExecutor(options: PowerShellExecutorOptions, context: ExecutorContext): Promise<{ success: boolean; zipPath?: string }> {
  if (!options.runtimeLayer) {
    return runPackageExecutor({ family: 'powershell', normalizeRuntimeOptions: (o: PowerShellExecutorOptions, loc) => ({ ...normalizePowerShellOptions(o, loc) }) }, options, context);
  }
  const loc = projectLocation(context);
  const { distribution } = normalizeRuntimeLayerOptions(options, loc);
  return failOnKnownError(async () => {
    const result = await buildPowerShellRuntimeLayer({
      name: loc.projectName, distribution: path.resolve(loc.workspaceRoot, distribution), architecture: options.architecture ?? 'x86_64',
      outputPath: resolveOutputPath(loc, options.outputPath), compressionLevel: options.compressionLevel,
    });
    const m = result.manifest;
    console.log(`${m.name}: ${shownPath(loc.workspaceRoot, result.zipPath)}\n  ${formatBytes(m.zippedSize)} zipped, ${formatBytes(m.unzippedSize)} unzipped, ${m.fileCount} files\n  CodeSha256 ${m.codeSha256}`);
    for (const w of m.warnings) console.warn(`  warning: ${w}`);
    return { success: true, zipPath: result.zipPath };
  });
}
