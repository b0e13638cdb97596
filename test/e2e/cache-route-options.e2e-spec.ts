import type { ServerResponse } from 'node:http';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// Who turns the cache off or gives responses a lifetime: the operator for the whole proxy
// (`cacheEnabled`), an agent for its own routes (`routes: [{ cache }]`).

describe('cache: route and global settings', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  const cacheable = (_req: unknown, res: ServerResponse): void => {
    res.writeHead(200, { 'Cache-Control': 'max-age=60', ETag: '"r"' });
    res.end('cacheable');
  };

  it('never caches a route registered with cache: { enabled: false } (fwd=bypass)', async () => {
    const rig = await cacheRig(h, cacheable, { agent: { routes: [{ host: '*', path: '/', cache: { enabled: false } }] } });

    const responses = [await rig.request('/x'), await rig.request('/x'), await rig.request('/x', { method: 'HEAD' })];

    expect(responses.map((r) => cacheStatus(r))).toEqual(Array(3).fill('HARP; fwd=bypass'));
    expect(rig.hits('/x')).toBe(3);
  });

  it('opts out only the route that asked: another route of the same agent is cached', async () => {
    const rig = await cacheRig(h, cacheable, {
      agent: { routes: [{ host: '*', path: '/live', cache: { enabled: false } }, { host: '*', path: '/' }] },
    });
    await rig.request('/live/feed');
    await rig.request('/live/feed');
    await rig.request('/static/a');
    await rig.request('/static/a');
    expect(rig.hits('/live/feed')).toBe(2);
    expect(rig.hits('/static/a')).toBe(1);
  });

  it('defaultTtlSeconds: 60 makes a 200 without caching headers cacheable', async () => {
    const rig = await cacheRig(
      h,
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('no caching headers');
      },
      { agent: { routes: [{ host: '*', path: '/', cache: { defaultTtlSeconds: 60 } }] } },
    );

    const first = await rig.request('/plain');
    const second = await rig.request('/plain');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    expect(cacheStatus(second)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(second.body.toString()).toBe('no caching headers');
    // Downstream caches never see the route's default.
    expect(second.headers['cache-control']).toBeUndefined();
    expect(rig.hits('/plain')).toBe(1);
  });

  it('without defaultTtlSeconds, a 200 without caching headers is not stored', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(200).end('no caching headers'));
    await rig.request('/plain');
    await rig.request('/plain');
    expect(rig.hits('/plain')).toBe(2);
  });

  it('defaultTtlSeconds does not override an explicit no-store or a shorter max-age', async () => {
    const rig = await cacheRig(
      h,
      (req, res) => {
        res.writeHead(200, { 'Cache-Control': req.url === '/nostore' ? 'no-store' : 'max-age=5' });
        res.end('explicit');
      },
      { agent: { routes: [{ host: '*', path: '/', cache: { defaultTtlSeconds: 60 } }] } },
    );
    await rig.request('/nostore');
    await rig.request('/nostore');
    expect(rig.hits('/nostore')).toBe(2);
    expect(cacheStatus(await rig.request('/short'))).toBe('HARP; fwd=uri-miss; stored; ttl=5');
  });

  it('cacheEnabled: false sends every request to the upstream', async () => {
    const rig = await cacheRig(h, cacheable, { proxy: { cacheEnabled: false } });

    const responses = [await rig.request('/x'), await rig.request('/x'), await rig.request('/x')];

    expect(responses.every((r) => r.body.toString() === 'cacheable')).toBe(true);
    expect(responses.map((r) => cacheStatus(r))).toEqual(Array(3).fill('HARP; fwd=bypass'));
    expect(rig.hits('/x')).toBe(3);
  });
});
