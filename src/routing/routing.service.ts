import { Injectable } from '@nestjs/common';

import type { Pool } from './pool.js';
import type { Route, RouteOptions } from './route.js';
import type { RouteBackend } from './route-backend.js';
import { normalizeHostPattern, normalizePathPrefix, normalizeRequestHost } from './route-pattern.js';
import { RouteTable, type PoolView } from './route-table.js';
import { RoutePatternError, type RouteRejectionCode } from './routing.errors.js';

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

/**
 * The proxy's route table: which backend connections serve which host + path prefix, and
 * which of them gets the next request. In-memory, per process.
 */
@Injectable()
export class RoutingService {
  readonly #table = new RouteTable<RouteBackend>();

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
    if (options) added.pool.options = options;
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
   * @param hostHeader the request's Host (or `:authority`), as received.
   * @param path the raw request path without the query.
   */
  resolve(hostHeader: string | undefined, path: string): Resolution | undefined {
    const pool = this.#table.lookup(normalizeRequestHost(hostHeader) ?? '', path);
    if (pool === undefined) return undefined;
    return { pool, backend: pool.pick(acceptsStreams) };
  }

  /** Every route in precedence order, with its members, for the admin API. */
  routes(): PoolView<RouteBackend>[] {
    return this.#table.list();
  }
}

function normalizeRoute(route: Route): Route {
  return { host: normalizeHostPattern(route.host), path: normalizePathPrefix(route.path) };
}
