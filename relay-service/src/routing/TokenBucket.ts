// Synchronous token bucket for the hot path (a promise per frame, as a generic limiter needs, is too
// costly at thousands of frames per second). Capacity = one second's worth, refilled continuously.
export class TokenBucket {
  private readonly ratePerSecond: number;
  private tokens: number;
  private last: number;

  constructor(ratePerSecond: number) {
    this.ratePerSecond = ratePerSecond;
    this.tokens = ratePerSecond;
    this.last = performance.now();
  }

  /** `now`: one clock reading per message serves all its buckets (a native call each otherwise). */
  take(amount = 1, now = performance.now()): boolean {
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}
