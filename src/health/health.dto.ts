import { ApiProperty, ApiPropertyOptional } from '../admin/openapi-decorators.js';

/** Indicator name → `{ status, …data }`. */
const INDICATOR = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['up', 'down', 'degraded'] } },
  additionalProperties: true,
};

/** Terminus's health check result. */
export class HealthCheckDto {
  @ApiProperty({
    enum: ['ok', 'error', 'degraded', 'shutting_down'],
    description:
      '`ok`: ready. `degraded` (cluster mode): ready, but Redis or the cluster directory does not answer. ' +
      '`error`: not ready. `shutting_down`: not ready, stopping.',
  })
  status!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: INDICATOR,
    description: 'Indicators that are up (or degraded).',
  })
  info?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: INDICATOR, description: 'Indicators that are down.' })
  error?: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: INDICATOR,
    description: 'Every indicator: `proxy`, and `redis` and `cluster` for readiness; `shutdown` alone while shutting down.',
  })
  details!: Record<string, unknown>;
}

/** Liveness: the figures an operator looks at first. */
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: string;

  @ApiProperty({ description: 'Seconds since the proxy started.' })
  uptimeSeconds!: number;

  @ApiProperty({ description: 'Agent connections.' })
  agents!: number;

  @ApiProperty({ description: 'Routes in the table.' })
  routes!: number;
}
