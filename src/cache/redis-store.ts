import type KeyvRedis from '@keyv/redis';
import type { createClient } from '@redis/client';
import { createRequire } from 'node:module';
import { bounded } from './bounded.js';
import { CacheStoreError } from './cache-store-error.js';
import { packEntry, unpackEntry, type StoredData } from './entry-codec.js';
import type { HarpKeyvStore, PurgeOptions, StoreCounts } from './keyv-store.js';
import type { StoreHealth } from './store-health.js';

/** The key prefix of HARP's cache in Redis: `harp:cache:` + the cache key. */
export const REDIS_KEY_PREFIX = 'harp:cache:';

/** Time to establish a connection before the attempt counts as failed (node-redis `connectTimeout`). */
const CONNECT_TIMEOUT_MS = 2000;

/** `clear()` walks the keyspace with SCAN: allowed more time than one command. */
const CLEAR_TIMEOUT_MS = 30_000;

/** Keys a purge asks SCAN for per round trip (a hint to Redis) and deletes per UNLINK. */
const PURGE_BATCH = 500;

export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** Bound of each get, set and delete (config `cacheStoreTimeoutMs`). */
  readonly timeoutMs: number;
  /** Counts failures, logs outages and skips calls while Redis is failing. */
  readonly health: StoreHealth;
  /** @default REDIS_KEY_PREFIX */
  readonly prefix?: string;
}

/**
 * The shared store: `@keyv/redis` over a node-redis client, so that several proxies share one
 * cache. Values are packed into one binary Buffer each (`entry-codec.ts`) and read back as
 * Buffers (`RESP_TYPES.BLOB_STRING` mapped to `Buffer`), never as base64 JSON.
 *
 * Failure containment, because a cache must never make HARP less available than no cache:
 * - the client has a connect timeout and `disableOfflineQueue`, so while it is disconnected a
 *   command fails at once instead of queueing until Redis returns;
 * - it connects in the background and reconnects forever with capped backoff: HARP starts, and
 *   keeps serving, with Redis down;
 * - every call is bounded by `timeoutMs` and reported to {@link StoreHealth}, which counts it,
 *   logs one warning per outage and short-circuits calls while Redis is failing;
 * - every emitter involved has an 'error' listener: no client error becomes an uncaught one.
 */
export class RedisKeyvStore implements HarpKeyvStore {
  namespace?: string;
  readonly prefix: string;
  private readonly client: ReturnType<typeof createClient>;
  private readonly keyv: KeyvRedis<Buffer>;
  private readonly timeoutMs: number;
  private readonly health: StoreHealth;
  private closing?: Promise<void>;
  /** Settles when the first connection attempt does, either way. */
  private readonly firstAttempt: Promise<void>;

