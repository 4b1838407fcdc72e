import { expect } from 'vitest';
import { LambdaPackageError } from '../errors';

/** The known error a promise rejects with; fails the test if it resolves or throws anything else. */
export async function failure(p: Promise<unknown>): Promise<LambdaPackageError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LambdaPackageError);
  return err as LambdaPackageError;
}
