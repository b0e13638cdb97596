import { cacheRig, cacheStatus } from '../helpers/cache.js';
import type { CacheRig } from '../helpers/cache.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';

// Request Cache-Control directives (RFC 9111 §5.2.1): what a client may ask of a cache.

describe('cache: request Cache-Control', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** A resource with ETag "e1" and the given Cache-Control; conditional requests get 304. */
  async function rig(cacheControl: string): Promise<CacheRig> {
    return cacheRig(h, (req, res) => {
      if (req.headers['if-none-match'] === '"e1"') {
        res.writeHead(304, { ETag: '"e1"', 'Cache-Control': cacheControl });
        return void res.end();
      }
      res.writeHead(200, { ETag: '"e1"', 'Cache-Control': cacheControl });
      res.end('resource');
    });
  }

  it.each(['no-cache', 'max-age=0'])('%s makes a fresh entry be revalidated', async (directive) => {
    const r = await rig('max-age=60');
    await r.request('/res');

    const res = await r.request('/res', { headers: { 'cache-control': directive } });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('resource');
    expect(cacheStatus(res)).toMatch(/^HARP; fwd=request; fwd-status=304/);
    expect(r.hits('/res')).toBe(2);
    expect(r.upstream.received[1]!.headers['if-none-match']).toBe('"e1"');
  });

  it('Pragma: no-cache (without Cache-Control) makes a fresh entry be revalidated', async () => {
    const r = await rig('max-age=60');
    await r.request('/res');
    await r.request('/res', { headers: { pragma: 'no-cache' } });
    expect(r.hits('/res')).toBe(2);
  });

  it('only-if-cached on a miss answers 504 not_cached without contacting the upstream', async () => {
    const r = await rig('max-age=60');
    const res = await r.request('/never', { headers: { 'cache-control': 'only-if-cached' } });
    expect(res.status).toBe(504);
    expect(res.headers['x-harp-error']).toBe('not_cached');
    expect(cacheStatus(res)).toMatch(/^HARP; fwd=miss/);
    expect(r.hits()).toBe(0);
  });

  it('only-if-cached on a fresh entry serves it', async () => {
    const r = await rig('max-age=60');
    await r.request('/res');
    const res = await r.request('/res', { headers: { 'cache-control': 'only-if-cached' } });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('resource');
    expect(r.hits()).toBe(1);
  });

  it('max-stale serves a stale entry without the upstream', async () => {
    const r = await rig('max-age=1');
    await r.request('/res');
    await sleep(1200);

    const res = await r.request('/res', { headers: { 'cache-control': 'max-stale=60' } });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('resource');
    expect(cacheStatus(res)).toMatch(/^HARP; hit; ttl=-?\d+; detail=stale$/);
    expect(r.hits('/res')).toBe(1);

    // Without max-stale, the same stale entry is revalidated.
    await r.request('/res');
    expect(r.hits('/res')).toBe(2);
  });

  it('max-stale too small for how stale the entry is revalidates', async () => {
    const r = await rig('max-age=1');
    await r.request('/res');
    await sleep(2200);
    await r.request('/res', { headers: { 'cache-control': 'max-stale=0' } });
    expect(r.hits('/res')).toBe(2);
  });

  it('min-fresh beyond the remaining lifetime revalidates; within it, a hit', async () => {
    const r = await rig('max-age=60');
    await r.request('/res');

    const within = await r.request('/res', { headers: { 'cache-control': 'min-fresh=30' } });
    expect(cacheStatus(within)).toMatch(/^HARP; hit/);
    expect(r.hits('/res')).toBe(1);

    const beyond = await r.request('/res', { headers: { 'cache-control': 'min-fresh=120' } });
    expect(beyond.status).toBe(200);
    expect(cacheStatus(beyond)).toMatch(/^HARP; fwd=request/);
    expect(r.hits('/res')).toBe(2);
  });

  it('max-stale does not serve a stale must-revalidate entry (RFC 9111 §5.2.2.2)', async () => {
    const r = await rig('max-age=1, must-revalidate');
    await r.request('/res');
    await sleep(1200);
    await r.request('/res', { headers: { 'cache-control': 'max-stale=60' } });
    expect(r.hits('/res')).toBe(2);
  });
});
