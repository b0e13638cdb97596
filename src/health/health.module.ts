import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheBackendModule } from '../cache/cache.module.js';
import { ClusterModule } from '../cluster/index.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { ShutdownModule } from '../shutdown/shutdown.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

/**
 * `/_harp/healthz` (liveness) and `/_harp/readyz` (readiness) on `@nestjs/terminus`. Needs
 * `HarpConfigModule` and `RoutingModule` (global).
 */
@Module({
  imports: [TerminusModule.forRoot(), RegistrationModule, CacheBackendModule, ClusterModule, ShutdownModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
