import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';

/** No telemetry or update checks from a build tool's pwsh. */
export const PWSH_ENV = { POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off' };
const INSPECT_SCRIPT = path.join(__dirname, 'inspect-scripts.ps1');

export interface ParsedScript {
  file: string;
  errors: Array<{ line: number; column: number; message: string }>;
  functions: string[];
  requiredModules: Array<{ name: string; version: string; requiredVersion: string; maximumVersion: string }>;
}

export interface AvailableModule {
  name: string;
  version: string;
  /** Folder holding the module's manifest. */
  base: string;
  /** Ships with pwsh ($PSHOME/Modules): the runtime layer has it already. */
  builtIn: boolean;
}

export interface Inspection {
  files: ParsedScript[];
  modules: AvailableModule[];
  pwsh: string;
}

/**
 * The pwsh to run: the `pwsh` option, else `pwsh` on PATH, else the .NET global tool's
 * (`~/.dotnet/tools/pwsh`), which is often installed but not on PATH.
 */
export function findPwsh(option: string | undefined): string {
  if (option) return option;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'pwsh'))) return 'pwsh';
  }
  const tool = path.join(os.homedir(), '.dotnet', 'tools', 'pwsh');
  return existsSync(tool) ? tool : 'pwsh';
}

/**
 * One pwsh start does all the parsing a build needs (pwsh takes a second or more to start):
 * parse `files` under `root` and look `modules` up on the user's module path.
 */
export async function inspectScripts(ctx: BuildContext, pwsh: string, where: string, root: string, files: readonly string[], modules: readonly string[] = []): Promise<Inspection> {
  const { stdout } = await ctx.exec({
    where, command: pwsh, args: ['-NoProfile', '-NonInteractive', '-NoLogo', '-File', INSPECT_SCRIPT], cwd: root,
    env: PWSH_ENV, timeoutMs: 5 * 60_000, input: JSON.stringify({ root, files, modules }),
  });
  const json = stdout.slice(stdout.indexOf('{'));
  try {
    return JSON.parse(json) as Inspection;
  } catch {
    throw new LambdaPackageError(where, 'pwsh printed no inspection result', [stdout.slice(0, 500)], 'run tools/setup.sh to (re)install PowerShell, or set "pwsh" to a working pwsh');
  }
}

