import { Global, Module } from '@nestjs/common';

import { RoutingService } from './routing.service.js';

/**
 * Provides the one {@link RoutingService} of the process. Global because registration writes to
 * it and the proxy reads from it, and both must see the same table.
 */
@Global()
@Module({
  providers: [RoutingService],
  exports: [RoutingService],
})
export class RoutingModule {}
