import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { HarpConfig } from '../config/index.js';
import { HttpCacheStore } from '../cache/index.js';
import { summaryOf } from '../inspector/exchange-views.js';
import type { InspectedExchange } from '../inspector/inspected-exchange.js';
import { InspectorService } from '../inspector/inspector.service.js';
import { ExchangeEvents, type ExchangeReport } from '../exchange/index.js';
import { RegistrationEvents, type AgentPresence, type RegistrationAnswer } from '../registration/registration-events.js';
import { RegistrationService } from '../registration/registration.service.js';
import { RoutingService } from '../routing/routing.service.js';
import type { AgentEventView, StatsView } from './live-event-views.js';
import { SseClient } from './sse-client.js';
import { TrafficWindow } from './traffic-window.js';

const STATS_INTERVAL_MS = 1000;
const KEEP_ALIVE_MS = 15_000;
/**
 * Exchange events sent per 100 ms, to all streams: 200 a second is more than a person can read,
 * and at 10,000 requests a second formatting every one would cost the proxy real throughput.
 * The rest are counted and reported in `dropped`; rates come from `stats`.
 */
const EXCHANGES_PER_TICK = 20;
const TICK_MS = 100;

/**
 * The proxy's live state: traffic counters kept from start-up, and the SSE stream of
 * `/_harp/api/events`. Listens to agents, routes and exchanges only while a stream is open.
 */
@Injectable()
export class LiveEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly traffic = new TrafficWindow();
  private readonly clients = new Set<SseClient>();
  private readonly startedAt = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private tick = -1;
  private sentInTick = 0;

  constructor(
    private readonly exchanges: ExchangeEvents,
    private readonly inspector: InspectorService,
    private readonly registrations: RegistrationEvents,
    private readonly registration: RegistrationService,
    private readonly routing: RoutingService,
    private readonly cache: HttpCacheStore,
    private readonly config: HarpConfig,
  ) {}

  onModuleInit(): void {
    this.exchanges.on('exchange', this.count);
  }

  onModuleDestroy(): void {
    this.exchanges.off('exchange', this.count);
    for (const client of this.clients) client.close();
    this.clients.clear();
    this.unsubscribe();
  }

  stats(): StatsView {
    const cache = this.cache.stats();
    const lookups = cache.hits + cache.misses;
    return {
      at: new Date().toISOString(),
      node: this.config.nodeId,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      agents: this.registration.list().filter((s) => s.state === 'active' || s.state === 'draining').length,
      routes: this.routing.routeCount,
      ...this.traffic.read(),
      cache: { hits: cache.hits, misses: cache.misses, hitRatio: lookups === 0 ? null : cache.hits / lookups },
    };
  }

  /** Streams events to `res` until it closes. */
  stream(res: ServerResponse): void {
    const client = new SseClient(res);
    client.open();
    if (this.clients.size === 0) this.subscribe();
    this.clients.add(client);
    res.once('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.unsubscribe();
    });
    client.send('stats', JSON.stringify(this.stats()));
  }

  private subscribe(): void {
    this.registrations.on('connected', this.onConnected);
    this.registrations.on('disconnected', this.onDisconnected);
    this.registrations.on('registration', this.onRegistration);
    this.routing.events.on('dropped', this.onDropped);
    this.inspector.recorded.on('recorded', this.onRecorded);
    this.timers = [
      setInterval(() => this.broadcast('stats', JSON.stringify(this.stats())), STATS_INTERVAL_MS),
      setInterval(() => this.clients.forEach((c) => c.keepAlive()), KEEP_ALIVE_MS),
    ];
    this.timers.forEach((t) => t.unref());
  }

  private unsubscribe(): void {
    this.registrations.off('connected', this.onConnected);
    this.registrations.off('disconnected', this.onDisconnected);
    this.registrations.off('registration', this.onRegistration);
    this.routing.events.off('dropped', this.onDropped);
    this.inspector.recorded.off('recorded', this.onRecorded);
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  private broadcast(event: string, data: string): void {
    for (const client of this.clients) client.send(event, data);
  }

  // Errors as the agents' totals count them: a 5xx, or an answer the proxy made itself.
  private readonly count = (report: ExchangeReport): void => {
    const error = report.status >= 500 || report.errorCode !== undefined;
    this.traffic.record(report.totalMs, error, report.bytesIn, report.bytesOut);
  };

  private readonly onRecorded = (exchange: InspectedExchange): void => {
    const tick = Math.floor(performance.now() / TICK_MS);
    if (tick !== this.tick) {
      this.tick = tick;
      this.sentInTick = 0;
    }
    if (this.sentInTick >= EXCHANGES_PER_TICK) {
      for (const client of this.clients) client.skip(exchange.id);
      return;
    }
    this.sentInTick++;
    const data = JSON.stringify(summaryOf(exchange));
    for (const client of this.clients) client.offer('exchange', data, exchange.id);
  };

  private readonly onConnected = (agent: AgentPresence): void => {
    this.broadcast('agent.connected', JSON.stringify(agentView(agent)));
  };

  private readonly onDisconnected = (agent: AgentPresence): void => {
    this.broadcast('agent.disconnected', JSON.stringify(agentView(agent)));
    this.routesChanged();
  };

  private readonly onRegistration = (answer: RegistrationAnswer): void => {
    if (answer.outcome === 'accepted' && answer.route) this.routesChanged();
  };

  // A route dropped at the end of its grace: no registration announces that one.
  private readonly onDropped = (): void => this.routesChanged();

  private routesChanged(): void {
    this.broadcast('routes.changed', JSON.stringify({ routes: this.routing.routeCount }));
  }
}

function agentView(agent: AgentPresence): AgentEventView {
  return { agentId: agent.agentId, keyId: agent.keyId, name: agent.name ?? null };
}
