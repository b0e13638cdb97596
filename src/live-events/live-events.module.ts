import { Module } from '@nestjs/common';
import { HarpCacheModule } from '../cache/cache.module.js';
import { InspectorModule } from '../inspector/inspector.module.js';
import { ExchangeEventsModule } from '../exchange/index.js';
import { RegistrationModule } from '../registration/registration.module.js';
import { LiveEventsController } from './live-events.controller.js';
import { LiveEventsService } from './live-events.service.js';

/**
 * `/_harp/api/stats` and the SSE stream `/_harp/api/events` the dashboard lives on. Needs
 * `HarpConfigModule` and `RoutingModule` (both global).
 */
@Module({
  imports: [ExchangeEventsModule, InspectorModule, RegistrationModule, HarpCacheModule],
  controllers: [LiveEventsController],
  providers: [LiveEventsService],
  exports: [LiveEventsService],
})
export class LiveEventsModule {}
