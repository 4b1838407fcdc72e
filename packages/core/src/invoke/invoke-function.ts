import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LambdaPackageError } from '../errors';
import { Exec, exec as realExec } from '../exec';
import type { Architecture, RuntimeFamily } from '../runtimes/types';
import { defaultInvokeCacheDir } from './compiled-hosts';
import { Launch, planLaunch } from './launchers';
import { peakRssKbOfTree } from './process-memory';
import { LambdaErrorShape, RuntimeApiOutcome, RuntimeApiServer } from './runtime-api-server';
import { createSandbox, foreignNativeFiles, hostMachine, Sandbox } from './sandbox';

export interface InvokeRequest {
  /** The packaged function.zip. */
  zipPath: string;
  /** Layer zips in the order Lambda applies them (later ones win on the same path). */
  layerZips?: readonly string[];
  family: RuntimeFamily;
  /** Lambda's runtime identifier: `nodejs20.x`, `python3.12`, `provided.al2023`, ... */
  runtime: string;
  handler: string;
  /** The event as a value (JSON-serialised) ... */
  event?: unknown;
  /** ... or as JSON text, passed through byte for byte. */
  eventJson?: string;
  /** Function timeout (Lambda's default is 3 s). */
  timeoutMs?: number;
  /** Limit on start-up until the runtime asks for its first event (Lambda: 10 s). */
  initTimeoutMs?: number;
  memoryMb?: number;
  /** The function's own environment variables. */
  env?: Readonly<Record<string, string>>;
  functionName?: string;
  region?: string;
  /** The manifest's architecture: a warning when it is not this machine's. */
  architecture?: Architecture;
  /** Where compiled bootstraps (Java, .NET) are cached; per machine by default. */
  cacheDir?: string;
  /**
   * What the managed runtime itself supplies, taken from this machine: Lambda's Node.js runtimes
   * ship AWS SDK v3, so a bundle leaves `@aws-sdk/*` out. Each package (or `@scope`) in `packages`
   * is linked from the `from` node_modules folder into a node_modules folder above the task root,
   * where both require and import find it, and nothing else of `from` is visible to the function.
   */
  runtimeModules?: { from: string; packages: readonly string[] };
  /** Leave the unzipped task/opt folders for inspection. */
  keepSandbox?: boolean;
  exec?: Exec;
}

export interface InvokeResult {
  requestId?: string;
  /** The response parsed as JSON, or the raw text when it is not JSON. */
  response?: unknown;
  rawResponse?: string;
  /** The function's error, in Lambda's shape; a timeout is `Sandbox.Timedout`. */
  error?: LambdaErrorShape;
  /** Start-up failed (import error, missing handler, crash before the first event). */
  initError?: LambdaErrorShape;
  /** stdout and stderr of the runtime process, interleaved as they came. */
  logs: string;
  durationMs: number;
  initDurationMs?: number;
  /** High-water resident memory of the runtime process and its children. */
  peakRssKb: number;
  warnings: string[];
  /** Set when keepSandbox is true. */
  sandboxDir?: string;
}

