import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import {
  CloseCode,
  FEATURES_HEADER,
  offeredFeatures,
  parseProxyControl,
  ProtocolError,
  SUBPROTOCOL,
  welcomedFeatures,
} from '../protocol/index.js';
import type { AcceptedRoute, ProxyControl, RequestHead, RouteRejection } from '../protocol/index.js';
import { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import { backoffDelay } from './agent-options.js';
import type { ConnectOptions } from './agent-options.js';
import type { RegisterPlan, RouteBook } from './route-book.js';
import type { OwnedUpstream } from './local-upstream.js';
import { BY_NAME, netLookup, pinnedLookup } from './node-addresses.js';
import { requestIdAndHost } from './upstream-relay.js';
import type { ExchangeRecord, RequestStart } from './upstream-relay.js';
import { chooseRoute, routeOutcomes, servedRoutes, targetPath, withoutWithdrawn } from './route-choice.js';
import type { RouteOutcome, ServedRoute } from './route-choice.js';

/** What one proxy said when the agent's routes were registered there. */
export interface Registration {
  agentId: string;
  /** Each with its public `url` when the proxy said it, and the `subdomain` it asked for. */
  accepted: AcceptedRoute[];
  rejected: RouteRejection[];
  /** The same answers, one per route of `ConnectOptions.routes`, in its order. */
  routes: RouteOutcome[];
}

/** What a {@link ProxyConnection} reports to the agent that owns it. */
export interface ProxyConnectionEvents {
  registered: [info: Registration];
  /**
   * Routes this proxy had accepted and took away afterwards (docs/protocol.md §7.2): another key
   * owns them in its cluster. No stream for them comes on this connection after it.
   */
  withdrawn: [routes: RouteRejection[]];
  /**
   * Routes whose `ttl` ended (docs/protocol.md §7.6): the proxy sends no more requests for them,
   * and no connection registers them again.
   */
  expired: [routes: Array<{ host: string; path: string }>];
  /** This proxy refused the key: the connection stops and never retries (docs/protocol.md §7.1). */
  rejected: [info: { code: string; reason: string }];
  request: [start: RequestStart];
  exchange: [record: ExchangeRecord];
  disconnected: [info: { code: number; reason: string; delayMs?: number }];
  drain: [reason: string | undefined];
  goaway: [reason: string];
  connectionError: [error: Error];
  /** Stopped for good: rejected, drained by the proxy, or closed. */
  ended: [];
}

/** What a connection needs from the agent that owns it. */
export interface ConnectionOwner {
  readonly options: ConnectOptions;
  readonly upstream: OwnedUpstream;
  /** The agent's routes, shared by its connections: tokens and lifetimes outlive one connection. */
  readonly book: RouteBook;
  /** Whether another current connection of the agent already holds proxy node `nodeId`. */
  holdsNode(nodeId: string, asker: ProxyConnection): boolean;
}

const DEFAULT_LIMITS = { windowBytes: 256 * 1024, maxFrameBytes: 64 * 1024, maxStreams: 1000 };
// The agent is not a browser, so masking protects nothing here and only costs CPU per byte:
// an all-zero mask lets `ws` skip the XOR on both ends.
const zeroMask = (mask: Buffer): void => void mask.fill(0);

/**
 * The agent's connection to one proxy URL: one WebSocket at a time (plus those a goaway
 * replaced, until their streams end), registered with the agent's routes, reconnected with its
 * own backoff when lost. It shares only the upstream with the agent's other connections.
 */
export class ProxyConnection extends EventEmitter<ProxyConnectionEvents> {
  private socket?: WebSocket;
  private tunnel?: TunnelConnection<'agent'>;
  private attempt = 0;
  /** Nothing reopens the connection: close(), a rejected key, or a finished drain. */
  private stopped = false;
  private rejectedKey = false;
  /** The proxy drained this connection: it ends with its streams and is not reopened. */
  private draining = false;
  /** Connections replaced after a goaway, kept until their streams end. */
  private readonly retiring = new Set<TunnelConnection<'agent'>>();
  /** Set while close() waits for the proxy's `draining`. */
  private drainConfirmed?: () => void;
  private retryTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private heartbeatMs = 5000;
  private agentId = '';
  private isRegistered = false;
  private node?: string;
  /** The routes each socket's proxy accepted (a goaway leaves two sockets serving for a while). */
  private readonly served = new WeakMap<TunnelConnection<'agent'>, ServedRoute[]>();
  /** The routes the last `register` carried, for its answer; and those refused before sending. */
  private plan?: SentPlan;

  constructor(
    /** The proxy as the agent was given it (for reports). */
    readonly server: string,
    /** Its `ws(s)://…/_harp/connect` form. */
    private readonly url: string,
    private readonly owner: ConnectionOwner,
    /**
     * The address this connection dials, or {@link BY_NAME}: one of several the server's name
     * resolves to. The URL keeps the name (Host header, TLS server name and certificate).
     */
    readonly address: string = BY_NAME,
  ) {
    super();
  }

  /** Whether this proxy refused the key (the connection stopped for good then). */
  get keyRejected(): boolean {
    return this.rejectedKey;
  }

  /** Whether the current socket has registered the routes (and no goaway has retired it). */
  get registered(): boolean {
    return this.isRegistered;
  }

  /** The proxy node behind the current socket, if its `welcome` named one. */
  get nodeId(): string | undefined {
    return this.node;
  }

  /** Whether this connection stopped for good (or is stopping). */
  get ended(): boolean {
    return this.stopped;
  }

  /** Opens the connection (and keeps reopening it until stopped). */
  start(): void {
    if (this.stopped) return;
    const { lookup, ca, features } = this.owner.options;
    // Offered in the handshake, where a proxy that predates them ignores it (docs/protocol.md §3.5).
    const offer = features?.length === 0 ? {} : { headers: { [FEATURES_HEADER]: offeredFeatures(features) } };
    // Passed on to net.connect by ws; the name in the URL is what the proxy and TLS see.
    const dial = this.address !== BY_NAME ? { lookup: pinnedLookup(this.address) } : lookup ? { lookup: netLookup(lookup) } : {};
    const socket = new WebSocket(this.url, SUBPROTOCOL, {
      perMessageDeflate: false,
      generateMask: zeroMask,
      maxPayload: 4 * 1024 * 1024,
      handshakeTimeout: 10_000,
      ...offer,
      ...dial,
      ...(ca === undefined ? {} : { ca }),
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
    tunnel.on('stream', (stream, head) => this.relay(tunnel, stream, head));
  }

  // Every `request` is followed by exactly one `exchange` (the relays report each stream once).
  private relay(tunnel: TunnelConnection<'agent'>, stream: TunnelStream, head: RequestHead): void {
    const { upstream } = this.owner;
    const { requestId, host } = requestIdAndHost(head);
    const { method, target } = head;
    this.emit('request', requestId === undefined ? { method, target } : { method, target, requestId });
    // Only per-route upstreams look at the route a request matched (route-upstreams.ts).
    const route = upstream.routed === true ? chooseRoute(this.served.get(tunnel) ?? [], host, targetPath(target)) : undefined;
    upstream.relay(tunnel, stream, head, requestId === undefined ? this.reportExchange : (record) => this.emit('exchange', { ...record, requestId }), route);
  }

  private readonly reportExchange = (record: ExchangeRecord): void => void this.emit('exchange', record);

  /**
   * Stops for good (docs/protocol.md §7.3): drain, serve what the proxy sent until it confirms
   * with `draining`, let the streams end, then close; all within `graceMs`.
   */
  async close(graceMs: number): Promise<void> {
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
  }

  private onOpen(tunnel: TunnelConnection<'agent'>): void {
    const { key, name, weight } = this.owner.options;
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
        return this.welcomed(tunnel, message);
      case 'registered': {
        this.attempt = 0;
        this.isRegistered = tunnel === this.tunnel;
        const plan = this.plan;
        if (plan) this.owner.book.accepted(plan.sent, message.accepted);
        const routes = plan ? planOutcomes(plan, message) : [];
        this.served.set(tunnel, servedRoutes(routes));
        this.emit('registered', { agentId: this.agentId, accepted: message.accepted, rejected: [...(plan?.refused ?? []), ...message.rejected], routes });
        return;
      }
      case 'withdrawn': {
        this.served.set(tunnel, withoutWithdrawn(this.served.get(tunnel) ?? [], message.routes));
        this.emit('withdrawn', message.routes);
        return;
      }
      case 'expired':
        this.owner.book.expired(message.routes);
        this.served.set(tunnel, withoutWithdrawn(this.served.get(tunnel) ?? [], message.routes));
        this.emit('expired', message.routes);
        return;
      case 'rejected':
        this.stopped = true;
        this.rejectedKey = true;
        clearTimeout(this.retryTimer);
        this.emit('rejected', { code: message.code, reason: message.reason });
        this.emit('ended');
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

  private welcomed(tunnel: TunnelConnection<'agent'>, message: Extract<ProxyControl, { type: 'welcome' }>): void {
    this.heartbeatMs = message.heartbeatMs;
    this.agentId = message.agentId;
    tunnel.limits = {
      windowBytes: message.windowBytes,
      maxFrameBytes: message.maxFrameBytes,
      maxStreams: message.maxStreams,
    };
    tunnel.features = welcomedFeatures(message.features, this.owner.options.features);
    this.armWatchdog();
    // One connection per proxy node: a second one to a node the agent already serves would
    // only double its share there. Closed before it registers; retried with backoff, since a
    // load balancer may send the next attempt to another node.
    if (message.nodeId !== undefined && this.owner.holdsNode(message.nodeId, this)) {
      this.emit('connectionError', new Error(`already connected to proxy node ${message.nodeId}`));
      tunnel.close(CloseCode.Normal, 'already connected to this proxy node');
      return;
    }
    this.node = message.nodeId;
    this.register(tunnel);
  }

  /**
   * Registers the routes still alive. A proxy without the `subdomains` feature cannot be asked
   * for a subdomain or a lifetime: those are refused here, as the proxy would have.
   */
  private register(tunnel: TunnelConnection<'agent'>): void {
    const sent = this.owner.book.plan();
    if (sent.lapsed.length > 0) this.emit('expired', sent.lapsed);
    const refused: RouteRejection[] = [];
    const refusedIndices: number[] = [];
    if (!tunnel.features.has('subdomains')) {
      for (let i = sent.claims.length - 1; i >= 0; i--) {
        const claim = sent.claims[i]!;
        if (claim.host !== undefined && claim.ttl === undefined) continue;
        const reason = 'this proxy does not offer subdomains or route lifetimes (the subdomains feature)';
        refused.unshift({ host: claim.host ?? '', path: claim.path, code: 'subdomain_unavailable', reason, ...(claim.subdomain ? { subdomain: claim.subdomain } : {}) });
        refusedIndices.unshift(sent.indices[i]!);
        sent.claims.splice(i, 1);
        sent.indices.splice(i, 1);
      }
    }
    const plan: SentPlan = { sent, refused, refusedIndices };
    this.plan = plan;
    if (sent.claims.length > 0) return tunnel.sendControl({ type: 'register', id: 1, routes: sent.claims });
    // Nothing left to ask for: the outcome is known without the proxy.
    if (refused.length > 0) {
      const routes = planOutcomes(plan, { accepted: [], rejected: [] });
      this.emit('registered', { agentId: this.agentId, accepted: [], rejected: refused, routes });
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
    // The node is leaving: new streams come only once the replacement has registered.
    this.isRegistered = false;
    this.node = undefined;
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

  // A proxy that stops pinging is gone even if TCP has not noticed yet.
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.socket?.terminate(), this.heartbeatMs * 3);
    this.watchdog.unref();
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearTimeout(this.watchdog);
    this.isRegistered = false;
    this.node = undefined;
    if (this.stopped || this.draining) {
      this.emit('disconnected', { code, reason });
      if (!this.stopped) {
        this.stopped = true;
        this.emit('ended');
      }
      return;
    }
    const { reconnect } = this.owner.options;
    if (reconnect === false) {
      this.emit('disconnected', { code, reason });
      return;
    }
    const delayMs = backoffDelay(this.attempt++, reconnect?.initialDelayMs ?? 500, reconnect?.maxDelayMs ?? 30_000);
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

/** The routes one `register` carried, and those refused before sending (with their places). */
interface SentPlan {
  readonly sent: RegisterPlan;
  readonly refused: RouteRejection[];
  readonly refusedIndices: number[];
}

/** One outcome per route of `ConnectOptions.routes` that was asked for, in its order. */
function planOutcomes(plan: SentPlan, reply: { accepted: AcceptedRoute[]; rejected: RouteRejection[] }): RouteOutcome[] {
  const answered = routeOutcomes(plan.sent.claims, reply, plan.sent.indices);
  const refusedHere = plan.refused.map((rejected, k) => ({ index: plan.refusedIndices[k]!, rejected }));
  return [...answered, ...refusedHere].sort((a, b) => a.index - b.index);
}
