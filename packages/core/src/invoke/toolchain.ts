import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import type { Exec } from '../exec';

/** First executable named `name` on PATH (`env.PATH`), or undefined. */
export function whichOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next PATH entry
    }
  }
  return undefined;
}

/** `nodejs22.x` -> '22', `python3.12` -> '3.12', `ruby3.3` -> '3.3', `java21` -> '21', `dotnet8` -> '8'. */
export function runtimeVersion(runtime: string): string | undefined {
  const m = /^(?:nodejs|python|ruby|java|dotnet)(\d+(?:\.\d+)?)/.exec(runtime);
  return m?.[1];
}

/** Lambda's managed runtimes run our bootstrap; `provided.*` runs the function's own. */
export function isCustomRuntime(runtime: string): boolean {
  return runtime.startsWith('provided');
}

/**
 * The interpreter to run a managed runtime with: the versioned name first (`python3.12`,
 * `ruby3.3`), as Debian and pyenv install them, else the plain one.
 */
export function pickInterpreter(base: 'python' | 'ruby', runtime: string, pathVar?: string): string {
  const version = runtimeVersion(runtime);
  const plain = base === 'python' ? 'python3' : 'ruby';
  return (version && whichOnPath(`${base}${version}`, pathVar)) || whichOnPath(plain, pathVar) || plain;
}

/** The local toolchain's version, in the same form as runtimeVersion(). */
export async function localVersion(family: string, command: string, exec: Exec, cwd: string): Promise<string | undefined> {
  const run = async (args: string[]) => {
    const r = await exec({ where: `invoke:${family}`, command, args, cwd, timeoutMs: 30_000 });
    return `${r.stdout}\n${r.stderr}`;
  };
  switch (family) {
    case 'node':
      return process.versions.node.split('.')[0];
    case 'python':
      return (await run(['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])).trim();
    case 'ruby':
      return /(\d+\.\d+)/.exec(await run(['-e', 'print RUBY_VERSION']))?.[1];
    case 'java': {
      const m = /version "(\d+)(?:\.(\d+))?/.exec(await run(['-version']));
      return m ? (m[1] === '1' ? m[2] : m[1]) : undefined;
    }
    case 'dotnet':
      return newestDotnetRuntime(await run(['--list-runtimes']));
    default:
      return undefined;
  }
}

/** Highest Microsoft.NETCore.App major in `dotnet --list-runtimes`. */
export function newestDotnetRuntime(listing: string): string | undefined {
  const majors = [...listing.matchAll(/^Microsoft\.NETCore\.App (\d+)\./gm)].map((m) => Number(m[1]));
  return majors.length ? String(Math.max(...majors)) : undefined;
}

/** The warning printed when the machine's toolchain is not the one Lambda will use. */
export function versionWarning(family: string, runtime: string, local: string | undefined): string | undefined {
  const wanted = runtimeVersion(runtime);
  if (!wanted || !local || wanted === local) return undefined;
  if (family === 'dotnet' && Number(local) > Number(wanted)) {
    return `${runtime}: running on the local .NET ${local} runtime (rolled forward); Lambda runs .NET ${wanted}`;
  }
  return `${runtime}: the local ${family} is ${local}, Lambda runs ${wanted}; behaviour that differs between versions will differ here`;
}
