import { EventEmitter } from 'node:events';
import { agentUrl } from './agent-options.js';
import type { ConnectOptions } from './agent-options.js';
import type { OwnedUpstream } from './local-upstream.js';
import { ProxyConnection } from './proxy-connection.js';
import type { Registration } from './proxy-connection.js';
import type { ExchangeRecord } from './upstream-relay.js';

/** What one proxy said when the agent's routes were registered there. */
export interface AgentReady extends Registration {
  /** That proxy, as given in `server`. */
  server: string;
}

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
  rejected: [info: { code: string; reason: string; server: string }];
  /** One request went through; for the request log. */
  exchange: [record: ExchangeRecord];
  /** A connection is gone; it reconnects in `delayMs` unless stopped. */
  disconnected: [info: { code: number; reason: string; delayMs?: number; server: string }];
  /** A proxy asked this agent to drain: that connection ends with its streams, not reopened. */
  drain: [reason: string | undefined, server: string];
  /** A proxy is going away: a new connection to its URL opens; the old one ends with its streams. */
  goaway: [reason: string, server: string];
  /** Stopped for good: close(), or every connection rejected or drained. */
  closed: [];
  /** A connection attempt or a connection failed; informational, a reconnect follows. */
  connectionError: [error: Error, server: string];
}

/**
 * The backend side of a tunnel: holds one connection to each proxy it was given, registers the
 * same routes on every one, relays each incoming stream to the upstream, and reconnects each
 * with its own backoff, so that losing a proxy loses no route while another one serves it.
 */
export class HarpAgent extends EventEmitter<AgentEvents> {
  private readonly connections: ProxyConnection[];
  private stopped = false;

  constructor(
    options: ConnectOptions,
    private readonly upstream: OwnedUpstream,
  ) {
    super();
    // One connection per URL. A URL that reaches several nodes (a cluster behind one name) is
    // to get one connection per node; resolving it is the cluster's part, and the nodeId rule
    // (holdsNode) already keeps two connections from serving one node.
    this.connections = serverList(options.server).map(({ server, url }) => this.connection(options, server, url));
  }

  /** The proxies this agent connects to, as given. */
  get servers(): string[] {
    return this.connections.map((c) => c.server);
  }

  /** Opens every connection (and keeps reopening each until stopped). */
  start(): void {
    if (this.stopped) return;
    for (const connection of this.connections) connection.start();
  }

  /**
   * Stops for good: every connection drains at once (no new requests; those in flight get
   * `graceMs` to finish), then closes; then the upstream is released.
   */
  async close(graceMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.connections.map((c) => c.close(graceMs)));
    await this.upstream.close();
    this.emit('closed');
  }

  private connection(options: ConnectOptions, server: string, url: string): ProxyConnection {
    const owner = {
      options,
      upstream: this.upstream,
      holdsNode: (nodeId: string, asker: ProxyConnection) =>
        this.connections.some((c) => c !== asker && c.nodeId === nodeId),
    };
    const connection = new ProxyConnection(server, url, owner);
    connection.on('registered', (info) => {
      const first = !this.connections.some((c) => c !== connection && c.registered);
      const ready = { ...info, server };
      this.emit('registered', ready);
      if (first) this.emit('ready', ready);
    });
    connection.on('rejected', (info) => this.emit('rejected', { ...info, server }));
    connection.on('exchange', (record) => this.emit('exchange', record));
    connection.on('disconnected', (info) => this.emit('disconnected', { ...info, server }));
    connection.on('drain', (reason) => this.emit('drain', reason, server));
    connection.on('goaway', (reason) => this.emit('goaway', reason, server));
    connection.on('connectionError', (err) => this.emit('connectionError', err, server));
    connection.on('ended', () => this.onEnded());
    return connection;
  }

  // The last connection to stop stops the agent. Nobody can close() an agent whose connect()
  // rejected: its upstream (a handler's private server) must not outlive it.
  private onEnded(): void {
    if (this.stopped || !this.connections.every((c) => c.ended)) return;
    this.stopped = true;
    void this.upstream.close().then(() => this.emit('closed'));
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
