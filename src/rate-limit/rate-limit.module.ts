import { Module } from '@nestjs/common';
import { RateLimitGate } from './rate-limit.gate.js';

/**
 * Rate limits on public requests: the {@link RateLimitGate} the proxy asks before routing, and
 * whose totals metrics read. Needs `HarpConfig` and `RoutingService` (both global).
 */
@Module({
  providers: [RateLimitGate],
  exports: [RateLimitGate],
})
export class RateLimitModule {}
