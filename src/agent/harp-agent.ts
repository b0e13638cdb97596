import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { CloseCode, parseProxyControl, ProtocolError, SUBPROTOCOL } from '../protocol/index.js';
import type { ProxyControl, RouteClaim, RouteRejection } from '../protocol/index.js';
import { TunnelConnection } from '../tunnel/tunnel-connection.js';
import { agentUrl, backoffDelay } from './agent-options.js';
import type { ConnectOptions } from './agent-options.js';
import type { OwnedUpstream } from './local-upstream.js';
import { relayToUpstream } from './upstream-relay.js';
import type { ExchangeRecord } from './upstream-relay.js';

/** What the proxy said when the agent's routes were registered. */
export interface AgentReady {
  agentId: string;
  accepted: RouteClaim[];
  rejected: RouteRejection[];
}

interface AgentEvents {
  /** Connected, authenticated and registered (again after every reconnect). */
  ready: [info: AgentReady];
  /** The proxy refused the key; the agent stops and does not retry. */
  rejected: [info: { code: string; reason: string }];
  /** One request went through; for the request log. */
  exchange: [record: ExchangeRecord];
  /** The connection is gone; a reconnect follows in `delayMs` unless stopped. */
  disconnected: [info: { code: number; reason: string; delayMs?: number }];
  /** The proxy asked this agent to drain: it will not reconnect after the connection closes. */
  drain: [reason: string | undefined];
  /** The proxy is going away: a new connection is opening; the old one ends with its streams. */
  goaway: [reason: string];
  /** Stopped for good (close(), a rejected key, or a drain). */
  closed: [];
  /** A connection attempt or the connection failed; informational, a reconnect follows. */
  connectionError: [error: Error];
}

const DEFAULT_LIMITS = { windowBytes: 256 * 1024, maxFrameBytes: 64 * 1024, maxStreams: 1000 };
// The agent is not a browser, so masking protects nothing here and only costs CPU per byte:
// an all-zero mask lets `ws` skip the XOR on both ends.
const zeroMask = (mask: Buffer): void => void mask.fill(0);

/**
 * The backend side of a tunnel: keeps one WebSocket to the proxy, registers its routes, relays
 * each incoming stream to the upstream, and reconnects with backoff when the connection is lost.
 */
export class HarpAgent extends EventEmitter<AgentEvents> {
  private socket?: WebSocket;
  private tunnel?: TunnelConnection<'agent'>;
  private attempt = 0;
  private stopped = false;
  private draining = false;
  /** Connections replaced after a goaway, kept until their streams end. */
  private readonly retiring = new Set<TunnelConnection<'agent'>>();
  /** Set while close() waits for the proxy's `draining`. */
  private drainConfirmed?: () => void;
  private retryTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private heartbeatMs = 5000;
  private agentId = '';
  private readonly url: string;

  constructor(
    private readonly options: ConnectOptions,
    private readonly upstream: OwnedUpstream,
  ) {
    super();
    this.url = agentUrl(options.server);
  }

