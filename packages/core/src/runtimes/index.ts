import type { RuntimeFamily, RuntimeStrategy } from './types';
import { DotnetStrategy } from './dotnet';
import { PowerShellStrategy } from './powershell';
import { PythonStrategy } from './python';
import { NodeStrategy } from './node';
import { JavaStrategy } from './java';
import { GoStrategy } from './go';

/**
 * The runtime registry: explicit, no import side effects. Adding a runtime is its folder plus one
 * line here.
 */
export const RUNTIMES: Partial<Record<RuntimeFamily, RuntimeStrategy>> = {
  dotnet: DotnetStrategy,
  powershell: PowerShellStrategy,
  python: PythonStrategy,
  node: NodeStrategy,
  java: JavaStrategy,
  go: GoStrategy,
};

export function strategyFor(family: RuntimeFamily): RuntimeStrategy {
  const s = RUNTIMES[family];
  if (!s) throw new Error(`runtime family "${family}" is not registered in packages/core/src/runtimes/index.ts`);
  return s;
}

/** Lambda runtime identifier -> family, for marker files that only name the runtime. */
export function familyOfRuntime(runtime: string): RuntimeFamily | undefined {
  for (const s of Object.values(RUNTIMES)) if (s?.lambdaRuntimes.includes(runtime)) return s.family;
  return undefined;
}
