import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarpServer } from '../../src/server/harp-server.js';
import { cacheRig, cacheStatus, type CacheRig } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, TEST_REDIS_URL } from '../helpers/redis.js';

// The operator's view of the shared cache, and purges: by exact URL (with its Vary variants),
// by host and path prefix, or everything.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

/** Cacheable for a minute; varies on Accept-Language under /vary. */
function cacheable(req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain' };
  if (req.url?.startsWith('/vary')) headers.Vary = 'Accept-Language';
  res.writeHead(200, headers).end(`body of ${req.url} ${req.headers['accept-language'] ?? ''}`);
}

async function api(proxy: HarpServer, method: string, path: string) {
  const res = await send(`${proxy.url}/_harp/api${path}`, { method });
  return { status: res.status, json: JSON.parse(res.body.toString()) };
}

const purge = (proxy: HarpServer, query: string) => api(proxy, 'DELETE', `/cache?${query}`);

/** A GET for `path` on `host` through the proxy; returns its Cache-Status. */
async function get(rig: CacheRig, host: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await rig.request(path, { headers: { host, ...headers } });
  expect(res.status).toBe(200);
  return cacheStatus(res) ?? '';
}

const isHit = (status: string) => /; hit/.test(status);

describe('admin API: cache', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('reports the in-memory store: entries, bytes, hits, misses, ratio, evictions, errors', async () => {
    const rig = await cacheRig(h, cacheable);
    const before = await api(rig.proxy, 'GET', '/cache');
    expect(before).toEqual({
      status: 200,
      json: {
        backend: 'memory',
        enabled: true,
        healthy: true,
        entries: 0,
        bytes: 0,
        hits: 0,
        misses: 0,
        hitRatio: null,
        evictions: 0,
        storeErrors: 0,
      },
    });
    await get(rig, 'shop.test', '/a');
    expect(isHit(await get(rig, 'shop.test', '/a'))).toBe(true);
    expect(isHit(await get(rig, 'shop.test', '/a'))).toBe(true);
    const after = (await api(rig.proxy, 'GET', '/cache')).json;
    expect(after).toMatchObject({ entries: 1, hits: 2, misses: 1, evictions: 0, storeErrors: 0 });
    expect(after.bytes).toBeGreaterThan(0);
    expect(after.hitRatio).toBeCloseTo(2 / 3, 5);
  });

  it('purges one exact URL, and only it', async () => {
    const rig = await cacheRig(h, cacheable);
    for (const path of ['/p?q=1', '/p?q=2', '/p']) await get(rig, 'shop.test', path);
    expect(await purge(rig.proxy, `url=${encodeURIComponent('http://SHOP.test:80/p?q=1')}`)).toEqual({
      status: 200,
      json: { purged: 1 },
    });
    expect(isHit(await get(rig, 'shop.test', '/p?q=1'))).toBe(false);
    expect(isHit(await get(rig, 'shop.test', '/p?q=2'))).toBe(true);
    expect(isHit(await get(rig, 'shop.test', '/p'))).toBe(true);
    expect(rig.hits('/p?q=1')).toBe(2);
    // Purging what is not there is not an error.
    expect((await purge(rig.proxy, `url=${encodeURIComponent('http://shop.test/never')}`)).json).toEqual({ purged: 0 });
  });

  it('purging a URL takes its Vary variants with it', async () => {
    const rig = await cacheRig(h, cacheable);
    await get(rig, 'shop.test', '/vary', { 'accept-language': 'en' });
    await get(rig, 'shop.test', '/vary', { 'accept-language': 'de' });
    expect(isHit(await get(rig, 'shop.test', '/vary', { 'accept-language': 'de' }))).toBe(true);
    // The variant index and both variants.
    expect((await purge(rig.proxy, `url=${encodeURIComponent('http://shop.test/vary')}`)).json).toEqual({ purged: 3 });
    expect(isHit(await get(rig, 'shop.test', '/vary', { 'accept-language': 'de' }))).toBe(false);
    expect(rig.store.stats().entries).toBe(2); // the index again, and the one variant just stored
  });

  it('purges a host under a path prefix, on segment boundaries, leaving other hosts alone', async () => {
    const rig = await cacheRig(h, cacheable);
    const stored: Array<[string, string]> = [
      ['shop.test', '/p'],
      ['shop.test', '/p/a'],
      ['shop.test', '/p/b?x=1'],
      ['shop.test', '/px'],
      ['shop.test', '/other'],
      ['blog.test', '/p/a'],
    ];
    for (const [host, path] of stored) await get(rig, host, path);
    expect(await purge(rig.proxy, 'host=shop.test&prefix=/p')).toEqual({ status: 200, json: { purged: 3 } });
    const afterwards = [];
    for (const [host, path] of stored) afterwards.push([host, path, isHit(await get(rig, host, path))]);
    expect(afterwards).toEqual([
      ['shop.test', '/p', false],
      ['shop.test', '/p/a', false],
      ['shop.test', '/p/b?x=1', false],
      ['shop.test', '/px', true],
      ['shop.test', '/other', true],
      ['blog.test', '/p/a', true],
    ]);
    // Without a prefix: the whole host.
    expect((await purge(rig.proxy, 'host=shop.test')).json).toEqual({ purged: 5 });
    expect(isHit(await get(rig, 'blog.test', '/p/a'))).toBe(true);
  });

  it('purges everything with all=true', async () => {
    const rig = await cacheRig(h, cacheable);
    for (const path of ['/1', '/2', '/3']) await get(rig, 'shop.test', path);
    expect(await purge(rig.proxy, 'all=true')).toEqual({ status: 200, json: { purged: 3 } });
    expect((await api(rig.proxy, 'GET', '/cache')).json.entries).toBe(0);
    expect(isHit(await get(rig, 'shop.test', '/1'))).toBe(false);
  });

  it.each<[string, string, RegExp]>([
    ['no selector', '', /one of url, host .* or all=true/],
    ['an unknown field', 'all=true&force=1', /property force should not exist/],
    ['a relative url', `url=${encodeURIComponent('/p?q')}`, /^url must be/],
    ['a url of another scheme', `url=${encodeURIComponent('ftp://shop.test/p')}`, /^url must be/],
    ['two urls', 'url=http%3A%2F%2Fa.test%2F&url=http%3A%2F%2Fb.test%2F', /^url must be/],
    ['a malformed host', 'host=bad%20host', /^host must be/],
    ['a prefix without a host', 'prefix=/p', /^prefix needs host/],
    ['a prefix not starting with /', 'host=shop.test&prefix=p', /^prefix must be a path/],
    ['all other than true', 'all=false', /^all must be true/],
    ['two selectors', `all=true&url=${encodeURIComponent('http://a.test/')}`, /url and all exclude each other/],
  ])('answers 400 naming the field for %s', async (_label, query, message) => {
    const rig = await cacheRig(h, cacheable);
    await get(rig, 'shop.test', '/kept');
    const res = await purge(rig.proxy, query);
    expect(res.status).toBe(400);
    const messages = [res.json.message].flat() as string[];
    expect(messages.some((m) => message.test(m))).toBe(true);
    expect(isHit(await get(rig, 'shop.test', '/kept'))).toBe(true); // nothing was purged
  });
});

