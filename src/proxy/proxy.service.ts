import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { HarpConfig } from '../config/index.js';
import { normalizeRequestHost } from '../routing/route-pattern.js';
import { RoutingService, type Resolution } from '../routing/routing.service.js';
import type { TunnelBackend } from '../registration/tunnel-backend.js';
import { fieldCount, firstFieldValue } from '../http/raw-fields.js';
import { isHttp2Request, requestHasBody as hasBody } from '../http/http2-fields.js';
import { BodyCapture } from '../exchange/index.js';
import { CachingProxy } from './caching-proxy.js';
import { ExchangeEvents, ExchangeReport } from '../exchange/index.js';
import { closeAfterResponse } from './lingering-close.js';
import { clientProtocol } from '../http/forwarding.js';
import { namesWebSocket, ResetCode } from '../protocol/index.js';
import { StreamResetError } from '../tunnel/stream-errors.js';
import { ProxyError } from './proxy-errors.js';
import { sendErrorPage } from './error-page.js';
import type { RequestAdjustment } from './exchange-observer.js';
import type { CachedForward, OfflineRequest } from './cache-lookup.js';
import type { RouteCacheOptions } from '../cache/index.js';
import { ProxyExchange, type MemberSource } from './proxy-exchange.js';
import { proxySettings } from './proxy-settings.js';
import type { ProxySettings } from './proxy-settings.js';
import { requestIdFor } from '../http/request-id.js';
import { isReservedPath } from '../http/reserved-prefix.js';
import { parseTarget, withHost, type RequestTarget } from '../http/request-target.js';
import { bridgeUpgrade, switchingProtocolsHead } from './upgrade-bridge.js';
import type { Pool } from '../routing/pool.js';
import type { RouteBackend } from '../routing/route-backend.js';
import type { RequestOrigin } from '../http/cluster-hop.js';
import { NodeRelay } from './node-relay.js';
import { NodeUpgradeRelay } from './node-upgrade-relay.js';
import { ClusterForwarding, spread } from './cluster-forwarding.js';
import { noMemberFields } from './no-member.js';
import { AccessGate } from './access-gate.js';
import { continueSender } from './expect-continue.js';
import { RateLimitGate } from '../rate-limit/index.js';

/**
 * Requests whose `100 Continue` the server held back (it has a `checkContinue` listener): the
 * proxy sends it only once the request is routed, so that a refused upload is never invited,
 * or leaves it to the backend (expect-continue.ts).
 */
export const continueHeldBack = new WeakSet<IncomingMessage>();

/**
 * Carries public requests to backends. Works on Node's own request and response objects so
 * that the standalone server can call it straight from `node:http` and an imported module can
 * call it from the catch-all controller: one implementation, two doors.
 */
@Injectable()
export class ProxyService implements MemberSource, OnModuleDestroy {
  private readonly settings: ProxySettings;

  private readonly logger = new Logger('Proxy');

  /** Cluster mode only: carries requests whose route another node holds members of. */
  private readonly relay: NodeRelay | undefined;
  private readonly upgradeRelay: NodeUpgradeRelay | undefined;
  /** Cluster mode only: sends a request to its route's nodes, or holds it while none can take it. */
  private readonly cluster: ClusterForwarding | undefined;

  constructor(
    config: HarpConfig,
    private readonly routing: RoutingService,
    private readonly cache: CachingProxy,
    private readonly events: ExchangeEvents,
    private readonly access: AccessGate,
    private readonly rateLimits: RateLimitGate,
  ) {
    this.settings = proxySettings(config);
    if (config.clusterSecret !== undefined) {
      const failed = (node: { nodeId: string }, route?: { host: string; path: string }) => routing.remoteFailed(node.nodeId, route);
      this.relay = new NodeRelay(config.clusterSecret, config.requestTimeoutMs + RELAY_TIMEOUT_MARGIN_MS, this.settings.linger, failed);
      const invite = (req: IncomingMessage, res: ServerResponse): void => {
        if (continueHeldBack.has(req)) res.writeContinue();
      };
      this.upgradeRelay = new NodeUpgradeRelay(config.clusterSecret, config.requestTimeoutMs + RELAY_TIMEOUT_MARGIN_MS);
      this.cluster = new ClusterForwarding(routing, this.relay, config.requestTimeoutMs, invite);
    }
  }

  onModuleDestroy(): void {
    this.relay?.close();
  }

