import { EventEmitter } from 'node:events';
import { HeldRequests, type Hold } from './held-requests.js';
import type { Pool } from './pool.js';
import type { Route } from './route.js';
import type { RouteBackend } from './route-backend.js';
import type { RouteTable } from './route-table.js';

/** What the grace did since start-up, for metrics. */
export interface GraceTotals {
  /** Routes that lost their last member and were kept for their owner. */
  gracesStarted: number;
  /** Graces that ended with a member registering again. */
  gracesClaimed: number;
  /** Graces that ran out (or an operator ended): the route was dropped. */
  gracesExpired: number;
  /** Held requests that got a member. */
  heldServed: number;
  /** Held requests released without one (timeout, client gone, grace over). */
  heldReleased: number;
}

interface GraceEventMap {
  /** A route was dropped at the end of its grace (registrations announce the other changes). */
  dropped: [route: Route];
}

/** How a {@link RouteGrace} works; the rest it asks of the routing service. */
export interface RouteGraceOptions {
  /** How long a vacant route is kept, in ms; 0 keeps none and holds no request. */
  readonly graceMs: number;
  /** Most requests that may wait for one route at once. */
  readonly heldLimit: number;
  /** The member the next waiting request of `pool` gets (the pool's balancing and health). */
  readonly pick: (pool: Pool<RouteBackend>) => RouteBackend | undefined;
  readonly logger: { log(message: string): void };
}

/**
 * The route grace: a pool that lost its last member stays in the table (vacant, still owned by
 * its key, still matched) for `graceMs`, and requests for it, or for a pool whose members are
 * all retiring, wait for a member instead of failing. A member that registers takes them in
 * arrival order; at the end of the grace the route is dropped and they are released.
 *
 * The timers live here; the table only keeps vacant pools (`keepVacant`) until told to drop one.
 */
export class RouteGrace {
  readonly #timers = new Map<Pool<RouteBackend>, NodeJS.Timeout>();
  readonly #held = new Map<Pool<RouteBackend>, HeldRequests<RouteBackend>>();
  /** Counted as things happen; read by metrics at scrape time. */
  readonly totals: GraceTotals = { gracesStarted: 0, gracesClaimed: 0, gracesExpired: 0, heldServed: 0, heldReleased: 0 };
  readonly events = new EventEmitter<GraceEventMap>();

  constructor(
    private readonly table: RouteTable<RouteBackend>,
    private readonly options: RouteGraceOptions,
  ) {}

  /** Requests waiting for a member right now, over every route. */
  get heldTotal(): number {
    let held = 0;
    for (const queue of this.#held.values()) held += queue.size;
    return held;
  }

  /** Routes in their grace right now. */
  get vacantCount(): number {
    return this.#timers.size;
  }

  /** Number of requests waiting for a member of `pool`. */
  heldCount(pool: Pool<RouteBackend>): number {
    return this.#held.get(pool)?.size ?? 0;
  }

  /**
   * Makes a request wait for a member of `pool`, or says it should not (undefined): when the
   * pool has members that are merely busy, when the route already holds `heldLimit` requests,
   * or without a grace. The hold is released after `maxWaitMs` or the grace, whichever is
   * shorter.
   */
  hold(pool: Pool<RouteBackend>, maxWaitMs: number): Hold<RouteBackend> | undefined {
    const { graceMs, heldLimit } = this.options;
    if (graceMs === 0 || !waitsForMember(pool) || this.table.poolAt(pool) !== pool) return undefined;
    let held = this.#held.get(pool);
    if (held === undefined) this.#held.set(pool, (held = new HeldRequests(heldLimit)));
    const hold = held.hold();
    if (hold === undefined) return undefined;
    const timer = setTimeout(hold.release, Math.min(maxWaitMs, graceMs));
    timer.unref();
    void hold.member.then((member) => {
      clearTimeout(timer);
      if (member) this.totals.heldServed++;
      else this.totals.heldReleased++;
    });
    return hold;
  }

  /** `pool` lost its last member: kept for its owner during the grace, else dropped now. */
  vacated(pool: Pool<RouteBackend>): void {
    const { graceMs } = this.options;
    if (graceMs === 0) return this.#release(pool);
    pool.vacantUntil = Date.now() + graceMs;
    const timer = setTimeout(() => this.#expire(pool), graceMs);
    timer.unref();
    this.#timers.set(pool, timer);
    this.totals.gracesStarted++;
    this.options.logger.log(`${pool.host}${pool.path} has no member; held for ${graceMs} ms`);
  }

  /** A member registered on `pool`: its grace (if any) ends, and waiting requests get it. */
  occupied(pool: Pool<RouteBackend>): void {
    const timer = this.#timers.get(pool);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#timers.delete(pool);
      pool.vacantUntil = undefined;
      this.totals.gracesClaimed++;
      this.options.logger.log(`${pool.host}${pool.path} has a member again`);
    }
    this.wake(pool);
  }

  /** Hands members of `pool` to its waiting requests while there are some to hand. */
  wake(pool: Pool<RouteBackend>): void {
    const held = this.#held.get(pool);
    if (held === undefined) return;
    held.wake(() => this.options.pick(pool));
    if (held.size === 0) this.#held.delete(pool);
  }

  /** Ends a vacant pool's grace now. False if the table did not drop it (it has members). */
  end(pool: Pool<RouteBackend>): boolean {
    return this.#expire(pool);
  }

  /** Stops every timer and releases every waiting request (the module is going away). */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const held of this.#held.values()) held.releaseAll();
    this.#held.clear();
  }

  #expire(pool: Pool<RouteBackend>): boolean {
    clearTimeout(this.#timers.get(pool));
    this.#timers.delete(pool);
    if (!this.table.dropVacant(pool)) return false;
    pool.vacantUntil = undefined;
    this.totals.gracesExpired++;
    this.options.logger.log(
      `${pool.host}${pool.path} was not claimed again within its grace; dropped (${this.heldCount(pool)} held request(s) refused)`,
    );
    this.#release(pool);
    this.events.emit('dropped', { host: pool.host, path: pool.path });
    return true;
  }

  #release(pool: Pool<RouteBackend>): void {
    this.#held.get(pool)?.releaseAll();
    this.#held.delete(pool);
  }
}

/**
 * Whether a request that found no member able to take it should wait: the route is in its grace
 * (no member), or every member is retiring (a deploy replaces them). Members that are only busy
 * (at their stream limit) answer 503 at once: queueing behind a saturated backend hides
 * overload instead of shedding it.
 */
function waitsForMember(pool: Pool<RouteBackend>): boolean {
  return pool.members.every((member) => member.isRetiring());
}