describeRedis('admin API: cache on Redis', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('reports the Redis backend and purges by host and prefix through SCAN', async () => {
    // A host of its own: other suites share this Redis and its key prefix.
    const host = `shop-${randomBytes(4).toString('hex')}.test`;
    const rig = await cacheRig(h, cacheable, { proxy: { redisUrl: TEST_REDIS_URL, cacheStoreTimeoutMs: 1000 } });
    h.defer(() => purge(rig.proxy, `host=${host}`));
    for (const path of ['/p/1', '/p/2', '/p/3', '/q']) await get(rig, host, path);
    expect(isHit(await get(rig, host, '/p/1'))).toBe(true);

    const stats = (await api(rig.proxy, 'GET', '/cache')).json;
    expect(stats).toMatchObject({ backend: 'redis', healthy: true, entries: null, bytes: null, evictions: null });

    expect(await purge(rig.proxy, `host=${host}&prefix=/p`)).toEqual({ status: 200, json: { purged: 3 } });
    expect(isHit(await get(rig, host, '/p/1'))).toBe(false);
    expect(isHit(await get(rig, host, '/q'))).toBe(true);
    expect((await purge(rig.proxy, `url=${encodeURIComponent(`http://${host}/q`)}`)).json).toEqual({ purged: 1 });
    expect(isHit(await get(rig, host, '/q'))).toBe(false);
  });
});