  /**
   * A public request, or with `origin` one another node forwarded (the cluster's internal
   * listener): then the forwarding fields describe the client that node saw, and the request is
   * served by this node's members or answered here, never forwarded again.
   */
  handle(req: IncomingMessage, res: ServerResponse, origin?: RequestOrigin): void {
    this.admit(req, res, origin, undefined, this.forward);
  }

  // A field, not a method: handed to admit() for every request without a closure made for it.
  private readonly forward = (admitted: Forwardable): void => {
    const { report, backend, pool, req } = admitted;
    const withBody = hasBody(req);
    if (this.events.bodyCaptureBytes > 0) this.captureBodies(report, withBody);
    try {
      // Most requests are forwarded or answered within the call: no promise to watch then.
      this.cache.forward(this.cacheRequestOf(admitted, pool, backend, withBody))?.catch((err: Error) => this.cachePathFailed(admitted, err));
    } catch (err) {
      this.cachePathFailed(admitted, err as Error);
    }
  };

  private cachePathFailed({ req, target, exchange }: Admitted, err: Error): void {
    this.logger.error(`cache path failed for ${req.method ?? 'GET'} ${target.origin}: ${err.stack ?? err.message}`);
    exchange.fail(new ProxyError('internal_error', err.message, { cause: err }));
  }

  /** What the cache path is told of a request, with or without a member to forward it to. */
  private cacheRequestOf(at: CacheCandidate, pool: Pool<RouteBackend> | undefined): OfflineRequest;
  private cacheRequestOf(at: CacheCandidate, pool: Pool<RouteBackend> | undefined, backend: TunnelBackend, hasBody: boolean): CachedForward;
  private cacheRequestOf(at: CacheCandidate, pool: Pool<RouteBackend> | undefined, backend?: TunnelBackend, hasBody = false) {
    const { req, res, exchange, target } = at;
    // One object of one shape, with or without the member: built per request, not spread.
    return {
      exchange,
      req,
      res,
      host: target.host,
      target: target.origin,
      scheme: this.schemeOf(req, at.origin),
      route: pool?.options.cache ?? NO_CACHE_OPTIONS,
      headers: forwardedHeaders(req, this.settings.droppedRequestFields(req.method ?? 'GET')),
      backend,
      hasBody,
    };
  }

  /**
   * A request that asks to switch protocols (the server's `upgrade` event). WebSocket upgrades
   * are routed like any request and, once the backend answers `101`, the client's connection
   * and the tunnel stream are joined both ways; the cache takes no part. Anything else is
   * refused with 501, since its body, if any, would already be lost to the parser. With
   * `origin`, an upgrade another node forwarded (see {@link handle}).
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, origin?: RequestOrigin): void {
    const res = responseOn(req, socket);
    const refused = isWebSocketUpgrade(req) ? undefined : new ProxyError('upgrade_not_supported');
    this.admit(req, res, origin, { socket, head, refused }, (forwardable) => this.forwardUpgrade(forwardable, socket, head));
  }

  private forwardUpgrade(admitted: Forwardable, socket: Duplex, head: Buffer): void {
    const { exchange, report, target, backend, req, res } = admitted;
    exchange.forward(backend, target.origin, false, {
      adjust: WEBSOCKET_UPGRADE,
      onUpgrade: (answer, stream) => {
        const switching = switchingProtocolsHead(answer);
        if (!switching) return exchange.fail(new ProxyError('bad_response', 'a field of the 101 answer is invalid'));
        res.detachSocket(socket as Socket);
        bridgeUpgrade({ socket, head, switching, stream, report, done: () => this.publish(report, req, undefined, admitted.origin) });
      },
    });
  }

  /**
   * Goes on with `admitted` once it has a backend: at once when routing found one, after a wait
   * when the route is in its grace or all its members are retiring (its bytes stay unread
   * meanwhile), or never, with 503, when none comes in time.
   */
  private withBackend(admitted: Admitted | undefined, go: (forwardable: Forwardable) => void): void {
    if (!admitted) return;
    if (admitted.backend) return go(admitted as Forwardable);
    // What the cache would answer with a member at hand does not wait for one (offline.ts).
    this.fromCacheOr(admitted, false, () => this.holdFor(admitted, go));
  }

