import type { AccessRule } from './access-rule.js';
import type { KeyRule, RateLimitRule } from './key-rule.js';

/** One entry of {@link HarpConfig.tlsCertificates}. */
export interface TlsCertificateEntry {
  /** Server names (SNI) it is served for: exact (`api.example.com`) or `*.example.com` (one label). */
  readonly hosts: readonly string[];
  /** Path of the PEM certificate file (the leaf first, then its intermediates). */
  readonly cert: string;
  /** Path of the PEM private key file (unencrypted). */
  readonly key: string;
}

/** Log levels, from most to least verbose. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The validated HARP configuration, merged from defaults, the `HARP_CONFIG` file, `HARP_*`
 * environment variables and programmatic overrides (see `docs/configuration.md`).
 *
 * An abstract class rather than an interface so that it can be the dependency-injection token:
 * consumers write `constructor(private readonly config: HarpConfig)` and inject a type, not a
 * string. The provided value is a plain frozen object of this shape.
 */
export abstract class HarpConfig {
  /**
   * TCP port of the public HTTP server (0 picks a free port).
   * @default 8080
   */
  abstract readonly port: number;

  /**
   * Address the public HTTP server binds to.
   * @default '0.0.0.0'
   */
  abstract readonly host: string;

  /**
   * Path of the default PEM certificate (the leaf, then its intermediates). With {@link tlsKey},
   * the proxy also serves HTTPS (and `wss://` for agents) on {@link tlsPort}, the same as on
   * {@link port}. Reloaded when the file changes. Unset: no TLS.
   */
  abstract readonly tlsCert?: string;

  /** Path of the private key of {@link tlsCert} (PEM, unencrypted). */
  abstract readonly tlsKey?: string;

  /**
   * TCP port of the HTTPS listener, on {@link host} (0 picks a free port). Used only with
   * {@link tlsCert} and {@link tlsKey}.
   * @default 8443
   */
  abstract readonly tlsPort: number;

  /**
   * More certificates, each chosen by the name the client asks for (SNI); names no entry
   * matches get the default pair ({@link tlsCert}, {@link tlsKey}), which is required with them.
   * An exact name wins over a wildcard; among entries, the first that matches.
   * @default []
   */
  abstract readonly tlsCertificates: readonly TlsCertificateEntry[];

  /**
   * The plain port answers `308` to the same URL on `https://` (the HTTPS port named unless it
   * is 443), except `/.well-known/acme-challenge/…`, `/_harp/healthz`, `/_harp/readyz` and the
   * agents' `/_harp/connect`, which it serves as before. Needs TLS on.
   * @default false
   */
  abstract readonly httpRedirect: boolean;

  /**
   * One key allowed to register any route (env `HARP_KEY`). When neither this nor {@link keys}
   * is configured, the loader generates one and sets {@link generatedKey}.
   */
  abstract readonly key?: string;

  /**
   * Operator rules binding keys to the hosts and paths they may claim.
   * @default []
   */
  abstract readonly keys: readonly KeyRule[];

  /** Bearer token for the admin API; without one the admin API answers only on loopback. */
  abstract readonly adminToken?: string;

  /**
   * Operator rules guarding visitors' access to hosts and paths: HTTP Basic users (scrypt
   * hashes), bearer tokens (sha256 digests), IP allow and deny lists. Every rule that matches
   * a request applies, and all must pass (docs/configuration.md, "Access rules").
   * @default []
   */
  abstract readonly access: readonly AccessRule[];

  /** `redis://` or `rediss://` URL of shared state; without one, state is in memory. */
  abstract readonly redisUrl?: string;

  /**
   * Shared secret of the nodes of one cluster (at least 16 characters). Set, cluster mode is
   * on: this proxy joins the directory in Redis ({@link redisUrl} is then required) and other
   * nodes see its agents and routes. Unset, nothing of the cluster runs (docs/cluster.md).
   */
  abstract readonly clusterSecret?: string;

  /**
   * Prefix of every key HARP writes to Redis (the cluster directory and the cache), so that
   * several clusters can share one Redis.
   * @default 'harp:'
   */
  abstract readonly redisPrefix: string;

  /**
   * This node's id in the cluster: letters, digits, `.`, `_` and `-`, up to 64. Unset, the
   * loader generates `<hostname>-<pid>-<random>`, readable in logs and unique per start.
   */
  abstract readonly nodeId: string;

  /**
   * Address the internal listener of cluster mode binds to. Unset, the loader sets {@link host}.
   */
  abstract readonly clusterHost: string;

  /**
   * TCP port of the internal listener of cluster mode (0 picks a free port). With several
   * {@link workers}, worker i listens on this port + i − 1.
   * @default 0
   */
  abstract readonly clusterPort: number;

  /**
   * URL other nodes reach this node's internal listener at. Unset, it is derived from
   * {@link clusterHost} (the machine's hostname when that is a wildcard address) and the port
   * the listener bound.
   */
  abstract readonly clusterUrl?: string;

