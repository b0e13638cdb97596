import { ApiProperty } from '../admin/openapi-decorators.js';
import type { StatsView } from './live-event-views.js';

export class TrafficTotalsDto {
  @ApiProperty({ description: 'Public requests finished since start-up.' })
  requests!: number;

  @ApiProperty({ description: 'Of those, answered 5xx or with an X-Harp-Error code.' })
  errors!: number;

  @ApiProperty({ description: 'Request body bytes received.' })
  bytesIn!: number;

  @ApiProperty({ description: 'Response body bytes sent.' })
  bytesOut!: number;
}

export class RecentTrafficDto {
  @ApiProperty({ example: 10 })
  windowSeconds!: number;

  @ApiProperty()
  requestsPerSecond!: number;

  @ApiProperty()
  errorsPerSecond!: number;

  @ApiProperty({ type: 'number', nullable: true, description: 'Median total time, ms; null without requests.' })
  p50Ms!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: '99th percentile total time, ms.' })
  p99Ms!: number | null;
}

export class CacheRatioDto {
  @ApiProperty()
  hits!: number;

  @ApiProperty()
  misses!: number;

  @ApiProperty({ type: 'number', nullable: true, description: 'hits / (hits + misses); null before any lookup.' })
  hitRatio!: number | null;
}

/** The proxy's live state: also the `stats` event of `/_harp/api/events`. */
export class StatsDto implements StatsView {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ example: 'edge-1-4711-a3f9c2', description: 'The node these figures are of (`HARP_NODE_ID`); each node counts its own.' })
  node!: string;

  @ApiProperty()
  uptimeSeconds!: number;

  @ApiProperty({ description: 'Connected (authenticated) agents.' })
  agents!: number;

  @ApiProperty({ description: 'Routes in the table.' })
  routes!: number;

  @ApiProperty({ type: TrafficTotalsDto })
  totals!: TrafficTotalsDto;

  @ApiProperty({ type: RecentTrafficDto, description: 'Over the last windowSeconds.' })
  recent!: RecentTrafficDto;

  @ApiProperty({ type: CacheRatioDto })
  cache!: CacheRatioDto;
}
