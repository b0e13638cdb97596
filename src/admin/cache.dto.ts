import { ApiProperty, ApiPropertyOptional } from './openapi-decorators.js';
import { IsIn, IsOptional, Matches, ValidateBy } from './validation-decorators.js';
import { isCacheHost, primaryKeyOfUrl } from './purge-selector.js';

/** The shared cache's counters since start-up. */
export class CacheStatsDto {
  @ApiProperty({ enum: ['memory', 'redis'] })
  backend!: 'memory' | 'redis';

  @ApiProperty({ description: 'False when caching is turned off (`cacheEnabled`).' })
  enabled!: boolean;

  @ApiProperty({ description: 'False while the store is failing (requests are then forwarded uncached).' })
  healthy!: boolean;

  @ApiProperty({ type: 'number', nullable: true, description: 'Stored values; null for Redis.' })
  entries!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: 'Bytes accounted to stored values; null for Redis.' })
  bytes!: number | null;

  @ApiProperty()
  hits!: number;

  @ApiProperty()
  misses!: number;

  @ApiProperty({ type: 'number', nullable: true, description: 'hits / (hits + misses); null before the first lookup.' })
  hitRatio!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: 'Entries the in-memory LRU evicted; null for Redis.' })
  evictions!: number | null;

  @ApiProperty({ description: 'Store operations that failed, timed out or were skipped.' })
  storeErrors!: number;
}

/**
 * What `DELETE /_harp/api/cache` purges: exactly one of `url`, `host` (with an optional
 * `prefix`) or `all=true`.
 */
export class CachePurgeQuery {
  @ApiPropertyOptional({
    description: 'Purge the response stored for this exact URL, with all its Vary variants.',
    example: 'https://api.example.com/v1/items?page=2',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isCacheableUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && primaryKeyOfUrl(value) !== undefined,
      defaultMessage: () => 'url must be an absolute http:// or https:// URL with a host',
    },
  })
  url?: string;

  @ApiPropertyOptional({
    description: 'Purge everything stored for this host (either scheme; a port only if not the default).',
    example: 'api.example.com',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isCacheHost',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isCacheHost(value),
      defaultMessage: () => 'host must be a host name or address, with an optional port',
    },
  })
  host?: string;

  @ApiPropertyOptional({
    description: 'With `host`: only paths under this prefix, on segment boundaries (`/p` takes `/p/x`, not `/px`).',
    example: '/v1',
    default: '/',
  })
  @IsOptional()
  @Matches(/^\/[^?#\s]*$/, { message: 'prefix must be a path starting with /, without query or fragment' })
  @ValidateBy({
    name: 'prefixNeedsHost',
    validator: {
      validate: (_value: unknown, args) => (args?.object as CachePurgeQuery).host !== undefined,
      defaultMessage: () => 'prefix needs host',
    },
  })
  prefix?: string;

  @ApiPropertyOptional({ enum: ['true'], description: 'Purge the whole HTTP cache.' })
  @IsOptional()
  @IsIn(['true'], { message: 'all must be true' })
  all?: 'true';
}

/** The outcome of a purge. */
export class PurgeResultDto {
  @ApiProperty({ description: 'Stored values deleted (responses, variant indexes and variants).', example: 3 })
  purged!: number;
}
