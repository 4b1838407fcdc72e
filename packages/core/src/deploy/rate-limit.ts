/**
 * A token bucket: at most `perSecond` requests per second on average, bursts up to `burst`.
 * One bucket per process by default (`processRateLimiter`) so parallel deploys in one Nx run
 * share Lambda's control-plane budget.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly perSecond: number, readonly burst = perSecond) {
    this.tokens = burst;
  }

  /** Resolves when a request may go; callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn;
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}

/** Lambda's control plane allows more, but 10/s per process keeps many parallel deploys polite. */
export const processRateLimiter = new TokenBucket(10);
