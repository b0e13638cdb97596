import { Module } from '@nestjs/common';
import { ProxyController } from './proxy.controller.js';
import { ProxyService } from './proxy.service.js';

/**
 * Public traffic to backends. Import it after every module with controllers of its own: its
 * catch-all route takes whatever nobody else claimed.
 */
@Module({
  controllers: [ProxyController],
  providers: [ProxyService],
  exports: [ProxyService],
})
export class ProxyModule {}
