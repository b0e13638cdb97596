import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { HarpConfig } from '../config/index.js';
import { CacheBackend, createCacheBackend } from './cache-backend.js';
import { MissCoalescer } from './coalescer.js';
import { CacheManagerHttpCacheStore, HttpCacheStore } from './http-cache-store.js';

/**
 * Provides {@link CacheBackend}: one instance, shared by the cache-manager factory and
 * {@link HttpCacheStore}, because `CacheModule.registerAsync` cannot see the importing module's
 * providers.
 */
@Module({
  providers: [
    { provide: CacheBackend, inject: [HarpConfig], useFactory: (config: HarpConfig) => createCacheBackend(config, { redisPrefix: `${config.redisPrefix}cache:` }) },
  ],
  exports: [CacheBackend],
})
export class CacheBackendModule {}

/**
 * HARP's shared HTTP cache (RFC 9111) as a Nest module: `@nestjs/cache-manager` over the store
 * the configuration selects (in memory, or Redis when `redisUrl` is set), exposed as
 * {@link HttpCacheStore}, plus the {@link MissCoalescer} that collapses concurrent misses.
 * Needs {@link HarpConfig} (`HarpConfigModule`, global) and disconnects Redis on shutdown.
 */
@Module({
  imports: [
    CacheBackendModule,
    CacheModule.registerAsync({
      imports: [CacheBackendModule],
      inject: [CacheBackend],
      // TTLs are always passed per entry: no default TTL, nothing stored forever.
      useFactory: (backend: CacheBackend) => ({ stores: [backend.keyv] }),
    }),
  ],
  providers: [
    { provide: HttpCacheStore, useClass: CacheManagerHttpCacheStore },
    {
      provide: MissCoalescer,
      inject: [HarpConfig],
      useFactory: (config: HarpConfig) => new MissCoalescer(config.cacheCoalesceTimeoutMs),
    },
  ],
  exports: [HttpCacheStore, MissCoalescer],
})
export class HarpCacheModule {}