  private holdFor(admitted: Admitted, go: (forwardable: Forwardable) => void): void {
    // A member may have registered while the cache was asked.
    const now = this.routing.pickOther(admitted.pool, []) as TunnelBackend | undefined;
    if (now) return go(this.assign(admitted, now));
    // A forwarded request without a body is answered at once: the node that received it hears of
    // the route on every node and waits there, or sends it to another (docs/cluster.md). Not an
    // upgrade: its relay passes every answer on.
    const { req } = admitted;
    const forwardedBare = admitted.origin?.localOnly === true && !hasBody(req) && req.headers.upgrade === undefined;
    const waiting = forwardedBare ? undefined : this.waitForMember(admitted.pool, admitted.res);
    if (!waiting) {
      const fields = noMemberFields(req, admitted.origin, admitted.pool);
      return this.fromCacheOr(admitted, true, () => this.refuse(admitted, new ProxyError('no_backend'), fields));
    }
    void waiting.then((member) => {
      if (admitted.res.destroyed) return;
      if (!member) {
        const error = new ProxyError('no_backend', 'none came during the route\'s grace');
        return this.fromCacheOr(admitted, true, () => this.refuse(admitted, error));
      }
      go(this.assign(admitted, member));
    });
  }

  /**
   * The member a request goes to when it is sent again: one that can take it now and was not
   * tried, else, as for a new request, one that registers while the route has none (bounded by
   * the request timeout and the grace).
   */
  nextMember(pool: Pool<RouteBackend>, tried: readonly TunnelBackend[], res: ServerResponse, wait: boolean): Promise<TunnelBackend | undefined> {
    const next = this.routing.pickOther(pool, tried) as TunnelBackend | undefined;
    if (next || !wait) return Promise.resolve(next);
    return this.waitForMember(pool, res) ?? Promise.resolve(undefined);
  }

  /**
   * Waits, while the client stays, for a member of `pool` (the route's grace, or a replacement
   * of retiring members); undefined when the request should not wait at all.
   */
  private waitForMember(pool: Pool<RouteBackend>, res: ServerResponse): Promise<TunnelBackend | undefined> | undefined {
    const hold = this.routing.hold(pool, this.settings.requestTimeoutMs);
    if (!hold) return undefined;
    const leave = (): void => hold.release();
    res.once('close', leave);
    return hold.member.then((member) => {
      res.off('close', leave);
      // Only the registration module registers members, and its sessions are tunnel backends.
      return member as TunnelBackend | undefined;
    });
  }

  attemptFailed(pool: Pool<RouteBackend>, backend: TunnelBackend, err: Error): void {
    // A refusal is a member at its limit or stopping, not a sick one; the rest count as the
    // upstream failures an exchange report would have shown (upstream_error, agent_gone).
    const refused = err instanceof StreamResetError && err.resetCode === ResetCode.Refused;
    this.routing.recordAttempt(pool, backend, refused ? 'neutral' : 'failure');
  }

  /**
   * A GET or HEAD no member can take now: answered from the cache when it may (the cache's
   * `offline.ts`; `staleToo` false: only what would be a hit anyway), else by `otherwise`. A
   * request that matched no route gets the default cache options. Upgrades are never answered
   * from the cache.
   */
  private fromCacheOr(at: CacheCandidate & { pool?: Pool<RouteBackend> }, staleToo: boolean, otherwise: () => void): undefined {
    const { req, res, target } = at;
    const method = req.method ?? 'GET';
    if (!this.cache.enabled || (method !== 'GET' && method !== 'HEAD') || req.headers.upgrade !== undefined) return void otherwise();
    this.cache
      .answerOffline(this.cacheRequestOf(at, at.pool), staleToo)
      .catch((err: Error) => {
        this.logger.warn(`offline cache answer failed for ${method} ${target.origin}: ${err.message}`);
        return false;
      })
      // The cache answers only requests without content (`lookupBypass`), so none has a body
      // left unread, whatever its `Expect`.
      .then((answered) => {
        if (!answered && !res.destroyed && !res.headersSent) otherwise();
      });
    return undefined;
  }

  private assign(admitted: Admitted, backend: TunnelBackend): Forwardable {
    admitted.backend = backend;
    admitted.report.agentId = backend.id;
    if (continueHeldBack.has(admitted.req)) this.inviteBody(admitted, backend);
    return admitted as Forwardable;
  }

  /**
   * A routed request whose client waits for `100 Continue`: the backend answers it through a
   * tunnel that can carry its answer (expect-continue.ts), the proxy otherwise, now.
   */
  private inviteBody({ req, res, exchange }: Admitted, backend: TunnelBackend): void {
    const sender = continueSender({ held: true, hasBody: hasBody(req), features: backend.features });
    if (sender === 'backend') exchange.awaitContinue();
    else res.writeContinue();
  }

