import { Injectable } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HttpCacheStore } from '../cache/http-cache-store.js';
import { ExchangeEvents, type ExchangeReport } from '../exchange/index.js';
import { RegistrationEvents } from '../registration/registration-events.js';
import type { RegistrationAnswer } from '../registration/registration-events.js';
import { HarpConfig } from '../config/index.js';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService, type MemberHealthEvent } from '../routing/routing.service.js';
import { ShutdownService } from '../shutdown/shutdown.service.js';
import { registerAgentMetrics } from './agent-collectors.js';
import { registerCacheMetrics } from './cache-collectors.js';
import { registerExchangeMetrics } from './exchange-collectors.js';
import { registerRoutingMetrics } from './routing-collectors.js';
import { registerGraceMetrics } from './grace-collectors.js';
import { ExchangeMetrics } from './exchange-metrics.js';
import { processMetricsRegistry } from './process-metrics.js';
import { registerShutdownMetric } from './shutdown-collector.js';
import { RateLimitGate } from '../rate-limit/index.js';
import { registerRateLimitMetrics } from './rate-limit-collectors.js';

/**
 * HARP's Prometheus metrics: a registry of this app's own (never prom-client's global one),
 * fed by exchange reports, registration events and pool members' health changes, plus the
 * process's metrics.
 *
 * Per public request it does {@link ExchangeMetrics.record} and nothing else; everything else
 * is read when Prometheus scrapes.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  /** This app's metrics (not the process's: see {@link render}). */
  readonly registry = new Registry();
  private readonly exchanges = new ExchangeMetrics();
  private readonly countAnswer: (answer: RegistrationAnswer) => void;
  private readonly onExchange = (report: ExchangeReport): void => this.exchanges.record(report);
  private readonly onAnswer = (answer: RegistrationAnswer): void => this.countAnswer(answer);
  private readonly onHealthChange: (event: MemberHealthEvent) => void;

  constructor(
    private readonly exchangeEvents: ExchangeEvents,
    private readonly registrationEvents: RegistrationEvents,
    registration: RegistrationService,
    cache: HttpCacheStore,
    private readonly routing: RoutingService,
    shutdown: ShutdownService,
    config: HarpConfig,
    rateLimits: RateLimitGate,
  ) {
    // In a cluster every node's series say which node they come from, so that a dashboard over
    // several nodes can sum them or tell them apart; a single proxy's output stays as it was.
    if (config.clusterSecret !== undefined) this.registry.setDefaultLabels({ node: config.nodeId });
    registerExchangeMetrics(this.registry, this.exchanges);
    this.countAnswer = registerAgentMetrics(this.registry, registration);
    registerCacheMetrics(this.registry, cache);
    this.onHealthChange = registerRoutingMetrics(this.registry, routing);
    registerGraceMetrics(this.registry, routing);
    registerShutdownMetric(this.registry, shutdown);
    registerRateLimitMetrics(this.registry, rateLimits);
  }

  /** The Content-Type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Everything in the Prometheus text format (0.0.4). */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetricsRegistry().metrics()]);
    return own + process;
  }

  onModuleInit(): void {
    this.exchangeEvents.on('exchange', this.onExchange);
    this.registrationEvents.on('registration', this.onAnswer);
    this.routing.healthEvents.on('change', this.onHealthChange);
  }

  onModuleDestroy(): void {
    this.exchangeEvents.off('exchange', this.onExchange);
    this.registrationEvents.off('registration', this.onAnswer);
    this.routing.healthEvents.off('change', this.onHealthChange);
  }
}
