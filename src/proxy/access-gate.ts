import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { HarpConfig, compileRulePattern, HOST_PATTERN_FLAGS, PATH_PATTERN_FLAGS } from '../config/index.js';
import type { HttpErrorCode } from '../errors/index.js';
import type { RequestOrigin } from '../http/cluster-hop.js';
import { clientAddressOf, TrustedProxies } from '../http/forwarding.js';
import { withoutFields } from '../http/raw-fields.js';
import { normalizeRequestHost } from '../routing/route-pattern.js';
import type { Pool } from '../routing/pool.js';
import type { RouteBackend } from '../routing/route-backend.js';
import { CredentialCheck, decideAccess, policiesFor, storedPolicy } from '../access/index.js';
import type { AccessDecision, AccessPolicy, OperatorRule } from '../access/index.js';

/** A request the gate turns away: the error code and the fields its answer carries. */
export interface AccessRefusal {
  readonly code: Extract<HttpErrorCode, 'unauthorized' | 'ip_denied'>;
  /** Raw header list: `WWW-Authenticate` challenges for a 401. */
  readonly fields: readonly string[];
}

const IP_DENIED: AccessRefusal = Object.freeze({ code: 'ip_denied', fields: [] });
const AUTHORIZATION = new Set(['authorization']);

/**
 * Visitor access rules at the proxy's door (docs/configuration.md, "Access rules"). The proxy
 * asks twice: on arrival, for the operator's rules, before routing, the cluster or the cache can
 * do anything with the request; and once the request has a route here, for the rules its agents
 * asked for, before a member or the cache of that route is used. A request another node
 * forwarded is asked both again (the holding node alone knows its agents' rules). Once the
 * request is through, the `Authorization` a rule checked is removed before a backend sees it.
 */
@Injectable()
export class AccessGate {
  private readonly rules: readonly OperatorRule[];
  private readonly trusted: TrustedProxies;
  private readonly check = new CredentialCheck();
  /** Requests whose `Authorization` the operator's rules checked: removed once they are routed. */
  private readonly consumed = new WeakSet<IncomingMessage>();

  constructor(config: HarpConfig) {
    this.trusted = new TrustedProxies(config.trustedProxies);
    this.rules = config.access.map((rule) => ({
      hosts: rule.hosts.map((source) => compileRulePattern(source, HOST_PATTERN_FLAGS)),
      paths: rule.paths.map((source) => compileRulePattern(source, PATH_PATTERN_FLAGS)),
      policy: storedPolicy(rule),
    }));
  }

  /** The operator's rules for a request that just arrived; undefined when it may go on. */
  onArrival(req: IncomingMessage, target: { host: string | undefined; path: string }, origin: RequestOrigin | undefined): AccessRefusal | undefined {
    if (this.rules.length === 0) return undefined;
    const policies = policiesFor(this.rules, normalizeRequestHost(target.host), target.path);
    const decision = this.decide(policies, req, origin);
    if (decision.outcome === 'allow' && decision.consumed) this.consumed.add(req);
    return refusalOf(decision);
  }

  /**
   * The rules the agents of `pool`, the request's route on this node, asked for; undefined when
   * the request may go on to a member or the cache, its checked `Authorization` removed.
   */
  onRoute(req: IncomingMessage, origin: RequestOrigin | undefined, pool: Pool<RouteBackend>): AccessRefusal | undefined {
    const asked = pool.options.access;
    let consumed = this.rules.length > 0 && this.consumed.has(req);
    if (asked) {
      const decision = this.decide([asked], req, origin);
      if (decision.outcome !== 'allow') return refusalOf(decision);
      consumed ||= decision.consumed;
    }
    if (consumed) removeAuthorization(req);
    return undefined;
  }

  private decide(policies: readonly AccessPolicy[], req: IncomingMessage, origin: RequestOrigin | undefined): AccessDecision {
    if (policies.length === 0) return decideAccess(policies, { address: undefined, authorization: undefined }, this.check);
    // Across the cluster hop, the peer the receiving node saw, as for the forwarding fields.
    const address = clientAddressOf(origin?.peerAddress ?? req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trusted);
    return decideAccess(policies, { address, authorization: req.headers.authorization }, this.check);
  }
}

function refusalOf(decision: AccessDecision): AccessRefusal | undefined {
  switch (decision.outcome) {
    case 'allow':
      return undefined;
    case 'ip_denied':
      return IP_DENIED;
    case 'unauthorized':
      return { code: 'unauthorized', fields: decision.challenges.flatMap((challenge) => ['WWW-Authenticate', challenge]) };
  }
}

// The credentials were HARP's to check, not the backend's: it must not see (or log) them.
function removeAuthorization(req: IncomingMessage): void {
  req.rawHeaders = withoutFields(req.rawHeaders, AUTHORIZATION);
  delete req.headers.authorization;
}
