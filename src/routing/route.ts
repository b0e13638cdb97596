import type { AccessPolicy } from '../access/access-policy.js';
import type { BalanceMode, StickySource } from './balancer.js';

/**
 * A route as the route table sees it: a host pattern (`api.example.com`, `*.example.com` or
 * `*`) plus a path prefix. The table expects both already normalized by `route-pattern.ts`, so
 * that two spellings of one route (`API.example.com:443/` and `api.example.com/`) are one key.
 */
export interface Route {
  readonly host: string;
  readonly path: string;
}

/** The three kinds of host pattern, in precedence order. */
export type HostKind = 'exact' | 'wildcard' | 'any';

/** Which kind of host pattern a normalized pattern is. */
export function hostKindOf(hostPattern: string): HostKind {
  if (hostPattern === '*') return 'any';
  return hostPattern.startsWith('*.') ? 'wildcard' : 'exact';
}

/** Settings a backend gives a route when it registers it; the latest registration's apply. */
export interface RouteOptions {
  /** The shared cache for this route: off, or a lifetime for responses that state none. */
  readonly cache?: {
    /** @default true */
    readonly enabled?: boolean;
    /** Lifetime of cacheable responses without explicit freshness, in ms. */
    readonly defaultTtlMs?: number;
  };
  /** How the pool shares requests. @default 'round-robin' */
  readonly balance?: BalanceMode;
  /** Keep a client on one member by this header's or cookie's value (names lower-cased). */
  readonly sticky?: StickySource;
  /** Visitor access rules the route's agents asked for; they apply besides the operator's. */
  readonly access?: AccessPolicy;
  /**
   * A limit on the route's requests, all clients together, that its agents asked for: `limit`
   * requests per `windowSeconds` (the protocol's `Rate`).
   */
  readonly rateLimit?: { readonly limit: number; readonly windowSeconds: number };
}
