import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter } from 'node:events';

import { HarpConfig } from '../config/index.js';
import type { MemberTraits } from './balancer.js';
import { balancerFor, sameBalance } from './balancer-for.js';
import { DEFAULT_EJECTION_POLICY, type EjectionPolicy, type ExchangeOutcome, type HealthState } from './member-health.js';
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
 */
@Injectable()
export class RoutingService {
  readonly #table = new RouteTable<RouteBackend>();
  /** Each pool's member health; created with the pool's balancer, gone with the pool. */
  readonly #health = new WeakMap<Pool<RouteBackend>, PoolHealth<RouteBackend>>();
  readonly #policy: EjectionPolicy;
  readonly #logger = new Logger('Routing');
  /** Ejections and returns, for metrics; each is also logged here. */
  readonly healthEvents = new EventEmitter<MemberHealthEventMap>();

  constructor(@Optional() config?: HarpConfig) {
    this.#policy = config
      ? { afterFailures: config.ejectAfterFailures, baseMs: config.ejectBaseMs, maxMs: config.ejectMaxMs }
      : DEFAULT_EJECTION_POLICY;
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
    return this.#table.remove(normalized, backend);
  }

  /** Removes `backend` from every route (disconnect). Returns the routes it left. */
  unregisterAll(backend: RouteBackend): Route[] {
    return this.#table.removeMember(backend).map(({ host, path }) => ({ host, path }));
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
   * Feeds the outcome of one finished exchange to the health of the member that served it.
   * @param route the route that matched (normalized, as exchange reports carry it)
   */
  recordOutcome(route: Route, memberId: string, outcome: ExchangeOutcome): void {
    const pool = this.#poolAt(route);
    const health = pool && this.#health.get(pool);
    const member = health && pool.members.find((m) => m.id === memberId);
    if (!member) return;
    const change = health.record(member, outcome);
    if (!change) return;
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
    const pool = this.#poolAt(route);
    if (!pool?.has(member)) return undefined;
    const health = this.#health.get(pool)?.peek(member);
    return { state: health?.state ?? 'healthy', ejectedUntil: health?.ejectedUntil, failures: health?.failures ?? 0 };
  }

  /** Every route in precedence order, with its members, for the admin API. */
  routes(): PoolView<RouteBackend>[] {
    return this.#table.list();
  }

  /** The pool registered at exactly `route` (normalized), not one that would merely match it. */
  #poolAt(route: Route): Pool<RouteBackend> | undefined {
    // A normalized pattern looked up as a request host finds its own pool: `*.a.com` walks to
    // the `a.com` wildcards, `*` to the any-host routes, and the path is its own longest prefix.
    const pool = this.#table.lookup(route.host, route.path);
    return pool?.host === route.host && pool.path === route.path ? pool : undefined;
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

function normalizeRoute(route: Route): Route {
  return { host: normalizeHostPattern(route.host), path: normalizePathPrefix(route.path) };
}