  /** Opens the connection (and keeps reopening it until stopped). */
  start(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url, SUBPROTOCOL, {
      perMessageDeflate: false,
      generateMask: zeroMask,
      maxPayload: 4 * 1024 * 1024,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    const tunnel = new TunnelConnection(socket, 'agent', { ...DEFAULT_LIMITS });
    this.tunnel = tunnel;
    socket.on('open', () => this.onOpen(tunnel));
    // Pings on a connection being replaced say nothing about the current one.
    socket.on('ping', () => socket === this.socket && this.armWatchdog());
    socket.on('error', (err) => this.emit('connectionError', err));
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
    tunnel.on('control', (message) => this.onControl(tunnel, message));
    tunnel.on('stream', (stream, head) =>
      relayToUpstream(tunnel, stream, head, this.upstream, (record) => this.emit('exchange', record)),
    );
  }

  /** Stops for good: no new requests, in-flight ones get `graceMs` to finish, then it closes. */
  async close(graceMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const tunnel = this.tunnel;
    if (tunnel && !tunnel.isClosed && this.socket?.readyState === WebSocket.OPEN) {
      // Streams keep arriving (and are served) until the proxy confirms it sends no more: only
      // then can the agent tell that none is on its way.
      const confirmed = new Promise<void>((resolve) => (this.drainConfirmed = resolve));
      tunnel.sendControl({ type: 'drain', reason: 'agent closing' });
      const deadline = Date.now() + graceMs;
      await settledWithin(confirmed, graceMs);
      while (this.streamsOpen(tunnel) > 0 && Date.now() < deadline) await delay(20);
      tunnel.close(CloseCode.Normal, 'agent closing');
    } else {
      this.socket?.terminate();
    }
    for (const old of this.retiring) old.close(CloseCode.Normal, 'agent closing');
    clearTimeout(this.watchdog);
    await this.upstream.close();
    this.emit('closed');
  }

  private onOpen(tunnel: TunnelConnection<'agent'>): void {
    const { key, name, weight } = this.options;
    tunnel.sendControl({ type: 'hello', protocol: 1, key, name, ...(weight === undefined ? {} : { weight }) });
    this.armWatchdog();
  }

  private onControl(tunnel: TunnelConnection<'agent'>, raw: unknown): void {
    let message: ProxyControl;
    try {
      message = parseProxyControl(raw);
    } catch (err) {
      if (err instanceof ProtocolError) return tunnel.fail(err);
      throw err;
    }
    switch (message.type) {
      case 'welcome':
        this.heartbeatMs = message.heartbeatMs;
        this.agentId = message.agentId;
        tunnel.limits = {
          windowBytes: message.windowBytes,
          maxFrameBytes: message.maxFrameBytes,
          maxStreams: message.maxStreams,
        };
        this.armWatchdog();
        tunnel.sendControl({ type: 'register', id: 1, routes: this.routes() });
        return;
      case 'registered':
        this.attempt = 0;
        this.emit('ready', { agentId: this.agentId, accepted: message.accepted, rejected: message.rejected });
        return;
      case 'rejected':
        this.stopped = true;
        this.emit('rejected', { code: message.code, reason: message.reason });
        // Nobody can close() an agent whose connect() rejected: its upstream (a handler's
        // private server) must not outlive it.
        void this.upstream.close().then(() => this.emit('closed'));
        return;
      case 'drain':
        this.draining = true;
        this.emit('drain', message.reason);
        return;
      case 'draining':
        this.drainConfirmed?.();
        return;
      case 'goaway':
        return this.goAway(tunnel, message.reason);
      case 'error':
        this.emit('connectionError', new Error(`proxy reported ${message.code}: ${message.message}`));
        return;
    }
  }

  /**
   * docs/protocol.md §7.5: a new connection now (a load balancer sends it to another proxy),
   * routes registered there as after any reconnect, and the old connection kept for its
   * streams, then closed. Not a stop: if the new connection fails, the usual backoff applies.
   */
  private goAway(tunnel: TunnelConnection<'agent'>, reason: string): void {
    // A second goaway, or one on a connection already replaced; a stopping agent stays stopped.
    if (tunnel !== this.tunnel || this.stopped || this.draining) return;
    this.emit('goaway', reason);
    this.openReplacement();
    this.retiring.add(tunnel);
    const retire = (): void => {
      if (tunnel.isClosed) return void this.retiring.delete(tunnel);
      if (tunnel.streams.size > 0) return void setTimeout(retire, 50).unref();
      this.retiring.delete(tunnel);
      tunnel.close(CloseCode.Normal, 'moved to a new connection');
    };
    retire();
  }

  // Streams on the current connection and on those it replaced after a goaway.
  private streamsOpen(current: TunnelConnection<'agent'>): number {
    let open = current.streams.size;
    for (const old of this.retiring) open += old.streams.size;
    return open;
  }

  /** Opens a new connection at once; the current one is left to whoever holds it. */
  private openReplacement(): void {
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.start();
  }

  private routes(): RouteClaim[] {
    const routes = this.options.routes?.length ? this.options.routes : [{}];
    return routes.map((r) => ({
      host: r.host ?? '*',
      path: r.path ?? '/',
      ...(r.cache ? { cache: r.cache } : {}),
      ...(r.balance ? { balance: r.balance } : {}),
      ...(r.sticky ? { sticky: r.sticky } : {}),
    }));
  }

  // A proxy that stops pinging is gone even if TCP has not noticed yet.
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.socket?.terminate(), this.heartbeatMs * 3);
    this.watchdog.unref();
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearTimeout(this.watchdog);
    if (this.stopped || this.draining) {
      if (!this.stopped) {
        this.stopped = true;
        void this.upstream.close().then(() => this.emit('closed'));
      }
      this.emit('disconnected', { code, reason });
      return;
    }
    const retry = this.options.reconnect === false ? undefined : this.options.reconnect;
    if (this.options.reconnect === false) {
      this.emit('disconnected', { code, reason });
      return;
    }
    const delayMs = backoffDelay(this.attempt++, retry?.initialDelayMs ?? 500, retry?.maxDelayMs ?? 30_000);
    this.emit('disconnected', { code, reason, delayMs });
    this.retryTimer = setTimeout(() => this.start(), delayMs);
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for `promise`, but no longer than `ms`; leaves no timer behind. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
