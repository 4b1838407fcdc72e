import { expect } from 'vitest';
import { invokeFunction, InvokeRequest, InvokeResult } from '../invoke/invoke-function';
import type { PackageResult } from '../package/pipeline';

/**
 * Runs a packaged function as `nx run <fn>:invoke` does: its zip, with the family, runtime, handler
 * and architecture its manifest records. A function or init error fails the test, with the logs.
 */
export async function invokePackaged(result: PackageResult, event: unknown, over: Partial<InvokeRequest> = {}): Promise<InvokeResult> {
  const { family, runtime, handler, architecture } = result.manifest;
  const r = await invokeFunction({ zipPath: result.zipPath, family, runtime, handler, architecture, event, ...over });
  expect(r.error ?? r.initError, `${result.manifest.name}\n${r.logs}`).toBeUndefined();
  return r;
}
