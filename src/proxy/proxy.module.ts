import { Module } from '@nestjs/common';
import { HarpCacheModule } from '../cache/index.js';
import { CachingProxy } from './caching-proxy.js';
import { ExchangeEventsModule } from '../exchange/index.js';
import { ProxyController } from './proxy.controller.js';
import { ProxyService } from './proxy.service.js';
import { AccessGate } from './access-gate.js';
import { RateLimitModule } from '../rate-limit/index.js';

/**
 * Public traffic to backends. Import it after every module with controllers of its own: its
 * catch-all route takes whatever nobody else claimed.
 */
@Module({
  imports: [HarpCacheModule, ExchangeEventsModule, RateLimitModule],
  controllers: [ProxyController],
  providers: [ProxyService, CachingProxy, AccessGate],
  exports: [ProxyService, ExchangeEventsModule],
})
export class ProxyModule {}
