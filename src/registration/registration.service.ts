import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { effectiveKeyRules, HarpConfig } from '../config/index.js';
import type { KeyRule } from '../config/index.js';
import { acceptedFeatures, CloseCode, parseAgentControl, parseRate, ProtocolError } from '../protocol/index.js';
import type { AcceptedRoute, AgentControl, RegisterRouteClaim, RouteClaim, RouteRejection } from '../protocol/index.js';
import type { RouteOptions } from '../routing/route.js';
import { plainAddress } from '../http/forwarding.js';
import { RoutingService } from '../routing/routing.service.js';
import { TunnelConnection } from '../tunnel/tunnel-connection.js';
import { AgentSession, routeKey } from './agent-session.js';
import { Heartbeat } from './heartbeat.js';
import { findKeyRule, mayClaim, mayClaimPath } from './key-rules.js';
import type { ClaimedRoute } from './key-rules.js';
import { originOfListeners, originOfUrl, routeUrl } from './public-origin.js';
import type { PublicOrigin } from './public-origin.js';
import { SubdomainClaims, ttlMsOf } from './subdomain-claims.js';
import { armLifetime, disarmAll, disarmLifetime } from './route-lifetime.js';
import { memoizedAccess } from './agent-access.js';
import type { AccessPolicy } from '../access/index.js';
import { RegistrationEvents } from './registration-events.js';
import { withdrawalsFor, withdrawnRoute } from './route-withdrawal.js';
import type { OwnershipConflict } from './route-withdrawal.js';

/** Time an agent has, once connected, to say hello. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * Owns every agent connection from upgrade to close: the hello and its key, route claims,
 * heartbeats, drain, and clean-up that removes a gone agent's routes at once.
 */
