import { Module } from '@nestjs/common';
import { HarpCacheModule } from '../cache/cache.module.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * Prometheus metrics at `GET /_harp/metrics` (see `docs/observability.md`). Part of
 * `HarpModule`; needs `ProxyModule` in the app (its exchange reports), which it deliberately
 * does not import (see `exchange-events-of.ts`).
 */
@Module({
  imports: [RegistrationModule, HarpCacheModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
