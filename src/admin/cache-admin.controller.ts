import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse } from './openapi-decorators.js';
import { AdminApi } from './admin-api.decorator.js';
import { CacheAdminService } from './cache-admin.service.js';
import { CachePurgeQuery, CacheStatsDto, PurgeResultDto } from './cache.dto.js';
import { ErrorDto } from './error.dto.js';

/** `/_harp/api/cache`: the shared HTTP cache's stats, and purges. */
@Controller('_harp/api/cache')
@AdminApi('cache')
export class CacheAdminController {
  constructor(private readonly cache: CacheAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Cache statistics', operationId: 'getCacheStats' })
  @ApiOkResponse({ type: CacheStatsDto })
  stats(): CacheStatsDto {
    return this.cache.stats();
  }

  @Delete()
  @ApiOperation({
    summary: 'Purge cached responses',
    description: 'By exact URL (`url`), by host and path prefix (`host`, `prefix`), or everything (`all=true`).',
    operationId: 'purgeCache',
  })
  @ApiOkResponse({ type: PurgeResultDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'No selector, several, or a malformed one.' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'The cache store failed during the purge.' })
  purge(@Query() query: CachePurgeQuery): Promise<PurgeResultDto> {
    return this.cache.purge(query);
  }
}
