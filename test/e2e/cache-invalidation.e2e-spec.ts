import { cacheRig, cacheStatus } from '../helpers/cache.js';
import type { CacheRig } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';
import type { ClientResponse } from '../helpers/http-client.js';

// RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI and the
// same-origin URIs in Location and Content-Location; an error response invalidates nothing.

describe('cache: invalidation by unsafe methods', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** GETs are cacheable; POST /x answers as `post` says. */
  async function rig(post: { status: number; location?: string }): Promise<CacheRig> {
    return cacheRig(h, (req, res) => {
      if (req.method === 'POST') {
        res.writeHead(post.status, post.location ? { Location: post.location } : {});
        return void res.end('posted');
      }
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      res.end(`get ${req.url}`);
    });
  }

  const isHit = (res: ClientResponse): boolean => /^HARP; hit/.test(cacheStatus(res) ?? '');

  it('a successful POST /x makes the next GET /x a miss', async () => {
    const r = await rig({ status: 200 });
    await r.request('/x');
    expect(isHit(await r.request('/x'))).toBe(true);

    const post = await r.request('/x', { method: 'POST', body: 'change' });
    expect(post.status).toBe(200);
    expect(cacheStatus(post)).toBe('HARP; fwd=method');

    const after = await r.request('/x');
    expect(cacheStatus(after)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    expect(r.hits('/x')).toBe(3); // GET, POST, GET
  });

  it('a POST answered with Location: /y invalidates /y too, and nothing else', async () => {
    const r = await rig({ status: 201, location: '/y' });
    await r.request('/x');
    await r.request('/y');
    await r.request('/z');

    expect((await r.request('/x', { method: 'POST', body: 'new' })).status).toBe(201);

    expect(isHit(await r.request('/x'))).toBe(false);
    expect(isHit(await r.request('/y'))).toBe(false);
    expect(isHit(await r.request('/z'))).toBe(true);
  });

  it('a Location on another origin invalidates nothing there', async () => {
    const r = await rig({ status: 303, location: 'http://other.test/y' });
    await r.request('/y', { headers: { host: 'other.test' } });
    await r.request('/x', { method: 'POST' });
    expect(isHit(await r.request('/y', { headers: { host: 'other.test' } }))).toBe(true);
  });

  it('a failed POST (500) invalidates nothing', async () => {
    const r = await rig({ status: 500, location: '/y' });
    await r.request('/x');
    await r.request('/y');

    const post = await r.request('/x', { method: 'POST', body: 'change' });
    expect(post.status).toBe(500);

    const x = await r.request('/x');
    const y = await r.request('/y');
    expect(isHit(x)).toBe(true);
    expect(isHit(y)).toBe(true);
    expect(r.hits('/x')).toBe(2); // the first GET and the POST
  });

  it('a DELETE invalidates every variant of a URI with Vary', async () => {
    const r = await cacheRig(h, (req, res) => {
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      res.writeHead(200, { 'Cache-Control': 'max-age=60', Vary: 'Accept-Language' });
      res.end(`lang ${req.headers['accept-language']}`);
    });
    const en = { headers: { 'accept-language': 'en' } };
    const de = { headers: { 'accept-language': 'de' } };
    await r.request('/v', en);
    await r.request('/v', de);
    expect(isHit(await r.request('/v', de))).toBe(true);

    await r.request('/v', { method: 'DELETE' });

    expect(isHit(await r.request('/v', en))).toBe(false);
    expect(isHit(await r.request('/v', de))).toBe(false);
  });
});
