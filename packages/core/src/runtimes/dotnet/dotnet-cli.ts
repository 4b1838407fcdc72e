import { LambdaPackageError } from '../../errors';
import type { BuildContext } from '../types';

/** Environment for every dotnet call: no telemetry, banners or first-run work in build logs. */
const DOTNET_ENV = { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' };
const PUBLISH_TIMEOUT_MS = 20 * 60_000;

export const RID: Readonly<Record<'x86_64' | 'arm64', string>> = { x86_64: 'linux-x64', arm64: 'linux-arm64' };

export interface PublishRequest {
  where: string;
  projectFile: string;
  cwd: string;
  rid: string;
  configuration: string;
  /** `-f`, only when the project targets several frameworks. */
  framework?: string;
  selfContained: boolean;
  /** `--artifacts-path`: bin/ and obj/ of the project and its references go here, not in the source tree. */
  artifactsPath: string;
  output: string;
  properties: Readonly<Record<string, string>>;
}

/** MSBuild splits -p values on `;` and `,`: escape them (and `%`) so paths stay whole. */
export function msbuildEscape(value: string): string {
  return value.replace(/%/g, '%25').replace(/;/g, '%3B').replace(/,/g, '%2C');
}

export function publishArgs(req: PublishRequest): string[] {
  return [
    'publish', req.projectFile, '-nologo', '-c', req.configuration, '-r', req.rid,
    '--self-contained', String(req.selfContained), ...(req.framework ? ['-f', req.framework] : []),
    '--artifacts-path', req.artifactsPath, '-o', req.output,
    ...Object.entries(req.properties).map(([k, v]) => `-p:${k}=${v}`),
  ];
}

/** Compiler and MSBuild errors from dotnet's console output, deduplicated, in order. */
export function errorLines(output: string): string[] {
  const seen = new Set<string>();
  for (const line of output.split(/\r?\n/)) {
    const t = line.trim();
    if (/: error [A-Z]*\d*:|^error [A-Z]*\d*:|: error :/.test(t)) seen.add(t);
  }
  return [...seen];
}

export async function dotnetPublish(ctx: BuildContext, req: PublishRequest): Promise<void> {
  try {
    await ctx.exec({ where: req.where, command: 'dotnet', args: publishArgs(req), cwd: req.cwd, env: DOTNET_ENV, timeoutMs: PUBLISH_TIMEOUT_MS });
  } catch (err) {
    if (!(err instanceof LambdaPackageError) || !err.details.length) throw err;
    const errors = errorLines(err.details.join('\n'));
    throw new LambdaPackageError(req.where, `dotnet publish failed for ${ctx.request.projectName}`,
      [...errors.slice(0, 30), ...(errors.length ? [] : err.details)],
      'fix the errors above (the compiler output names file and line), then package again');
  }
}

export async function dotnetVersion(ctx: BuildContext, cwd: string): Promise<string> {
  const { stdout } = await ctx.exec({ where: 'dotnet:toolchain', command: 'dotnet', args: ['--version'], cwd, env: DOTNET_ENV });
  return stdout.trim();
}
