import { Injectable } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { HarpConfig } from '../config/index.js';
import { isReservedUrl } from '../http/reserved-prefix.js';
import { routeName } from '../exchange/route-name.js';
import { ExchangeEvents, type ExchangeReport } from '../exchange/index.js';
import { HarpLogger } from './root-logger.js';
import type { SecretScrubber } from './secret-scrubber.js';

/** The message of every access line (pino-http's, so that both kinds of request line match). */
export const ACCESS_MESSAGE = 'request completed';

/** One access line's fields (`docs/observability.md`). */
export interface AccessRecord {
  readonly requestId: string;
  readonly method: string;
  readonly host: string | undefined;
  readonly target: string;
  /** `1.1`, `1.0` or `2.0`: what the client spoke. */
  readonly httpVersion: string;
  readonly status: number;
  readonly route: string | undefined;
  readonly agent: string | undefined;
  readonly cache: string | undefined;
  readonly error: string | undefined;
  readonly ms: number;
  readonly bytes: number;
  readonly bytesIn: number;
  readonly complete: boolean;
}

/** The fields logged for `report` (undefined ones are left out of the line). */
export function accessRecord(report: ExchangeReport, scrubber?: SecretScrubber): AccessRecord {
  return {
    requestId: report.requestId,
    method: report.method,
    host: report.host,
    target: scrubber ? scrubber.scrub(report.target) : report.target,
    httpVersion: report.httpVersion,
    status: report.status,
    route: report.route && routeName(report.route),
    agent: report.agentId,
    cache: report.cache,
    error: report.errorCode,
    ms: Math.round(report.totalMs * 100) / 100,
    bytes: report.bytesOut,
    bytesIn: report.bytesIn,
    complete: report.complete,
  };
}

/**
 * One `info` line per public request, from its exchange report: public traffic never passes
 * through Express, so pino-http does not see it (and `/_harp/*` is left to pino-http). Subscribes only when `accessLog` is on and
 * `info` is enabled, so that a quiet proxy pays nothing per request.
 */
@Injectable()
export class AccessLog implements OnModuleInit, OnModuleDestroy {
  private readonly log?: Logger;
  private readonly write = (report: ExchangeReport): void => {
    // `/_harp/*` reaches the proxy only through Express's catch-all, where pino-http logs it.
    if (isReservedUrl(report.target)) return;
    this.log!.info(accessRecord(report, this.logs.scrubber), ACCESS_MESSAGE);
  };

  constructor(
    config: HarpConfig,
    private readonly logs: HarpLogger,
    private readonly events: ExchangeEvents,
  ) {
    if (config.accessLog && logs.pino.isLevelEnabled('info')) this.log = logs.pino.child({ context: 'Access' });
  }

  /** Whether lines are written (false with `accessLog: false` or a level above `info`). */
  get enabled(): boolean {
    return this.log !== undefined;
  }

  onModuleInit(): void {
    if (!this.log) return;
    this.events.on('exchange', this.write);
  }

  onModuleDestroy(): void {
    this.events.off('exchange', this.write);
  }
}
