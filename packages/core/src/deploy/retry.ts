/** Bounds of the retry loop around each Lambda call. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 8, baseDelayMs: 200, maxDelayMs: 8000 };

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND']);

export type RetryKind = 'throttling' | 'server' | 'network' | 'conflict';

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Why an error is worth retrying, or null when it is final. */
export function retryKind(err: unknown): RetryKind | null {
  const e = (err ?? {}) as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(e.name ?? '') || status === 429) return 'throttling';
  if (e.name === 'ResourceConflictException') return 'conflict';
  if ((status !== undefined && status >= 500) || e.$fault === 'server') return 'server';
  if (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError' || /socket hang up/i.test(e.message ?? '')) return 'network';
  return null;
}

/** Full jitter: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `call` until it succeeds, fails with a final error, or runs out of retries.
 * `isFinal` lets a caller treat a retryable error as an answer (a create's "already exists").
 */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, isFinal: (err: unknown) => boolean = () => false): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= policy.maxRetries || isFinal(err) || retryKind(err) === null) throw err;
      await sleep(backoffDelay(attempt, policy));
    }
  }
}
