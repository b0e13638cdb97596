import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ExchangeEvents, type ExchangeReport } from '../exchange/index.js';
import { outcomeOf } from './member-health.js';
import { RoutingService } from './routing.service.js';

/**
 * Feeds each pool member's passive health from the exchange reports: the outcome of every
 * request a member served counts towards (or resets) its ejection.
 */
@Injectable()
export class MemberHealthRecorder implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly events: ExchangeEvents,
    private readonly routing: RoutingService,
  ) {}

  onModuleInit(): void {
    this.events.on('exchange', this.record);
  }

  onModuleDestroy(): void {
    this.events.off('exchange', this.record);
  }

  // Runs on the request path, after the response: a route lookup and a few comparisons.
  private readonly record = (report: ExchangeReport): void => {
    if (report.agentId === undefined || report.route === undefined) return;
    this.routing.recordOutcome(report.route, report.agentId, outcomeOf(report));
  };
}