  /**
   * Answers a request the proxy takes no further with an error page.
   * @param close the connection closes after the answer: a refused head, whose framing is not to
   *   be trusted
   */
  private refuse(at: Refusable, error: ProxyError, fields: readonly string[] = [], close = false): void {
    const { req, res, report, exchange } = at;
    // A client that sent `Expect: 100-continue` and got no 100 may or may not send its body;
    // the connection closes rather than guess where its next request starts.
    if (close || continueHeldBack.has(req)) closeAfterResponse(req, res, this.settings.linger);
    report.errorCode = error.code;
    sendErrorPage(res, error, exchange.requestId, fields);
  }

  /**
   * Everything before forwarding: refusals of the head, the target and routing; then `go` once
   * the request has a member (see {@link withBackend}). Answers the client itself when the
   * request goes no further. In cluster mode a request another node should serve goes there
   * instead (docs/cluster.md, "Forwarding"), and comes back to this node's own behaviour when
   * no node can take it. The steps are methods over one {@link Admission}, not closures made
   * for every request.
   * @param upgrade set for the server's `upgrade` event; its `refused` is a refusal the caller
   *   already decided on (answered, counted, connection closed)
   */
  private admit(
    req: IncomingMessage,
    res: ServerResponse,
    origin: RequestOrigin | undefined,
    upgrade: Upgrading | undefined,
    go: (forwardable: Forwardable) => void,
  ): void {
    const requestId = requestIdFor(req.headers['x-request-id']);
    const report = new ExchangeReport(requestId, req.method ?? 'GET', req.headers.host, req.url ?? '');
    const exchange = new ProxyExchange(this.settings, { req, res, requestId, report, origin });
    // One listener for the report and the exchange. An upgraded connection is detached from
    // `res` first, so this never fires for it.
    res.on('close', () => {
      this.publish(report, req, res, origin);
      exchange.clientClosed();
    });
    const refusal = upgrade?.refused ?? refusalOf(req, this.settings);
    if (refusal) return this.refuse({ req, res, report, exchange }, refusal, [], true);
    const target = parseTarget(req.url ?? '', req.headers.host);
    if (!target) return this.refuse({ req, res, report, exchange }, new ProxyError('bad_request', 'bad request target'), [], true);
    if (isReservedPath(target.path)) return this.refuse({ req, res, report, exchange }, new ProxyError('reserved_path'));
    if (target.absolute && target.host) adoptTargetHost(req, target.host);
    const at: Admission = { req, res, exchange, report, target, origin, upgrade, go };
    // Rate limits come before routing and the cache: a refused request costs nothing downstream.
    if (this.rateLimits.idle) return this.guarded(at);
    this.rateLimits.admit(
      { req, host: target.host, path: target.path, origin },
      () => this.guarded(at),
      (over) => this.refuse(at, new ProxyError('rate_limited', `policy "${over.policy}"`), over.fields),
    );
  }

  /**
   * The operator's access rules, after the rate limits (a flood of guesses is cut before it
   * costs password checks) and before routing and the cache.
   */
  private guarded(at: Admission): void {
    const denied = this.access.onArrival(at.req, at.target, at.origin);
    if (denied) return this.refuse(at, new ProxyError(denied.code), denied.fields);
    this.route(at, false);
  }

  /** Routes the request: here, or in cluster mode to another node. Again (`elsewhere` set) when the cluster could not take it as it stood. */
  private route(at: Admission, elsewhere: boolean): void {
    const { req, target, origin, report, upgrade } = at;
    const resolution = this.routing.resolve(target.host, target.path, req.headers);
    const remote = this.cluster && !origin?.localOnly ? this.routing.remoteFor(target.host, target.path, resolution) : undefined;
    report.route = undefined;
    if (!remote) return this.local(at, resolution, elsewhere || (origin?.localOnly ?? false));
    const { res, exchange } = at;
    // An upgrade waits like any request while the route is vacant, and is then carried whole.
    if (upgrade && remote.nodes.length > 0) {
      report.route = remote.route;
      const { socket, head } = upgrade;
      const done = (): void => this.publish(report, req);
      const carried = { req, res, socket, head, requestId: exchange.requestId, report, target: target.origin, nodes: spread(remote.nodes), done };
      return this.upgradeRelay!.relay(carried, () => {
        report.route = undefined;
        this.local(at, resolution, true);
      });
    }
    const request = { req, res, requestId: exchange.requestId, report, target: target.origin, hasBody: hasBody(req) };
    this.cluster!.take(request, remote, { again: () => this.route(at, true), giveUp: () => this.giveUp(at) });
  }

