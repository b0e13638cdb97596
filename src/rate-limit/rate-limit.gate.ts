import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { HarpConfig } from '../config/index.js';
import type { RequestOrigin } from '../http/cluster-hop.js';
import { clientAddressOf, TrustedProxies } from '../http/forwarding.js';
import { normalizeRequestHost } from '../routing/route-pattern.js';
import { RoutingService } from '../routing/routing.service.js';
import { MemoryBuckets, RedisBuckets, type Buckets, type Take } from './buckets.js';
import { createBucketClient } from './bucket-client.js';
import { limitedFields } from './limited-fields.js';
import { RateLimitPlan, type Charge, type LimitScope } from './rate-limit-plan.js';

/** How long one take may wait for Redis before the memory buckets answer it instead. */
export const REDIS_TAKE_TIMEOUT_MS = 250;

/** A request the gate refused: the policy that did, and the fields of its 429. */
export interface RateLimited {
  /** The policy's name, for the error page's detail. */
  readonly policy: string;
  /** `Retry-After`, `RateLimit-Policy`, `RateLimit`, raw form. */
  readonly fields: readonly string[];
}

/** What {@link RateLimitGate.admit} reads of a request. */
export interface GateRequest {
  readonly req: IncomingMessage;
  /** The host the request is routed on (Host, or an absolute target's authority), as received. */
  readonly host: string | undefined;
  /** The path without the query. */
  readonly path: string;
  /** Set when another node forwarded the request (the cluster hop). */
  readonly origin?: RequestOrigin;
}

/** Requests refused by one policy since start-up, for metrics. */
export interface LimitedTotal {
  readonly rule: string;
  readonly scope: LimitScope;
  count: number;
}

/**
 * Rate limits on public requests (docs/configuration.md, "Rate limits"): the per-client limit of
 * `rateLimit`, the rules of `rateLimits`, and the limit a route's agents asked for. One call per
 * request, before routing and the cache, so that a refused request costs nothing downstream.
 *
 * Counted once, on the node that received the request: one another node forwarded
 * (`origin.localOnly`) was counted there, and is charged here only the limit its route's agents
 * asked for, which the receiving node could not know unless it holds the route itself.
 */
@Injectable()
export class RateLimitGate implements OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly plan: RateLimitPlan;
  private readonly trusted: TrustedProxies;
  private readonly buckets: Buckets;
  private readonly limited = new Map<string, LimitedTotal>();
  /** Takes the memory buckets answered because Redis failed or was slow. */
  fallbacks = 0;
  /** Between a fallback and the next take Redis answers: one warning per outage. */
  private outage = false;

  constructor(config: HarpConfig, private readonly routing: RoutingService) {
    this.plan = new RateLimitPlan(config);
    this.trusted = new TrustedProxies(config.trustedProxies);
    this.buckets = config.redisUrl === undefined ? new MemoryBuckets() : this.redisBuckets(config.redisUrl, config.redisPrefix);
  }

  /**
   * Calls `go` when `request` is within every limit that applies to it (at once, without a
   * promise, when none does), else `refuse`. Never fails a request for its own reasons: a
   * bucket store that cannot answer lets it through.
   */
  admit(request: GateRequest, go: () => void, refuse: (limited: RateLimited) => void): void {
    const charges = this.chargesOf(request);
    if (charges.length === 0) return go();
    void Promise.all(charges.map((charge) => this.buckets.take(charge.key, charge.policy.rate))).then(
      (takes) => {
        // The client left while its tokens were taken: nothing to answer.
        if (request.req.socket?.destroyed) return;
        const refusal = longestRefusal(charges, takes);
        if (!refusal) return go();
        this.count(refusal.charge);
        refuse({ policy: refusal.charge.policy.name, fields: limitedFields(refusal.charge.policy, refusal.take.msBeforeNext) });
      },
      (error: Error) => {
        this.logger.error(`rate limit check failed, request let through: ${error.stack ?? error.message}`);
        go();
      },
    )
      // What `go` or `refuse` throw here would otherwise be an unhandled rejection, which ends
      // the process; the request's own 'close' still publishes what happened to it.
      .catch((error: Error) => this.logger.error(`request failed after its rate limit check: ${error.stack ?? error.message}`));
  }

  /** Nothing to count: no limit configured and no route asked for one (the usual case). */
  get idle(): boolean {
    return !this.plan.configured && !this.routing.routeLimitsAsked;
  }

  /** Requests refused since start-up, by policy. */
  limitedTotals(): readonly LimitedTotal[] {
    return [...this.limited.values()];
  }

  async onModuleDestroy(): Promise<void> {
    await this.buckets.close();
  }

  private chargesOf({ req, host, path, origin }: GateRequest): Charge[] {
    if (this.idle) return [];
    const pool = this.routing.poolAt(host, path);
    const rateLimit = pool?.options.rateLimit;
    if (!this.plan.configured && rateLimit === undefined) return [];
    const route = pool && { host: pool.host, path: pool.path, rateLimit };
    if (origin?.localOnly) return this.plan.routeCharges(route);
    return this.plan.charges({ host: normalizeRequestHost(host) ?? '', path, client: this.clientOf(req, origin), route });
  }

  /** The client's address as the forwarding fields name it: a trusted proxy's chain is believed. */
  private clientOf(req: IncomingMessage, origin: RequestOrigin | undefined): string {
    return clientAddressOf(origin?.peerAddress ?? req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trusted);
  }

  private count(charge: Charge): void {
    const { name: rule, scope } = charge.policy;
    const id = `${rule}\u0000${scope}`;
    const total = this.limited.get(id);
    if (total) total.count++;
    else this.limited.set(id, { rule, scope, count: 1 });
  }

  private redisBuckets(url: string, prefix: string): RedisBuckets {
    const client = createBucketClient(url, () => undefined);
    return new RedisBuckets(client, `${prefix}ratelimit:`, REDIS_TAKE_TIMEOUT_MS, {
      fellBack: (error) => {
        this.fallbacks++;
        if (this.outage) return;
        this.outage = true;
        this.logger.warn(`Redis unavailable for rate limits (${(error as Error).message}); counting in memory on this node until it is back`);
      },
      recovered: () => {
        this.outage = false;
        this.logger.log('Redis is back: rate limits are shared again');
      },
    });
  }
}

/** The refused take whose bucket fills last: the honest `Retry-After` when several refuse. */
function longestRefusal(charges: readonly Charge[], takes: readonly Take[]): { charge: Charge; take: Take } | undefined {
  let found: { charge: Charge; take: Take } | undefined;
  takes.forEach((take, index) => {
    if (!take.allowed && (!found || take.msBeforeNext > found.take.msBeforeNext)) found = { charge: charges[index]!, take };
  });
  return found;
}
