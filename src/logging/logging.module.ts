import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { HarpConfig } from '../config/index.js';
import { ExchangeEventsModule } from '../exchange/index.js';
import { AccessLog } from './access-log.js';
import { httpLoggingParams } from './http-logging.js';
import type { HarpLoggingOptions } from './logging-options.js';
import { createHarpLogger, HarpLogger } from './root-logger.js';

/** Provides the root {@link HarpLogger}, for nestjs-pino's factory and the access log alike. */
@Module({})
class HarpLoggerModule {}

/**
 * Structured logs (`docs/observability.md`): nestjs-pino as Nest's logger, pino-http for
 * `/_harp/*`, and one access line per public request. The standalone server imports it (after
 * `HarpModule`) and calls `app.useLogger(app.get(Logger))`; an app that embeds HARP may import
 * it the same way, or keep its own logging.
 *
 * nestjs-pino keeps one root logger per process (its first app's): in a process running
 * several HARP apps, Nest-side lines of later apps go to the first app's destination, while
 * each app's access log keeps its own.
 */
@Module({})
export class HarpLoggingModule {
  static forRoot(options: HarpLoggingOptions = {}): DynamicModule {
    const root: DynamicModule = {
      module: HarpLoggerModule,
      providers: [{ provide: HarpLogger, inject: [HarpConfig], useFactory: (config: HarpConfig) => createHarpLogger(config, options) }],
      exports: [HarpLogger],
    };
    return {
      module: HarpLoggingModule,
      imports: [
        root,
        ExchangeEventsModule,
        LoggerModule.forRootAsync({ imports: [root], inject: [HarpLogger, HarpConfig], useFactory: httpLoggingParams }),
      ],
      providers: [AccessLog],
      exports: [root, AccessLog],
    };
  }
}
