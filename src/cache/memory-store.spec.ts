import { createCache } from 'cache-manager';
import { sleep } from '../../test/helpers/eventually.js';
import { loadHarpConfig, type HarpConfigInput } from '../config/index.js';
import { createCacheBackend } from './cache-backend.js';
import { decide } from './policy/cache-decision.js';
import type { CachedResponse } from './policy/cache-entry.js';
import { createCachedResponse } from './policy/cached-response.js';
import { CacheManagerHttpCacheStore } from './http-cache-store.js';
import { storageVerdict } from './policy/storability.js';

const quiet = { warn: () => undefined, log: () => undefined };

/** The production stack (config → backend → cache-manager → HttpCacheStore) in memory. */
function memoryCache(overrides: Partial<HarpConfigInput> = {}) {
  const config = loadHarpConfig({ env: {}, overrides: { key: 'k', ...overrides } });
  const backend = createCacheBackend(config, { logger: quiet });
  const store = new CacheManagerHttpCacheStore(createCache({ stores: [backend.keyv] }), backend, config);
  return { store, backend };
}

/** A stored response with a body of `size` bytes. */
function response(size: number, fill = 0x61): CachedResponse {
  const head = { status: 200, headers: ['Cache-Control', 'max-age=600', 'X-Tag', 'a'] };
  const verdict = storageVerdict({ method: 'GET', headers: {} }, head, size, { maxObjectBytes: Number.MAX_SAFE_INTEGER });
  if (!verdict.store) throw new Error(verdict.reason);
  return createCachedResponse(head, Buffer.alloc(size, fill), verdict.policy);
}

describe('in-memory store (lru-cache, bounded by cacheMaxBytes)', () => {
  it('stays within the byte bound, evicting the least recently used and counting evictions', async () => {
    const { store } = memoryCache({ cacheMaxBytes: 20_000, cacheMaxObjectBytes: 10_000 });
    for (let i = 0; i < 30; i++) {
      expect(await store.set(`http://h/${i}`, response(1_000), 60_000)).toBe(true);
      expect(store.stats().bytes).toBeLessThanOrEqual(20_000);
    }
    const stats = store.stats();
    expect(stats.entries).toBeGreaterThan(10);
    expect(stats.entries).toBeLessThan(30);
    expect(stats.evictions).toBe(30 - stats.entries!);
    expect(await store.get('http://h/0')).toBeUndefined();
    expect(await store.get('http://h/29')).toBeDefined();
  });

  it('evicts by recency of use, not of insertion', async () => {
    const { store } = memoryCache({ cacheMaxBytes: 5_000, cacheMaxObjectBytes: 5_000 });
    await store.set('http://h/old', response(1_000), 60_000);
    await store.set('http://h/b', response(1_000), 60_000);
    await store.set('http://h/c', response(1_000), 60_000);
    await store.get('http://h/old');
    await store.set('http://h/d', response(1_000), 60_000);
    expect(await store.get('http://h/old')).toBeDefined();
    expect(await store.get('http://h/b')).toBeUndefined();
  });

  it('never stores a body over cacheMaxObjectBytes', async () => {
    const { store } = memoryCache({ cacheMaxBytes: 100_000, cacheMaxObjectBytes: 1_000 });
    expect(await store.set('http://h/big', response(1_001), 60_000)).toBe(false);
    expect(await store.set('http://h/fits', response(1_000), 60_000)).toBe(true);
    expect(store.stats()).toMatchObject({ entries: 1, evictions: 0, storeErrors: 0 });
  });

  it('refuses an entry larger than the whole cache without evicting anything', async () => {
    const { store } = memoryCache({ cacheMaxBytes: 3_000 });
    await store.set('http://h/small', response(100), 60_000);
    expect(await store.set('http://h/huge', response(5_000), 60_000)).toBe(false);
    expect(await store.get('http://h/small')).toBeDefined();
    expect(store.stats()).toMatchObject({ entries: 1, evictions: 0, storeErrors: 0 });
  });

  it('expires entries after their TTL', async () => {
    const { store } = memoryCache();
    await store.set('http://h/short', response(10), 30);
    expect(await store.get('http://h/short')).toBeDefined();
    await sleep(60);
    expect(await store.get('http://h/short')).toBeUndefined();
  });

  it('refuses to store without a positive TTL', async () => {
    const { store } = memoryCache();
    expect(await store.set('http://h/a', response(10), 0)).toBe(false);
    expect(await store.set('http://h/a', response(10), Number.NaN)).toBe(false);
    expect(await store.set('http://h/a', response(10), Number.POSITIVE_INFINITY)).toBe(false);
    expect(store.stats().entries).toBe(0);
  });

  it('owns its copy: the caller writing into its buffer later does not change the cache', async () => {
    const { store } = memoryCache();
    const original = response(4, 0x61);
    await store.set('http://h/a', original, 60_000);
    original.body.fill(0x7a);
    const cached = (await store.get('http://h/a')) as CachedResponse;
    expect(cached.body.toString()).toBe('aaaa');
  });

  it('hands every reader the same frozen entry (bodies are read-only by contract)', async () => {
    const { store } = memoryCache();
    await store.set('http://h/a', response(4), 60_000);
    const first = (await store.get('http://h/a')) as CachedResponse;
    const second = (await store.get('http://h/a')) as CachedResponse;
    expect(second.body).toBe(first.body);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => (first.headers as string[]).push('X', 'y')).toThrow(TypeError);
    expect(Object.isFrozen(first.policy.rescc)).toBe(true);
    // The decision layer works on frozen policies.
    expect(decide({ method: 'GET', headers: {} }, first).kind).toBe('hit');
  });

  it('counts hits and misses per stored response', async () => {
    const { store } = memoryCache();
    await store.set('http://h/a', response(1), 60_000);
    await store.get('http://h/a');
    await store.get('http://h/missing');
    expect(store.stats()).toMatchObject({ hits: 1, misses: 1, storeErrors: 0 });
  });

  it('deletes and clears', async () => {
    const { store } = memoryCache();
    await store.set('http://h/a', response(1), 60_000);
    await store.set('http://h/b', response(1), 60_000);
    await store.delete('http://h/a');
    expect(await store.get('http://h/a')).toBeUndefined();
    await store.clear();
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('with cacheEnabled false stores and finds nothing', async () => {
    const { store, backend } = memoryCache({ cacheEnabled: false });
    expect(store.enabled).toBe(false);
    expect(await store.set('http://h/a', response(1), 60_000)).toBe(false);
    expect(await store.get('http://h/a')).toBeUndefined();
    expect(backend.kind).toBe('memory');
  });
});
