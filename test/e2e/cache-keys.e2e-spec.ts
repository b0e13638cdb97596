import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// What makes two requests "the same" to the cache: the host and target (RFC 9111 §2, the
// primary key) and, for responses with Vary, the selecting request fields (§4.1).

describe('cache: keys and variants', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('never shares an entry between two hosts with the same path', async () => {
    const rig = await cacheRig(
      h,
      (req, res) => {
        res.writeHead(200, { 'Cache-Control': 'max-age=60' });
        res.end(`site ${req.headers.host}`);
      },
      { agent: { routes: [{ host: '*', path: '/' }] } },
    );

    const a = await rig.request('/same', { headers: { host: 'a.test' } });
    const b = await rig.request('/same', { headers: { host: 'b.test' } });
    expect(a.body.toString()).toBe('site a.test');
    expect(b.body.toString()).toBe('site b.test');
    expect(cacheStatus(b)).toBe('HARP; fwd=uri-miss; stored; ttl=60');

    const aAgain = await rig.request('/same', { headers: { host: 'A.TEST' } });
    const bAgain = await rig.request('/same', { headers: { host: 'b.test' } });
    expect(aAgain.body.toString()).toBe('site a.test');
    expect(bAgain.body.toString()).toBe('site b.test');
    expect(cacheStatus(aAgain)).toMatch(/^HARP; hit/);
    expect(cacheStatus(bAgain)).toMatch(/^HARP; hit/);
    expect(rig.hits()).toBe(2);
  });

  it('keeps the variants of Vary: Accept-Language apart', async () => {
    const rig = await cacheRig(h, (req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60', Vary: 'Accept-Language' });
      res.end(`lang ${req.headers['accept-language'] ?? 'none'}`);
    });

    const en = await rig.request('/greeting', { headers: { 'accept-language': 'en' } });
    const de = await rig.request('/greeting', { headers: { 'accept-language': 'de' } });
    expect(en.body.toString()).toBe('lang en');
    expect(de.body.toString()).toBe('lang de');
    expect(cacheStatus(de)).toBe('HARP; fwd=vary-miss; stored; ttl=60');

    const enAgain = await rig.request('/greeting', { headers: { 'accept-language': 'en' } });
    const deAgain = await rig.request('/greeting', { headers: { 'accept-language': 'de' } });
    expect(enAgain.body.toString()).toBe('lang en');
    expect(deAgain.body.toString()).toBe('lang de');
    expect(cacheStatus(enAgain)).toMatch(/^HARP; hit/);
    expect(cacheStatus(deAgain)).toMatch(/^HARP; hit/);
    expect(enAgain.headers.vary).toBe('Accept-Language');

    const none = await rig.request('/greeting');
    expect(none.body.toString()).toBe('lang none');
    expect(rig.hits('/greeting')).toBe(3);
  });

  // RFC 9111 §4.1: equivalent selecting values (case, whitespace, an explicit q=1, the order of
  // different weights) share one variant; a value that means something else does not.
  it('shares one variant between equivalent Accept-Language values, and not with others', async () => {
    const rig = await cacheRig(h, (req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60', Vary: 'Accept-Language' });
      res.end(`lang ${req.headers['accept-language']}`);
    });

    const first = await rig.request('/greeting', { headers: { 'accept-language': 'en-US, de;q=0.5' } });
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');

    for (const equivalent of ['EN-us,de;q=0.50', 'de;q=0.5 , en-US;q=1', 'en-us, de;Q=0.5, en-us']) {
      const res = await rig.request('/greeting', { headers: { 'accept-language': equivalent } });
      expect([equivalent, res.body.toString()]).toEqual([equivalent, 'lang en-US, de;q=0.5']);
      expect(cacheStatus(res)).toMatch(/^HARP; hit/);
    }
    expect(rig.hits('/greeting')).toBe(1);

    for (const different of ['de, en-US;q=0.5', 'en-US, de;q=0', 'en-US']) {
      const res = await rig.request('/greeting', { headers: { 'accept-language': different } });
      expect([different, res.body.toString()]).toEqual([different, `lang ${different}`]);
      expect(cacheStatus(res)).toBe('HARP; fwd=vary-miss; stored; ttl=60');
    }
    expect(rig.hits('/greeting')).toBe(4);
  });

  // Regression: Vary was matched on the client's fields without the forwarding fields the proxy
  // sets, so a response that varied on X-Forwarded-For (geo-IP, per-client rate limits) was
  // served from the cache to every other client.
  it('never serves a response that varies on X-Forwarded-For to another client', async () => {
    const rig = await cacheRig(
      h,
      (req, res) => {
        res.writeHead(200, { 'Cache-Control': 'max-age=60', Vary: 'X-Forwarded-For' });
        res.end(`for ${req.headers['x-forwarded-for']}`);
      },
      // Two clients behind a trusted proxy on loopback: the backend sees two different chains.
      { proxy: { trustedProxies: ['127.0.0.1'] } },
    );

    const a = await rig.request('/geo', { headers: { 'x-forwarded-for': '203.0.113.1' } });
    const b = await rig.request('/geo', { headers: { 'x-forwarded-for': '203.0.113.2' } });

    expect(a.body.toString()).toBe('for 203.0.113.1, 127.0.0.1');
    expect(b.body.toString()).toBe('for 203.0.113.2, 127.0.0.1');
    expect(cacheStatus(b)).toBe('HARP; fwd=uri-miss');
    expect(rig.hits('/geo')).toBe(2);
  });

  it('never stores a response with Vary: *', async () => {
    const rig = await cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60', Vary: '*' });
      res.end('unique');
    });

    const first = await rig.request('/star');
    const second = await rig.request('/star');
    expect(second.body.toString()).toBe('unique');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss');
    expect(cacheStatus(second)).toBe('HARP; fwd=uri-miss');
    expect(rig.hits('/star')).toBe(2);
  });
});
