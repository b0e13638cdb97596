import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';

import { HarpConfig } from '../config/index.js';
import type { Hold } from './held-requests.js';
import { RouteGrace, type GraceTotals } from './route-grace.js';
import { RemoteGrace } from './remote-grace.js';
import type { MemberTraits } from './balancer.js';
import { balancerFor, sameBalance } from './balancer-for.js';
import { type EjectionPolicy, type ExchangeOutcome, type HealthState } from './member-health.js';
import type { Pool } from './pool.js';
import { PoolHealth } from './pool-health.js';
import type { Route, RouteOptions } from './route.js';
import type { RouteBackend } from './route-backend.js';
import { normalizeHostPattern, normalizePathPrefix, normalizeRequestHost } from './route-pattern.js';
import { RouteTable, type PoolView } from './route-table.js';
import { remoteWins, type RemoteMatch, type RemoteRoutes } from './remote-routes.js';
import { RoutePatternError, type RouteRejectionCode } from './routing.errors.js';
import { affinityOf } from './sticky.js';

/** Outcome of {@link RoutingService.register}; `route` is the normalized form that was stored. */
export type RegisterResult =
  | { readonly ok: true; readonly route: Route; readonly pool: Pool<RouteBackend> }
  | { readonly ok: false; readonly code: RouteRejectionCode; readonly reason: string };

