import type { OutgoingHttpHeaders } from 'node:http';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';

// RFC 9111 §3: any final response whose status the cache understands may be stored when it has
// explicit freshness (max-age, s-maxage, Expires), not only the heuristically cacheable
// statuses of RFC 9110 §15.1. Once stored, such responses follow the same stale rules
// (§4.2.4, §5.2.2) and the same sharing rules (§3.5, HARP's Set-Cookie decision).
// Regression: a 400, 500, 503 or unknown status with max-age was never stored.

describe('cache: final statuses with explicit freshness', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it.each([299, 400, 499, 500, 502, 503, 504, 599])('stores a %i with max-age and serves it again', async (status) => {
    const r = await cacheRig(h, (_req, res) => {
      res.writeHead(status, { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain' });
      res.end(`status ${status}`);
    });
    const first = await r.request('/e');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');

    const hit = await r.request('/e');
    expect(hit.status).toBe(status);
    expect(hit.body.toString()).toBe(`status ${status}`);
    expect(cacheStatus(hit)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(r.hits('/e')).toBe(1);
  });

  it.each<[string, OutgoingHttpHeaders]>([
    ['s-maxage', { 'Cache-Control': 's-maxage=60' }],
    ['Expires', { Expires: new Date(Date.now() + 600_000).toUTCString() }],
  ])('stores a 503 with %s', async (_name, fields) => {
    const r = await cacheRig(h, (_req, res) => void res.writeHead(503, fields).end('down'));
    await r.request('/e');
    const hit = await r.request('/e');
    expect(hit.status).toBe(503);
    expect(cacheStatus(hit)).toMatch(/^HARP; hit/);
    expect(r.hits('/e')).toBe(1);
  });

  it('does not store a 503 without explicit freshness, even with public or Last-Modified', async () => {
    const r = await cacheRig(h, (_req, res) => {
      res.writeHead(503, { 'Cache-Control': 'public', 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
      res.end('down');
    });
    await r.request('/e');
    const second = await r.request('/e');
    expect(cacheStatus(second)).toBe('HARP; fwd=uri-miss');
    expect(r.hits('/e')).toBe(2);
  });

  it('keeps a stored 503 to the stale rules: must-revalidate, proxy-revalidate, s-maxage and no-cache', async () => {
    const control: Record<string, string> = {
      '/plain': 'max-age=1',
      '/must': 'max-age=1, must-revalidate',
      '/proxy': 'max-age=1, proxy-revalidate',
      '/shared': 's-maxage=1',
      '/no-cache': 'max-age=60, no-cache',
    };
    const r = await cacheRig(h, (req, res) => {
      res.writeHead(503, { 'Cache-Control': control[req.url!]!, ETag: '"down"' });
      res.end('down');
    });
    for (const path of Object.keys(control)) await r.request(path);
    await sleep(1200);

    const maxStale = { 'cache-control': 'max-stale=60' };
    const plain = await r.request('/plain', { headers: maxStale });
    expect(plain.status).toBe(503);
    expect(cacheStatus(plain)).toMatch(/^HARP; hit; ttl=-\d+; detail=stale$/);
    for (const path of ['/must', '/proxy', '/shared', '/no-cache']) {
      const res = await r.request(path, { headers: maxStale });
      expect([path, res.status, cacheStatus(res)?.startsWith('HARP; fwd=stale')]).toEqual([path, 503, true]);
    }
    expect(r.upstream.received.slice(5).map((x) => [x.url, x.headers['if-none-match']])).toEqual([
      ['/must', '"down"'],
      ['/proxy', '"down"'],
      ['/shared', '"down"'],
      ['/no-cache', '"down"'],
    ]);
    expect(r.hits('/plain')).toBe(1);
  });

  it('lets a 503 with max-age replace a fresh 200 (a newer response for the same URI)', async () => {
    let down = false;
    const r = await cacheRig(h, (_req, res) => {
      if (down) return void res.writeHead(503, { 'Cache-Control': 'max-age=60' }).end('down');
      res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('up');
    });
    await r.request('/s');
    expect((await r.request('/s')).body.toString()).toBe('up');

    down = true;
    const forced = await r.request('/s', { headers: { 'cache-control': 'no-cache' } });
    expect(forced.status).toBe(503);
    expect(cacheStatus(forced)).toBe('HARP; fwd=request; stored; ttl=60');

    const after = await r.request('/s');
    expect(after.status).toBe(503);
    expect(cacheStatus(after)).toMatch(/^HARP; hit/);
    expect(r.hits('/s')).toBe(2);
  });

  it.each<[string, OutgoingHttpHeaders, Record<string, string>]>([
    ['Set-Cookie', { 'Cache-Control': 'public, max-age=60', 'Set-Cookie': 'sid=alice' }, {}],
    ['a request with Authorization', { 'Cache-Control': 'max-age=60' }, { authorization: 'Bearer alice' }],
  ])('still does not share a 500 with %s', async (_name, fields, requestFields) => {
    const r = await cacheRig(h, (_req, res) => void res.writeHead(500, fields).end('personal'));
    await r.request('/p', { headers: requestFields });
    const second = await r.request('/p', { headers: requestFields });
    expect(cacheStatus(second)).toBe('HARP; fwd=uri-miss');
    expect(r.hits('/p')).toBe(2);
  });
});
