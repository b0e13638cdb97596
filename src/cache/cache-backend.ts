import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Keyv } from 'keyv';
import type { HarpConfig } from '../config/index.js';
import type { StoredData } from './entry-codec.js';
import { keyvOver, type HarpKeyvStore, type PurgeOptions, type StoreCounts } from './keyv-store.js';
import { MemoryKeyvStore } from './memory-store.js';
import { RedisKeyvStore } from './redis-store.js';
import { StoreHealth, type HealthLogger } from './store-health.js';

/** A store's answer that it cannot read synchronously: ask with the asynchronous `get`. */
export const NOT_AT_HAND: unique symbol = Symbol('not at hand');

/**
 * The store the cache runs on, chosen from the configuration: Redis when `redisUrl` is set,
 * else an in-memory LRU. A DI token shared by the cache-manager factory (which needs `keyv`) and
 * `HttpCacheStore` (which needs the counts and the health); it disconnects on module destroy.
 */
export abstract class CacheBackend {
  abstract readonly kind: 'memory' | 'redis';
  /** The Keyv instance cache-manager is built over. */
  abstract readonly keyv: Keyv;
  abstract readonly health: StoreHealth;
  abstract counts(): StoreCounts;
  /**
   * The stored data under `key` read synchronously, when the store keeps it in this process
   * (memory); {@link NOT_AT_HAND} when it must be read asynchronously (Redis).
   */
  abstract peek(key: string): StoredData | undefined | typeof NOT_AT_HAND;
  /** Deletes every stored key `match` accepts; rejects with a `CacheStoreError` on failure. */
  abstract purge(match: (key: string) => boolean, options?: PurgeOptions): Promise<number>;
  /** Resolves when the store answers within `timeoutMs` (readiness); rejects otherwise. */
  abstract ping(timeoutMs: number): Promise<void>;
  /** Disconnects the store; idempotent. */
  abstract close(): Promise<void>;
}

/** Knobs for tests and embedders; the defaults suit production. */
export interface CacheBackendOptions {
  /** Redis key prefix. @default 'harp:cache:' */
  readonly redisPrefix?: string;
  /** Where outages are reported. @default Nest's Logger, context `HttpCache` */
  readonly logger?: HealthLogger;
  /** How often a failing store is probed, in ms. @default 1000 */
  readonly retryMs?: number;
}

class KeyvBackend extends CacheBackend implements OnModuleDestroy {
  readonly keyv: Keyv;

  constructor(
    readonly kind: 'memory' | 'redis',
    private readonly store: HarpKeyvStore,
    readonly health: StoreHealth,
  ) {
    super();
    this.keyv = keyvOver(store);
  }

  counts(): StoreCounts {
    return this.store.counts();
  }

  peek(key: string): StoredData | undefined | typeof NOT_AT_HAND {
    return this.store.peek ? this.store.peek(key) : NOT_AT_HAND;
  }

  purge(match: (key: string) => boolean, options?: PurgeOptions): Promise<number> {
    return this.store.purge(match, options);
  }

  ping(timeoutMs: number): Promise<void> {
    return this.store.ping(timeoutMs);
  }

  close(): Promise<void> {
    return this.store.disconnect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}

/** Builds the backend the configuration asks for. Redis is not connected when the cache is off. */
export function createCacheBackend(config: HarpConfig, options: CacheBackendOptions = {}): CacheBackend {
  const logger = options.logger ?? new Logger('HttpCache');
  if (config.redisUrl !== undefined && config.cacheEnabled) {
    const health = new StoreHealth('redis', logger, options.retryMs);
    const store = new RedisKeyvStore({
      url: config.redisUrl,
      timeoutMs: config.cacheStoreTimeoutMs,
      health,
      prefix: options.redisPrefix,
    });
    return new KeyvBackend('redis', store, health);
  }
  const health = new StoreHealth('memory', logger, options.retryMs);
  return new KeyvBackend('memory', new MemoryKeyvStore(config.cacheMaxBytes), health);
}
