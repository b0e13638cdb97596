import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { HttpCacheStore } from '../../src/cache/index.js';
import { REDIS_KEY_PREFIX } from '../../src/cache/redis-store.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { cacheStatus } from '../helpers/cache.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import { rawRedis, redisAvailableOrFail, TEST_REDIS_URL } from '../helpers/redis.js';

// docs/architecture.md property 7: several proxies share one cache through Redis. Bodies are bytes and
// repeated fields survive (property 3), also through Redis; and a Redis that is down must never
// make HARP less available than no cache at all.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

describeRedis('cache: shared through Redis', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** A proxy on the test Redis whose whole HTTP cache is cleared when the test ends. */
  async function redisProxy(): Promise<HarpServer> {
    const proxy = await h.proxy({ redisUrl: TEST_REDIS_URL, cacheStoreTimeoutMs: 1000 });
    // Closers run last-in first-out: this one runs before the proxy closes.
    h.defer(() => proxy.app.get(HttpCacheStore).clear());
    return proxy;
  }

  it('a hit served by a second proxy is byte-exact: binary body and repeated Link fields', async () => {
    const body = randomBytes(200 * 1024 + 7);
    const upstream = await recordingUpstream(h, (_req, res: ServerResponse) => {
      res.setHeader('Link', ['</style.css>; rel=preload; as=style', '</app.js>; rel=preload; as=script']);
      res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Type': 'application/octet-stream' });
      res.end(body);
    });
    const first = await redisProxy();
    const second = await redisProxy();
    await h.agent(first, upstream.url);
    await h.agent(second, upstream.url);
    // A host of this run only: the key cannot collide with anything else in that Redis.
    const host = `redis-${randomBytes(6).toString('hex')}.test`;

    const miss = await send(`${first.url}/blob`, { headers: { host } });
    expect(miss.body.equals(body)).toBe(true);
    expect(cacheStatus(miss)).toBe('HARP; fwd=uri-miss; stored; ttl=60');

    // The entry is in Redis under HARP's prefix (the store's write ends after the response).
    const raw = await rawRedis();
    h.defer(() => raw.destroy());
    const redisKey = `${REDIS_KEY_PREFIX}http://${host}/blob`;
    await eventually(async () => (await raw.exists(redisKey)) !== 0, 1000, 'the entry in Redis');
    expect(await raw.exists(redisKey)).toBe(1);

    const hit = await send(`${second.url}/blob`, { headers: { host } });
    expect(cacheStatus(hit)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(hit.status).toBe(200);
    expect(hit.body.equals(body)).toBe(true);
    expect(hit.headers['content-type']).toBe('application/octet-stream');
    const links: string[] = [];
    for (let i = 0; i < hit.rawHeaders.length; i += 2) {
      if (hit.rawHeaders[i]!.toLowerCase() === 'link') links.push(hit.rawHeaders[i + 1]!);
    }
    expect(links).toEqual(['</style.css>; rel=preload; as=style', '</app.js>; rel=preload; as=script']);
    expect(upstream.received).toHaveLength(1);
  });

  it('variants stored by one proxy are selected by the other (Vary index and variants in Redis)', async () => {
    const upstream = await recordingUpstream(h, (req, res: ServerResponse) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60', Vary: 'Accept-Language' });
      res.end(`lang ${req.headers['accept-language']}`);
    });
    const first = await redisProxy();
    const second = await redisProxy();
    await h.agent(first, upstream.url);
    await h.agent(second, upstream.url);
    const host = `redis-${randomBytes(6).toString('hex')}.test`;
    const lang = (value: string) => ({ headers: { host, 'accept-language': value } });

    await send(`${first.url}/v`, lang('en'));
    await send(`${first.url}/v`, lang('de'));
    await sleep(100);

    const de = await send(`${second.url}/v`, lang('de'));
    const en = await send(`${second.url}/v`, lang('en'));
    expect([de.body.toString(), cacheStatus(de)?.startsWith('HARP; hit')]).toEqual(['lang de', true]);
    expect([en.body.toString(), cacheStatus(en)?.startsWith('HARP; hit')]).toEqual(['lang en', true]);
    expect(cacheStatus(await send(`${second.url}/v`, lang('fr')))).toBe('HARP; fwd=vary-miss; stored; ttl=60');
    expect(upstream.received).toHaveLength(3);
  });

  it('an invalidation on one proxy is seen by the other', async () => {
    const upstream = await recordingUpstream(h, (req, res: ServerResponse) => {
      if (req.method === 'POST') return void res.writeHead(204).end();
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      res.end('shared');
    });
    const first = await redisProxy();
    const second = await redisProxy();
    await h.agent(first, upstream.url);
    await h.agent(second, upstream.url);
    const host = `redis-${randomBytes(6).toString('hex')}.test`;

    await send(`${first.url}/doc`, { headers: { host } });
    await sleep(100);
    expect(cacheStatus(await send(`${second.url}/doc`, { headers: { host } }))).toMatch(/^HARP; hit/);

    await send(`${first.url}/doc`, { method: 'POST', headers: { host }, body: 'x' });
    await sleep(100);
    expect(cacheStatus(await send(`${second.url}/doc`, { headers: { host } }))).toBe('HARP; fwd=uri-miss; stored; ttl=60');
  });
});

describe('cache: Redis down', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('serves every request from the backend with bounded latency and does not crash', async () => {
    const proxy = await h.proxy({ redisUrl: 'redis://127.0.0.1:1', cacheStoreTimeoutMs: 200 });
    const upstream = await recordingUpstream(h, (req, res: ServerResponse) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      res.end(`fresh ${req.url}`);
    });
    await h.agent(proxy, upstream.url);

    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      const res = await send(`${proxy.url}/page`);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('fresh /page');
      expect(cacheStatus(res)).toMatch(/^HARP; fwd=uri-miss/);
    }
    expect(upstream.received).toHaveLength(8);

    // Many at once, past a probe interval: still each one answered, none slowed without bound.
    await sleep(1100);
    const started = performance.now();
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`${proxy.url}/burst/${i}`)));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(burst.every((r, i) => r.status === 200 && r.body.toString() === `fresh /burst/${i}`)).toBe(true);

    const health = await send(`${proxy.url}/_harp/healthz`);
    expect(health.status).toBeLessThan(500);
    expect(proxy.app.get(HttpCacheStore).stats().storeErrors).toBeGreaterThan(0);
  });
});
