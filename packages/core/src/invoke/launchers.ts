import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Exec } from '../exec';
import type { RuntimeFamily } from '../runtimes/types';
import { BOOTSTRAPS_DIR, dotnetHostDll, javaBootstrapClasses } from './compiled-hosts';
import type { Sandbox } from './sandbox';
import { isCustomRuntime, localVersion, pickInterpreter, runtimeVersion, versionWarning, whichOnPath } from './toolchain';

/** How to start the runtime process for one function. */
export interface Launch {
  command: string;
  args: string[];
  /** Runtime-specific variables, merged over the common Lambda environment. */
  env: Record<string, string>;
  /** Folder of our bootstrap (LAMBDA_RUNTIME_DIR), or the task root for custom runtimes. */
  runtimeDir: string;
  warnings: string[];
}

export interface LaunchInput {
  family: RuntimeFamily;
  runtime: string;
  box: Sandbox;
  memoryMb: number;
  cacheDir: string;
  exec: Exec;
  pathVar: string;
}

/** Either a way to start the function, or the init error Lambda would report instead. */
export type LaunchPlan = { launch: Launch } | { initError: { errorType: string; errorMessage: string } };

function versionWarnings(family: string, runtime: string, local: string | undefined): string[] {
  const w = versionWarning(family, runtime, local);
  return w ? [w] : [];
}

const joinPaths = (...parts: string[]) => parts.filter(Boolean).join(path.delimiter);

export async function planLaunch(input: LaunchInput): Promise<LaunchPlan> {
  const { family, runtime, box } = input;
  if (isCustomRuntime(runtime)) {
    // Lambda looks for the function's own bootstrap first, then one supplied by a layer.
    const bootstrap = [path.join(box.task, 'bootstrap'), path.join(box.opt, 'bootstrap')].find((p) => existsSync(p));
    if (!bootstrap) {
      return { initError: { errorType: 'Runtime.InvalidEntrypoint', errorMessage: "Couldn't find valid bootstrap(s): [task/bootstrap opt/bootstrap]" } };
    }
    return { launch: { command: bootstrap, args: [], env: {}, runtimeDir: box.task, warnings: [] } };
  }
  const version = runtimeVersion(runtime) ?? '';
  const dir = path.join(BOOTSTRAPS_DIR, family);
  const warn = async (command: string) => versionWarnings(family, runtime, await localVersion(family, command, input.exec, box.tmp));
  switch (family) {
    case 'node': {
      const major = version.split('.')[0];
      return {
        launch: {
          command: process.execPath,
          args: [`--max-old-space-size=${Math.max(16, Math.floor(input.memoryMb * 0.9))}`, path.join(dir, 'bootstrap.mjs')],
          env: { NODE_PATH: joinPaths(path.join(box.opt, 'nodejs', `node${major}`, 'node_modules'), path.join(box.opt, 'nodejs', 'node_modules'), box.task) },
          runtimeDir: dir,
          warnings: await warn(process.execPath),
        },
      };
    }
    case 'python': {
      const python = await pickInterpreter('python', runtime, input.pathVar, input.exec, box.tmp);
      return {
        launch: {
          command: python.command,
          args: ['-u', path.join(dir, 'bootstrap.py')],
          env: {
            PYTHONPATH: joinPaths(box.task, path.join(box.opt, 'python', 'lib', `python${version}`, 'site-packages'), path.join(box.opt, 'python')),
            PYTHONDONTWRITEBYTECODE: '1',
            PYTHONUNBUFFERED: '1',
          },
          runtimeDir: dir,
          warnings: versionWarnings(family, runtime, python.version),
        },
      };
    }
    case 'ruby': {
      const ruby = await pickInterpreter('ruby', runtime, input.pathVar, input.exec, box.tmp);
      const abi = `${version}.0`;
      return {
        launch: {
          command: ruby.command,
          args: [path.join(dir, 'bootstrap.rb')],
          env: {
            GEM_PATH: joinPaths(path.join(box.task, 'vendor', 'bundle', 'ruby', abi), path.join(box.opt, 'ruby', 'gems', abi)),
            RUBYLIB: joinPaths(box.task, path.join(box.opt, 'ruby', 'lib')),
          },
          runtimeDir: dir,
          warnings: versionWarnings(family, runtime, ruby.version),
        },
      };
    }
    case 'java': {
      const java = whichOnPath('java', input.pathVar) ?? 'java';
      const classes = await javaBootstrapClasses(input.cacheDir, input.exec);
      const heap = Math.max(16, Math.floor(input.memoryMb * 0.85));
      return {
        launch: {
          command: java,
          // Lambda's own JVM flags: quick startup over peak throughput.
          args: ['-XX:+TieredCompilation', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', `-Xmx${heap}m`,
            `-Djava.io.tmpdir=${box.tmp}`, '-cp', joinPaths(classes, box.task, path.join(box.task, 'lib', '*'), path.join(box.opt, 'java', 'lib', '*')),
            'NxLambdaBootstrap'],
          env: {},
          runtimeDir: classes,
          warnings: await warn(java),
        },
      };
    }
    case 'dotnet': {
      const dotnet = whichOnPath('dotnet', input.pathVar) ?? 'dotnet';
      const local = await localVersion('dotnet', dotnet, input.exec, box.tmp);
      const host = await dotnetHostDll(input.cacheDir, input.exec, local ?? version);
      return {
        launch: {
          command: dotnet,
          args: [host],
          env: { DOTNET_ROLL_FORWARD: 'Major', DOTNET_gcServer: '0', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
          runtimeDir: path.dirname(host),
          warnings: versionWarnings(family, runtime, local),
        },
      };
    }
    default:
      return { initError: { errorType: 'Runtime.InvalidRuntime', errorMessage: `${family} functions need a provided.* runtime, got ${runtime}` } };
  }
}
