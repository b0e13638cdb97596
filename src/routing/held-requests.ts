/**
 * Requests waiting for a member of one route: during the route's grace (its last member left)
 * or while every member is retiring (draining, closing). First come, first served; bounded, so that a route
 * that never comes back cannot hold an unbounded number of client connections.
 *
 * Pure bookkeeping: the caller owns timers and decides when members may be available.
 */
export class HeldRequests<T> {
  readonly #waiting = new Set<Waiter<T>>();

  constructor(
    /** Most requests that may wait at once; one more is refused. */
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Queues a request. Returns undefined when the queue is full (the caller answers 503 at
   * once); otherwise the hold, whose promise settles with a member, or with undefined when the
   * hold was released without one (timeout, client gone, route gone).
   */
  hold(): Hold<T> | undefined {
    if (this.#waiting.size >= this.limit) return undefined;
    let settle!: (member: T | undefined) => void;
    const promise = new Promise<T | undefined>((resolve) => (settle = resolve));
    const waiter: Waiter<T> = { settle };
    this.#waiting.add(waiter);
    return {
      member: promise,
      release: () => {
        if (this.#waiting.delete(waiter)) settle(undefined);
      },
    };
  }

  /**
   * Hands members to waiting requests in arrival order, as long as `pick` finds one; each pick
   * counts (a stream a member accepts makes it busier), so `pick` is asked once per waiter.
   */
  wake(pick: () => T | undefined): void {
    for (const waiter of this.#waiting) {
      const member = pick();
      if (member === undefined) return;
      this.#waiting.delete(waiter);
      waiter.settle(member);
    }
  }

  /** Releases every waiting request without a member. */
  releaseAll(): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const waiter of waiting) waiter.settle(undefined);
  }
}

/** One waiting request. */
export interface Hold<T> {
  /** Settles with a member to forward to, or undefined when released without one. */
  readonly member: Promise<T | undefined>;
  /** Gives up waiting (timeout, client gone); the promise settles with undefined. */
  release(): void;
}

interface Waiter<T> {
  readonly settle: (member: T | undefined) => void;
}