  /**
   * The request's route on this node, if any. `elsewhere`: the route exists on other nodes (it
   * was forwarded here, or no node holding it could be reached), so a missing local route is a
   * missing member, not a 404.
   */
  private local(at: Admission, resolution: Resolution | undefined, elsewhere: boolean): void {
    const { req, res, exchange, report, target, origin } = at;
    if (!resolution) {
      const error = elsewhere ? new ProxyError('no_backend', 'no member of the route could take the request') : new ProxyError('no_route');
      return this.fromCacheOr(at, true, () => this.refuse(at, error, noMemberFields(req, origin, undefined)));
    }
    // Only the registration module registers backends, and its sessions are tunnel backends.
    const backend = resolution.backend as TunnelBackend | undefined;
    report.route = resolution.pool;
    exchange.pool = resolution.pool;
    exchange.members = this;
    const deniedHere = this.access.onRoute(req, origin, resolution.pool);
    if (deniedHere) return this.refuse(at, new ProxyError(deniedHere.code), deniedHere.fields);
    const admitted: Admitted = { req, res, exchange, report, target, pool: resolution.pool, origin };
    this.withBackend(backend ? this.assign(admitted, backend) : admitted, at.go);
  }

  /**
   * No node took the request (the route's grace in the cluster is over, or its nodes are busy):
   * a member here (or this node's own grace of the route, if it lasts longer), the cache, or 503.
   */
  private giveUp(at: Admission): void {
    const { req, report, target } = at;
    report.route = undefined;
    const resolution = this.routing.resolve(target.host, target.path, req.headers);
    if (resolution?.backend || (resolution?.pool.vacantUntil ?? 0) > Date.now()) return this.local(at, resolution, true);
    const error = new ProxyError('no_backend', 'no node of the route could take the request');
    this.fromCacheOr(at, true, () => this.refuse(at, error));
  }