/**
 * Where a request goes. A pool without a backend means the route exists but no member can take
 * a stream now (its grace, all retiring, or all busy): the caller waits for one ({@link
 * RoutingService.hold}) or answers 503, never 404.
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

interface RouteChangeEventMap {
  /** `route` gained or lost a member of this process, or was dropped. */
  changed: [route: Route];
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
  readonly #grace: RouteGrace;
  /** Requests for routes vacant in the whole cluster (cluster mode only). */
  readonly #remoteGrace: RemoteGrace;
  /** Each pool's member health; created with the pool's balancer, gone with the pool. */
  readonly #health = new WeakMap<Pool<RouteBackend>, PoolHealth<RouteBackend>>();
  readonly #policy: EjectionPolicy;
  #routeLimitsAsked = false;
  readonly #logger = new Logger('Routing');
  /** Ejections and returns, for metrics; each is also logged here. */
  readonly healthEvents = new EventEmitter<MemberHealthEventMap>();
  /** Changes of this process's table, for observers that mirror it (cluster mode). */
  readonly changes = new EventEmitter<RouteChangeEventMap>();
  /**
   * Set in cluster mode: the key that owns `route` on another node, when that is not `keyId`.
   * A claim it names an owner for is refused as `route_owned`, as one against a local owner is.
   */
  foreignOwner: ((route: Route, keyId: string) => string | undefined) | undefined;
  /** Set in cluster mode: the routes other nodes hold members of (docs/cluster.md, "Forwarding"). */
  remote: RemoteRoutes | undefined;

  constructor(config: HarpConfig) {
    this.#policy = { afterFailures: config.ejectAfterFailures, baseMs: config.ejectBaseMs, maxMs: config.ejectMaxMs };
    this.#table = new RouteTable({ keepVacant: config.routeGraceMs > 0 });
    this.#grace = new RouteGrace(this.#table, {
      graceMs: config.routeGraceMs,
      heldLimit: config.maxHeldRequestsPerRoute,
      pick: (pool) => this.#healthOf(pool).pick(pool),
      logger: this.#logger,
    });
    this.#grace.events.on('dropped', (route) => this.changes.emit('changed', route));
    this.#remoteGrace = new RemoteGrace(config.maxHeldRequestsPerRoute);
  }

  /** What the grace did since start-up, for metrics. */
  get totals(): Readonly<GraceTotals> {
    return this.#grace.totals;
  }

  /** Routes dropped at the end of their grace. */
  get events(): RouteGrace['events'] {
    return this.#grace.events;
  }

  onModuleDestroy(): void {
    this.#grace.close();
    this.#remoteGrace.close();
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
    if (this.foreignOwner?.(normalized, backend.keyId) !== undefined) {
      return { ok: false, code: 'route_owned', reason: `${normalized.host}${normalized.path} is registered by another key` };
    }
    const added = this.#table.add(normalized, backend, backend.keyId);
    if (!added.ok) return { ok: false, code: added.code, reason: added.reason };
    this.#configure(added.pool, options);
    this.#grace.occupied(added.pool);
    // A request waiting for the route anywhere in the cluster may be served here now.
    this.#remoteGrace.wakeAll();
    this.changes.emit('changed', normalized);
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
    if (pool?.size === 0) this.#grace.vacated(pool);
    this.changes.emit('changed', normalized);
    return true;
  }

  /** Removes `backend` from every route (disconnect). Returns the routes it left. */
  unregisterAll(backend: RouteBackend): Route[] {
    const pools = this.#table.removeMember(backend);
    for (const pool of pools) if (pool.size === 0) this.#grace.vacated(pool);
    const routes = pools.map(({ host, path }) => ({ host, path }));
    for (const route of routes) this.changes.emit('changed', route);
    return routes;
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
    return this.#grace.hold(pool, maxWaitMs);
  }

  /** Requests waiting for a member right now, over every route. */
  get heldTotal(): number {
    return this.#grace.heldTotal + this.#remoteGrace.heldTotal;
  }

  /** Routes in their grace right now. */
  get vacantCount(): number {
    return this.#grace.vacantCount;
  }

  /** Number of requests waiting for a member of `pool`. */
  heldCount(pool: Pool<RouteBackend>): number {
    return this.#grace.heldCount(pool);
  }

  /**
   * A member may take streams again (one of its streams ended, it stopped being ejected):
   * requests waiting on its routes get their turn.
   */
  memberAvailable(backend: RouteBackend): void {
    for (const pool of this.#table.poolsOf(backend)) this.#grace.wake(pool);
  }

  /**
   * Ends a vacant route's grace now: the route is dropped (released for any key) and the
   * requests waiting for it get 503. False if the route does not exist or has members.
   */
  endGrace(route: Route): boolean {
    const pool = this.#table.poolAt(normalizeRoute(route));
    if (pool === undefined || pool.size > 0) return false;
    return this.#grace.end(pool);
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
   * Whether any route's agents ever asked for a rate limit since start-up: until then the rate
   * limits need not look a request's route up (about 0.2 µs a request).
   */
  get routeLimitsAsked(): boolean {
    return this.#routeLimitsAsked;
  }

  /**
   * The pool a request for `hostHeader` and `path` would be routed to, without choosing a member
   * (no balancer moves): for decisions that come before routing, such as its rate limit.
   */
  poolAt(hostHeader: string | undefined, path: string): Pool<RouteBackend> | undefined {
    return this.#table.lookup(normalizeRequestHost(hostHeader) ?? '', path);
  }

  /**
   * The other nodes a request goes to instead of this one's members: when they serve a more
   * specific route than the local one, or the same route and `local` found no member that can
   * take it now. Undefined outside cluster mode and whenever this node serves the request.
   */
  remoteFor(hostHeader: string | undefined, path: string, local: Resolution | undefined): RemoteMatch | undefined {
    const match = this.remote?.match(normalizeRequestHost(hostHeader) ?? '', path, Date.now());
    if (!match || !remoteWins(local?.pool, local?.backend !== undefined, match.route)) return undefined;
    return match;
  }

  /**
   * Makes a request wait while its route is vacant in the cluster (`remoteFor` matched it without
   * nodes), at most `maxWaitMs` and until the end of the route's grace; see {@link RemoteGrace}.
   * Undefined when it may not wait: the caller answers as this node alone would.
   */
  holdRemote(match: RemoteMatch, maxWaitMs: number): Hold<true> | undefined {
    const graceLeft = (match.vacantUntil ?? 0) - Date.now();
    return this.#remoteGrace.hold(match.route, Math.min(maxWaitMs, graceLeft));
  }

  /**
   * A node failed to take a request (`route` set: it had no member of that route): it is skipped
   * until it is heard from again (docs/cluster.md, "Failures").
   */
  remoteFailed(nodeId: string, route: Route | undefined): void {
    this.remote?.failed(nodeId, route, Date.now());
  }

  /** A route vacant in the cluster is served by a node again: the requests waiting route again. */
  remoteReturned(): void {
    this.#remoteGrace.wakeAll();
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
    if (next.rateLimit) this.#routeLimitsAsked = true;
    if (fresh) this.#healthOf(pool);
    else if (rebalance) pool.balancer = balancerFor(next, BACKEND_TRAITS);
  }
}

function normalizeRoute(route: Route): Route {
  return { host: normalizeHostPattern(route.host), path: normalizePathPrefix(route.path) };
}