@Injectable()
export class RegistrationService implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('Registration');
  private readonly sessions = new Map<string, AgentSession>();
  private readonly rules: readonly KeyRule[];
  /** Time an agent has, once connected, to say hello. Not configuration; tests shorten it. */
  helloTimeoutMs = HELLO_TIMEOUT_MS;
  /**
   * The node id `welcome` names (docs/protocol.md §7.1): only in cluster mode, where it lets an
   * agent that reaches the cluster through several URLs or addresses hold one connection per
   * node. A single proxy sends none, as before.
   */
  private readonly nodeId: string | undefined;
  /** Subdomain claims and the names held (docs/protocol.md §7.6); cluster mode shares its ledger. */
  readonly subdomains: SubdomainClaims;
  /**
   * Where the public reaches this proxy, for the URLs agents are told: `publicUrl`, else the
   * listeners once they are bound. Unknown (no URLs) for HARP's modules inside another Nest app,
   * whose own server listens where this service cannot see: set `publicUrl` there.
   */
  private origin: PublicOrigin | undefined;

  constructor(
    private readonly config: HarpConfig,
    private readonly routing: RoutingService,
    private readonly events: RegistrationEvents,
  ) {
    this.rules = effectiveKeyRules(config);
    this.nodeId = config.clusterSecret === undefined ? undefined : config.nodeId;
    this.subdomains = new SubdomainClaims(config);
    this.origin = config.publicUrl === undefined ? undefined : originOfUrl(config.publicUrl);
    if (config.publicDomain !== undefined && !this.subdomains.tokensLast) {
      this.logger.warn('reconnect tokens will not survive a restart of this proxy: set reconnectSecret (HARP_RECONNECT_SECRET) or key');
    }
  }

  /**
   * The ports the proxy listens on, once bound (port 0 picks one): the URLs told to agents name
   * them, unless `publicUrl` says where the public reaches the proxy.
   */
  listening(ports: { port: number; tlsPort?: number }): void {
    if (this.config.publicUrl === undefined) this.origin = originOfListeners(ports, this.config.publicDomain);
  }

  onModuleDestroy(): void {
    this.subdomains.close();
  }

  /** Connected agents, oldest first. */
  list(): AgentSession[] {
    return [...this.sessions.values()];
  }

  get(id: string): AgentSession | undefined {
    return this.sessions.get(id);
  }

  /** Takes over a freshly upgraded agent WebSocket. */
  attach(socket: WebSocket, req: IncomingMessage): AgentSession {
    const tunnel = new TunnelConnection(socket, 'proxy', {
      windowBytes: this.config.windowBytes,
      maxFrameBytes: this.config.maxFrameBytes,
      maxStreams: this.config.maxStreamsPerAgent,
    });
    const session = new AgentSession(randomBytes(6).toString('hex'), tunnel, plainAddress(req.socket.remoteAddress));
    this.sessions.set(session.id, session);
    session.features = acceptedFeatures(req.headers['harp-features']);
    tunnel.features = new Set(session.features);
    const helloTimer = setTimeout(() => tunnel.close(CloseCode.HelloTimeout, 'no hello'), this.helloTimeoutMs);
    const heartbeat = new Heartbeat(
      socket,
      this.config.heartbeatMs,
      (ms) => (session.rttMs = ms),
      () => this.drop(session, 'missed two heartbeats'),
    );
    heartbeat.start();
    socket.on('error', (err) => this.logger.warn(`agent ${session.id}: ${err.message}`));
    tunnel.on('control', (message) => this.onControl(session, message, helloTimer));
    tunnel.on('protocolError', (err) => {
      this.logger.warn(`agent ${session.id} broke the protocol (${err.code}): ${err.message}`);
      this.detach(session); // its routes go now, not when the close handshake ends
    });
    tunnel.on('close', () => {
      clearTimeout(helloTimer);
      heartbeat.stop();
      this.detach(session);
    });
    return session;
  }

  /** Stops new traffic to an agent; it closes once its in-flight streams are done. */
  drain(session: AgentSession, reason = 'drained by the proxy'): void {
    if (session.state !== 'active') return;
    session.state = 'draining';
    session.tunnel.sendControl({ type: 'drain', reason });
    this.closeWhenIdle(session, Date.now() + this.config.drainTimeoutMs);
  }

  /** Disconnects an agent now; its in-flight requests fail. */
  disconnect(session: AgentSession, reason = 'disconnected by the proxy'): void {
    session.tunnel.close(CloseCode.Kicked, reason);
    this.detach(session);
  }

  /**
   * The proxy is shutting down and no longer accepts connections: every agent is told to
   * connect again (to another proxy, behind a load balancer) and move its routes there
   * (docs/protocol.md §7.5). No new streams go to it here; its connection closes with 1001 once
   * those in flight are done. An agent that has not said hello yet has nothing to finish.
   */
  goAway(reason: string): void {
    for (const session of this.sessions.values()) {
      if (session.state === 'hello') {
        session.tunnel.close(CloseCode.GoingAway, reason);
        this.detach(session);
      } else if (session.state === 'active') {
        session.state = 'draining';
        session.tunnel.sendControl({ type: 'goaway', reason });
        this.closeGoneAwayWhenIdle(session, reason);
      }
    }
  }

  /**
   * Takes a route away from the agents here that hold it with a key other than its owner, and
   * tells each with `withdrawn` (docs/protocol.md §7.2): cluster mode found, after accepting
   * it, that another key owns the route (docs/cluster.md, "Route ownership"). Their requests
   * in flight finish; no new one reaches them for this route. Returns how many were withdrawn.
   */
  withdraw(conflict: OwnershipConflict): number {
    const withdrawals = withdrawalsFor(this.sessions.values(), conflict);
    for (const { session, route } of withdrawals) {
      this.routing.unregister(session, route);
      this.forget(session, route);
      if (!session.tunnel.isClosed) session.tunnel.sendControl({ type: 'withdrawn', routes: [withdrawnRoute(route)] });
      this.logger.warn(`agent ${session.id} no longer serves ${route.host}${route.path}: key "${conflict.owner}" owns it in the cluster`);
    }
    // No grace for a key that never owned the route: kept vacant here, it would refuse the
    // owner's own agents on this node.
    if (withdrawals.length > 0) this.routing.endGrace(conflict);
    return withdrawals.length;
  }

  /** Closes what the shutdown left: connections whose streams it cut, or that never got idle. */
  beforeApplicationShutdown(): void {
    for (const session of this.sessions.values()) {
      session.tunnel.close(CloseCode.GoingAway, 'proxy shutting down');
      this.detach(session);
    }
  }

  private onControl(session: AgentSession, raw: unknown, helloTimer: NodeJS.Timeout): void {
    try {
      const message = parseAgentControl(raw);
      if (session.state === 'hello' && message.type !== 'hello') {
        throw new ProtocolError('control_bad_message', 'the first message must be hello');
      }
      this.handle(session, message, helloTimer);
    } catch (err) {
      if (err instanceof ProtocolError) session.tunnel.fail(err);
      else throw err;
    }
  }

  private handle(session: AgentSession, message: AgentControl, helloTimer: NodeJS.Timeout): void {
    switch (message.type) {
      case 'hello':
        clearTimeout(helloTimer);
        return this.hello(session, message.key, message.name, message.weight);
      case 'register':
        return this.queue(session, () => this.register(session, message.id, message.routes), subdomainFieldsCheck(session, message.routes));
      case 'unregister':
        return this.queue(session, async () => this.unregister(session, message.id, message.routes));
      case 'drain':
        return this.agentDrains(session);
      case 'error':
        // The agent closes the connection after it; its reason is what an operator needs.
        this.logger.warn(`agent ${session.id} reported ${message.code}: ${message.message}`);
        return;
    }
  }

  // The agent is stopping: no new stream for it from now on, and it is told so, so that it can
  // close as soon as its streams end without cutting one the proxy had just sent.
  private agentDrains(session: AgentSession): void {
    session.tunnel.sendControl({ type: 'draining' });
    if (session.state !== 'active') return; // already draining: its close is on its way
    session.state = 'draining';
    this.closeWhenIdle(session, Date.now() + this.config.drainTimeoutMs);
  }

  private hello(session: AgentSession, key: string, name: string | undefined, weight = 1): void {
    if (session.state !== 'hello') throw new ProtocolError('control_bad_message', 'second hello');
    const rule = findKeyRule(this.rules, key);
    if (!rule) {
      this.logger.warn(`agent ${session.id} from ${session.remoteAddress} presented an unknown key`);
      this.events.emit('registration', { agentId: session.id, outcome: 'rejected', code: 'key_rejected' });
      session.tunnel.sendControl({
        type: 'rejected',
        code: 'key_rejected',
        reason: 'the key is not accepted by this proxy',
      });
      session.tunnel.close(CloseCode.Unauthorized, 'key rejected');
      return;
    }
    session.rule = rule;
    session.name = name;
    session.weight = weight;
    session.state = 'active';
    const { limits } = session.tunnel;
    session.tunnel.sendControl({
      type: 'welcome',
      agentId: session.id,
      ...(this.nodeId === undefined ? {} : { nodeId: this.nodeId }),
      ...(session.features === undefined ? {} : { features: session.features }),
      heartbeatMs: this.config.heartbeatMs,
      windowBytes: limits.windowBytes,
      maxFrameBytes: limits.maxFrameBytes,
      maxStreams: limits.maxStreams,
    });
    // The rule's id, never the key: logs and events must not carry secrets.
    this.logger.log(`agent ${session.id} (${name ?? 'unnamed'}) connected with key "${rule.id}"`);
    this.events.emit('connected', { agentId: session.id, keyId: rule.id, name });
  }

  // Registers and unregisters run one after the other, in the order they came: some wait for
  // the cluster's answer on a subdomain, and their answers must not overtake each other.
  private queue(session: AgentSession, work: () => Promise<void>, refused?: ProtocolError): void {
    if (refused) throw refused;
    session.pending = session.pending.then(work).catch((err: unknown) => {
      this.logger.error(`agent ${session.id}: registration failed: ${(err as Error).stack ?? String(err)}`);
    });
  }

  private async register(session: AgentSession, id: number, routes: RegisterRouteClaim[]): Promise<void> {
    const accepted: AcceptedRoute[] = [];
    const rejected: RouteRejection[] = [];
    // One set of rules sent for many routes (connect({ access })) is hashed once, not per route.
    const asked = memoizedAccess(session.rule!);
    for (const claim of routes) {
      const outcome = await this.claimOne(session, claim, asked);
      if (session.state === 'closed') return; // detach released what it held; nobody to answer
      if ('code' in outcome) rejected.push(outcome);
      else accepted.push(outcome);
    }
    session.tunnel.sendControl({ type: 'registered', id, accepted, rejected });
    for (const route of accepted) this.logger.log(`agent ${session.id} serves ${route.host}${route.path}`);
    this.announce(session, accepted, rejected);
  }

  /** One route of a `register`: accepted (as the agent is told it) or rejected. */
  private async claimOne(session: AgentSession, claim: RegisterRouteClaim, asked: ReturnType<typeof memoizedAccess>): Promise<AcceptedRoute | RouteRejection> {
    const rule = session.rule!;
    const resolved = await this.subdomains.resolve(claim, rule, session.id);
    if (!resolved.ok) return resolved.rejection;
    const { host, name, token } = resolved.claim;
    const { subdomain, ttl: _ttl, token: _token, ...settings } = claim;
    const route: RouteClaim = { ...settings, host };
    const refuse = (code: string, reason: string): RouteRejection => {
      // The name stays held while another route of this session is on it.
      if (name !== undefined && ![...session.names.values()].includes(name)) this.subdomains.release(name, session.id);
      return { host, path: claim.path, code, reason, ...(subdomain === undefined ? {} : { subdomain }) };
    };
    if (session.state === 'closed') return refuse('route_forbidden', 'the agent is gone');
    // For a subdomain the key's `subdomains` stands in for its host rules.
    if (!(subdomain === undefined ? mayClaim(rule, route) : mayClaimPath(rule, route.path))) {
      return refuse('route_forbidden', `key "${session.keyId}" may not claim it`);
    }
    if (claim.rateLimit !== undefined && rule.agentRateLimits !== true) {
      return refuse('rate_limit_forbidden', `key "${session.keyId}" may not ask for a rate limit (its rule has no agentRateLimits)`);
    }
    const access = claim.access ? asked(claim.access) : undefined;
    if (access && 'code' in access) return refuse(access.code, access.reason);
    const result = this.routing.register(session, route, routeOptions(route, access));
    if (!result.ok) return refuse(result.code, result.reason);
    const key = routeKey(result.route);
    session.routes.set(key, result.route);
    if (name !== undefined) session.names.set(key, name);
    const ttlMs = ttlMsOf(claim);
    armLifetime(session, result.route, ttlMs, () => this.expire(session, result.route));
    if (!session.features?.includes('subdomains')) return result.route;
    const url = this.origin && routeUrl(this.origin, result.route);
    return {
      ...result.route,
      ...(url === undefined ? {} : { url }),
      ...(subdomain === undefined ? {} : { subdomain }),
      ...(token === undefined ? {} : { token }),
      ...(ttlMs === undefined ? {} : { ttlMs }),
    };
  }

  /**
   * A route's `ttl` has passed (docs/protocol.md §7.6): the route goes as a vanished one does,
   * except that no grace keeps it (no member is coming back), and the agent is told. Streams
   * in flight finish; new requests get what a route that does not exist gets.
   */
  private expire(session: AgentSession, route: ClaimedRoute): void {
    if (session.state === 'closed' || !session.routes.has(routeKey(route))) return;
    this.routing.unregister(session, route);
    this.forget(session, route);
    this.routing.endGrace(route);
    if (!session.tunnel.isClosed) session.tunnel.sendControl({ type: 'expired', routes: [{ host: route.host, path: route.path }] });
    this.logger.log(`agent ${session.id} no longer serves ${route.host}${route.path}: its ttl has passed`);
  }

  /** Drops `route` from the session's books: its entry, its ttl timer and the subdomain it held. */
  private forget(session: AgentSession, route: ClaimedRoute): void {
    const key = routeKey(route);
    session.routes.delete(key);
    disarmLifetime(session, route);
    const name = session.names.get(key);
    session.names.delete(key);
    // Another route of this session (another path) may still be on the name.
    if (name !== undefined && ![...session.names.values()].includes(name)) this.subdomains.release(name, session.id);
  }

  private announce(session: AgentSession, accepted: ClaimedRoute[], rejected: RouteRejection[]): void {
    if (this.events.listenerCount('registration') === 0) return;
    const { id: agentId, keyId } = session;
    for (const { host, path } of accepted) this.events.emit('registration', { agentId, keyId, outcome: 'accepted', route: { host, path } });
    for (const { host, path, code } of rejected) {
      this.events.emit('registration', { agentId, keyId, outcome: 'rejected', code, route: { host, path } });
    }
  }

  private unregister(session: AgentSession, id: number, routes: RouteClaim[]): void {
    const accepted: AcceptedRoute[] = [];
    for (const claim of routes) {
      const held = [...session.routes.values()].find((r) => this.sameRoute(r, claim));
      if (!held) continue;
      this.routing.unregister(session, held);
      this.forget(session, held);
      accepted.push({ host: held.host, path: held.path });
    }
    session.tunnel.sendControl({ type: 'registered', id, accepted, rejected: [] });
  }

  private sameRoute(held: RouteClaim, claim: RouteClaim): boolean {
    return held.host === claim.host.toLowerCase() && held.path === claim.path;
  }

  private closeWhenIdle(session: AgentSession, deadline: number): void {
    if (session.state === 'closed') return;
    const open = session.tunnel.streams.size;
    if (open === 0) return session.tunnel.close(CloseCode.Normal, 'drained');
    if (Date.now() >= deadline) {
      this.logger.warn(`agent ${session.id} still had ${open} request(s) in flight after drainTimeoutMs; closing it`);
      session.tunnel.close(CloseCode.Normal, `drained; ${open} request(s) cut after drainTimeoutMs`);
      return this.detach(session);
    }
    setTimeout(() => this.closeWhenIdle(session, deadline), 100).unref();
  }

  // No deadline: the shutdown's own timeout cuts the streams, then beforeApplicationShutdown runs.
  private closeGoneAwayWhenIdle(session: AgentSession, reason: string): void {
    if (session.state === 'closed' || session.tunnel.isClosed) return;
    if (session.tunnel.streams.size === 0) return session.tunnel.close(CloseCode.GoingAway, reason);
    setTimeout(() => this.closeGoneAwayWhenIdle(session, reason), 50).unref();
  }

  private drop(session: AgentSession, why: string): void {
    this.logger.warn(`agent ${session.id} ${why}; dropping it`);
    session.tunnel.close(CloseCode.HeartbeatTimeout, why);
    this.detach(session);
  }

  // Routes go first, before the socket finishes closing: no request may be routed to an agent
  // that is known to be gone.
  private detach(session: AgentSession): void {
    if (session.state === 'closed') return;
    session.state = 'closed';
    this.routing.unregisterAll(session);
    disarmAll(session);
    for (const name of new Set(session.names.values())) this.subdomains.release(name, session.id);
    session.names.clear();
    this.sessions.delete(session.id);
    if (!session.rule) return;
    this.logger.log(`agent ${session.id} disconnected`);
    this.events.emit('disconnected', { agentId: session.id, keyId: session.rule.id, name: session.name });
  }
}

