import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { CacheBackend } from '../cache/index.js';
import { ClusterNode } from '../cluster/index.js';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService } from '../routing/routing.service.js';
import { ShutdownService } from '../shutdown/shutdown.service.js';

/**
 * How long readiness waits for Redis to answer a PING. Short: a load balancer's probe has its
 * own timeout (often 1–5 s), and a Redis slower than this is not one to send traffic through.
 */
export const READINESS_PING_TIMEOUT_MS = 1000;

/** The figures an operator looks at first. */
export interface ProxyFigures {
  readonly uptimeSeconds: number;
  readonly agents: number;
  readonly routes: number;
}

/** Health indicators of the proxy, for `HealthCheckService.check`. */
@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly registration: RegistrationService,
    private readonly routing: RoutingService,
    private readonly cache: CacheBackend,
    private readonly shutdown: ShutdownService,
    // Null outside cluster mode (cluster.module.ts).
    @Optional() @Inject(ClusterNode) private readonly cluster: ClusterNode | null,
  ) {}

  figures(): ProxyFigures {
    return {
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      agents: this.registration.list().length,
      routes: this.routing.routeCount,
    };
  }

  /** The process answers: always up while it can run this. */
  proxy(): HealthIndicatorResult<'proxy'> {
    return this.indicators.check('proxy').up({ ...this.figures() });
  }

  /**
   * Readiness from the first moment of a shutdown, before the listener closes (load balancers
   * must see it while requests are still accepted): Terminus's shape, with its own status word.
   * Terminus sets that status itself only in its `beforeApplicationShutdown`, after the drain.
   */
  shuttingDown(): HealthCheckResult | undefined {
    if (!this.shutdown.shuttingDown) return undefined;
    const shutdown = { status: 'down' as const, message: 'the proxy is shutting down' };
    return { status: 'shutting_down', info: {}, error: { shutdown }, details: { shutdown } };
  }

  /**
   * Whether a lost Redis only degrades readiness: in cluster mode, unless the probe is strict. A
   * node cut off from Redis still serves its own agents, forwards by the directory it last knew
   * and answers cache misses from its agents, and every node of a cluster loses the same Redis at
   * once: failing readiness for it would take the whole edge out of its load balancer
   * (docs/cluster.md, "While Redis is away").
   */
  tolerant(strict: boolean): boolean {
    return Boolean(this.cluster) && !strict;
  }

  /**
   * The cluster directory (cluster mode only): up while both Redis connections are up and this
   * node's last write went through (`ClusterDirectory.healthy`); otherwise degraded (`tolerant`)
   * or down, with what the node does meanwhile.
   */
  directory(tolerant: boolean): HealthIndicatorResult<'cluster'> {
    const check = this.indicators.check('cluster');
    if (!this.cluster) return check.up({ configured: false });
    const nodes = this.cluster.nodes();
    const known = { configured: true, nodeId: nodes[0]?.id, nodes: nodes.length };
    if (this.cluster.healthy) return check.up(known);
    const takenBy = this.cluster.idTakenBy;
    const cutOff = {
      ...known,
      message: takenBy
        ? `the node at ${takenBy} has this node's id: this node stays out of the directory and serves only its own agents`
        : "the cluster directory (Redis) is unreachable or refused this node's state: serving its own agents, " +
          'forwarding by the directory it last knew, publishing its changes when Redis is back',
    };
    return tolerant ? check.degraded(cutOff) : check.down(cutOff);
  }

  /**
   * The shared state answers: with `redisUrl` configured (and the cache on), a PING through the
   * cache's own client within {@link READINESS_PING_TIMEOUT_MS}; otherwise nothing to check. A
   * failed PING is down, or degraded when `tolerant` (the cache then answers every lookup as a miss).
   */
  async redis(tolerant = false): Promise<HealthIndicatorResult<'redis'>> {
    const check = this.indicators.check('redis');
    if (this.cache.kind !== 'redis') return check.up({ configured: false });
    try {
      const started = performance.now();
      await this.cache.ping(READINESS_PING_TIMEOUT_MS);
      return check.up({ configured: true, pingMs: Math.round(performance.now() - started) });
    } catch (error) {
      const failed = { configured: true, message: error instanceof Error ? error.message : String(error) };
      return tolerant ? check.degraded(failed) : check.down(failed);
    }
  }
}
