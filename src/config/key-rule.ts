/**
 * An operator rule binding one agent key to the routes it may claim.
 *
 * Rules are trusted input (they come from the operator's configuration), so they may use regular
 * expressions; the routes agents send are plain host patterns and path prefixes that are checked
 * against these expressions (see `mayClaim` in `src/registration/key-rules.ts`).
 */
export interface KeyRule {
  /** Stable name of the rule, used in logs and the admin API; never the key itself. */
  readonly id: string;
  /** The secret an agent presents when it connects. */
  readonly key: string;
  /**
   * Regular-expression sources, each matched against the whole host pattern an agent registers
   * (`api.example.com`, `*.example.com`, `*`), case-insensitively.
   * @default ['.*']
   */
  readonly hosts: readonly string[];
  /**
   * Regular-expression sources, each matched against the whole path prefix an agent registers
   * (`/api`).
   * @default ['.*']
   */
  readonly paths: readonly string[];
  /**
   * Whether this key's agents may ask for visitor access rules on their routes (Basic users,
   * bearer tokens, IP lists: `harp http --basic-auth`). Such rules only add demands to the
   * operator's. Unset: false for a rule of `keys`, true for the rule made from `key`.
   */
  readonly agentAccess?: boolean;

  /**
   * Whether the key's agents may ask for a rate limit on the routes they register (the route's
   * `rateLimit`, docs/protocol.md §7.2); a route asking for one without it is rejected with
   * `rate_limit_forbidden`. The rule made from `key` allows it.
   * @default false
   */
  readonly agentRateLimits?: boolean;

  /**
   * Whether the key's agents may claim subdomains of the proxy's `publicDomain` (named or
   * `random`); a route asking without it is rejected with `subdomain_forbidden`. Unset: false for
   * a rule of `keys`, true for the rule made from `key`.
   */
  readonly subdomains?: boolean;
}

/** An operator's rate limit on the requests whose host and path it matches (`rateLimits`). */
export interface RateLimitRule {
  /** Names its buckets, its `RateLimit-Policy` and its metric label; unset, `rateLimits.<index>`. */
  readonly id?: string;
  /**
   * Regular-expression sources, each matched against the whole request host (lower-cased,
   * without port), case-insensitively.
   * @default ['.*']
   */
  readonly hosts: readonly string[];
  /**
   * Regular-expression sources, each matched against the whole request path (without query).
   * @default ['.*']
   */
  readonly paths: readonly string[];
  /** `N/s`, `N/m` or `N/h`. */
  readonly limit: string;
  /**
   * `ip`: a bucket per client address; `route`: one bucket for all the traffic the rule
   * matches, whoever sends it.
   * @default 'ip'
   */
  readonly per: 'ip' | 'route';
}
