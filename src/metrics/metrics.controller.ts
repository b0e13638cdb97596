import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '../admin/openapi-decorators.js';
import { Registry } from 'prom-client';
import { AdminApi } from '../admin/admin-api.decorator.js';
import { MetricsService } from './metrics.service.js';

/** `GET /_harp/metrics`: the Prometheus scrape, behind the admin access rule (`AdminAuthGuard`). */
@Controller('_harp')
@AdminApi('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics', description: 'Metric names and labels: docs/observability.md.' })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The Prometheus text exposition format, version 0.0.4.', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