const DEFAULTS = { timeoutMs: 3000, initTimeoutMs: 10_000, memoryMb: 128, region: 'us-east-1' };
const HOST_ENV_PASSED = ['PATH', 'HOME', 'LANG', 'DOTNET_ROOT', 'JAVA_HOME', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/**
 * Runs a packaged function and its layers on this machine, without Docker: the zips are unzipped
 * into `task/` and `opt/` folders, a local Runtime API serves one event, and the runtime (our
 * bootstrap for managed runtimes, the function's `bootstrap` for provided.*) handles it.
 * Function failures come back in the result; problems with the inputs throw LambdaPackageError.
 */
export async function invokeFunction(request: InvokeRequest): Promise<InvokeResult> {
  const exec = request.exec ?? realExec;
  const name = request.functionName ?? path.basename(path.dirname(path.resolve(request.zipPath)));
  const box = await createSandbox(request.zipPath, request.layerZips ?? []);
  try {
    const warnings = await checkNative(name, box, request.architecture);
    if (request.runtimeModules) warnings.push(...(await linkRuntimeModules(box, request.runtimeModules)));
    const pathVar = process.env.PATH ?? '';
    const memoryMb = request.memoryMb ?? DEFAULTS.memoryMb;
    const plan = await planLaunch({ family: request.family, runtime: request.runtime, box, memoryMb, cacheDir: request.cacheDir ?? defaultInvokeCacheDir(), exec, pathVar });
    if ('initError' in plan) return { initError: plan.initError, logs: '', durationMs: 0, peakRssKb: 0, warnings, sandboxDir: request.keepSandbox ? box.base : undefined };
    const result = await runOnce(request, name, box, plan.launch, memoryMb);
    result.warnings.unshift(...warnings, ...plan.launch.warnings);
    if (result.peakRssKb > memoryMb * 1024) {
      result.warnings.push(`${name} used ${Math.ceil(result.peakRssKb / 1024)} MB, more than its ${memoryMb} MB: Lambda would stop it (Runtime.OutOfMemory); raise memorySize`);
    }
    if (request.keepSandbox) result.sandboxDir = box.base;
    return result;
  } finally {
    if (!request.keepSandbox) await fsp.rm(box.base, { recursive: true, force: true });
  }
}

async function checkNative(name: string, box: Sandbox, architecture: Architecture | undefined): Promise<string[]> {
  const machine = hostMachine();
  const foreign = await foreignNativeFiles([box.task, box.opt], machine);
  if (foreign.length) {
    throw new LambdaPackageError('invoke:native', `${name} has ${foreign.length} native file(s) built for another machine than this ${machine} one`,
      [...foreign.slice(0, 10), ...(foreign.length > 10 ? [`... and ${foreign.length - 10} more`] : [])],
      `package it for this machine to run it locally (architecture "${machine === 'aarch64' ? 'arm64' : 'x86_64'}"), or invoke it on ${machine === 'aarch64' ? 'an x86_64' : 'an arm64'} machine`);
  }
  const lambdaArch = machine === 'aarch64' ? 'arm64' : 'x86_64';
  return architecture && architecture !== lambdaArch ? [`${name} is packaged for ${architecture}; running it on ${lambdaArch} (it holds no native files)`] : [];
}

/** Links the runtime-supplied packages beside the task root; a missing one is a warning (the function may not need it). */
async function linkRuntimeModules(box: Sandbox, modules: NonNullable<InvokeRequest['runtimeModules']>): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of modules.packages) {
    const from = path.join(modules.from, pkg);
    if (!(await fsp.stat(from).catch(() => undefined))) {
      missing.push(pkg);
      continue;
    }
    const to = path.join(box.base, 'node_modules', pkg);
    await fsp.mkdir(path.dirname(to), { recursive: true });
    await fsp.symlink(from, to, 'dir');
  }
  return missing.length
    ? [`${missing.join(', ')} not found in ${modules.from}: a function that imports ${missing.length > 1 ? 'them' : 'it'} fails locally although Lambda's runtime supplies ${missing.length > 1 ? 'them' : 'it'}; install ${missing.join(' ')} in the workspace`]
    : [];
}

