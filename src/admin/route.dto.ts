import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

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

  @ApiProperty({ enum: ['round-robin'], description: 'How requests are shared across the pool.' })
  balancing!: 'round-robin';

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
