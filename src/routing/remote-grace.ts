import { HeldRequests, type Hold } from './held-requests.js';
import type { Route } from './route.js';

/**
 * Requests waiting while their route is vacant in the whole cluster (docs/cluster.md, "Route
 * grace across nodes"): no other node can take them and this node has no member. Unlike the
 * local grace, a waiting request is not handed a member: it is told to route again, when a node
 * lists the route again or a member registers here, and goes wherever routing sends it then (a
 * request still finding the route vacant waits again, until its own deadline).
 *
 * Bounded per route as the local grace is (`maxHeldRequestsPerRoute`); the timers live here.
 */
export class RemoteGrace {
  readonly #held = new Map<string, HeldRequests<true>>();

  constructor(
    /** Most requests that may wait for one route at once. */
    private readonly heldLimit: number,
  ) {}

  /** Requests waiting right now, over every route. */
  get heldTotal(): number {
    let held = 0;
    for (const queue of this.#held.values()) held += queue.size;
    return held;
  }

  /**
   * Makes a request wait for `route` to come back, at most `maxWaitMs`; undefined when it may
   * not wait (no time left, or the route holds `heldLimit` requests already). The hold settles
   * with true when the request should be routed again, with undefined when released without.
   */
  hold(route: Route, maxWaitMs: number): Hold<true> | undefined {
    if (maxWaitMs <= 0) return undefined;
    const key = `${route.host}${route.path}`;
    const held = this.#held.get(key) ?? new HeldRequests<true>(this.heldLimit);
    this.#held.set(key, held);
    const hold = held.hold();
    if (hold === undefined) {
      if (held.size === 0) this.#held.delete(key);
      return undefined;
    }
    const timer = setTimeout(hold.release, maxWaitMs);
    timer.unref();
    void hold.member.then(() => {
      clearTimeout(timer);
      if (held.size === 0 && this.#held.get(key) === held) this.#held.delete(key);
    });
    return hold;
  }

  /**
   * Something a waiting request may now be routed to appeared (a vacant route is listed again,
   * a member registered here): every waiting request routes again, in arrival order. Rare
   * events, so all of them are asked rather than matched route by route.
   */
  wakeAll(): void {
    const queues = [...this.#held.values()];
    this.#held.clear();
    for (const held of queues) held.wake(() => true);
  }

  /** Releases every waiting request (the module is going away). */
  close(): void {
    const queues = [...this.#held.values()];
    this.#held.clear();
    for (const held of queues) held.releaseAll();
  }
}