  constructor(options: RedisStoreOptions) {
    const { createClient, RESP_TYPES, KeyvRedis } = redisLibraries();
    this.prefix = options.prefix ?? REDIS_KEY_PREFIX;
    this.timeoutMs = options.timeoutMs;
    this.health = options.health;
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: backoff },
    });
    this.client.on('error', (error: unknown) => this.health.troubled(error));
    this.client.on('ready', () => this.health.succeeded());
    this.firstAttempt = new Promise<void>((settle) => {
      this.client.once('ready', settle);
      this.client.once('error', settle);
    });
    const buffers = this.client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    // The prefix is the namespace with an empty separator, so `clear()` only SCANs our keys.
    this.keyv = new KeyvRedis<Buffer>(buffers as never, {
      namespace: this.prefix,
      keyPrefixSeparator: '',
      throwOnConnectError: true,
      throwOnErrors: true,
    });
    this.keyv.on('error', () => undefined);
    // Connection failures arrive as 'error' events; the promise settles only once connected.
    this.client.connect().catch(() => undefined);
  }

  async get(key: string): Promise<StoredData | undefined> {
    const packed = await this.call('get', () => this.keyv.get(key));
    if (packed === undefined) return undefined;
    try {
      return unpackEntry(Buffer.isBuffer(packed) ? packed : Buffer.from(packed as string, 'latin1'));
    } catch {
      // Not ours or damaged: a miss (the next store overwrites it), but not an outage.
      this.health.unreadable();
      return undefined;
    }
  }

  async set(key: string, data: StoredData, ttl?: number): Promise<void> {
    // Every key expires: Redis then never holds an entry nothing could reach.
    if (ttl === undefined || !(ttl > 0)) {
      throw new CacheStoreError('store_failed', 'refusing to store without a TTL');
    }
    // Typed as string, but passed straight to node-redis, whose arguments may be Buffers.
    const packed = packEntry(data) as unknown as string;
    await this.call('set', () => this.keyv.set(key, packed, Math.ceil(ttl)));
  }

  async delete(key: string): Promise<boolean> {
    return this.call('delete', () => this.keyv.delete(key));
  }

  async clear(): Promise<void> {
    await this.call('clear', () => this.keyv.clear(), CLEAR_TIMEOUT_MS);
  }

  /**
   * Walks HARP's keys with `SCAN … MATCH <prefix>* COUNT`, and UNLINKs the batch `match`
   * accepts before asking for the next: memory stays bounded by one batch, and each round
   * trip (SCAN or UNLINK) is bounded by the store timeout. SCAN guarantees that a key present
   * for the whole walk is seen; keys written meanwhile may or may not be.
   */
  async purge(match: (key: string) => boolean, options: PurgeOptions = {}): Promise<number> {
    const pattern = `${globEscape(this.prefix + (options.keyPrefix ?? ''))}*`;
    let cursor = '0';
    let purged = 0;
    do {
      const reply = await this.call('purge scan', () =>
        this.client.scan(cursor, { MATCH: pattern, COUNT: PURGE_BATCH }),
      );
      cursor = String(reply.cursor);
      const doomed = reply.keys.map(String).filter((key) => match(key.slice(this.prefix.length)));
      if (doomed.length > 0) purged += await this.call('purge unlink', () => this.client.unlink(doomed));
    } while (cursor !== '0');
    return purged;
  }

  /** PING within `timeoutMs`, outside the failure accounting of cache operations. */
  async ping(timeoutMs: number): Promise<void> {
    if (this.closing) throw new CacheStoreError('store_closed', 'ping: the cache is shutting down');
    await bounded(this.client.ping(), timeoutMs, 'Redis ping');
  }

  /** Closes the connection: gracefully within the timeout, else at once. Idempotent. */
  disconnect(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  counts(): StoreCounts {
    // Redis holds other keys too and evicts by its own policy: nothing cheap and exact to say.
    return {};
  }

  private async close(): Promise<void> {
    if (!this.client.isOpen) return;
    try {
      await bounded(this.client.close(), this.timeoutMs, 'close');
    } catch {
      if (this.client.isOpen) this.client.destroy();
    }
  }

  private async call<T>(operation: string, run: () => Promise<T>, ms = this.timeoutMs): Promise<T> {
    if (this.closing) throw new CacheStoreError('store_closed', `${operation}: the cache is shutting down`);
    if (!this.health.admit()) {
      throw new CacheStoreError('store_unavailable', `${operation}: skipped while Redis is failing`);
    }
    try {
      // Calls made while the first connection is being set up wait for it (within the bound):
      // without the offline queue they would fail, and every start would log an outage.
      const result = await bounded(this.firstAttempt.then(run), ms, `Redis ${operation}`);
      this.health.succeeded();
      return result;
    } catch (error) {
      const failure = CacheStoreError.from(error, `Redis ${operation}`);
      this.health.failed(failure);
      throw failure;
    }
  }
}

/** A literal for a Redis glob pattern: `*`, `?`, `[`, `]` and `\\` lose their meaning. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Reconnect delays: 100 ms doubling to 2 s, with jitter so that proxies do not reconnect in step. */
function backoff(retries: number): number {
  return Math.min(100 * 2 ** retries, 2000) + Math.floor(Math.random() * 100);
}

/**
 * The Redis client libraries, loaded when a Redis store is first made rather than with this
 * module: `@redis/client` defines a `String` subclass, and merely loading it makes every
 * `String.prototype.charCodeAt` in the process several times slower (measured here: 1.8 ns →
 * 7.7 ns), a cost a proxy without Redis must not pay on its hot path.
 */
function redisLibraries(): {
  createClient: typeof createClient;
  RESP_TYPES: typeof import('@redis/client').RESP_TYPES;
  KeyvRedis: typeof KeyvRedis;
} {
  const require = createRequire(import.meta.url);
  const client = require('@redis/client') as typeof import('@redis/client');
  const keyvRedis = require('@keyv/redis') as { default: typeof KeyvRedis };
  return { createClient: client.createClient, RESP_TYPES: client.RESP_TYPES, KeyvRedis: keyvRedis.default };
}
