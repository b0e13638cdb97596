import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import { HarpTunnelHealthIndicator } from 'harp-proxy/backend';

/** `GET /health`: 200 while a proxy has this application's routes, 503 otherwise. */
@Controller('health')
export class HealthController {
  // Explicit tokens, so that the example also runs under tsx, whose esbuild emits no decorator
  // metadata; with `nest build` or swc, the types alone would do.
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HarpTunnelHealthIndicator) private readonly tunnel: HarpTunnelHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.tunnel.isHealthy('harp')]);
  }
}
