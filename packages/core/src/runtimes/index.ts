import type { RuntimeFamily, RuntimeStrategy } from './types';
import { PythonStrategy } from './python';
import { DotnetStrategy } from './dotnet';
import { PowerShellStrategy } from './powershell';
import { NodeStrategy } from './node';
import { JavaStrategy } from './java';
import { GoStrategy } from './go';
import { RubyStrategy } from './ruby';

/**
 * The runtime registry: explicit, no import side effects. Adding a runtime is its folder plus one
 * line here.
 */
export const RUNTIMES: Partial<Record<RuntimeFamily, RuntimeStrategy>> = {
  python: PythonStrategy,
  dotnet: DotnetStrategy,
  powershell: PowerShellStrategy,
  node: NodeStrategy,
  java: JavaStrategy,
  go: GoStrategy,
  ruby: RubyStrategy,
};

export function strategyFor(family: RuntimeFamily): RuntimeStrategy {
  const s = RUNTIMES[family];
  if (!s) throw new Error(`runtime family "${family}" is not registered in packages/core/src/runtimes/index.ts`);
  return s;
}

