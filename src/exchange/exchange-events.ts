import { EventEmitter } from 'node:events';
import { Injectable, Module } from '@nestjs/common';
import type { ExchangeReport } from './exchange-report.js';

interface ExchangeEventMap {
  exchange: [report: ExchangeReport];
}

/**
 * Where finished exchanges are published. Subscribers (metrics, inspector, live events) must
 * be quick: they run on the request path, after the response is over.
 */
@Injectable()
export class ExchangeEvents extends EventEmitter<ExchangeEventMap> {
  /**
   * Bytes of each request and response body to keep in the report (0: none). Set by a
   * subscriber that shows bodies (the inspector); the proxy reads it per request.
   */
  bodyCaptureBytes = 0;
}

/**
 * Provides the one {@link ExchangeEvents} of an app: the proxy publishes into it, and every
 * observer (metrics, logging, inspector, live events, agent stats) imports this module and
 * injects it. Observers never import `ProxyModule` for it: that module's catch-all route would
 * then be registered ahead of their own routes. In an app without the proxy nothing is
 * published, and observers simply see no exchange.
 */
@Module({ providers: [ExchangeEvents], exports: [ExchangeEvents] })
export class ExchangeEventsModule {}
