import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exec } from '../exec';

/** Bootstrap sources shipped with the package (copied next to the compiled code by the build). */
export const BOOTSTRAPS_DIR = path.join(__dirname, 'bootstraps');

/** Per-machine cache of compiled bootstraps: `$XDG_CACHE_HOME/nx-lambda/invoke` or `~/.cache/...`. */
export function defaultInvokeCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'nx-lambda', 'invoke');
}

async function hashFiles(files: readonly string[], extra: string): Promise<string> {
  const h = createHash('sha256').update(extra);
  for (const f of files) h.update(path.basename(f)).update(await fsp.readFile(f));
  return h.digest('hex').slice(0, 16);
}

/**
 * Builds into a private temp folder and renames it to `<cacheDir>/<key>`, so two processes
 * compiling at once never see a half-written host; the loser's copy is dropped.
 */
async function buildOnce(cacheDir: string, key: string, build: (outDir: string) => Promise<void>): Promise<string> {
  const final = path.join(cacheDir, key);
  if (existsSync(path.join(final, '.complete'))) return final;
  await fsp.mkdir(cacheDir, { recursive: true });
  const temp = path.join(cacheDir, `.${key}.${randomBytes(4).toString('hex')}`);
  await fsp.mkdir(temp);
  try {
    await build(temp);
    await fsp.writeFile(path.join(temp, '.complete'), '');
    try {
      await fsp.rename(temp, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    await fsp.rm(temp, { recursive: true, force: true });
  }
  return final;
}

/** Compiler probes and cache lookups cost a JVM or dotnet start: done once per process. */
const builtThisProcess = new Map<string, Promise<string>>();
function oncePerProcess(key: string, make: () => Promise<string>): Promise<string> {
  let p = builtThisProcess.get(key);
  if (!p) {
    p = make();
    p.catch(() => builtThisProcess.delete(key));
    builtThisProcess.set(key, p);
  }
  return p;
}

/** The Java bootstrap class, compiled once per machine for Java 11+ (java.net.http). */
export function javaBootstrapClasses(cacheDir: string, exec: Exec): Promise<string> {
  return oncePerProcess(`java\0${cacheDir}`, () => compileJavaBootstrap(cacheDir, exec));
}

async function compileJavaBootstrap(cacheDir: string, exec: Exec): Promise<string> {
  const src = path.join(BOOTSTRAPS_DIR, 'java', 'NxLambdaBootstrap.java');
  const javac = await exec({ where: 'invoke:java', command: 'javac', args: ['-version'], cwd: os.tmpdir() });
  const key = `java-${await hashFiles([src], javac.stdout + javac.stderr)}`;
  return buildOnce(cacheDir, key, async (out) => {
    await exec({ where: 'invoke:java', command: 'javac', args: ['--release', '11', '-encoding', 'UTF-8', '-d', out, src], cwd: out, timeoutMs: 120_000 });
  });
}

/**
 * The .NET host (loads the function's assembly and calls its handler), built once per machine
 * for the newest local runtime; `dotnet build` restores nothing from NuGet.
 */
export function dotnetHostDll(cacheDir: string, exec: Exec, dotnetMajor: string): Promise<string> {
  return oncePerProcess(`dotnet\0${cacheDir}\0${dotnetMajor}`, () => buildDotnetHost(cacheDir, exec, dotnetMajor));
}

async function buildDotnetHost(cacheDir: string, exec: Exec, dotnetMajor: string): Promise<string> {
  const dir = path.join(BOOTSTRAPS_DIR, 'dotnet');
  const sources = ['NxLambdaHost.csproj', 'NxLambdaHost.cs'].map((f) => path.join(dir, f));
  const sdk = await exec({ where: 'invoke:dotnet', command: 'dotnet', args: ['--version'], cwd: os.tmpdir() });
  const tfm = `net${dotnetMajor}.0`;
  const key = `dotnet-${await hashFiles(sources, `${sdk.stdout.trim()} ${tfm}`)}`;
  const built = await buildOnce(cacheDir, key, async (out) => {
    const project = path.join(out, 'src');
    await fsp.mkdir(project);
    for (const s of sources) await fsp.copyFile(s, path.join(project, path.basename(s)));
    await exec({
      where: 'invoke:dotnet', command: 'dotnet', cwd: project, timeoutMs: 300_000,
      args: ['build', 'NxLambdaHost.csproj', '-c', 'Release', '-nologo', '-o', path.join(out, 'bin'), `-p:NxLambdaTargetFramework=${tfm}`],
      env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' },
    });
  });
  return path.join(built, 'bin', 'NxLambdaHost.dll');
}
