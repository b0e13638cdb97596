import { ApiProperty, ApiPropertyOptional } from './openapi-decorators.js';
import { IsString, Matches } from './validation-decorators.js';
import { MemberHealthDto } from './member-health.dto.js';

/** How the shared cache treats a route, as its latest registration set it. */
export class RouteCacheDto {
  @ApiProperty({ description: 'False when the route opted out of the shared cache.' })
  enabled!: boolean;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'Lifetime given to cacheable responses that state none, in seconds.',
  })
  defaultTtlSeconds!: number | null;
}

/** Where a sticky route reads the value that keeps a client on one member: exactly one is set. */
export class RouteStickyDto {
  @ApiPropertyOptional({ example: 'x-user', description: 'A request header (lower-cased).' })
  header?: string;

  @ApiPropertyOptional({ example: 'sid', description: 'A cookie of the Cookie field.' })
  cookie?: string;
}

/** One member of a route's pool, as the balancer sees it. */
export class RouteMemberDto {
  @ApiProperty({ example: '3f9a0c12b7e4', description: 'The agent connection id.' })
  id!: string;

  @ApiProperty({ minimum: 1, maximum: 100, description: "The agent's share of the pool, relative to the other members." })
  weight!: number;

  @ApiProperty({ description: 'Requests in flight on the agent connection now.' })
  inFlight!: number;

  @ApiProperty({ type: MemberHealthDto })
  health!: MemberHealthDto;
}

/** One route of the live table. */
export class RouteDto {
  @ApiProperty({ example: '*.example.com', description: 'Host pattern: exact, `*.suffix` or `*`.' })
  host!: string;

  @ApiProperty({ example: '/api', description: 'Path prefix, matched on segment boundaries.' })
  path!: string;

  @ApiProperty({ enum: ['exact', 'wildcard', 'any'] })
  hostKind!: string;

  @ApiProperty({ description: 'Id of the key rule that owns the route.' })
  ownerKeyId!: string;

  @ApiProperty({ type: [String], description: 'Ids of the agents serving it, in registration order.' })
  pool!: string[];

  @ApiProperty({ type: [RouteMemberDto], description: 'The pool in registration order, with weight, load and health.' })
  members!: RouteMemberDto[];

  @ApiProperty({
    enum: ['round-robin', 'least-requests'],
    description: 'How requests are shared across the pool, as the latest registration asked.',
  })
  balancing!: 'round-robin' | 'least-requests';

  @ApiProperty({ type: RouteStickyDto, nullable: true, description: 'Null when the route is not sticky.' })
  sticky!: RouteStickyDto | null;

  @ApiProperty({ type: RouteCacheDto })
  cache!: RouteCacheDto;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'While the route has no agent and is kept for its owner (its grace): when it ends. Null otherwise.',
  })
  graceUntil!: string | null;

  @ApiProperty({ description: 'Requests waiting for an agent of this route right now.' })
  heldRequests!: number;
}

/** Which route `DELETE /_harp/api/routes/grace` ends the grace of: its host pattern and prefix, as listed. */
export class RouteSelectorQuery {
  @ApiProperty({ example: 'api.example.com', description: 'The route\'s host pattern.' })
  @IsString()
  host!: string;

  @ApiProperty({ example: '/', description: 'The route\'s path prefix.' })
  @IsString()
  @Matches(/^\//, { message: 'path must start with /' })
  path!: string;
}
