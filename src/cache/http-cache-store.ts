import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { HarpConfig } from '../config/index.js';
import { CacheBackend, NOT_AT_HAND } from './cache-backend.js';
import { isVariantIndex, type CacheValue } from './policy/cache-entry.js';
import { CacheStoreError } from './cache-store-error.js';
import type { PurgeOptions } from './keyv-store.js';

/** Counters of the HTTP cache, for metrics and the admin API. */
export interface HttpCacheStats {
  /** Stored values (responses and variant indexes); undefined for Redis. */
  readonly entries: number | undefined;
  /** Bytes accounted to stored values; undefined for Redis. */
  readonly bytes: number | undefined;
  /** Lookups that found a stored response (a variant index alone is neither hit nor miss). */
  readonly hits: number;
  /** Lookups that found nothing, including those a failing store turned into misses. */
  readonly misses: number;
  /** Entries the in-memory LRU evicted to stay within `cacheMaxBytes`; undefined for Redis. */
  readonly evictions: number | undefined;
  /** Store operations that failed, timed out or were skipped because the store was failing. */
  readonly storeErrors: number;
}

/**
 * The HTTP cache's storage, as the proxy uses it. An abstract class so that consumers inject a
 * type: `constructor(private readonly cache: HttpCacheStore)`.
 *
 * It never throws and never makes a request wait longer than `cacheStoreTimeoutMs` per call:
 * a store that fails turns `get` into a miss and `set`/`delete`/`clear` into no-ops. Keys come
 * from `cacheKey` (and `variants.ts` for `Vary`). Returned entries are shared and immutable
 * (see `CachedResponse`).
 */
export abstract class HttpCacheStore {
  /** False when `cacheEnabled` is off: nothing is stored or found. */
  abstract readonly enabled: boolean;

  /** The value stored under `key`, or undefined (a miss, or the store failed). */
  abstract get(key: string): Promise<CacheValue | undefined>;

  /**
   * What {@link get} would resolve to, read at once when the store is in this process (no
   * promise, no microtask per layer: a memory hit's lookup is then synchronous), or
   * {@link NOT_AT_HAND}: call `get`. Counted as `get` counts.
   */
  getNow(key: string): CacheValue | undefined | typeof NOT_AT_HAND {
    void key; // a store that cannot answer at once: every key goes to `get`
    return NOT_AT_HAND;
  }

  /**
   * Stores `value` for `ttlMs` (rounded up to whole ms; required: nothing is stored forever).
   *
   * @returns whether it was stored: false when the cache is off, the TTL is not positive, the
   *   body is larger than `cacheMaxObjectBytes`, or the store failed
   */
  abstract set(key: string, value: CacheValue, ttlMs: number): Promise<boolean>;

  /** Removes `key`, if present. */
  abstract delete(key: string): Promise<void>;

  /** Removes every entry of the HTTP cache (only HARP's keys, in Redis). */
  abstract clear(): Promise<void>;

  /**
   * Deletes every stored value whose key `match` accepts (responses, variant indexes and
   * variants: a variant's key is its primary key, `\n` and a selector), for the admin API's
   * purge. Walks the whole store (in batches for Redis), so it is for operators, not requests.
   *
   * Unlike the request path's operations it does not hide a failing store: it rejects with a
   * {@link CacheStoreError}, because an operator must know when a purge did not happen.
   *
   * @returns how many keys were deleted
   */
  abstract purge(match: (key: string) => boolean, options?: PurgeOptions): Promise<number>;

  abstract stats(): HttpCacheStats;
}

/** {@link HttpCacheStore} over the cache-manager instance `@nestjs/cache-manager` provides. */
@Injectable()
export class CacheManagerHttpCacheStore extends HttpCacheStore implements OnModuleDestroy {
  readonly enabled: boolean;
  private readonly maxObjectBytes: number;
  private hits = 0;
  private misses = 0;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly backend: CacheBackend,
    config: HarpConfig,
  ) {
    super();
    this.enabled = config.cacheEnabled;
    this.maxObjectBytes = config.cacheMaxObjectBytes;
  }

  async get(key: string): Promise<CacheValue | undefined> {
    if (!this.enabled) return undefined;
    let value: CacheValue | undefined;
    try {
      // cache-manager already turns a store error into undefined; this catches anything else.
      value = (await this.cache.get<CacheValue>(key)) ?? undefined;
    } catch (error) {
      this.unexpected(error, 'get');
    }
    if (value === undefined) this.misses++;
    else if (!isVariantIndex(value)) this.hits++;
    return value;
  }

  override getNow(key: string): CacheValue | undefined | typeof NOT_AT_HAND {
    if (!this.enabled) return undefined;
    const data = this.backend.peek(key);
    if (data === NOT_AT_HAND) return NOT_AT_HAND;
    // An expired entry is left to `get`, which removes it as Keyv does.
    if (data !== undefined && typeof data.expires === 'number' && Date.now() > data.expires) return NOT_AT_HAND;
    const value = data?.value ?? undefined;
    if (value === undefined) this.misses++;
    else if (!isVariantIndex(value)) this.hits++;
    return value;
  }

  async set(key: string, value: CacheValue, ttlMs: number): Promise<boolean> {
    if (!this.enabled || !(ttlMs > 0) || !Number.isFinite(ttlMs)) return false;
    if (!isVariantIndex(value) && value.body.byteLength > this.maxObjectBytes) return false;
    try {
      await this.cache.set(key, value, Math.ceil(ttlMs));
      return true;
    } catch (error) {
      this.unexpected(error, 'set');
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.cache.del(key);
    } catch (error) {
      this.unexpected(error, 'delete');
    }
  }

  async clear(): Promise<void> {
    try {
      await this.cache.clear();
    } catch (error) {
      this.unexpected(error, 'clear');
    }
  }

  async purge(match: (key: string) => boolean, options?: PurgeOptions): Promise<number> {
    try {
      return await this.backend.purge(match, options);
    } catch (error) {
      this.unexpected(error, 'purge');
      throw CacheStoreError.from(error, 'purge');
    }
  }

  stats(): HttpCacheStats {
    const counts = this.backend.counts();
    return {
      entries: counts.entries,
      bytes: counts.bytes,
      hits: this.hits,
      misses: this.misses,
      evictions: counts.evictions,
      storeErrors: this.backend.health.storeErrors,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.backend.close();
  }

  /** Store failures were counted where they happened; anything else is counted here. */
  private unexpected(error: unknown, operation: string): void {
    if (error instanceof CacheStoreError) return;
    this.backend.health.failed(CacheStoreError.from(error, operation));
  }
}
