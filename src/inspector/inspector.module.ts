import { Module } from '@nestjs/common';
import { ExchangeEventsModule } from '../exchange/index.js';
import { InspectorController } from './inspector.controller.js';
import { InspectorService } from './inspector.service.js';
import { ReplayService } from './replay.service.js';

/**
 * The request inspector under `/_harp/api/inspector`: recent exchanges, detail, replay and HAR
 * export, behind the admin access rule. Needs `HarpConfigModule` (global); observes the proxy
 * through `ExchangeEventsModule`, so its place before `ProxyModule` in `imports` is safe.
 */
@Module({
  imports: [ExchangeEventsModule],
  controllers: [InspectorController],
  providers: [InspectorService, ReplayService],
  exports: [InspectorService],
})
export class InspectorModule {}
