import { spawn } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are not a failure (default [0]). */
  okCodes?: number[];
}

/**
 * Runs a command (argv, no shell) and collects its output. A failure throws with the whole
 * command line and both streams, so a broken e2e step says what Nx or npm printed.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const result = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if ((options.okCodes ?? [0]).includes(result.code)) return resolve(result);
      reject(new Error([
        `e2e: \`${command} ${args.join(' ')}\` in ${options.cwd} exited ${code ?? signal}`,
        '--- stdout', result.stdout.slice(-20_000), '--- stderr', result.stderr.slice(-10_000),
      ].join('\n')));
    });
  });
}
