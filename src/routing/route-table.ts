import { Pool } from './pool.js';
import { PrefixIndex } from './prefix-index.js';
import { hostKindOf, type HostKind, type Route, type RouteOptions } from './route.js';

/** Outcome of {@link RouteTable.add}. */
export type AddResult<T> =
  | { readonly ok: true; readonly pool: Pool<T> }
  | { readonly ok: false; readonly code: 'route_owned'; readonly reason: string };

/** A snapshot of one pool for listings (admin API, logs). */
export interface PoolView<T> {
  readonly host: string;
  readonly path: string;
  readonly hostKind: HostKind;
  readonly ownerKeyId: string;
  readonly members: readonly T[];
  /** The route's settings, as its latest registration gave them. */
  readonly options: RouteOptions;
  /** While the route has no member and is kept for its owner: until when (ms since the epoch). */
  readonly vacantUntil?: number;
}

/** How a {@link RouteTable} treats a pool that loses its last member. */
export interface RouteTableOptions {
  /**
   * Keep it (vacant, still owned, still matched) until {@link RouteTable.dropVacant}, instead of
   * dropping it at once: the route's grace, whose timing belongs to the caller.
   * @default false
   */
  readonly keepVacant?: boolean;
}

// Shared by every member in no pool, so that the lookup allocates nothing.
const NO_POOLS: ReadonlySet<never> = new Set();

/**
 * The route table: pools of members keyed by (host pattern, path prefix).
 *
 * Lookup precedence (docs/architecture.md, "Routing rules"): exact host, then wildcards from the
 * most specific suffix to the least, then `*`; within a host pattern, the longest prefix on a segment
 * boundary. A host pattern that exists but has no prefix matching the path does not end the
 * search: the request falls through to the next less specific pattern (nginx's "most specific
 * that matches"), so `api.example.com/v2` alone does not hide `*.example.com/` for other paths.
 *
 * Lookup never scans: one map probe for the exact host, one per suffix of the request host for
 * wildcards, and one per path segment inside each host entry.
 *
 * Hosts and prefixes must be normalized by the caller (`route-pattern.ts`); request hosts too
 * (`normalizeRequestHost`). Members are compared by identity.
 */
export class RouteTable<T> {
  readonly #keepVacant: boolean;
  readonly #exact = new Map<string, PrefixIndex<Pool<T>>>();
  /** Keyed by the suffix after `*.`: `*.example.com` lives under `example.com`. */
  readonly #wildcard = new Map<string, PrefixIndex<Pool<T>>>();
  readonly #any = new PrefixIndex<Pool<T>>();
  /** Bounds the suffix walk: a request host suffix longer than this cannot be a key. */
  #maxSuffixLength = 0;
  readonly #poolsByMember = new Map<T, Set<Pool<T>>>();
  #poolCount = 0;

  constructor(options: RouteTableOptions = {}) {
    this.#keepVacant = options.keepVacant ?? false;
  }

  /** Number of routes (pools) in the table. */
  get size(): number {
    return this.#poolCount;
  }

  /**
   * Adds `member` to the pool of `route`, creating the pool (owned by `keyId`) if there is none.
   * A route owned by another key is refused; adding a member that is already there is a no-op.
   */
  add(route: Route, member: T, keyId: string): AddResult<T> {
    const index = this.#indexFor(route.host, true);
    let pool = index.get(route.path);
    if (pool === undefined) {
      pool = new Pool<T>(route.host, route.path, keyId);
      index.set(route.path, pool);
      this.#poolCount++;
    } else if (pool.ownerKeyId !== keyId) {
      // The owner's id is not disclosed: the agent asking is not entitled to it.
      return { ok: false, code: 'route_owned', reason: `${route.host}${route.path} is registered by another key` };
    }
    if (pool.addMember(member)) {
      let pools = this.#poolsByMember.get(member);
      if (pools === undefined) this.#poolsByMember.set(member, (pools = new Set()));
      pools.add(pool);
    }
    return { ok: true, pool };
  }

  /**
   * Removes `member` from the pool of `route`. An emptied pool disappears, which releases the
   * route for any key, unless vacant pools are kept. Returns false if the member was not there.
   */
  remove(route: Route, member: T): boolean {
    const pool = this.#indexFor(route.host, false)?.get(route.path);
    if (pool === undefined || !pool.removeMember(member)) return false;
    const pools = this.#poolsByMember.get(member)!;
    pools.delete(pool);
    if (pools.size === 0) this.#poolsByMember.delete(member);
    this.#dropIfEmpty(pool);
    return true;
  }

