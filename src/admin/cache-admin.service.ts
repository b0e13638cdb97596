import { BadRequestException, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { CacheBackend, CacheStoreError, HttpCacheStore } from '../cache/index.js';
import type { CachePurgeQuery, CacheStatsDto, PurgeResultDto } from './cache.dto.js';
import { ALL_PASS, hostPrefixPasses, urlPass, type PurgePass } from './purge-selector.js';

/** The admin view of the shared HTTP cache, and purges. */
@Injectable()
export class CacheAdminService {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly store: HttpCacheStore,
    private readonly backend: CacheBackend,
  ) {}

  stats(): CacheStatsDto {
    const stats = this.store.stats();
    const lookups = stats.hits + stats.misses;
    return {
      backend: this.backend.kind,
      enabled: this.store.enabled,
      healthy: this.backend.health.healthy,
      entries: stats.entries ?? null,
      bytes: stats.bytes ?? null,
      hits: stats.hits,
      misses: stats.misses,
      hitRatio: lookups === 0 ? null : stats.hits / lookups,
      evictions: stats.evictions ?? null,
      storeErrors: stats.storeErrors,
    };
  }

  async purge(query: CachePurgeQuery): Promise<PurgeResultDto> {
    const passes = passesFor(query);
    const what = describeSelector(query);
    let purged = 0;
    for (const pass of passes) {
      try {
        purged += await this.store.purge(pass.match, { keyPrefix: pass.keyPrefix });
      } catch (error) {
        if (!(error instanceof CacheStoreError)) throw error;
        this.logger.warn(`cache purge (${what}) failed after ${purged} values: ${error.message}`);
        // What was deleted stays deleted; the operator retries the rest.
        throw new ServiceUnavailableException(
          `the cache store failed during the purge (${error.code}); ${purged} values were purged`,
          { cause: error },
        );
      }
    }
    this.logger.log(`cache purge (${what}) by an operator: ${purged} values`);
    return { purged };
  }
}

function describeSelector(query: CachePurgeQuery): string {
  if (query.url !== undefined) return `url ${JSON.stringify(query.url)}`;
  if (query.host !== undefined) return `host ${JSON.stringify(query.host)} prefix ${JSON.stringify(query.prefix ?? '/')}`;
  return 'all';
}

function passesFor(query: CachePurgeQuery): PurgePass[] {
  const given = (['url', 'host', 'all'] as const).filter((field) => query[field] !== undefined);
  if (given.length !== 1) {
    throw new BadRequestException(
      given.length === 0
        ? 'give one of url, host (with an optional prefix) or all=true'
        : `${given.join(' and ')} exclude each other; give one`,
    );
  }
  if (query.url !== undefined) return [urlPass(query.url)];
  if (query.host !== undefined) return hostPrefixPasses(query.host, query.prefix);
  return [ALL_PASS];
}
