import type { OutgoingHttpHeaders } from 'node:http';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import type { CacheRig } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// RFC 9110 §9.3.3: a POST response with explicit freshness and a Content-Location equal to the
// POST's target URI can be reused for a later GET of that URI (RFC 9111 §4). The POST itself is
// always forwarded and still invalidates the URIs it touched (§4.4), before the new response is
// stored. Regression: such a response was never stored.

describe('cache: a POST response that names its own URI answers later GETs', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function rig(postFields: OutgoingHttpHeaders): Promise<CacheRig> {
    return cacheRig(h, (req, res, record) => {
      if (req.method === 'POST') {
        res.writeHead(200, { 'Content-Type': 'text/plain', ...postFields });
        return void res.end(`posted ${record.body.toString()}`);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'max-age=60' });
      res.end('from get');
    });
  }

  const gets = (r: CacheRig): number => r.upstream.received.filter((x) => x.method === 'GET').length;

  it('stores it under the GET key and serves it to a GET without the backend', async () => {
    const r = await rig({ 'Cache-Control': 'max-age=60', 'Content-Location': '/orders/7' });
    const post = await r.request('/orders/7', { method: 'POST', body: 'v2' });
    expect(post.body.toString()).toBe('posted v2');
    expect(cacheStatus(post)).toBe('HARP; fwd=method; stored; ttl=60');

    const get = await r.request('/orders/7');
    expect(get.body.toString()).toBe('posted v2');
    expect(get.headers['content-location']).toBe('/orders/7');
    expect(cacheStatus(get)).toMatch(/^HARP; hit/);
    expect(gets(r)).toBe(0);
  });

  it('replaces the stored GET response of that URI, with an absolute Content-Location', async () => {
    let self = '';
    const r = await cacheRig(h, (req, res, record) => {
      if (req.method === 'POST') {
        res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Location': `${self}${req.url}` });
        return void res.end(`posted ${record.body.toString()}`);
      }
      res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('from get');
    });
    self = r.proxy.url;
    await r.request('/orders/7');
    expect((await r.request('/orders/7')).body.toString()).toBe('from get');

    await r.request('/orders/7', { method: 'POST', body: 'v3' });
    const get = await r.request('/orders/7');
    expect(get.body.toString()).toBe('posted v3');
    expect(cacheStatus(get)).toMatch(/^HARP; hit/);
    expect(gets(r)).toBe(1);
  });

  it('always forwards the POST, even with its response stored', async () => {
    const r = await rig({ 'Cache-Control': 'max-age=60', 'Content-Location': '/orders/7' });
    await r.request('/orders/7', { method: 'POST', body: 'a' });
    const again = await r.request('/orders/7', { method: 'POST', body: 'b' });
    expect(again.body.toString()).toBe('posted b');
    expect((await r.request('/orders/7')).body.toString()).toBe('posted b');
    expect(r.upstream.received.map((x) => x.method)).toEqual(['POST', 'POST']);
  });

  it.each<[string, OutgoingHttpHeaders]>([
    ['no Content-Location', { 'Cache-Control': 'max-age=60' }],
    ['a Content-Location naming another URI', { 'Cache-Control': 'max-age=60', 'Content-Location': '/orders/8' }],
    ['a Content-Location on another origin', { 'Cache-Control': 'max-age=60', 'Content-Location': 'http://elsewhere.example/orders/7' }],
    ['no explicit freshness', { 'Content-Location': '/orders/7', 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' }],
    ['no-store', { 'Cache-Control': 'max-age=60, no-store', 'Content-Location': '/orders/7' }],
  ])('does not store it with %s', async (_name, fields) => {
    const r = await rig(fields);
    const post = await r.request('/orders/7', { method: 'POST', body: 'x' });
    expect(cacheStatus(post)).toBe('HARP; fwd=method');
    const get = await r.request('/orders/7');
    expect(get.body.toString()).toBe('from get');
    expect(gets(r)).toBe(1);
  });

  it('still invalidates the GET entry when it does not store the POST response', async () => {
    const r = await rig({ 'Content-Location': '/orders/7' });
    await r.request('/orders/7');
    await r.request('/orders/7', { method: 'POST', body: 'x' });
    await r.request('/orders/7');
    expect(gets(r)).toBe(2);
  });
});
