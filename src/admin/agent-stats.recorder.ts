import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ExchangeEvents, type ExchangeReport } from '../exchange/index.js';
import { RegistrationService } from '../registration/registration.service.js';

/**
 * Feeds each agent's {@link AgentStats} from the exchange reports, so that the admin API can
 * show per-agent totals and latency. The stats live on the session and go with it.
 */
@Injectable()
export class AgentStatsRecorder implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly events: ExchangeEvents,
    private readonly registration: RegistrationService,
  ) {}

  onModuleInit(): void {
    this.events.on('exchange', this.record);
  }

  onModuleDestroy(): void {
    this.events.off('exchange', this.record);
  }

  // Runs on the request path, after the response: one map lookup and a few additions.
  private readonly record = (report: ExchangeReport): void => {
    if (report.agentId === undefined) return;
    this.registration.get(report.agentId)?.stats.record(report);
  };
}