function lambdaEnv(request: InvokeRequest, name: string, box: Sandbox, launch: Launch, api: string, memoryMb: number): Record<string, string> {
  const host: Record<string, string> = {};
  for (const k of HOST_ENV_PASSED) if (process.env[k]) host[k] = process.env[k] as string;
  const region = request.region ?? DEFAULTS.region;
  const managed = launch.runtimeDir !== box.task;
  return {
    ...host,
    ...request.env,
    PATH: [host.PATH, path.join(box.opt, 'bin')].filter(Boolean).join(path.delimiter),
    LD_LIBRARY_PATH: [box.task, path.join(box.task, 'lib'), path.join(box.opt, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter),
    TMPDIR: box.tmp,
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: box.task,
    LAMBDA_RUNTIME_DIR: launch.runtimeDir,
    _HANDLER: request.handler,
    AWS_LAMBDA_RUNTIME_API: api,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local/[$LATEST]invoke',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...(managed ? { AWS_EXECUTION_ENV: `AWS_Lambda_${request.runtime}` } : {}),
    ...launch.env,
  };
}

function lambdaError(errorType: string, errorMessage: string): LambdaErrorShape {
  return { errorType, errorMessage };
}

async function runOnce(request: InvokeRequest, name: string, box: Sandbox, launch: Launch, memoryMb: number): Promise<InvokeResult> {
  const timeoutMs = request.timeoutMs ?? DEFAULTS.timeoutMs;
  const initTimeoutMs = request.initTimeoutMs ?? DEFAULTS.initTimeoutMs;
  const logs: Buffer[] = [];
  let pid = 0;
  let peakRssKb = 0;
  const sampleMemory = () => {
    if (pid) peakRssKb = Math.max(peakRssKb, peakRssKbOfTree(pid));
  };
  const started = Date.now();
  let nextAt = 0;
  let outcome: RuntimeApiOutcome | { kind: 'timeout' | 'init-timeout' | 'exit'; detail: string } | undefined;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  let timer: NodeJS.Timeout | undefined;
  const finish = (o: NonNullable<typeof outcome>) => {
    if (outcome) return;
    sampleMemory(); // the runtime is still alive here: its high-water mark is exact
    outcome = o;
    settle();
  };
  const api = await RuntimeApiServer.start({
    onNext: () => {
      if (nextAt) return;
      nextAt = Date.now();
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish({ kind: 'timeout', detail: '' }), timeoutMs);
    },
    onOutcome: (o) => finish(o),
  });
  const invocation = api.enqueue(Buffer.from(request.eventJson ?? JSON.stringify(request.event ?? {})), timeoutMs,
    `arn:aws:lambda:${request.region ?? DEFAULTS.region}:000000000000:function:${name}`);
  const child = spawn(launch.command, launch.args, {
    cwd: box.task, env: lambdaEnv(request, name, box, launch, api.address, memoryMb), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  pid = child.pid ?? 0;
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.stdout.on('data', (b: Buffer) => logs.push(b));
  child.stderr.on('data', (b: Buffer) => logs.push(b));
  child.on('error', (e) => finish({ kind: 'exit', detail: `could not start ${launch.command}: ${e.message}` }));
  child.on('exit', (code, signal) => finish({ kind: 'exit', detail: signal ? `signal: ${signal.toLowerCase()}` : `exit status ${code}` }));
  timer = setTimeout(() => finish({ kind: 'init-timeout', detail: '' }), initTimeoutMs);
  const sampler = setInterval(sampleMemory, 200);
  await settled;
  clearInterval(sampler);
  if (timer) clearTimeout(timer);
  const ended = Date.now();
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // the process group is already gone
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
  await api.close();

  const result: InvokeResult = {
    requestId: invocation.requestId,
    logs: Buffer.concat(logs).toString('utf8'),
    durationMs: nextAt ? ended - nextAt : 0,
    initDurationMs: (nextAt || ended) - started,
    peakRssKb,
    warnings: [],
  };
  const o = outcome as NonNullable<typeof outcome>;
  switch (o.kind) {
    case 'response': {
      result.rawResponse = o.body.toString('utf8');
      try {
        result.response = JSON.parse(result.rawResponse);
      } catch {
        result.response = result.rawResponse;
      }
      break;
    }
    case 'error':
      result.error = o.error;
      break;
    case 'init-error':
      result.initError = o.error;
      break;
    case 'timeout':
      result.error = lambdaError('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
      break;
    case 'init-timeout':
      result.initError = lambdaError('Sandbox.Timedout', `Init phase timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds`);
      break;
    case 'exit': {
      const e = lambdaError('Runtime.ExitError', `RequestId: ${invocation.requestId} Error: Runtime exited with error: ${o.detail}`);
      if (nextAt) result.error = e;
      else result.initError = e;
      break;
    }
  }
  return result;
}
