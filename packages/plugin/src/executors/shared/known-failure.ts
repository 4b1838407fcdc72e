import { isKnownError } from '@nx-lambda/core';

/**
 * The executors' own option checks throw a plain Error in the shape of our messages
 * (`<project>:<target> - what is wrong`, then what to do): a user's mistake, not a bug, so no stack.
 */
const isOptionCheck = (err: unknown): err is Error => err instanceof Error && err.constructor === Error && /^\S+:\S+ - /.test(err.message);

/**
 * An executor's expected failures (a LambdaPackageError: bad input, a tool that exited non-zero)
 * print their message (to `report`: the console, or a batch task's own output) and fail the
 * target; anything else is a bug and is thrown.
 */
export async function failOnKnownError<T extends { success: boolean }>(run: () => Promise<T>, report: (message: string) => void = console.error): Promise<T | { success: false }> {
  try {
    return await run();
  } catch (err) {
    if (isKnownError(err) || isOptionCheck(err)) {
      report(err.message);
      return { success: false };
    }
    throw err;
  }
}
