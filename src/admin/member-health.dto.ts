import { ApiProperty } from './openapi-decorators.js';

/** A pool member's passive health on one route. */
export class MemberHealthDto {
  @ApiProperty({
    enum: ['healthy', 'ejected', 'half-open'],
    description:
      '`ejected`: passed over after consecutive upstream failures until `ejectedUntil`; `half-open`: the backoff passed and one trial request decides.',
  })
  state!: 'healthy' | 'ejected' | 'half-open';

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the ejection ends (null while healthy).' })
  ejectedUntil!: string | null;

  @ApiProperty({ description: 'Consecutive failed requests counted so far (upstream_error, timeout, agent_gone).' })
  consecutiveFailures!: number;
}
