import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Test } from '@nestjs/testing';
import { deleteKeys, rawRedis, redisAvailableOrFail, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { HarpConfigModule, type HarpConfigInput } from '../config/index.js';
import { CacheBackend } from './cache-backend.js';
import { HarpCacheModule } from './cache.module.js';
import { createCachedResponse } from './policy/cached-response.js';
import type { CachedResponse } from './policy/cache-entry.js';
import { MissCoalescer } from './coalescer.js';
import { HttpCacheStore } from './http-cache-store.js';
import { REDIS_KEY_PREFIX } from './redis-store.js';

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

async function compile(overrides: Partial<HarpConfigInput>) {
  return Test.createTestingModule({
    imports: [HarpConfigModule.forRoot({ env: {}, overrides: { key: 'k', ...overrides } }), HarpCacheModule],
  }).compile();
}

const entry = (): CachedResponse =>
  createCachedResponse({ status: 200, headers: ['X', '1'] }, Buffer.from([0, 1, 2, 255]), {} as CachedResponse['policy']);

describe('HarpCacheModule', () => {
  it('provides HttpCacheStore over cache-manager and the in-memory store by default', async () => {
    const moduleRef = await compile({ cacheCoalesceTimeoutMs: 1234 });
    const store = moduleRef.get(HttpCacheStore);
    expect(moduleRef.get(CacheBackend).kind).toBe('memory');
    expect(moduleRef.get(CACHE_MANAGER)).toBeDefined();
    expect(await store.set('http://h/a', entry(), 60_000)).toBe(true);
    expect(((await store.get('http://h/a')) as CachedResponse).body).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(moduleRef.get(MissCoalescer)).toBeInstanceOf(MissCoalescer);
    await moduleRef.close();
  });

  it('with the cache off, finds and stores nothing', async () => {
    const moduleRef = await compile({ cacheEnabled: false });
    const store = moduleRef.get(HttpCacheStore);
    expect(store.enabled).toBe(false);
    expect(await store.set('http://h/a', entry(), 60_000)).toBe(false);
    await moduleRef.close();
  });
});

describeRedis('HarpCacheModule with redisUrl', () => {
  it('stores in Redis under harp:cache: and disconnects on close', async () => {
    const key = `http://module-test.invalid/${Date.now()}`;
    const raw = await rawRedis();
    try {
      const moduleRef = await compile({ redisUrl: TEST_REDIS_URL });
      const store = moduleRef.get(HttpCacheStore);
      expect(moduleRef.get(CacheBackend).kind).toBe('redis');
      expect(await store.set(key, entry(), 60_000)).toBe(true);
      expect(await raw.exists(`${REDIS_KEY_PREFIX}${key}`)).toBe(1);
      await moduleRef.close();
      // Closed: the store refuses work instead of reconnecting.
      expect(await store.get(key)).toBeUndefined();
    } finally {
      await deleteKeys(raw, `${REDIS_KEY_PREFIX}http://module-test.invalid/`);
      raw.destroy();
    }
  });
});
