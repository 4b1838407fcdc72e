import { spawn } from 'node:child_process';
import { LambdaPackageError } from './errors';

/** The one seam for spawning tools: argv only (never a shell string), explicit cwd and env. */
export interface ExecRequest {
  /** Where this runs, for error messages: `go:build`, `python:install`. */
  where: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** Merged over process.env unless `cleanEnv` is set. */
  env?: Record<string, string | undefined>;
  cleanEnv?: boolean;
  timeoutMs?: number;
  input?: string | Buffer;
  /** Exit codes treated as success (default [0]). */
  okCodes?: readonly number[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export type Exec = (req: ExecRequest) => Promise<ExecResult>;

const TAIL_LINES = 40;

/**
 * Terminal colour and cursor sequences. Output is captured, parsed and quoted in errors, never
 * shown on a terminal as it comes, yet tools colour it anyway when Nx passes FORCE_COLOR down
 * (pip's "No matching distribution found for requests>=2\x1b[0m").
 */
const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
export const withoutAnsi = (text: string): string => text.replace(ANSI_SEQUENCE, '');

/** Last lines of a tool's output, enough to see the compiler or pip error without flooding. */
export function tailOf(text: string, lines = TAIL_LINES): string[] {
  const all = text.replace(/\s+$/, '').split(/\r?\n/);
  const tail = all.slice(-lines);
  return all.length > lines ? [`... (${all.length - lines} earlier lines)`, ...tail] : tail;
}

export const exec: Exec = (req) =>
  new Promise((resolve, reject) => {
    const env = req.cleanEnv ? { ...req.env } : { ...process.env, ...req.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(req.command, req.args as string[], {
      cwd: req.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = req.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, req.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (e.code === 'ENOENT') {
        reject(
          new LambdaPackageError(req.where, `${req.command} was not found on PATH`, [`cwd: ${req.cwd}`],
            `install ${req.command} (tools/setup.sh installs every toolchain) or put it on PATH`),
        );
      } else reject(new LambdaPackageError(req.where, `${req.command} could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = withoutAnsi(Buffer.concat(out).toString('utf8'));
      const stderr = withoutAnsi(Buffer.concat(err).toString('utf8'));
      const exitCode = code ?? -1;
      if (timedOut) {
        reject(new LambdaPackageError(req.where, `${req.command} timed out after ${req.timeoutMs} ms`, tailOf(stderr || stdout)));
      } else if (!(req.okCodes ?? [0]).includes(exitCode)) {
        const how = signal ? `was killed by ${signal}` : `exited ${exitCode}`;
        reject(
          new LambdaPackageError(req.where, `${req.command} ${how}`, [
            `command: ${[req.command, ...req.args].join(' ')}`,
            `cwd: ${req.cwd}`,
            ...tailOf(stderr.trim() ? stderr : stdout),
          ]),
        );
      } else resolve({ stdout, stderr, code: exitCode });
    });
    if (req.input !== undefined) child.stdin.end(req.input);
    else child.stdin.end();
  });