  // Published only when someone listens: metrics, the inspector and live events do.
  // Without `res`: an upgraded connection, whose bridge has set the status, head and outcome.
  private publish(report: ExchangeReport, req: IncomingMessage, res?: ServerResponse, origin?: RequestOrigin): void {
    if (this.events.listenerCount('exchange') === 0) return;
    if (res) {
      report.status = res.headersSent ? res.statusCode : 0;
      report.complete = res.writableFinished;
      // The head exactly as the client got it, whoever wrote it (backend relay, cache, error page);
      // none (Node's null) when the client left before one was sent.
      const head = (res as ServerResponse & { _header?: unknown })._header;
      report.responseHead = typeof head === 'string' ? head : undefined;
    }
    report.totalMs = performance.now() - report.started;
    report.scheme = origin?.protocol ?? ((req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http');
    report.httpVersion = req.httpVersion;
    report.requestFields = req.rawHeaders;
    this.events.emit('exchange', report);
  }

  private captureBodies(report: ExchangeReport, requestHasBody: boolean): void {
    const limit = this.events.bodyCaptureBytes;
    report.responseBody = new BodyCapture(limit);
    if (requestHasBody) report.requestBody = new BodyCapture(limit);
  }

  private schemeOf(req: IncomingMessage, origin: RequestOrigin | undefined): 'http' | 'https' {
    const socketProtocol = origin?.protocol ?? ((req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http');
    const forwardedProto = req.headers['x-forwarded-proto'];
    const proto = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto;
    return clientProtocol(origin?.peerAddress ?? req.socket.remoteAddress, socketProtocol, proto, this.settings.trustedProxies);
  }
}

/** What a refusal answers on. */
interface Refusable {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly report: ExchangeReport;
  readonly exchange: ProxyExchange;
}

/** A request on its way through {@link ProxyService.admit}, once its target is known. */
interface Admission extends Refusable {
  readonly target: RequestTarget;
  readonly origin: RequestOrigin | undefined;
  readonly upgrade: Upgrading | undefined;
  /** Where the request goes once it has a member. */
  readonly go: (forwardable: Forwardable) => void;
}

/** What {@link ProxyService.admit} found for a request it let through. */
interface Admitted {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly exchange: ProxyExchange;
  readonly report: ExchangeReport;
  readonly target: RequestTarget;
  readonly pool: Pool<RouteBackend>;
  /** Set when the request crossed the cluster hop. */
  readonly origin?: RequestOrigin;
  /** The member to forward to; undefined until one can take the request. */
  backend?: TunnelBackend;
}

/** A request the cache path may take: what it needs to look up, serve or forward it. */
interface CacheCandidate {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly exchange: ProxyExchange;
  readonly target: RequestTarget;
  readonly origin?: RequestOrigin;
}

/** What the server's `upgrade` event gave besides the request. */
interface Upgrading {
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly refused: ProxyError | undefined;
}

/** An admitted request with the member it goes to. */
interface Forwardable extends Admitted {
  readonly backend: TunnelBackend;
}

/** The cache options of a request that matched no route: the defaults. */
const NO_CACHE_OPTIONS: RouteCacheOptions = Object.freeze({});

/** The relay's backstop beyond the holding node's own request timeout, which answers first. */
const RELAY_TIMEOUT_MARGIN_MS = 2000;

/** `Connection` and `Upgrade` are hop-by-hop: a WebSocket upgrade asks the next hop again. */
const WEBSOCKET_UPGRADE: RequestAdjustment = {
  remove: new Set(),
  add: [
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
  ],
};

/** A GET/1.1 whose `Upgrade` names `websocket` (RFC 6455 §4.1), the one protocol tunnelled. */
function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === 'GET' && req.httpVersion === '1.1' && namesWebSocket(req.headers.upgrade);
}

/** A response object on an upgrade request's socket, for answers that are not a `101`. */
function responseOn(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.assignSocket(socket as Socket);
  // Node's server closes or reuses a socket after each response; here nothing else will.
  res.once('finish', () => {
    if (res.socket === socket) socket.end();
  });
  return res;
}

/**
 * Why a request must not be forwarded as it is, judged from its head alone. Node's parser has
 * already refused malformed framing (CL + TE, bad or duplicate Content-Length, bad chunk
 * sizes, control characters); these are the ambiguities it lets through, each of which the
 * backend could read differently than the proxy did.
 */
function refusalOf(req: IncomingMessage, settings: ProxySettings): ProxyError | undefined {
  if (req.httpVersionMajor !== 1 && !isHttp2Request(req)) return new ProxyError('version_not_supported', `HTTP/${req.httpVersion}`);
  const fields = req.rawHeaders.length / 2;
  if (fields > settings.maxHeaderFields) {
    return new ProxyError('headers_too_large', `more than ${settings.maxHeaderFields} fields`);
  }
  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host, with more than
  // one, or with an invalid one. Node keeps the first of several; a backend could take the last.
  const hosts = fieldCount(req.rawHeaders, 'host');
  if (hosts === 0 && req.httpVersionMinor === 1) return new ProxyError('bad_request', 'no Host field');
  if (hosts > 1) return new ProxyError('bad_request', 'more than one Host field');
  const host = hosts === 1 ? firstFieldValue(req.rawHeaders, 'host') : undefined;
  if (host !== undefined && host !== '' && normalizeRequestHost(host) === undefined) {
    return new ProxyError('bad_request', 'invalid Host field');
  }
  const coding = req.headers['transfer-encoding'];
  if (coding !== undefined) {
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
    if (req.httpVersionMinor === 0) return new ProxyError('bad_request', 'Transfer-Encoding in HTTP/1.0');
    // Node removes only the chunked framing; forwarded without its Transfer-Encoding (a
    // hop-by-hop field), a gzip-coded body would reach the backend as if it were plain.
    if (coding.trim().toLowerCase() !== 'chunked') return new ProxyError('unsupported_transfer_coding', coding);
  }
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > settings.maxBodyBytes) {
    return new ProxyError('body_too_large', `${length} > ${settings.maxBodyBytes} bytes`);
  }
  return undefined;
}

/** The request's fields as the backend will see them, by lowercased name (what `Vary` selects on). */
function forwardedHeaders(req: IncomingMessage, dropped: ReadonlySet<string>): IncomingHttpHeaders {
  let headers = req.headers;
  for (const name of dropped) {
    if (headers[name] === undefined) continue;
    // Copied only when something is dropped, which most requests never need.
    if (headers === req.headers) headers = { ...req.headers };
    delete headers[name];
  }
  return headers;
}

// The exchange forwards the raw header list and reports Host in the forwarding fields; both
// must name the host the request was routed on (RFC 9112 §3.2.2).
function adoptTargetHost(req: IncomingMessage, host: string): void {
  req.rawHeaders = withHost(req.rawHeaders, host);
  req.headers.host = host;
}

