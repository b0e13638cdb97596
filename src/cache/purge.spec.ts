import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createCache } from 'cache-manager';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL, uniquePrefix } from '../../test/helpers/redis.js';
import { loadHarpConfig, type HarpConfigInput } from '../config/index.js';
import { createCacheBackend, type CacheBackend } from './cache-backend.js';
import type { CachedResponse } from './policy/cache-entry.js';
import { createCachedResponse } from './policy/cached-response.js';
import { CacheStoreError } from './cache-store-error.js';
import { CacheManagerHttpCacheStore } from './http-cache-store.js';
import { storageVerdict } from './policy/storability.js';

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const quiet = { warn: () => undefined, log: () => undefined };

const opened: CacheBackend[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((backend) => backend.close()));
});

function stack(overrides: Partial<HarpConfigInput>, redisPrefix?: string) {
  const config = loadHarpConfig({ env: {}, overrides: { key: 'k', cacheStoreTimeoutMs: 300, ...overrides } });
  const backend = createCacheBackend(config, { logger: quiet, redisPrefix });
  opened.push(backend);
  return new CacheManagerHttpCacheStore(createCache({ stores: [backend.keyv] }), backend, config);
}

function response(text: string): CachedResponse {
  const head = { status: 200, headers: ['Cache-Control', 'max-age=600'] };
  const verdict = storageVerdict({ method: 'GET', headers: {} }, head, text.length, { maxObjectBytes: 1 << 20 });
  if (!verdict.store) throw new Error(verdict.reason);
  return createCachedResponse(head, Buffer.from(text), verdict.policy);
}

const KEYS = [
  'http://a.test/p',
  'http://a.test/p?x=1',
  'http://a.test/p\ngen.sel', // a variant of http://a.test/p
  'http://a.test/px',
  'http://b.test/p',
  'https://a.test/p/deep',
  'http://a.test/star*[?]', // glob characters are literal in a purge
];

async function fill(store: CacheManagerHttpCacheStore): Promise<void> {
  for (const key of KEYS) expect(await store.set(key, response(key), 60_000)).toBe(true);
}

async function present(store: CacheManagerHttpCacheStore): Promise<string[]> {
  const found: string[] = [];
  for (const key of KEYS) if ((await store.get(key)) !== undefined) found.push(key);
  return found;
}

function purgeContract(make: () => CacheManagerHttpCacheStore): void {
  it('deletes exactly the keys the predicate accepts and counts them', async () => {
    const store = make();
    await fill(store);
    const purged = await store.purge((key) => key.startsWith('http://a.test/p') && !key.startsWith('http://a.test/px'));
    expect(purged).toBe(3);
    expect(await present(store)).toEqual([
      'http://a.test/px',
      'http://b.test/p',
      'https://a.test/p/deep',
      'http://a.test/star*[?]',
    ]);
  });

  it('with a key prefix hint, still lets the predicate decide', async () => {
    const store = make();
    await fill(store);
    expect(await store.purge((key) => key.endsWith('x=1'), { keyPrefix: 'http://a.test/' })).toBe(1);
    expect(await store.purge(() => true, { keyPrefix: 'http://a.test/star*[' })).toBe(1);
    expect(await present(store)).not.toContain('http://a.test/star*[?]');
    expect(await present(store)).toHaveLength(KEYS.length - 2);
  });

  it('purges everything with an always-true predicate, and nothing twice', async () => {
    const store = make();
    await fill(store);
    expect(await store.purge(() => true)).toBe(KEYS.length);
    expect(await store.purge(() => true)).toBe(0);
    expect(await present(store)).toEqual([]);
  });
}

describe('HttpCacheStore.purge over the in-memory store', () => {
  purgeContract(() => stack({}));

  it('updates the entry count', async () => {
    const store = stack({});
    await fill(store);
    await store.purge((key) => key.startsWith('http://b.test/'));
    expect(store.stats().entries).toBe(KEYS.length - 1);
  });
});

describeRedis('HttpCacheStore.purge over Redis', () => {
  const scratch = redisScratch('purge');

  purgeContract(() => stack({ redisUrl: TEST_REDIS_URL }, scratch.prefix));

  it('walks more keys than one SCAN batch, and touches no key outside its prefix', async () => {
    // 1,200 writes at once: with the usual 300 ms bound a loaded CI machine timed some out,
    // marked Redis as failing and refused the purge. This test is about SCAN, not timeouts.
    const store = stack({ redisUrl: TEST_REDIS_URL, cacheStoreTimeoutMs: 10_000 }, scratch.prefix);
    const outside = `${uniquePrefix('purge-outside')}http://a.test/p`;
    await scratch.raw.set(outside, 'not ours', { EX: 60 });
    const many = Array.from({ length: 1_200 }, (_, i) => `http://many.test/${i}`);
    const entry = response('x');
    await Promise.all(many.map((key) => store.set(key, entry, 60_000)));
    expect(await store.purge(() => true)).toBe(1_200);
    expect(await scratch.raw.get(outside)).toBe('not ours');
    await scratch.raw.del(outside);
  });
});

describe('HttpCacheStore.purge when Redis does not answer', () => {
  let server: Server;
  const sockets: Socket[] = [];

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('rejects with a CacheStoreError within the store timeout instead of reporting 0', async () => {
    // Accepts connections and never answers: every command times out.
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const store = stack({ redisUrl: `redis://127.0.0.1:${port}`, cacheStoreTimeoutMs: 200 }, uniquePrefix('stalled'));
    const started = Date.now();
    await expect(store.purge(() => true)).rejects.toBeInstanceOf(CacheStoreError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
