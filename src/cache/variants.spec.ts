import type { IncomingHttpHeaders } from 'node:http';
import { createCache } from 'cache-manager';
import { loadHarpConfig } from '../config/index.js';
import { createCacheBackend } from './cache-backend.js';
import { isVariantIndex, type CachedResponse, type VariantIndex } from './policy/cache-entry.js';
import { createCachedResponse } from './policy/cached-response.js';
import { CacheManagerHttpCacheStore } from './http-cache-store.js';
import { invalidate, lookupVariant, lookupVariantNow, storeVariant, variantKey } from './variants.js';

const PRIMARY = 'https://example.com/page';
const GZIP: IncomingHttpHeaders = { 'accept-encoding': 'gzip' };
const BR: IncomingHttpHeaders = { 'accept-encoding': 'br' };

function memoryStore() {
  const config = loadHarpConfig({ env: {}, overrides: { key: 'k' } });
  const backend = createCacheBackend(config, { logger: { warn: () => undefined, log: () => undefined } });
  return new CacheManagerHttpCacheStore(createCache({ stores: [backend.keyv] }), backend, config);
}

function entry(body: string): CachedResponse {
  return createCachedResponse({ status: 200, headers: ['Vary', 'Accept-Encoding'] }, Buffer.from(body), {} as CachedResponse['policy']);
}

function bodyOf(lookup: Awaited<ReturnType<typeof lookupVariant>>): string {
  return lookup.entry ? lookup.entry.body.toString() : lookup.miss;
}

describe('variants (RFC 9111 §4.1)', () => {
  it('stores a response without Vary under the primary key', async () => {
    const store = memoryStore();
    expect(await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('plain'), vary: [], ttlMs: 60_000 })).toBe(true);
    expect(await lookupVariant(store, PRIMARY, BR)).toMatchObject({ key: PRIMARY });
  });

  it('selects each variant by the request\'s values of the Vary fields', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    const first = await lookupVariant(store, PRIMARY, BR);
    expect(bodyOf(first)).toBe('vary-miss');
    await storeVariant(store, { primaryKey: PRIMARY, headers: BR, entry: entry('br'), vary: ['accept-encoding'], ttlMs: 60_000, index: first.index });
    expect(bodyOf(await lookupVariant(store, PRIMARY, GZIP))).toBe('gzip');
    expect(bodyOf(await lookupVariant(store, PRIMARY, BR))).toBe('br');
    expect(bodyOf(await lookupVariant(store, PRIMARY, {}))).toBe('vary-miss');
    expect(bodyOf(await lookupVariant(store, 'https://example.com/other', GZIP))).toBe('uri-miss');
  });

  it('answers at once from the memory store what the asynchronous lookup finds, counted the same', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    const now = (headers: IncomingHttpHeaders, key = PRIMARY): string => {
      const found = lookupVariantNow(store, key, headers);
      if (!found) throw new Error('the memory store answers synchronously');
      return bodyOf(found);
    };
    expect([now(GZIP), now(BR), now(GZIP, 'https://example.com/other')]).toEqual(['gzip', 'vary-miss', 'uri-miss']);
    expect([bodyOf(await lookupVariant(store, PRIMARY, GZIP)), bodyOf(await lookupVariant(store, PRIMARY, BR))]).toEqual(['gzip', 'vary-miss']);
    expect(store.stats()).toMatchObject({ hits: 2, misses: 3 });
  });

  it('never answers at once with an expired entry', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('plain'), vary: [], ttlMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lookupVariantNow(store, PRIMARY, GZIP)?.entry).toBeUndefined();
    expect(bodyOf(await lookupVariant(store, PRIMARY, GZIP))).toBe('uri-miss');
  });

  it('keeps variant keys under the primary key, separated by a line feed', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    const found = await lookupVariant(store, PRIMARY, GZIP);
    expect(found.entry && found.key).toBe(variantKey(PRIMARY, found.index!, GZIP));
    expect(found.entry && found.key.startsWith(`${PRIMARY}\n`)).toBe(true);
  });

  it('extends the index to outlive its longest-lived variant', async () => {
    const store = memoryStore();
    const now = Date.now();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('gzip'), vary: ['accept-encoding'], ttlMs: 1_000, now });
    const { index } = await lookupVariant(store, PRIMARY, BR);
    await storeVariant(store, { primaryKey: PRIMARY, headers: BR, entry: entry('br'), vary: ['accept-encoding'], ttlMs: 60_000, index, now });
    const stored = (await store.get(PRIMARY)) as VariantIndex;
    expect(isVariantIndex(stored)).toBe(true);
    expect(stored.gen).toBe(index!.gen);
    expect(stored.expiresAt).toBe(now + 60_000);
  });

  it('a response that stops varying replaces the index', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('plain'), vary: [], ttlMs: 60_000 });
    expect(bodyOf(await lookupVariant(store, PRIMARY, GZIP))).toBe('plain');
  });

  it('other Vary names start a new index', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    const { index } = await lookupVariant(store, PRIMARY, GZIP);
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('lang'), vary: ['accept-encoding', 'accept-language'], ttlMs: 60_000, index });
    const now = (await store.get(PRIMARY)) as VariantIndex;
    expect(now.vary).toEqual(['accept-encoding', 'accept-language']);
    expect(now.gen).not.toBe(index!.gen);
    expect(bodyOf(await lookupVariant(store, PRIMARY, GZIP))).toBe('lang');
  });

  it('regression: a variant stored before an invalidation never comes back with a new index (§4.4)', async () => {
    const store = memoryStore();
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('old gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    const { index } = await lookupVariant(store, PRIMARY, BR);
    await storeVariant(store, { primaryKey: PRIMARY, headers: BR, entry: entry('old br'), vary: ['accept-encoding'], ttlMs: 60_000, index });
    await invalidate(store, [PRIMARY]);
    expect(bodyOf(await lookupVariant(store, PRIMARY, BR))).toBe('uri-miss');
    // After the PUT, a fresh gzip variant is stored: the old br variant must stay unreachable.
    await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('new gzip'), vary: ['accept-encoding'], ttlMs: 60_000 });
    expect(bodyOf(await lookupVariant(store, PRIMARY, GZIP))).toBe('new gzip');
    expect(bodyOf(await lookupVariant(store, PRIMARY, BR))).toBe('vary-miss');
  });

  it('reports a failed variant write as not stored', async () => {
    const store = memoryStore();
    expect(await storeVariant(store, { primaryKey: PRIMARY, headers: GZIP, entry: entry('x'), vary: ['accept-encoding'], ttlMs: 0 })).toBe(false);
    expect(await store.get(PRIMARY)).toBeUndefined();
  });
});