  /**
   * Interval of this node's heartbeat in the cluster directory, in ms. A node that misses
   * three is taken for dead: its agents and routes leave every other node's view.
   * @default 2000
   */
  abstract readonly clusterHeartbeatMs: number;

  /**
   * Proxy processes serving this proxy's port (`harp serve --workers N`); more than 1 needs
   * cluster mode: each worker is a node with the id `<nodeId>-w<i>` (docs/cluster.md, "Workers").
   * @default 1
   */
  abstract readonly workers: number;

  /**
   * Largest request body the proxy forwards, in bytes (413 above it). Response bodies stream
   * through unlimited: their size is the backend's to decide.
   * @default 1073741824 (1 GiB)
   */
  abstract readonly maxBodyBytes: number;

  /**
   * Time a backend has to start answering a request before the client gets 504, in ms.
   * @default 30000
   */
  abstract readonly requestTimeoutMs: number;

  /**
   * Interval of heartbeats on agent connections, in ms.
   * @default 5000
   */
  abstract readonly heartbeatMs: number;

  /**
   * How long a draining agent's in-flight requests may take, in ms; then its connection closes
   * and what is still open (a WebSocket, an event stream) is cut. Draining never ends by itself
   * while a long-lived stream stays open.
   * @default 30000
   */
  abstract readonly drainTimeoutMs: number;

  /**
   * How long a route that lost its last member is kept, in ms: requests for it wait for a
   * member to register again (and only the key that owned it may), instead of failing. 0 drops
   * the route at once.
   * @default 10000
   */
  abstract readonly routeGraceMs: number;

  /**
   * How many requests may wait at once for a member of one route (during its grace, or while
   * every member is retiring: draining or closing); more get 503 at once. 0: nothing waits.
   * @default 1000
   */
  abstract readonly maxHeldRequestsPerRoute: number;

  /**
   * Time between the start of a shutdown and the listener closing, in ms: readiness answers 503
   * at once while requests are still accepted, so that load balancers polling it move traffic
   * away before connections are refused.
   * @default 0
   */
  abstract readonly shutdownDelayMs: number;

  /**
   * How long requests and streams in flight may take once the listener has closed, in ms; then
   * what is left (an event stream, a tunnelled WebSocket) is cut and the process exits.
   * @default 30000
   */
  abstract readonly shutdownTimeoutMs: number;

  /**
   * Largest total size of a request's headers, in bytes (Node's `http` `maxHeaderSize`; 431
   * above it).
   * @default 16384
   */
  abstract readonly maxHeaderBytes: number;

  /**
   * Time a client has to send its complete request headers, in ms (slowloris guard; Node's
   * `server.headersTimeout`); on the HTTPS port also the time it has to complete its handshake.
   * @default 10000
   */
  abstract readonly headersTimeoutMs: number;

  /**
   * IP addresses or CIDR blocks of proxies in front of HARP whose `X-Forwarded-For` chain is
   * believed.
   * @default []
   */
  abstract readonly trustedProxies: readonly string[];

  /**
   * Per-stream flow-control window: bytes a sender may have in flight before it needs credit.
   * @default 262144
   */
  abstract readonly windowBytes: number;

  /**
   * Largest DATA payload in one frame, in bytes.
   * @default 65536
   */
  abstract readonly maxFrameBytes: number;

  /**
   * Most concurrent streams (requests) on one agent connection.
   * @default 1000
   */
  abstract readonly maxStreamsPerAgent: number;

  /**
   * Consecutive failed requests (`X-Harp-Error` `upstream_error`, `timeout` or `agent_gone`)
   * after which a pool member is ejected: passed over until its backoff ends.
   * @default 5
   */
  abstract readonly ejectAfterFailures: number;

  /**
   * Length of a member's first ejection, in ms; it doubles after each failed trial request.
   * @default 5000
   */
  abstract readonly ejectBaseMs: number;

  /**
   * Longest ejection, in ms (the cap of the doubling).
   * @default 60000
   */
  abstract readonly ejectMaxMs: number;

  /**
   * Least severe log level that is written.
   * @default 'info'
   */
  abstract readonly logLevel: LogLevel;

  /**
   * Whether every proxied request is logged (one JSON line at `info`: request id, method, host,
   * target, status, route, agent, cache, ms, bytes), and every `/_harp/*` request too. Off, only
   * the proxy's own events are logged.
   * @default true
   */
  abstract readonly accessLog: boolean;

  /**
   * Whether the shared HTTP cache answers and stores responses (RFC 9111). Off, every request is
   * forwarded and marked `Cache-Status: HARP; fwd=bypass`.
   * @default true
   */
  abstract readonly cacheEnabled: boolean;

  /**
   * Bound of the in-memory cache: body and header bytes of all stored responses; the least
   * recently used are evicted above it. Not used with {@link redisUrl} (Redis has its own
   * `maxmemory`).
   * @default 268435456 (256 MiB)
   */
  abstract readonly cacheMaxBytes: number;

  /**
   * Largest response body the cache stores, in bytes; larger responses are streamed through
   * uncached. The in-memory store also never keeps one larger than {@link cacheMaxBytes}.
   * @default 8388608 (8 MiB)
   */
  abstract readonly cacheMaxObjectBytes: number;

