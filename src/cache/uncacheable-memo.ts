/**
 * Keys whose latest response could not be stored ("hit-for-miss", as Varnish calls it). For a
 * while, requests for them skip the lookup and the collapsing of misses: uncacheable traffic
 * should pay close to nothing for the cache, and must not queue behind itself. A response that
 * becomes storable is stored as usual and clears its key.
 */
export class UncacheableMemo {
  private readonly until = new Map<string, number>();

  /**
   * @param ttlMs how long a key is remembered
   * @param maxKeys bound on remembered keys; past it the memo starts over (it is only a shortcut)
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  has(key: string, now = Date.now()): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(key);
    return false;
  }

  remember(key: string, now = Date.now()): void {
    if (this.until.size >= this.maxKeys && !this.until.has(key)) this.until.clear();
    this.until.set(key, now + this.ttlMs);
  }

  forget(key: string): void {
    this.until.delete(key);
  }
}
