import { Global, Module } from '@nestjs/common';

import { ExchangeEventsModule } from '../exchange/index.js';
import { MemberHealthRecorder } from './member-health.recorder.js';
import { RoutingService } from './routing.service.js';

/**
 * Provides the one {@link RoutingService} of the process. Global because registration writes to
 * it and the proxy reads from it, and both must see the same table. Its members' passive health
 * is fed from the exchanges the proxy publishes.
 */
@Global()
@Module({
  imports: [ExchangeEventsModule],
  providers: [RoutingService, MemberHealthRecorder],
  exports: [RoutingService],
})
export class RoutingModule {}
