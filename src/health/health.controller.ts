import { Controller, Get, Query, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '../admin/openapi-decorators.js';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthCheckStatus } from '@nestjs/terminus';
import { HealthCheckDto, LivenessDto } from './health.dto.js';
import { HealthService, type ProxyFigures } from './health.service.js';
import { isStrict } from './readiness-query.js';

/** Liveness and readiness, for load balancers and orchestrators: open, never behind auth. */
@Controller('_harp')
@ApiTags('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly service: HealthService,
  ) {}

  /**
   * Liveness: 200 while the process answers, with the figures an operator looks at first. Flat
   * (`{ status, uptimeSeconds, agents, routes }`), as it has always been: scripts read it.
   */
  @Get('healthz')
  // Documented here: Terminus's own Swagger decorators are loaded with `require`, which an
  // ESM-only @nestjs/swagger does not always satisfy.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness', operationId: 'liveness' })
  @ApiOkResponse({ type: LivenessDto })
  async liveness(): Promise<{ status: HealthCheckStatus } & ProxyFigures> {
    const { status } = await this.health.check([() => this.service.proxy()]);
    return { status, ...this.service.figures() };
  }

  /**
   * Readiness: 503 while a dependency does not answer (Redis, when configured) or the proxy is
   * shutting down, so that a load balancer stops sending traffic here. In cluster mode a lost
   * Redis leaves the node ready but `degraded` (docs/cluster.md, "While Redis is away"), unless
   * the probe asks with `?strict`.
   */
  @Get('readyz')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness', operationId: 'readiness' })
  @ApiQuery({
    name: 'strict',
    required: false,
    type: String,
    description: 'In cluster mode: answer 503 while Redis or the cluster directory is down, instead of 200 `degraded`.',
  })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Ready (`ok`), or in cluster mode ready without Redis (`degraded`).' })
  @ApiServiceUnavailableResponse({
    type: HealthCheckDto,
    description: 'Not ready: Redis does not answer (in cluster mode: with `?strict`), or shutting down.',
  })
  readiness(@Query('strict') strict?: string | string[]): Promise<HealthCheckResult> {
    const shuttingDown = this.service.shuttingDown();
    if (shuttingDown) throw new ServiceUnavailableException(shuttingDown);
    const tolerant = this.service.tolerant(isStrict(strict));
    return this.health.check([() => this.service.proxy(), () => this.service.redis(tolerant), () => this.service.directory(tolerant)]);
  }
}
