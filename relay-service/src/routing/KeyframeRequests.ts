// Keyframe requests to the presenter, at most one per stream per interval; a request that comes too
// early is deferred to the end of the interval rather than lost (a viewer is waiting for it).
export class KeyframeRequests {
  private readonly intervalMs: number;
  private readonly sendRequest: (stream: number, reason: string) => void;
  private readonly last = new Map<number, number>();
  private readonly pending = new Map<number, NodeJS.Timeout>();

  constructor(intervalMs: number, sendRequest: (stream: number, reason: string) => void) {
    this.intervalMs = intervalMs;
    this.sendRequest = sendRequest;
  }

  request(stream: number, reason: string): void {
    if (this.pending.has(stream)) return;
    const now = performance.now();
    const wait = (this.last.get(stream) ?? -Infinity) + this.intervalMs - now;
    if (wait <= 0) {
      this.last.set(stream, now);
      this.sendRequest(stream, reason);
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(stream);
      this.last.set(stream, performance.now());
      this.sendRequest(stream, reason);
    }, wait);
    timer.unref();
    this.pending.set(stream, timer);
  }

  /** A keyframe just went through: viewers waiting for one are served, so a deferred request is moot. */
  satisfied(stream: number): void {
    const timer = this.pending.get(stream);
    if (timer) clearTimeout(timer);
    this.pending.delete(stream);
  }

  clear(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.last.clear();
  }
}
