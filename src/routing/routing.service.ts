import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';

import { HarpConfig } from '../config/index.js';
import { HeldRequests, type Hold } from './held-requests.js';
import type { MemberTraits } from './balancer.js';
import { balancerFor, sameBalance } from './balancer-for.js';
import { type EjectionPolicy, type ExchangeOutcome, type HealthState } from './member-health.js';
import type { Pool } from './pool.js';
import { PoolHealth } from './pool-health.js';
import type { Route, RouteOptions } from './route.js';
import type { RouteBackend } from './route-backend.js';
import { normalizeHostPattern, normalizePathPrefix, normalizeRequestHost } from './route-pattern.js';
import { RouteTable, type PoolView } from './route-table.js';
import { RoutePatternError, type RouteRejectionCode } from './routing.errors.js';
import { affinityOf } from './sticky.js';

/** Outcome of {@link RoutingService.register}; `route` is the normalized form that was stored. */
export type RegisterResult =
  | { readonly ok: true; readonly route: Route; readonly pool: Pool<RouteBackend> }
  | { readonly ok: false; readonly code: RouteRejectionCode; readonly reason: string };

/** What the route table did since start-up, for metrics. */
export interface RoutingTotals {
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

interface RoutingEventMap {
  /** A route was dropped at the end of its grace (registrations announce the other changes). */
  dropped: [route: Route];
}

/**
 * Where a request goes. A pool without a backend means the route exists but no member can take
 * a stream now (all draining or busy): the caller answers 503, not 404.
 */
export interface Resolution {
  readonly pool: Pool<RouteBackend>;
  readonly backend: RouteBackend | undefined;
}

// One function for every request rather than a closure per request.
const acceptsStreams = (backend: RouteBackend): boolean => backend.isAcceptingStreams();

/** What the balancers read of a backend: its own weight and open streams. */
const BACKEND_TRAITS: MemberTraits<RouteBackend> = {
  id: (backend) => backend.id,
  weight: (backend) => backend.weight,
  inFlight: (backend) => backend.inFlight(),
};

/** The request fields a sticky route reads its value from (Node's lower-cased headers). */
export type RequestFields = Readonly<Record<string, string | string[] | undefined>>;

/** A pool member's passive health, for listings. */
export interface MemberHealthView {
  readonly state: HealthState;
  /** While ejected or half-open: when the ejection ends, ms since the epoch. */
  readonly ejectedUntil: number | undefined;
  /** Consecutive failures counted so far. */
  readonly failures: number;
}

/** A member was ejected from a pool, or came back. */
export interface MemberHealthEvent {
  readonly kind: 'ejected' | 'returned';
  readonly route: Route;
  readonly memberId: string;
  /** For `ejected`: when it ends (ms since the epoch) and how long it is. */
  readonly untilMs?: number;
  readonly backoffMs?: number;
}

interface MemberHealthEventMap {
  change: [event: MemberHealthEvent];
}

/**
 * The proxy's route table: which backend connections serve which host + path prefix, and
 * which of them gets the next request. In-memory, per process.
 *
 * A route whose last member leaves is kept for `routeGraceMs` (vacant, still owned by its key,
 * still matched): requests for it may wait for a member ({@link hold}), and a member that
 * registers again takes them. After the grace the route is dropped and its waiting requests
 * are released.
 */
@Injectable()
export class RoutingService implements OnModuleDestroy {
  readonly #table: RouteTable<RouteBackend>;
  readonly #graceMs: number;
  readonly #heldLimit: number;
  readonly #graceTimers = new Map<Pool<RouteBackend>, NodeJS.Timeout>();
  readonly #held = new Map<Pool<RouteBackend>, HeldRequests<RouteBackend>>();
  /** Counted as things happen; read by metrics at scrape time. */
  readonly totals: RoutingTotals = { gracesStarted: 0, gracesClaimed: 0, gracesExpired: 0, heldServed: 0, heldReleased: 0 };
  readonly events = new EventEmitter<RoutingEventMap>();
  /** Each pool's member health; created with the pool's balancer, gone with the pool. */
  readonly #health = new WeakMap<Pool<RouteBackend>, PoolHealth<RouteBackend>>();
  readonly #policy: EjectionPolicy;
  readonly #logger = new Logger('Routing');
  /** Ejections and returns, for metrics; each is also logged here. */
  readonly healthEvents = new EventEmitter<MemberHealthEventMap>();

