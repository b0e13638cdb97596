import { lookup as dnsLookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import type { AcceptedRoute, RouteRejection } from '../protocol/index.js';
import { agentUrl } from './agent-options.js';
import type { ConnectOptions } from './agent-options.js';
import type { OwnedUpstream } from './local-upstream.js';
import { BY_NAME } from './node-addresses.js';
import type { Lookup } from './node-addresses.js';
import { ProxyConnection } from './proxy-connection.js';
import type { Registration } from './proxy-connection.js';
import { RouteBook } from './route-book.js';
import { ServerNodes } from './server-nodes.js';
import type { ExchangeRecord, RequestStart } from './upstream-relay.js';

/** What one proxy said when the agent's routes were registered there. */
export interface AgentReady extends Registration {
  /** That proxy, as given in `server`. */
  server: string;
  /** The address dialled, when the server's name resolves to several (one connection each). */
  address?: string;
}

/** Which connection an event is about: its server as given, and its address if pinned to one. */
interface Where {
  server: string;
  address?: string;
}

const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true });
/** How often a server's name is looked up again (ConnectOptions.resolveIntervalMs). */
const RESOLVE_INTERVAL_MS = 30_000;

interface AgentEvents {
  /**
   * Registered on a proxy while registered on none: the first time (connect() resolves then),
   * and again after every connection had been lost. With one server: after every reconnect.
   */
  ready: [info: AgentReady];
  /** Registered on one proxy: every registration on every connection, the first included. */
  registered: [info: AgentReady];
  /**
   * A proxy refused the key: that connection stops and never retries. The agent stops only
   * once every connection has stopped (with one server: at once).
   */
  rejected: [info: { code: string; reason: string } & Where];
  /**
   * A proxy took routes back after accepting them: another key owns them in its cluster
   * (docs/protocol.md §7.2). That connection serves them no more; the others are unaffected.
   */
  withdrawn: [info: { routes: RouteRejection[] } & Where];
  /**
   * A request arrived (on any connection) and goes to the upstream. Exactly one `exchange`
   * follows it, so that the requests in flight are the `request`s not yet ended.
   */
  request: [start: RequestStart];
  /**
   * Routes reached the end of their `ttl` (docs/protocol.md §7.6): that proxy serves them no
   * more, and no connection registers them again. Reported once per connection that held them
   * (or once, by the agent, when the end came while it was disconnected).
   */
  expired: [info: { routes: Array<{ host: string; path: string }>; allExpired: boolean } & Where];
  /** One request ended, answered or failed: status, time, bytes; for the request log. */
  exchange: [record: ExchangeRecord];
  /** A connection is gone; it reconnects in `delayMs` unless stopped. */
  disconnected: [info: { code: number; reason: string; delayMs?: number } & Where];
  /** A proxy asked this agent to drain: that connection ends with its streams, not reopened. */
  drain: [reason: string | undefined, server: string, address?: string];
  /** A proxy is going away: a new connection to its URL opens; the old one ends with its streams. */
  goaway: [reason: string, server: string, address?: string];
  /** Stopped for good: close(), or every connection rejected or drained. */
  closed: [];
  /** A connection attempt or a connection failed; informational, a reconnect follows. */
  connectionError: [error: Error, server: string, address?: string];
}

/**
 * The backend side of a tunnel: holds one connection to each proxy it was given (and to each
 * address of a name that resolves to several), registers the same routes on every one, relays
 * each incoming stream to the upstream, and reconnects each with its own backoff, so that
 * losing a proxy loses no route while another one serves it. Connections that reach one proxy
 * node are told apart by the node id its `welcome` names: one per node serves.
 */
export class HarpAgent extends EventEmitter<AgentEvents> {
  private readonly nodes: ServerNodes[];
  private readonly book: RouteBook;
  /** What each connection's latest registration accepted, while it is up. */
  private readonly accepted = new Map<ProxyConnection, AcceptedRoute[]>();
  private stopped = false;

  constructor(
    options: ConnectOptions,
    private readonly upstream: OwnedUpstream,
  ) {
    super();
    this.book = new RouteBook(options.routes, { access: options.access, rateLimit: options.rateLimit });
    const lookup = options.lookup ?? defaultLookup;
    const resolveIntervalMs = options.resolveIntervalMs ?? RESOLVE_INTERVAL_MS;
    this.nodes = serverList(options.server).map(
      ({ server, url }) =>
        new ServerNodes({ server, url, lookup, resolveIntervalMs, connect: (address) => this.connection(options, server, url, address) }),
    );
  }

  /** The proxies this agent connects to, as given. */
  get servers(): string[] {
    return this.nodes.map((n) => n.server);
  }

