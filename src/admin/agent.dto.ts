import { ApiProperty } from './openapi-decorators.js';
import { Matches } from './validation-decorators.js';
import { MemberHealthDto } from './member-health.dto.js';

/** The path parameter of `/_harp/api/agents/{id}`. */
export class AgentIdParams {
  @ApiProperty({ description: 'Agent connection id, as listed.', example: '3f9a0c12b7e4', pattern: '^[0-9a-f]{12}$' })
  @Matches(/^[0-9a-f]{12}$/, { message: 'id must be 12 lowercase hexadecimal digits' })
  id!: string;
}

/** A route an agent holds. */
export class AgentRouteDto {
  @ApiProperty({ example: 'api.example.com' })
  host!: string;

  @ApiProperty({ example: '/v1' })
  path!: string;

  @ApiProperty({ type: MemberHealthDto, description: "The agent's passive health in this route's pool." })
  health!: MemberHealthDto;
}

/** What an agent connection has carried since it connected. */
export class AgentTotalsDto {
  @ApiProperty({ description: 'Public requests routed to this agent.' })
  requests!: number;

  @ApiProperty({ description: 'Of those, the ones answered 5xx or with an X-Harp-Error code.' })
  errors!: number;

  @ApiProperty({ description: 'Request body bytes forwarded to the agent.' })
  bytesIn!: number;

  @ApiProperty({ description: 'Response body bytes relayed from the agent.' })
  bytesOut!: number;
}

/** Time from a request's arrival to the agent's response head. */
export class AgentLatencyDto {
  @ApiProperty({ type: 'number', nullable: true, description: 'Median, in ms (null before the first response).' })
  p50!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: '99th percentile, in ms.' })
  p99!: number | null;

  @ApiProperty({ description: 'Responses measured.' })
  samples!: number;
}

/** One connected agent. */
export class AgentDto {
  @ApiProperty({ example: '3f9a0c12b7e4' })
  id!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'The name the agent gave, if any.' })
  name!: string | null;

  @ApiProperty({ enum: ['hello', 'active', 'draining', 'closed'], description: '`hello`: not authenticated yet.' })
  state!: string;

  @ApiProperty({ example: '203.0.113.7' })
  remoteAddress!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Id of the key rule the agent authenticated with (never the key itself).',
  })
  keyId!: string | null;

  @ApiProperty({ type: [AgentRouteDto] })
  routes!: AgentRouteDto[];

  @ApiProperty({ minimum: 1, maximum: 100, description: 'The share of each pool the agent asked for (default 1).' })
  weight!: number;

  @ApiProperty({ format: 'date-time' })
  connectedAt!: string;

  @ApiProperty({ type: 'number', nullable: true, description: 'Last heartbeat round trip, in ms.' })
  rttMs!: number | null;

  @ApiProperty({ description: 'Requests in flight on the connection now.' })
  inFlightStreams!: number;

  @ApiProperty({ type: AgentTotalsDto })
  totals!: AgentTotalsDto;

  @ApiProperty({ type: AgentLatencyDto })
  latencyMs!: AgentLatencyDto;
}
