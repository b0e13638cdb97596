import { Module } from '@nestjs/common';
import { HarpCacheModule } from '../cache/cache.module.js';
import { ExchangeEventsModule } from '../exchange/index.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { ShutdownModule } from '../shutdown/shutdown.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { RateLimitModule } from '../rate-limit/index.js';

/**
 * Prometheus metrics at `GET /_harp/metrics` (see `docs/observability.md`). Part of
 * `HarpModule`; counts the exchanges the proxy publishes through `ExchangeEventsModule`.
 */
@Module({
  imports: [RegistrationModule, HarpCacheModule, ExchangeEventsModule, ShutdownModule, RateLimitModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
