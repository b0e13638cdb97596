import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// RFC 9211: every response that went through the cache path says what the cache did,
// including the ones it only forwarded and the error pages of a failed exchange.

describe('cache: Cache-Status on every proxied response', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('on methods the cache does not look up: fwd=method', async () => {
    const rig = await cacheRig(h, (req, res) => res.writeHead(req.method === 'DELETE' ? 204 : 201).end());
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const res = await rig.request('/thing', { method, body: method === 'DELETE' ? undefined : 'x' });
      expect([method, cacheStatus(res)]).toEqual([method, 'HARP; fwd=method']);
    }
  });

  it('on responses that were not stored: fwd=uri-miss without stored', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(200, { 'Cache-Control': 'no-store' }).end('x'));
    expect(cacheStatus(await rig.request('/x'))).toBe('HARP; fwd=uri-miss');
  });

  it('on range requests that miss: fwd=uri-miss, never stored', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(206, { 'Content-Range': 'bytes 0-0/2' }).end('x'));
    expect(cacheStatus(await rig.request('/x', { headers: { range: 'bytes=0-0' } }))).toBe('HARP; fwd=uri-miss');
  });

  it('on error pages of the backend path: a refused upstream (502) for GET and POST', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end());
    await h.agent(proxy, upstream.url);
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));

    const get = await send(`${proxy.url}/down`);
    expect(get.status).toBe(502);
    expect(get.headers['x-harp-error']).toBe('upstream_error');
    expect(cacheStatus(get)).toBe('HARP; fwd=uri-miss');

    const post = await send(`${proxy.url}/down`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(502);
    expect(cacheStatus(post)).toBe('HARP; fwd=method');
  });

  it('on error pages of the backend path: a timeout (504)', async () => {
    const rig = await cacheRig(h, () => undefined, { proxy: { requestTimeoutMs: 300 } });
    const res = await rig.request('/slow');
    expect(res.status).toBe(504);
    expect(res.headers['x-harp-error']).toBe('timeout');
    expect(cacheStatus(res)).toBe('HARP; fwd=uri-miss');
  });

  // Regression: the verdict and the reported ttl read the clock separately, so a millisecond
  // tick between them made a just-stored `max-age=60` say `ttl=59` now and then.
  it('reports the whole lifetime of a just-stored response: ttl=60 for max-age=60, every time', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('x'.repeat(1000)));
    const statuses = new Set<string | undefined>();
    for (let i = 0; i < 60; i++) statuses.add(cacheStatus(await rig.request(`/fresh/${i}`)));
    expect([...statuses]).toEqual(['HARP; fwd=uri-miss; stored; ttl=60']);
  });

  it('on a hit, a 304 from the cache, and a refused only-if-cached', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(200, { 'Cache-Control': 'max-age=60', ETag: '"t"' }).end('x'));
    await rig.request('/x');
    expect(cacheStatus(await rig.request('/x'))).toMatch(/^HARP; hit; ttl=\d+$/);
    expect(cacheStatus(await rig.request('/x', { headers: { 'if-none-match': '"t"' } }))).toMatch(/^HARP; hit; ttl=\d+$/);
    const refused = await rig.request('/y', { headers: { 'cache-control': 'only-if-cached' } });
    expect(cacheStatus(refused)).toBe('HARP; fwd=miss; detail=only-if-cached');
  });

  it('appends to a Cache-Status the backend sent rather than replacing it', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(200, { 'Cache-Status': 'origin-cache; hit' }).end('x'));
    const res = await rig.request('/x');
    expect(res.rawHeaders.filter((_v, i) => i % 2 === 0 && res.rawHeaders[i]!.toLowerCase() === 'cache-status')).toHaveLength(2);
    expect(cacheStatus(res)).toBe('origin-cache; hit, HARP; fwd=uri-miss');
  });
});
