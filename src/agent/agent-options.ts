import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CONNECT_PATH } from '../protocol/index.js';
import type { TunnelFeature } from '../protocol/index.js';
import type { Lookup } from './node-addresses.js';

/**
 * A route an agent asks for; host defaults to `*` (any host), path to `/`. Instead of `host`, a
 * `subdomain` of the proxy's public domain.
 */
export interface AgentRoute {
  host?: string;
  /**
   * A label under the proxy's public domain instead of `host` (`demo` → `demo.tunnel.example.com`),
   * or `'random'` for a generated, unguessable one such as `brave-otter-7f3kq2`. The proxy's
   * answer (the `registered` event's `accepted[].url`) says the URL it got. A generated name is
   * kept across reconnects, with the reconnect token the proxy gave for it.
   */
  subdomain?: string;
  /**
   * How long the route lives: `90s`, `30m`, `2h` (at most 7 days). Then the proxy ends it
   * (requests in flight finish) and the agent emits `expired`; the clock keeps running across
   * reconnects.
   */
  ttl?: string;
  /**
   * With `subdomain: 'random'`: the reconnect token of a name got earlier (another run's
   * `accepted[].token`), to get that name back (`harp http --reuse-url`). A token the proxy no
   * longer honours (expired, another key) gets a fresh name.
   */
  token?: string;
  path?: string;
  /**
   * The proxy's shared cache for this route: `{ enabled: false }` opts out;
   * `defaultTtlSeconds` gives cacheable responses that state no lifetime one.
   */
  cache?: { enabled?: boolean; defaultTtlSeconds?: number };
  /**
   * How the route's pool shares requests: `round-robin` in turn by weight, `least-requests` to
   * the member with fewer requests in flight (of two drawn at random). The latest registration
   * of a route sets it for the whole pool.
   * @default 'round-robin'
   */
  balance?: 'round-robin' | 'least-requests';
  /** Keep each client on one agent by the value of this request header or cookie. */
  sticky?: { header: string } | { cookie: string };
  /**
   * A limit on this route's requests, all clients together: `N/s`, `N/m` or `N/h` (over it the
   * proxy answers 429 itself). The key's rule must allow it (`agentRateLimits`), or the route is
   * rejected with `rate_limit_forbidden`. Overrides {@link ConnectOptions.rateLimit}.
   */
  rateLimit?: string;
  /** Visitor access rules for this route, instead of {@link ConnectOptions.access}. */
  access?: AgentAccess;
  /**
   * This route's own local server (`http://127.0.0.1:3001`), instead of
   * {@link ConnectOptions.upstream}: one connection serves routes of several servers.
   */
  upstream?: string;
  /** Speak HTTP/2 to this route's `upstream` (see {@link ConnectOptions.h2}). */
  h2?: boolean;
  /**
   * Cut a path prefix before the request reaches the upstream: `true` cuts the route's `path`,
   * a string cuts that prefix. The query is kept; `/api` alone becomes `/`.
   */
  stripPrefix?: boolean | string;
  /** Request fields the agent sets before the upstream sees the request (replacing the client's). */
  addHeaders?: Record<string, string>;
  /** Request fields the agent removes before the upstream sees the request. */
  removeHeaders?: string[];
  /** The Host the upstream sees, instead of the public one. */
  hostHeader?: string;
}

/**
 * Visitor access rules an agent asks the proxy to enforce on its routes, on top of the
 * operator's (docs/protocol.md §7.2). The agent's key must be allowed to ask (`agentAccess`).
 * Secrets go to the proxy over the agent's connection, which hashes them on receipt: use
 * `wss://` beyond a trusted network.
 */
export interface AgentAccess {
  /** HTTP Basic users a visitor must be one of. */
  basicAuth?: { user: string; password: string }[];
  /** Tokens a visitor may present as `Authorization: Bearer` instead. */
  bearerTokens?: string[];
  /** Only clients in these IP addresses or CIDR blocks (IPv4 or IPv6) are served. */
  allowIps?: string[];
  /** Clients in these addresses or blocks are never served. */
  denyIps?: string[];
}

