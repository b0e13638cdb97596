import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// RFC 9213: HARP is a CDN cache; a valid CDN-Cache-Control replaces Cache-Control and Expires
// for its own decisions, and both fields still go downstream (§3).

describe('cache: CDN-Cache-Control (RFC 9213)', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('stores CDN-Cache-Control: max-age=60 despite Cache-Control: no-store, and passes both on', async () => {
    const rig = await cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'CDN-Cache-Control': 'max-age=60', 'Cache-Control': 'no-store' });
      res.end('edge cached');
    });

    const first = await rig.request('/cdn');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    expect(first.headers['cdn-cache-control']).toBe('max-age=60');
    expect(first.headers['cache-control']).toBe('no-store');

    const second = await rig.request('/cdn');
    expect(cacheStatus(second)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(second.body.toString()).toBe('edge cached');
    expect(second.headers['cdn-cache-control']).toBe('max-age=60');
    expect(second.headers['cache-control']).toBe('no-store');
    expect(rig.hits('/cdn')).toBe(1);
  });

  it('does not store CDN-Cache-Control: no-store despite Cache-Control: max-age=60', async () => {
    const rig = await cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'CDN-Cache-Control': 'no-store', 'Cache-Control': 'public, max-age=60' });
      res.end('browser cached only');
    });

    await rig.request('/cdn');
    const second = await rig.request('/cdn');
    expect(cacheStatus(second)).toBe('HARP; fwd=uri-miss');
    expect(rig.hits('/cdn')).toBe(2);
  });

  it('ignores an invalid CDN-Cache-Control and follows Cache-Control', async () => {
    const rig = await cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'CDN-Cache-Control': 'max-age=(', 'Cache-Control': 'max-age=60' });
      res.end('fallback');
    });

    await rig.request('/cdn');
    expect(cacheStatus(await rig.request('/cdn'))).toMatch(/^HARP; hit/);
    expect(rig.hits('/cdn')).toBe(1);
  });
});
