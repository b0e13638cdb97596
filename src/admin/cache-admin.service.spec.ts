import { BadRequestException, Logger, ServiceUnavailableException } from '@nestjs/common';
import { CacheStoreError, type CacheBackend, type HttpCacheStore } from '../cache/index.js';
import { CacheAdminService } from './cache-admin.service.js';

/** A store whose purge replays `outcomes` pass by pass, recording each pass's key prefix. */
function storeWith(...outcomes: Array<number | Error>) {
  const prefixes: string[] = [];
  const store = {
    enabled: true,
    purge: async (_match: (key: string) => boolean, options?: { keyPrefix?: string }) => {
      prefixes.push(options?.keyPrefix ?? '');
      const next = outcomes.shift();
      if (next === undefined) throw new Error('unexpected purge');
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as HttpCacheStore;
  return { store, prefixes };
}

const backend = { kind: 'memory', health: { healthy: true } } as unknown as CacheBackend;

describe('CacheAdminService.purge', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the failure below is logged on purpose
  it('purges one URL in one pass narrowed to its key', async () => {
    const { store, prefixes } = storeWith(2);
    const service = new CacheAdminService(store, backend);
    await expect(service.purge({ url: 'https://Shop.test:443/p?q' })).resolves.toEqual({ purged: 2 });
    expect(prefixes).toEqual(['https://shop.test/p?q']);
  });

  it('purges a host under a prefix in one pass per scheme and adds them up', async () => {
    const { store, prefixes } = storeWith(2, 3);
    const service = new CacheAdminService(store, backend);
    await expect(service.purge({ host: 'shop.test', prefix: '/p' })).resolves.toEqual({ purged: 5 });
    expect(prefixes).toEqual(['http://shop.test/p', 'https://shop.test/p']);
  });

  it('purges everything in one unnarrowed pass', async () => {
    const { store, prefixes } = storeWith(7);
    await expect(new CacheAdminService(store, backend).purge({ all: 'true' })).resolves.toEqual({ purged: 7 });
    expect(prefixes).toEqual(['']);
  });

  it.each([{}, { url: 'http://a.test/', all: 'true' as const }, { url: 'http://a.test/', host: 'a.test' }])(
    'refuses %j with 400 before touching the store',
    async (query) => {
      const { store, prefixes } = storeWith();
      await expect(new CacheAdminService(store, backend).purge(query)).rejects.toBeInstanceOf(BadRequestException);
      expect(prefixes).toEqual([]);
    },
  );

  it('answers 503 with the count so far when the store fails part way', async () => {
    const { store } = storeWith(4, new CacheStoreError('store_timeout', 'Redis purge scan took longer than 250 ms'));
    const failure = new CacheAdminService(store, backend).purge({ host: 'shop.test' });
    await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(failure).rejects.toThrow('the cache store failed during the purge (store_timeout); 4 values were purged');
  });

  it('lets an unexpected error through as it is (a 500, not a store outage)', async () => {
    const bug = new TypeError('bug');
    const { store } = storeWith(bug);
    await expect(new CacheAdminService(store, backend).purge({ all: 'true' })).rejects.toBe(bug);
  });
});