/**
 * A register that uses the `subdomains` feature's fields on a connection without it breaks the
 * protocol (§3.5 rule 5): the answer could not tell the agent what it got.
 */
function subdomainFieldsCheck(session: AgentSession, routes: readonly RegisterRouteClaim[]): ProtocolError | undefined {
  if (session.features?.includes('subdomains')) return undefined;
  const uses = routes.some((r) => r.host === undefined || r.ttl !== undefined || r.token !== undefined);
  return uses ? new ProtocolError('control_bad_message', 'subdomain, ttl and token need the subdomains feature') : undefined;
}

function routeOptions(claim: RouteClaim, access?: AccessPolicy): RouteOptions {
  const { balance, sticky, rateLimit } = claim;
  return {
    ...(claim.cache ? { cache: cacheOptions(claim.cache) } : {}),
    // Kept out of the shared cache: a node that does not hold the route's agents could not check
    // its rules before answering from it (docs/cluster.md, "Access rules").
    ...(access ? { access, cache: { enabled: false } } : {}),
    ...(balance ? { balance } : {}),
    // Header names compare case-insensitively (RFC 9110 §5.1); Node lower-cases them on arrival.
    ...(sticky ? { sticky: 'header' in sticky ? { header: sticky.header.toLowerCase() } : { cookie: sticky.cookie } } : {}),
    // The schema has checked the text already.
    ...(rateLimit ? { rateLimit: parseRate(rateLimit) } : {}),
  };
}

function cacheOptions({ enabled, defaultTtlSeconds }: NonNullable<RouteClaim['cache']>): RouteOptions['cache'] {
  return { enabled, defaultTtlMs: defaultTtlSeconds === undefined ? undefined : defaultTtlSeconds * 1000 };
}

