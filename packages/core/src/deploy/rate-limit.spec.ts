import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from './rate-limit';
import { backoffDelay, retryKind } from './retry';

describe('TokenBucket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets 10 requests through at once and holds the 11th until a token refills', async () => {
    const bucket = new TokenBucket(10);
    let passed = 0;
    for (let i = 0; i < 11; i++) void bucket.take().then(() => passed++);
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(10);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toBe(11);
  });
});

describe('retry classification', () => {
  it.each([
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }, 'throttling'],
    [{ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }, 'throttling'],
    [{ name: 'ServiceException', $metadata: { httpStatusCode: 500 } }, 'server'],
    [{ name: 'ResourceConflictException', $metadata: { httpStatusCode: 409 } }, 'conflict'],
    [{ name: 'TimeoutError', code: 'ECONNRESET', message: 'socket hang up' }, 'network'],
    [{ name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } }, null],
    [{ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }, null],
  ])('%o -> %s', (err, kind) => {
    expect(retryKind(err)).toBe(kind);
  });

  it('backoff grows with the attempt and stays under the bound', () => {
    const policy = { maxRetries: 8, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(2, policy, () => 0.999)).toBe(399);
    expect(backoffDelay(20, policy, () => 0.999)).toBe(999);
  });
});
