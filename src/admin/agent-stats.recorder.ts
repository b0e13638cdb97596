import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ExchangeEvents, type ExchangeReport } from '../proxy/exchange-report.js';
import { RegistrationService } from '../registration/registration.service.js';

/**
 * Feeds each agent's {@link AgentStats} from the exchange reports, so that the admin API can
 * show per-agent totals and latency. The stats live on the session and go with it.
 *
 * `ExchangeEvents` is looked up rather than injected: injecting it would mean importing
 * `ProxyModule` here, and a module that imports `ProxyModule` ahead of the proxy's own place
 * (last) registers the catch-all controller early, where it would shadow every route after it.
 */
@Injectable()
export class AgentStatsRecorder implements OnModuleInit, OnModuleDestroy {
  private events?: ExchangeEvents;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly registration: RegistrationService,
  ) {}

  onModuleInit(): void {
    try {
      this.events = this.moduleRef.get(ExchangeEvents, { strict: false });
    } catch {
      return; // no proxy in this application: there is nothing to count
    }
    this.events.on('exchange', this.record);
  }

  onModuleDestroy(): void {
    this.events?.off('exchange', this.record);
  }

  // Runs on the request path, after the response: one map lookup and a few additions.
  private readonly record = (report: ExchangeReport): void => {
    if (report.agentId === undefined) return;
    this.registration.get(report.agentId)?.stats.record(report);
  };
}
