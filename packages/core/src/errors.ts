/**
 * Two kinds of failure, kept apart so callers can react differently:
 * - `LambdaPackageError`: a known failure with a cause the user can fix (bad input, a tool that
 *   exited non-zero). Executors turn it into `{ success: false }` and print its message.
 * - anything else is unexpected (a bug of ours) and is wrapped with the step it happened in.
 *
 * Messages follow one shape: the first line is the title, prefixed with where it happened
 * (`python:install - pip exited 1`), later lines give details and what to do.
 */
export class LambdaPackageError extends Error {
  override readonly name = 'LambdaPackageError';
  constructor(
    /** Where it happened: `<family>:<step>`, `archive`, `deploy:apply`, ... */
    readonly where: string,
    readonly title: string,
    readonly details: readonly string[] = [],
    readonly hint?: string,
  ) {
    super(formatMessage(where, title, details, hint));
  }
}

/** A failure we did not foresee; it still says which step it came from. */
export class UnexpectedStepError extends Error {
  override readonly name = 'UnexpectedStepError';
  constructor(readonly where: string, override readonly cause: unknown) {
    super(`${where} - unexpected error: ${cause instanceof Error ? cause.message : String(cause)}`);
    if (cause instanceof Error && cause.stack) this.stack = `${this.message}\n${cause.stack}`;
  }
}

function formatMessage(where: string, title: string, details: readonly string[], hint?: string): string {
  const lines = [`${where} - ${title}`, ...details.map((d) => `  ${d}`)];
  if (hint) lines.push(`  Fix: ${hint}`);
  return lines.join('\n');
}

/** Runs one pipeline step; known errors pass through, the rest are wrapped with the step name. */
export async function atStep<T>(where: string, fn: () => Promise<T> | T): Promise<T> {
  const started = STEP_TIMINGS ? performance.now() : 0;
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LambdaPackageError || err instanceof UnexpectedStepError) throw err;
    throw new UnexpectedStepError(where, err);
  } finally {
    if (STEP_TIMINGS) process.stderr.write(`nx-lambda timing: ${where} ${(performance.now() - started).toFixed(1)} ms\n`);
  }
}

/** `NX_LAMBDA_TIMINGS=1` prints how long each step took (to stderr): where a slow package spends its time. */
const STEP_TIMINGS = process.env.NX_LAMBDA_TIMINGS === '1';

export function isKnownError(err: unknown): err is LambdaPackageError {
  return err instanceof LambdaPackageError;
}
