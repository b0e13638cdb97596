import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { HarpTunnel } from './harp-tunnel.service.js';
import { isServing } from './tunnel-status.js';

/**
 * A `@nestjs/terminus` health indicator for the tunnel: up while a proxy has the application's
 * routes (at least one accepted), down otherwise, with the tunnel's state and routes either way.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.tunnel.isHealthy('harp')]); }
 * ```
 */
@Injectable()
export class HarpTunnelHealthIndicator {
  constructor(
    @Inject(HarpTunnel) private readonly tunnel: HarpTunnel,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
  ) {}

  /** The tunnel's health under `key`. */
  isHealthy<const Key extends string = 'harp'>(key: Key = 'harp' as Key): HealthIndicatorResult<Key> {
    const status = this.tunnel.status();
    const data = { state: status.state, routes: [...status.routes], ...(status.reason ? { reason: status.reason } : {}) };
    const indicator = this.indicators.check(key);
    return isServing(status) ? indicator.up(data) : indicator.down(data);
  }
}