  /** Removes `member` from every pool it is in (disconnect). Returns those pools. */
  removeMember(member: T): Pool<T>[] {
    const pools = this.#poolsByMember.get(member);
    if (pools === undefined) return [];
    this.#poolsByMember.delete(member);
    for (const pool of pools) {
      pool.removeMember(member);
      this.#dropIfEmpty(pool);
    }
    return [...pools];
  }

  /** The pool of exactly `route` (not a lookup by precedence), if there is one. */
  poolAt(route: Route): Pool<T> | undefined {
    return this.#indexFor(route.host, false)?.get(route.path);
  }

  /** The pools `member` is in. */
  poolsOf(member: T): ReadonlySet<Pool<T>> {
    return this.#poolsByMember.get(member) ?? NO_POOLS;
  }

  /**
   * Drops a kept vacant pool: its route is released for any key. False (and nothing done) if
   * the pool has members again or is no longer in the table.
   */
  dropVacant(pool: Pool<T>): boolean {
    if (pool.size > 0 || this.poolAt(pool) !== pool) return false;
    this.#drop(pool);
    return true;
  }

  /**
   * The pool that serves `host` + `path`, or undefined if no route matches.
   * @param host normalized request host (see `normalizeRequestHost`); `''` matches only `*`.
   * @param path raw request path without the query, starting with `/`.
   */
  lookup(host: string, path: string): Pool<T> | undefined {
    const exact = this.#exact.get(host)?.match(path);
    if (exact !== undefined) return exact;

    if (this.#wildcard.size > 0) {
      // First dot gives the longest suffix: a.b.example.com tries b.example.com, example.com,
      // com. The bare host is never tried, so *.example.com does not match example.com.
      let dot = host.indexOf('.', host.length - this.#maxSuffixLength - 1);
      while (dot !== -1) {
        const pool = this.#wildcard.get(host.slice(dot + 1))?.match(path);
        if (pool !== undefined) return pool;
        dot = host.indexOf('.', dot + 1);
      }
    }

    return this.#any.size > 0 ? this.#any.match(path) : undefined;
  }

  /** Every pool, in precedence order: exact hosts, wildcards most specific first, then `*`. */
  list(): PoolView<T>[] {
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const labels = (suffix: string) => suffix.split('.').length;
    const exactHosts = [...this.#exact.keys()].sort(byName);
    const suffixes = [...this.#wildcard.keys()].sort((a, b) => labels(b) - labels(a) || byName(a, b));
    const indexes = [
      ...exactHosts.map((host) => this.#exact.get(host)!),
      ...suffixes.map((suffix) => this.#wildcard.get(suffix)!),
      this.#any,
    ];
    return indexes.flatMap((index) =>
      [...index.values()]
        .sort((a, b) => b.path.length - a.path.length || byName(a.path, b.path))
        .map((pool) => ({
          host: pool.host,
          path: pool.path,
          hostKind: hostKindOf(pool.host),
          ownerKeyId: pool.ownerKeyId,
          members: [...pool.members],
          options: pool.options,
          vacantUntil: pool.vacantUntil,
        })),
    );
  }

  #indexFor(host: string, create: true): PrefixIndex<Pool<T>>;
  #indexFor(host: string, create: false): PrefixIndex<Pool<T>> | undefined;
  #indexFor(host: string, create: boolean): PrefixIndex<Pool<T>> | undefined {
    const kind = hostKindOf(host);
    if (kind === 'any') return this.#any;
    const [map, key] = kind === 'exact' ? [this.#exact, host] : [this.#wildcard, host.slice(2)];
    let index = map.get(key);
    if (index === undefined && create) {
      map.set(key, (index = new PrefixIndex()));
      if (kind === 'wildcard' && key.length > this.#maxSuffixLength) this.#maxSuffixLength = key.length;
    }
    return index;
  }

  #dropIfEmpty(pool: Pool<T>): void {
    if (pool.size > 0 || this.#keepVacant) return;
    this.#drop(pool);
  }

  #drop(pool: Pool<T>): void {
    const kind = hostKindOf(pool.host);
    const index = this.#indexFor(pool.host, false)!;
    index.delete(pool.path);
    this.#poolCount--;
    if (index.size > 0 || kind === 'any') return;
    if (kind === 'exact') {
      this.#exact.delete(pool.host);
      return;
    }
    const suffix = pool.host.slice(2);
    this.#wildcard.delete(suffix);
    if (suffix.length === this.#maxSuffixLength) {
      this.#maxSuffixLength = 0;
      for (const key of this.#wildcard.keys()) if (key.length > this.#maxSuffixLength) this.#maxSuffixLength = key.length;
    }
  }
}