  constructor(config: HarpConfig) {
    this.#policy = { afterFailures: config.ejectAfterFailures, baseMs: config.ejectBaseMs, maxMs: config.ejectMaxMs };
    this.#graceMs = config.routeGraceMs;
    this.#heldLimit = config.maxHeldRequestsPerRoute;
    this.#table = new RouteTable({ keepVacant: this.#graceMs > 0 });
  }

  onModuleDestroy(): void {
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
    for (const held of this.#held.values()) held.releaseAll();
    this.#held.clear();
  }

  /** Number of routes (pools) currently registered. */
  get routeCount(): number {
    return this.#table.size;
  }

  /**
   * Normalizes `route` and adds `backend` to its pool. Rejected with a stable code when the
   * host or path is not a valid pattern, or when another key owns the route.
   * Registering the same backend on the same route twice is harmless.
   */
  register(backend: RouteBackend, route: Route, options?: RouteOptions): RegisterResult {
    let normalized: Route;
    try {
      normalized = normalizeRoute(route);
    } catch (error) {
      if (error instanceof RoutePatternError) return { ok: false, code: error.code, reason: error.reason };
      throw error;
    }
    const added = this.#table.add(normalized, backend, backend.keyId);
    if (!added.ok) return { ok: false, code: added.code, reason: added.reason };
    this.#configure(added.pool, options);
    this.#occupied(added.pool);
    this.#wake(added.pool);
    return { ok: true, route: normalized, pool: added.pool };
  }

  /** Removes `backend` from `route`'s pool. Returns false if it was not there (or `route` is invalid). */
  unregister(backend: RouteBackend, route: Route): boolean {
    let normalized: Route;
    try {
      normalized = normalizeRoute(route);
    } catch (error) {
      // Nothing invalid can have been registered, so there is nothing to remove.
      if (error instanceof RoutePatternError) return false;
      throw error;
    }
    if (!this.#table.remove(normalized, backend)) return false;
    const pool = this.#table.poolAt(normalized);
    if (pool?.size === 0) this.#vacated(pool);
    return true;
  }

  /** Removes `backend` from every route (disconnect). Returns the routes it left. */
  unregisterAll(backend: RouteBackend): Route[] {
    const pools = this.#table.removeMember(backend);
    for (const pool of pools) if (pool.size === 0) this.#vacated(pool);
    return pools.map(({ host, path }) => ({ host, path }));
  }

  /**
   * Makes a request wait for a member of `pool` that can take a stream: during the route's
   * grace, or while every member is retiring (draining, closing). Undefined when it should not
   * wait (members are merely busy), when the route already holds `maxHeldRequestsPerRoute`
   * requests, or when holding is off: the caller answers 503 at once. A hold is released
   * after `maxWaitMs` (the request's own timeout) or the grace, whichever is shorter; the
   * caller also releases it when the client leaves.
   */
  hold(pool: Pool<RouteBackend>, maxWaitMs: number): Hold<RouteBackend> | undefined {
    if (this.#graceMs === 0 || !waitsForMember(pool) || !this.#isListed(pool)) return undefined;
    let held = this.#held.get(pool);
    if (held === undefined) this.#held.set(pool, (held = new HeldRequests(this.#heldLimit)));
    const hold = held.hold();
    if (hold === undefined) return undefined;
    // No request waits longer than the grace a vacant route gets, nor than its own timeout.
    const timer = setTimeout(hold.release, Math.min(maxWaitMs, this.#graceMs));
    timer.unref();
    void hold.member.then((member) => {
      clearTimeout(timer);
      if (member) this.totals.heldServed++;
      else this.totals.heldReleased++;
    });
    return hold;
  }

  /** Requests waiting for a member right now, over every route. */
  get heldTotal(): number {
    let held = 0;
    for (const queue of this.#held.values()) held += queue.size;
    return held;
  }

  /** Routes in their grace right now. */
  get vacantCount(): number {
    return this.#graceTimers.size;
  }

  /** Number of requests waiting for a member of `pool`. */
  heldCount(pool: Pool<RouteBackend>): number {
    return this.#held.get(pool)?.size ?? 0;
  }

  /**
   * A member may take streams again (one of its streams ended, it stopped being ejected):
   * requests waiting on its routes get their turn.
   */
  memberAvailable(backend: RouteBackend): void {
    if (this.#held.size === 0) return;
    for (const pool of this.#table.poolsOf(backend)) this.#wake(pool);
  }

  /**
   * Ends a vacant route's grace now: the route is dropped (released for any key) and the
   * requests waiting for it get 503. False if the route does not exist or has members.
   */
  endGrace(route: Route): boolean {
    const pool = this.#table.poolAt(normalizeRoute(route));
    if (pool === undefined || pool.size > 0) return false;
    this.#expire(pool);
    return true;
  }



  /**
   * The pool and next backend for a public request, or undefined if no route matches (404).
   * Ejected members are passed over unless every member that can take a stream is ejected.
   * @param hostHeader the request's Host (or `:authority`), as received.
   * @param path the raw request path without the query.
   * @param fields the request's fields, where a sticky route finds its value.
   */
  resolve(hostHeader: string | undefined, path: string, fields?: RequestFields): Resolution | undefined {
    const pool = this.#table.lookup(normalizeRequestHost(hostHeader) ?? '', path);
    if (pool === undefined) return undefined;
    const sticky = pool.options.sticky;
    const affinity = sticky && fields ? affinityOf(sticky, fields) : undefined;
    return { pool, backend: this.#healthOf(pool).pick(pool, affinity) };
  }

  /**
   * A member of `pool` for a request sent again, not among `tried`, with the same health rules
   * as {@link resolve}; undefined when there is none now.
   */
  pickOther(pool: Pool<RouteBackend>, tried: readonly RouteBackend[]): RouteBackend | undefined {
    return this.#healthOf(pool).pickExcept(pool, tried);
  }

  /**
   * Feeds the outcome of one finished exchange to the health of the member that served it.
   * @param route the route that matched (normalized, as exchange reports carry it)
   */
  recordOutcome(route: Route, memberId: string, outcome: ExchangeOutcome): void {
    const pool = this.#table.poolAt(route);
    const member = pool?.members.find((m) => m.id === memberId);
    if (pool && member) this.recordAttempt(pool, member, outcome);
  }

  /**
   * Feeds the outcome of one attempt at a request (one that failed and was sent elsewhere, so
   * that no exchange report names it) to the health of the member it was sent to.
   */
  recordAttempt(pool: Pool<RouteBackend>, member: RouteBackend, outcome: ExchangeOutcome): void {
    const health = this.#health.get(pool);
    if (!health || !pool.has(member)) return;
    const change = health.record(member, outcome);
    if (!change) return;
    const memberId = member.id;
    const where = `${pool.host}${pool.path}`;
    if (change.kind === 'ejected') {
      this.#logger.warn(
        `agent ${memberId} ejected from ${where} for ${change.backoffMs} ms after ${change.failures} consecutive failures`,
      );
    } else {
      this.#logger.log(`agent ${memberId} back in ${where} after a successful trial request`);
    }
    const { host, path } = pool;
    this.healthEvents.emit('change', { ...change, route: { host, path }, memberId });
  }

  /** A member's passive health on `route` (normalized), or undefined if it is not a member. */
  memberHealth(route: Route, member: RouteBackend): MemberHealthView | undefined {
    const pool = this.#table.poolAt(route);
    if (!pool?.has(member)) return undefined;
    const health = this.#health.get(pool)?.peek(member);
    return { state: health?.state ?? 'healthy', ejectedUntil: health?.ejectedUntil, failures: health?.failures ?? 0 };
  }

  /** Every route in precedence order, with its members, for the admin API. */
  routes(): PoolView<RouteBackend>[] {
    return this.#table.list();
  }

  /** Requests waiting for a member of the route listed as `host` + `path` (normalized). */
  heldAt(host: string, path: string): number {
    const pool = this.#table.poolAt({ host, path });
    return pool === undefined ? 0 : this.heldCount(pool);
  }

  // A pool that lost its last member: kept for its owner during the grace, else dropped now.
  #vacated(pool: Pool<RouteBackend>): void {
    if (this.#graceMs === 0) {
      this.#held.get(pool)?.releaseAll();
      this.#held.delete(pool);
      return;
    }
    pool.vacantUntil = Date.now() + this.#graceMs;
    const timer = setTimeout(() => this.#expire(pool), this.#graceMs);
    timer.unref();
    this.#graceTimers.set(pool, timer);
    this.totals.gracesStarted++;
    this.#logger.log(`${pool.host}${pool.path} has no member; held for ${this.#graceMs} ms`);
  }

  #occupied(pool: Pool<RouteBackend>): void {
    const timer = this.#graceTimers.get(pool);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#graceTimers.delete(pool);
    pool.vacantUntil = undefined;
    this.totals.gracesClaimed++;
    this.#logger.log(`${pool.host}${pool.path} has a member again`);
  }

  #expire(pool: Pool<RouteBackend>): void {
    clearTimeout(this.#graceTimers.get(pool));
    this.#graceTimers.delete(pool);
    if (!this.#table.dropVacant(pool)) return;
    pool.vacantUntil = undefined;
    this.totals.gracesExpired++;
    const held = this.heldCount(pool);
    this.#logger.log(`${pool.host}${pool.path} was not claimed again within its grace; dropped (${held} held request(s) refused)`);
    this.#held.get(pool)?.releaseAll();
    this.#held.delete(pool);
    this.events.emit('dropped', { host: pool.host, path: pool.path });
  }

  #wake(pool: Pool<RouteBackend>): void {
    const held = this.#held.get(pool);
    if (held === undefined) return;
    held.wake(() => this.#healthOf(pool).pick(pool));
    if (held.size === 0) this.#held.delete(pool);
  }

  // A pool dropped from the table (grace over, or no grace) takes no more waiting requests.
  #isListed(pool: Pool<RouteBackend>): boolean {
    return this.#table.poolAt(pool) === pool;
  }

  #healthOf(pool: Pool<RouteBackend>): PoolHealth<RouteBackend> {
    let health = this.#health.get(pool);
    if (health === undefined) {
      this.#health.set(pool, (health = new PoolHealth(acceptsStreams, this.#policy)));
      pool.balancer = balancerFor(pool.options, BACKEND_TRAITS);
    }
    return health;
  }

  /**
   * The latest registration's settings win. The balancer is replaced only when the balancing
   * changes, so that a re-registering member does not restart the rotation.
   */
  #configure(pool: Pool<RouteBackend>, options: RouteOptions | undefined): void {
    const fresh = !this.#health.has(pool);
    const next = options ?? pool.options;
    const rebalance = !fresh && !sameBalance(pool.options, next);
    pool.options = next;
    if (fresh) this.#healthOf(pool);
    else if (rebalance) pool.balancer = balancerFor(next, BACKEND_TRAITS);
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

function normalizeRoute(route: Route): Route {
  return { host: normalizeHostPattern(route.host), path: normalizePathPrefix(route.path) };
}
