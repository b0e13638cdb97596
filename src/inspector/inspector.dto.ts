import { ApiProperty, ApiPropertyOptional } from '../admin/openapi-decorators.js';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, Type } from '../admin/validation-decorators.js';
import { REDACTED } from '../http/redaction.js';
import type {
  BodyView,
  ExchangeDetailView,
  ExchangeFilter,
  ExchangeListView,
  ExchangeSummaryView,
  FieldView,
  TimingsView,
} from './inspector-views.js';

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'] as const;

/** Filters of the inspector list. */
export class InspectorQuery implements ExchangeFilter {
  @ApiPropertyOptional({ description: 'Host as received, without case or port.', example: 'api.example.com' })
  @IsOptional()
  @Matches(/^[^\s/?#]{1,255}$/, { message: 'host must be a host name, without path or spaces' })
  host?: string;

  @ApiPropertyOptional({ description: 'Keep paths starting with this string.', example: '/webhooks' })
  @IsOptional()
  @Matches(/^\/[^\s?#]*$/, { message: 'pathPrefix must be a path starting with /, without query or fragment' })
  pathPrefix?: string;

  @ApiPropertyOptional({ enum: STATUS_CLASSES, description: 'Status class; `none` for exchanges that sent no status.' })
  @IsOptional()
  @IsIn(STATUS_CLASSES, { message: `status must be one of ${STATUS_CLASSES.join(', ')}` })
  status?: (typeof STATUS_CLASSES)[number];

  @ApiPropertyOptional({ description: 'At most this many, newest first.', minimum: 1, maximum: 100000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100000, { message: 'limit must be at most 100000' })
  limit?: number;
}

/** The path parameter of `/_harp/api/inspector/requests/{id}`. */
export class ExchangeIdParams {
  @ApiProperty({ description: 'Exchange id, as listed.', example: '42', pattern: '^[1-9][0-9]{0,15}$' })
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'id must be a positive whole number' })
  id!: string;
}

export class FieldDto implements FieldView {
  @ApiProperty({ example: 'Content-Type' })
  name!: string;

  @ApiProperty({ example: 'application/json', description: `\`${REDACTED.inspector}\` for secret fields.` })
  value!: string;
}

export class BodyDto implements BodyView {
  @ApiProperty({ description: 'Body bytes that passed through, kept or not.' })
  size!: number;

  @ApiProperty({ description: 'Whether bytes past the kept ones were not recorded.' })
  truncated!: boolean;

  @ApiProperty({ enum: ['utf8', 'base64'] })
  encoding!: 'utf8' | 'base64';

  @ApiProperty({ description: 'The kept bytes in that encoding.' })
  text!: string;
}

export class TimingsDto implements TimingsView {
  @ApiProperty({ type: 'number', nullable: true, description: 'Arrival → request sent to a backend, ms.' })
  queueMs!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: "Request sent → backend's response head, ms." })
  backendMs!: number | null;

  @ApiProperty({ description: 'Arrival → response over, ms.' })
  totalMs!: number;
}

export class ExchangeRouteDto {
  @ApiProperty({ example: 'api.example.com' })
  host!: string;

  @ApiProperty({ example: '/' })
  path!: string;
}

/** One recorded exchange in a list. */
export class ExchangeSummaryDto implements ExchangeSummaryView {
  @ApiProperty({ example: '42', description: "The inspector's id (unique per proxy process)." })
  id!: string;

  @ApiProperty({ description: 'The X-Request-ID the backend saw.' })
  requestId!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ example: 'POST' })
  method!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'api.example.com' })
  host!: string | null;

  @ApiProperty({ example: '/webhooks/github?delivery=1', description: 'Path and query as received.' })
  target!: string;

  @ApiProperty({ example: 200, description: 'Status sent to the client; 0 if none was.' })
  status!: number;

  @ApiProperty({ type: 'string', nullable: true, example: 'no_route', description: 'X-Harp-Error code.' })
  errorCode!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'hit', description: '`hit`, the Cache-Status `fwd` reason, or `stale-offline` (stale, served because no backend could answer).' })
  cache!: string | null;

  @ApiProperty({ description: 'Whether the response was delivered whole.' })
  complete!: boolean;

  @ApiProperty({ type: ExchangeRouteDto, nullable: true })
  route!: ExchangeRouteDto | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The agent that served it (the last one tried).' })
  agentId!: string | null;

  @ApiProperty({
    example: 0,
    description: 'Times it was sent again to another agent before one answered (0: the first attempt served it).',
  })
  retries!: number;

  @ApiProperty({ description: 'Request body bytes received.' })
  bytesIn!: number;

  @ApiProperty({ description: 'Response body bytes sent.' })
  bytesOut!: number;

  @ApiProperty({ type: TimingsDto })
  timings!: TimingsDto;

  @ApiProperty({ type: 'string', nullable: true, description: 'On a replay: the id of the exchange it repeated.' })
  replayOf!: string | null;
}

export class RequestPartDto {
  @ApiProperty({ example: '1.1' })
  httpVersion!: string;

  @ApiProperty({ type: [FieldDto] })
  headers!: FieldDto[];

  @ApiProperty({ type: BodyDto, nullable: true, description: 'Null when bodies are not recorded or there was none.' })
  body!: BodyDto | null;
}

export class ResponsePartDto {
  @ApiProperty({ type: 'string', nullable: true, example: '1.1', description: 'Null when no response head was sent.' })
  httpVersion!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'OK' })
  statusText!: string | null;

  @ApiProperty({ type: [FieldDto] })
  headers!: FieldDto[];

  @ApiProperty({ type: BodyDto, nullable: true })
  body!: BodyDto | null;
}

/** One recorded exchange in full. */
export class ExchangeDetailDto extends ExchangeSummaryDto implements ExchangeDetailView {
  @ApiProperty({ type: RequestPartDto })
  request!: RequestPartDto;

  @ApiProperty({ type: ResponsePartDto })
  response!: ResponsePartDto;
}

/** Recent exchanges, newest first. */
export class ExchangeListDto implements ExchangeListView {
  @ApiProperty({ type: [ExchangeSummaryDto] })
  entries!: ExchangeSummaryDto[];

  @ApiProperty({ description: 'Exchanges held, before filtering.' })
  held!: number;

  @ApiProperty({ description: 'How many the inspector holds at most (inspectorCapacity).' })
  capacity!: number;

  @ApiProperty({ description: 'Whether bodies are recorded (inspectorBodies).' })
  bodies!: boolean;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Id of the newest exchange held, filtered or not: live events up to it are already counted in `held`.',
  })
  newestId!: string | null;

  @ApiProperty({ example: 'edge-1-4711-a3f9c2', description: 'The node that holds these exchanges (`HARP_NODE_ID`); each node keeps its own.' })
  node!: string;
}
