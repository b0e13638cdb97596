/**
 * A token bucket: `burst` events at once, then `perSecond` on average. The HTTP/2 session
 * guard keeps one per session for each frame a client could flood the proxy with (RST_STREAM,
 * SETTINGS, PING): an honest client stays far below, a flood runs out in a fraction of a second.
 */
export class RateBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends one token; false once the budget is exhausted (the event is one too many). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