  /**
   * The public URLs the proxies gave for the routes registered now (each once), e.g.
   * `['https://brave-otter-7f3kq2.tunnel.example.com/']`; empty before the first registration and
   * for proxies that say none. `connect()` resolves once the first is known.
   */
  get publicUrls(): string[] {
    const urls = [...this.accepted.values()].flatMap((routes) => routes.flatMap((r) => (r.url === undefined ? [] : [r.url])));
    return [...new Set(urls)];
  }

  /** Whether every route has reached the end of its `ttl`: nothing is left to serve. */
  get expired(): boolean {
    return this.book.allExpired;
  }

  /** Whether every proxy it reached refused its key: it has stopped then, for good. */
  get rejected(): boolean {
    return this.nodes.every((n) => n.rejected);
  }

  /** Whether some connection is up with the routes registered on its proxy: the agent serves now. */
  get registered(): boolean {
    return this.connections.some((c) => c.registered);
  }

  /** Every connection now, across servers (one per address of a name with several). */
  private get connections(): ProxyConnection[] {
    return this.nodes.flatMap((n) => n.connections);
  }

  /** Opens every connection (and keeps reopening each until stopped). */
  start(): void {
    if (this.stopped) return;
    for (const nodes of this.nodes) nodes.start();
  }

  /**
   * Stops for good: every connection drains at once (no new requests; those in flight get
   * `graceMs` to finish), then closes; then the upstream is released.
   */
  async close(graceMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.nodes.map((n) => n.close(graceMs)));
    await this.upstream.close();
    this.emit('closed');
  }

  private connection(options: ConnectOptions, server: string, url: string, address: string): ProxyConnection {
    const owner = {
      options,
      upstream: this.upstream,
      book: this.book,
      // A connection that is stopping (its address left the name, or close()) holds no node.
      holdsNode: (nodeId: string, asker: ProxyConnection) =>
        this.connections.some((c) => c !== asker && !c.ended && c.nodeId === nodeId),
    };
    const connection = new ProxyConnection(server, url, owner, address);
    const where: Where = address === BY_NAME ? { server } : { server, address };
    connection.on('registered', (info) => {
      const first = !this.connections.some((c) => c !== connection && c.registered);
      const ready = { ...info, ...where };
      this.accepted.set(connection, info.accepted);
      this.emit('registered', ready);
      if (first) this.emit('ready', ready);
    });
    connection.on('withdrawn', (routes) => {
      this.forgetAccepted(connection, routes);
      this.emit('withdrawn', { routes, ...where });
    });
    connection.on('expired', (routes) => {
      this.forgetAccepted(connection, routes);
      this.emit('expired', { routes, allExpired: this.book.allExpired, ...where });
    });
    connection.on('rejected', (info) => this.emit('rejected', { ...info, ...where }));
    connection.on('request', (start) => this.emit('request', start));
    connection.on('exchange', (record) => this.emit('exchange', record));
    connection.on('disconnected', (info) => {
      this.accepted.delete(connection);
      this.emit('disconnected', { ...info, ...where });
    });
    connection.on('drain', (reason) => this.emit('drain', reason, server, where.address));
    connection.on('goaway', (reason) => this.emit('goaway', reason, server, where.address));
    connection.on('connectionError', (err) => this.emit('connectionError', err, server, where.address));
    connection.on('ended', () => this.onEnded());
    return connection;
  }

  /** Routes a connection no longer serves (expired, withdrawn) leave {@link publicUrls}. */
  private forgetAccepted(connection: ProxyConnection, routes: ReadonlyArray<{ host: string; path: string }>): void {
    const ended = new Set(routes.map((r) => `${r.host}${r.path}`));
    const left = (this.accepted.get(connection) ?? []).filter((r) => !ended.has(`${r.host}${r.path}`));
    if (this.accepted.has(connection)) this.accepted.set(connection, left);
  }

  // The last connection to stop stops the agent. Nobody can close() an agent whose connect()
  // rejected: its upstream (a handler's private server) must not outlive it.
  private onEnded(): void {
    if (this.stopped || !this.nodes.every((n) => n.ended)) return;
    this.stopped = true;
    // Nothing to drain; this stops the lookups.
    void Promise.all(this.nodes.map((n) => n.close(0)))
      .then(() => this.upstream.close())
      .then(() => this.emit('closed'));
  }
}

/** `server` as a list of distinct proxies, each with its connect URL. */
function serverList(server: string | readonly string[]): Array<{ server: string; url: string }> {
  const given = typeof server === 'string' ? [server] : [...server];
  if (given.length === 0) throw new TypeError('server must name at least one proxy');
  const seen = new Set<string>();
  return given.map((s) => {
    const url = agentUrl(s);
    if (seen.has(url)) throw new TypeError(`server lists ${s} twice`);
    seen.add(url);
    return { server: s, url };
  });
}
