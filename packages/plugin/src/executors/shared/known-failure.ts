import { isKnownError } from '@nx-lambda/core';

/**
 * An executor's expected failures (a LambdaPackageError: bad input or options, a tool that exited
 * non-zero) print their message (to `report`: the console, or a batch task's own output) and fail
 * the target; anything else is a bug and is thrown.
 */
export async function failOnKnownError<T extends { success: boolean }>(run: () => Promise<T>, report: (message: string) => void = console.error): Promise<T | { success: false }> {
  try {
    return await run();
  } catch (err) {
    if (isKnownError(err)) {
      report(err.message);
      return { success: false };
    }
    throw err;
  }
}
