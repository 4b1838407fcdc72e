import { accessSync, constants, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import type { Exec } from '../exec';

/** First executable named `name` on PATH (`env.PATH`), or undefined. */
export function whichOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  return firstExecutable(pathVar.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name)));
}

/** The first of `candidates` this process may execute. */
function firstExecutable(candidates: readonly string[]): string | undefined {
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
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
 * The interpreter to run a managed runtime with, and its version: the versioned name first
 * (`python3.12`, `ruby3.3`) when it runs (a pyenv shim for a version that is not installed
 * exits 127), else the plain one.
 */
export function pickInterpreter(family: 'python' | 'ruby', runtime: string, pathVar: string, exec: Exec, cwd: string): Promise<{ command: string; version?: string }> {
  // Probing spawns the interpreter (through pyenv's shell shims, slow): once per process is enough.
  const key = `${family}\0${runtime}\0${pathVar}`;
  let found = interpreters.get(key);
  if (!found) {
    found = probeInterpreter(family, runtime, pathVar, exec, cwd);
    found.catch(() => interpreters.delete(key));
    interpreters.set(key, found);
  }
  return found;
}

const interpreters = new Map<string, Promise<{ command: string; version?: string }>>();

async function probeInterpreter(family: 'python' | 'ruby', runtime: string, pathVar: string, exec: Exec, cwd: string): Promise<{ command: string; version?: string }> {
  const version = runtimeVersion(runtime);
  const plain = family === 'python' ? 'python3' : 'ruby';
  const names = version ? [`${family}${version}`, plain] : [plain];
  // A version manager's installed but inactive version (pyenv's shim for it then exits 127) runs the function as Lambda would.
  const managed = version ? versionManagerInterpreter(family, version) : undefined;
  const commands = [...(managed ? [managed] : []), ...names.map((name) => whichOnPath(name, pathVar))];
  const failures: string[] = [];
  for (const command of commands) {
    if (!command) continue;
    try {
      // The real executable, not a version manager's shim: each run through a shim costs a shell.
      const script = family === 'python'
        ? ['-c', 'import sys; print("%d.%d" % sys.version_info[:2]); print(sys.executable)']
        : ['-e', 'puts RUBY_VERSION[/\\d+\\.\\d+/]; puts RbConfig.ruby'];
      const out = (await exec({ where: `invoke:${family}`, command, args: script, cwd, timeoutMs: 30_000 })).stdout.trim().split('\n');
      return { command: out[1]?.trim() || command, version: out[0]?.trim() };
    } catch (err) {
      failures.push(`${command}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new LambdaPackageError(`invoke:${family}`, `no working ${plain} found on PATH to run ${runtime}`, failures, `install ${family} (tools/setup.sh installs every toolchain) or put it on PATH`);
}

/**
 * The interpreter of `version` (`3.12`) that pyenv or rbenv installed, active or not:
 * `$PYENV_ROOT/versions/3.12.1/bin/python3.12`, `$RBENV_ROOT/versions/3.3.6/bin/ruby`; the newest
 * patch release when there are several.
 */
function versionManagerInterpreter(family: 'python' | 'ruby', version: string): string | undefined {
  const root = family === 'python' ? process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv') : process.env.RBENV_ROOT ?? path.join(os.homedir(), '.rbenv');
  const versionsDir = path.join(root, 'versions');
  let installed: string[];
  try {
    installed = readdirSync(versionsDir).filter((v) => v === version || (v.startsWith(`${version}.`) && /^\d+$/.test(v.slice(version.length + 1))));
  } catch {
    return undefined;
  }
  const patch = (v: string) => Number(v.slice(version.length + 1) || 0);
  return firstExecutable(installed.sort((a, b) => patch(b) - patch(a)).map((v) => path.join(versionsDir, v, 'bin', family === 'python' ? `python${version}` : 'ruby')));
}

/** The local node, java or dotnet version, in the same form as runtimeVersion() (python and ruby: pickInterpreter). */
export function localVersion(family: string, command: string, exec: Exec, cwd: string): Promise<string | undefined> {
  const key = `${family}\0${command}`;
  let v = versions.get(key);
  if (!v) {
    v = queryVersion(family, command, exec, cwd);
    v.catch(() => versions.delete(key));
    versions.set(key, v);
  }
  return v;
}

const versions = new Map<string, Promise<string | undefined>>();

async function queryVersion(family: string, command: string, exec: Exec, cwd: string): Promise<string | undefined> {
  const run = async (args: string[]) => {
    const r = await exec({ where: `invoke:${family}`, command, args, cwd, timeoutMs: 30_000 });
    return `${r.stdout}\n${r.stderr}`;
  };
  switch (family) {
    case 'node':
      return process.versions.node.split('.')[0];
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