/**
 * Options of {@link connect}. One of `upstream` and `handler`, unless every route names its own
 * `upstream` (then neither is needed; it serves routes that name none).
 */
export interface ConnectOptions {
  /**
   * The proxy: `ws://host:8080`, `wss://…`, `http(s)://…` or `host:port`; or several, each of
   * which gets its own connection and the same routes, so that losing one loses no route. A
   * name that resolves to several addresses gets one connection per address (the nodes of a
   * cluster behind one name); connections that reach one proxy node keep only one of them.
   */
  server: string | readonly string[];
  /**
   * Resolves a server's host name to all its addresses.
   * @default (hostname) => dns.promises.lookup(hostname, { all: true })
   */
  lookup?: Lookup;
  /**
   * How often each server's name is looked up again, to follow nodes that join or leave; a lost
   * connection also looks it up again (at most once a second).
   * @default 30000
   */
  resolveIntervalMs?: number;
  /** The agent key the proxy's operator gave you. */
  key: string;
  /**
   * The certificate authorities trusted for `wss://` proxies, PEM (one certificate or several):
   * for a proxy whose certificate a private CA signed. It replaces Node's list of public CAs for
   * these connections, as curl's `--cacert` does.
   * @default Node's bundled list of public CAs
   */
  ca?: string | Buffer;
  /** @default [{ host: '*', path: '/' }] */
  routes?: AgentRoute[];
  /** Visitor access rules for every route that names none of its own. */
  access?: AgentAccess;
  /**
   * Where requests go: the local server's base URL, e.g. `http://127.0.0.1:3000`, for every
   * route that names no {@link AgentRoute.upstream} of its own.
   */
  upstream?: string;
  /**
   * Speak HTTP/2 to `upstream`: prior knowledge (h2c) for `http://`, TLS with ALPN `h2` for
   * `https://`. For gRPC servers, whose status comes in trailers; HTTP/2 clients on the proxy's
   * TLS port reach them end to end. WebSocket upgrades need an HTTP/1.1 upstream.
   * @default false
   */
  h2?: boolean;
  /** Or an in-process Node request handler (Express, Nest's adapter, plain `node:http`). */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * With `handler`: what its HTTP server does with a WebSocket upgrade, as a `node:http`
   * `'upgrade'` listener (e.g. `(req, socket, head) => wss.handleUpgrade(req, socket, head, …)`).
   * Without it, upgrade requests reach `handler` as ordinary requests.
   */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** A name shown in the proxy's listings and logs. */
  name?: string;
  /** The {@link AgentRoute.rateLimit} of every route that sets none. */
  rateLimit?: string;
  /**
   * This connection's share of every route's pool it joins, relative to the other agents
   * serving the route: 1…100 (3 against 1 gets about three requests in four).
   * @default 1
   */
  weight?: number;
  /**
   * Reconnect after a lost connection, with exponential backoff and jitter. A rejected key is
   * never retried.
   * @default { initialDelayMs: 500, maxDelayMs: 30000 }
   */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number } | false;
  /**
   * The optional protocol features offered to the proxy (docs/protocol.md §3.5): `interim`
   * relays the upstream's 1xx responses, `trailers` its trailer fields, `continue` lets the
   * upstream answer a client's `Expect: 100-continue` (it needs `interim`). An empty list
   * speaks plain version 1, as an agent that predates them does.
   * Routes with `subdomain`, `ttl` or `token` need `subdomains`.
   * @default ['interim', 'trailers', 'continue', 'subdomains']
   */
  features?: TunnelFeature[];
}

/** `ws://host:port/_harp/connect` from whatever form the user typed. */
export function agentUrl(server: string): string {
  let url = server.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `ws://${url}`;
  const parsed = new URL(url);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new TypeError(`server must be a ws://, wss://, http:// or https:// URL, got ${server}`);
  }
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = CONNECT_PATH;
  return parsed.toString();
}

/** Backoff before reconnect attempt `attempt` (0-based): doubling, capped, with ±50 % jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.5 + random() * 0.5));
}