  /**
   * Time one cache store operation may take before it counts as failed (a miss for a lookup, a
   * no-op for a write), in ms. Keeps a slow or unreachable Redis from slowing requests down.
   * @default 250
   */
  abstract readonly cacheStoreTimeoutMs: number;

  /**
   * How long concurrent misses for one key wait for the first of them to fill the cache before
   * they go to the backend themselves, in ms; 0 turns coalescing off.
   * @default 5000
   */
  abstract readonly cacheCoalesceTimeoutMs: number;

  /**
   * How long past its freshness a stored response may still answer a GET or HEAD when no
   * backend can (no route, no member that can take the request, or the one it went to failed
   * before answering), in ms; 0: only fresh ones, and stale ones the origin allowed with
   * `stale-if-error`. Never one marked `must-revalidate`, `proxy-revalidate`, `no-cache` or
   * `s-maxage`, nor against the client's own directives (RFC 9111 §4.2.4). The default equals
   * how long an entry with a validator is kept past its freshness, so it adds no retention.
   * @default 300000 (5 min)
   */
  abstract readonly cacheOfflineMaxStaleMs: number;

  /**
   * After answering a client that is still sending its request body, the proxy half-closes the
   * connection and reads and drops what the client still sends ("lingering close", as nginx
   * does), so that the answer is not lost to a TCP reset. The connection closes once nothing
   * arrived for this long, in ms.
   * @default 2000
   */
  abstract readonly lingeringTimeoutMs: number;

  /**
   * The longest a connection lingers (see {@link lingeringTimeoutMs}), in ms, however the client
   * behaves.
   * @default 10000
   */
  abstract readonly lingeringTimeMs: number;

  /**
   * Bytes a lingering connection may drop before it is closed (a client that keeps sending at
   * full speed).
   * @default 67108864 (64 MiB)
   */
  abstract readonly lingeringMaxBytes: number;

  /**
   * Whether the request inspector keeps recent exchanges (method, host, path, status, timings,
   * headers) for the admin API and the dashboard. Off, nothing is recorded and replay is gone.
   * @default true
   */
  abstract readonly inspectorEnabled: boolean;

  /**
   * How many recent exchanges the inspector keeps; the oldest is dropped for each new one.
   * @default 500
   */
  abstract readonly inspectorCapacity: number;

  /**
   * Whether the inspector also keeps the first {@link inspectorBodyBytes} of request and
   * response bodies (env `HARP_INSPECTOR_BODIES=1`). Off, only metadata and headers are kept.
   * @default false
   */
  abstract readonly inspectorBodies: boolean;

  /**
   * Bytes of each body the inspector keeps when {@link inspectorBodies} is on.
   * @default 16384 (16 KiB)
   */
  abstract readonly inspectorBodyBytes: number;

  /**
   * Rate limit per client address across all routes: `N/s`, `N/m` or `N/h` (env
   * `HARP_RATE_LIMIT`). Over it a request gets 429 `rate_limited`. Unset, no such limit.
   */
  abstract readonly rateLimit?: string;

  /**
   * Rate limits on the requests whose host and path a rule matches, per client address or for
   * the rule's traffic as a whole (docs/configuration.md, "Rate limits").
   * @default []
   */
  abstract readonly rateLimits: readonly RateLimitRule[];

  /**
   * The domain under which agents claim subdomains (`harp http --subdomain demo` is served at
   * `demo.<publicDomain>`; `random` gets a generated name), e.g. `tunnel.example.com`. Its
   * wildcard (`*.tunnel.example.com`) must point at the proxy in DNS. Unset: subdomain claims
   * are refused with `subdomain_unavailable`.
   */
  abstract readonly publicDomain?: string;

  /**
   * The origin where the public reaches the proxy, when something in front of it changes the
   * scheme or port (a load balancer that ends TLS): `https://tunnel.example.com` or
   * `https://tunnel.example.com:8443`. The URLs told to agents take its scheme and port with the
   * route's host. Unset: they follow the proxy's own listeners (`https` and {@link tlsPort} with
   * TLS, else `http` and {@link port}; 443 and 80 left out).
   */
  abstract readonly publicUrl?: string;

  /**
   * The secret that signs reconnect tokens, which give an agent its generated subdomain back
   * (at least 16 characters). Unset: {@link clusterSecret}, else {@link key} as configured, else
   * a random secret per start, so that tokens issued before a restart are then worthless.
   */
  abstract readonly reconnectSecret?: string;

  /**
   * Header fields the inspector shows as `[redacted]`, in addition to `Authorization`,
   * `Proxy-Authorization`, `Cookie` and `Set-Cookie`, which it always redacts.
   * @default []
   */
  abstract readonly inspectorRedactHeaders: readonly string[];

  /**
   * Derived, not configurable: true when no key was configured and the loader generated
   * {@link key}, so that start-up can print it with the agent command.
   */
  abstract readonly generatedKey: boolean;
}
