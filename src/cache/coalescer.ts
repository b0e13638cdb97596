/**
 * Request collapsing (RFC 9111 §4: "a cache can ... collapse requests"): while the first miss
 * for a key is being fetched, later misses for the same key wait for it instead of also going to
 * the backend, then look the cache up again. A follower waits at most the timeout
 * (`cacheCoalesceTimeoutMs`); a leader that fails or whose response was not stored just lets
 * them go (each then forwards, `Cache-Status: collapsed=?0`). In-process only: with Redis,
 * each proxy collapses its own requests.
 */
export type CoalesceTicket =
  /** The first for the key: fetch, store, then call `release()` exactly once, also on failure. */
  | { readonly leader: true; readonly release: () => void }
  /** Another is fetching: await `settled` (true: the leader finished; false: gave up waiting). */
  | { readonly leader: false; readonly settled: Promise<boolean> };

export class MissCoalescer {
  private readonly waiting = new Map<string, Array<(finished: boolean) => void>>();

  /** @param timeoutMs how long a follower waits; 0 turns collapsing off (everyone leads) */
  constructor(private readonly timeoutMs: number) {}

  /** Keys being fetched by a leader right now. */
  get inFlight(): number {
    return this.waiting.size;
  }

  join(key: string): CoalesceTicket {
    const followers = this.waiting.get(key);
    if (this.timeoutMs <= 0 || followers === undefined) {
      if (this.timeoutMs <= 0) return { leader: true, release: () => undefined };
      this.waiting.set(key, []);
      let released = false;
      // Once only: a second call must not release the followers of the key's next leader.
      const release = (): void => {
        if (released) return;
        released = true;
        this.release(key);
      };
      return { leader: true, release };
    }
    const settled = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiting.get(key);
        const at = list?.indexOf(wake) ?? -1;
        if (at !== -1) list!.splice(at, 1);
        resolve(false);
      }, this.timeoutMs);
      timer.unref();
      const wake = (finished: boolean) => {
        clearTimeout(timer);
        resolve(finished);
      };
      followers.push(wake);
    });
    return { leader: false, settled };
  }

  private release(key: string): void {
    const followers = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    for (const wake of followers) wake(true);
  }
}
