import { cacheRig, cacheStatus } from '../helpers/cache.js';
import type { CacheRig } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// A stored GET also answers HEAD (RFC 9110 §9.3.2) and the client's own conditionals
// (RFC 9111 §4.3.2), without the backend.

describe('cache: HEAD and client conditionals from a stored GET', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  const BODY = 'stored representation';

  async function rig(): Promise<CacheRig> {
    return cacheRig(h, (_req, res) => {
      res.writeHead(200, {
        'Cache-Control': 'max-age=60',
        ETag: '"abc"',
        'Last-Modified': 'Tue, 01 Jan 2030 00:00:00 GMT',
        'Content-Type': 'text/plain',
        'Content-Length': String(Buffer.byteLength(BODY)),
      });
      res.end(BODY);
    });
  }

  it('answers HEAD from a stored GET: no upstream hit, no body, the right Content-Length', async () => {
    const r = await rig();
    await r.request('/thing');

    const head = await r.request('/thing', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(head.headers.etag).toBe('"abc"');
    expect(cacheStatus(head)).toMatch(/^HARP; hit/);
    expect(r.hits('/thing')).toBe(1);
  });

  it('does not store a HEAD response for later GETs', async () => {
    const r = await rig();
    await r.request('/thing', { method: 'HEAD' });
    const get = await r.request('/thing');
    expect(get.body.toString()).toBe(BODY);
    expect(r.upstream.received.map((x) => x.method)).toEqual(['HEAD', 'GET']);
  });

  it('answers If-None-Match with the stored ETag with 304 from the cache', async () => {
    const r = await rig();
    await r.request('/thing');

    const notModified = await r.request('/thing', { headers: { 'if-none-match': 'W/"other", "abc"' } });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe('"abc"');
    expect(notModified.headers['cache-control']).toBe('max-age=60');
    expect(cacheStatus(notModified)).toMatch(/^HARP; hit/);

    const changed = await r.request('/thing', { headers: { 'if-none-match': '"old"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toBe(BODY);
    expect(r.hits('/thing')).toBe(1);
  });

  it('answers If-Modified-Since from the cache', async () => {
    const r = await rig();
    await r.request('/thing');
    const later = await r.request('/thing', { headers: { 'if-modified-since': 'Wed, 02 Jan 2030 00:00:00 GMT' } });
    const earlier = await r.request('/thing', { headers: { 'if-modified-since': 'Mon, 31 Dec 2029 00:00:00 GMT' } });
    expect(later.status).toBe(304);
    expect(earlier.status).toBe(200);
    expect(r.hits('/thing')).toBe(1);
  });

  it('fetches the whole response on a miss even when the client sent a validator, then answers it', async () => {
    const r = await rig();
    const first = await r.request('/thing', { headers: { 'if-none-match': '"abc"' } });
    // The upstream was asked unconditionally, so the full response could be stored.
    expect(r.upstream.received[0]!.headers['if-none-match']).toBeUndefined();
    expect(first.status).toBe(200);
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');

    const second = await r.request('/thing', { headers: { 'if-none-match': '"abc"' } });
    expect(second.status).toBe(304);
    expect(r.hits('/thing')).toBe(1);
  });

  describe('If-Modified-Since on a stored response without Last-Modified (RFC 9111 §4.3.2)', () => {
    async function undated(sendDate: boolean): Promise<CacheRig> {
      return cacheRig(h, (_req, res) => {
        res.sendDate = sendDate;
        res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain' });
        res.end(BODY);
      });
    }

    it.each([
      ['the stored Date', true],
      // Regression: the receipt time, in milliseconds, was later than the Date the client saw.
      ['the time it was received, when it had no Date', false],
    ])('answers 304 when %s is not after the client\'s date', async (_name, sendDate) => {
      const r = await undated(sendDate);
      const first = await r.request('/undated');
      const date = first.headers.date!;
      expect(date).toBeDefined();

      const notModified = await r.request('/undated', { headers: { 'if-modified-since': date } });
      expect(notModified.status).toBe(304);
      expect(cacheStatus(notModified)).toMatch(/^HARP; hit/);

      const earlier = new Date(Date.parse(date) - 1000).toUTCString();
      expect((await r.request('/undated', { headers: { 'if-modified-since': earlier } })).status).toBe(200);
      expect(r.hits('/undated')).toBe(1);
    });

    it('ignores an If-Modified-Since that is not an HTTP-date (RFC 9110 §13.1.3)', async () => {
      const r = await undated(true);
      const date = (await r.request('/undated')).headers.date!;
      const res = await r.request('/undated', { headers: { 'if-modified-since': date.replace('GMT', 'UTC') } });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(BODY);
    });
  });
});
