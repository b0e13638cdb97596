import { LRUCache } from 'lru-cache';
import { entrySize, isVariantIndex, type CacheValue } from './policy/cache-entry.js';
import { CacheStoreError } from './cache-store-error.js';
import type { StoredData } from './entry-codec.js';
import type { HarpKeyvStore, PurgeOptions, StoreCounts } from './keyv-store.js';

/**
 * The default store: an LRU bounded by total bytes (`cacheMaxBytes`), the least recently used
 * entries evicted first. Each entry is accounted as its body, header text and a fixed allowance
 * (`entrySize`); an entry larger than the whole bound is refused.
 *
 * Stored values are copied on the way in (the body into a buffer of its own, so that a pooled
 * slab or a caller's later writes are never shared) and frozen; every reader then gets the very
 * same object and body bytes, which must be treated as read-only (see `CachedResponse`).
 * Expired entries are dropped lazily, when read or evicted.
 */
export class MemoryKeyvStore implements HarpKeyvStore {
  namespace?: string;
  private readonly lru: LRUCache<string, StoredData>;
  private evictions = 0;

  constructor(maxBytes: number) {
    this.lru = new LRUCache<string, StoredData>({
      maxSize: maxBytes,
      sizeCalculation: (data) => entrySize(data.value),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  async get(key: string): Promise<StoredData | undefined> {
    return this.lru.get(key);
  }

  peek(key: string): StoredData | undefined {
    return this.lru.get(key);
  }

  async set(key: string, data: StoredData, ttl?: number): Promise<void> {
    const owned: StoredData = Object.freeze({ value: ownedCopy(data.value), expires: data.expires ?? null });
    const size = entrySize(owned.value);
    if (size > this.lru.maxSize) {
      this.lru.delete(key);
      throw new CacheStoreError('entry_too_large', `entry of ${size} bytes exceeds the cache size ${this.lru.maxSize}`);
    }
    this.lru.set(key, owned, { ttl: ttl !== undefined && ttl > 0 ? Math.ceil(ttl) : undefined });
  }

  async delete(key: string): Promise<boolean> {
    return this.lru.delete(key);
  }

  async clear(): Promise<void> {
    this.lru.clear();
  }

  async purge(match: (key: string) => boolean, options: PurgeOptions = {}): Promise<number> {
    const { keyPrefix = '' } = options;
    // Collected first: deleting while iterating the LRU's linked list would skip entries.
    const doomed: string[] = [];
    for (const key of this.lru.keys()) if (key.startsWith(keyPrefix) && match(key)) doomed.push(key);
    let purged = 0;
    for (const key of doomed) if (this.lru.delete(key)) purged++;
    return purged;
  }

  async ping(): Promise<void> {}

  async disconnect(): Promise<void> {}

  counts(): StoreCounts {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize, evictions: this.evictions };
  }
}

function ownedCopy(value: CacheValue): CacheValue {
  if (isVariantIndex(value)) {
    return Object.freeze({ vary: Object.freeze([...value.vary]), gen: value.gen, expiresAt: value.expiresAt });
  }
  // allocUnsafeSlow: never a slice of Node's shared pool, which would pin a whole slab.
  const body = Buffer.allocUnsafeSlow(value.body.byteLength);
  value.body.copy(body);
  return Object.freeze({
    status: value.status,
    reason: value.reason,
    headers: Object.freeze([...value.headers]),
    policy: deepFreeze(structuredClone(value.policy)),
    body,
    storedAt: value.storedAt,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
