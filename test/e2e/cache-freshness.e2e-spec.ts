import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';

// RFC 9111 §4: a fresh stored response is served without the backend (§4.2), a stale one is
// revalidated with its validator (§4.3) and freshened by a 304 (§4.3.4) or replaced by a 200
// (§4.3.3). Cache-Status (RFC 9211) says which of these happened.

describe('cache: miss, hit, stale and revalidated', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('stores a miss and answers the next request from the cache with an Age', async () => {
    const rig = await cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain', 'X-Origin': 'upstream' });
      res.end('hello');
    });

    const first = await rig.request('/page');
    expect(first.status).toBe(200);
    expect(first.body.toString()).toBe('hello');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');

    await sleep(1100);
    const second = await rig.request('/page');
    expect(second.status).toBe(200);
    expect(second.body.toString()).toBe('hello');
    expect(second.headers['x-origin']).toBe('upstream');
    expect(second.headers['content-type']).toBe('text/plain');
    expect(cacheStatus(second)).toMatch(/^HARP; hit; ttl=5[89]$/);
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(1);
    expect(rig.hits('/page')).toBe(1);
  });

  it('revalidates a stale entry with If-None-Match and serves the stored body on a 304', async () => {
    const rig = await cacheRig(h, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { 'Cache-Control': 'max-age=1', ETag: '"v1"', 'X-Revalidated': 'yes' });
        return void res.end();
      }
      res.writeHead(200, { 'Cache-Control': 'max-age=1', ETag: '"v1"', 'Content-Length': '7' });
      res.end('version');
    });

    expect(cacheStatus(await rig.request('/doc'))).toBe('HARP; fwd=uri-miss; stored; ttl=1');
    await sleep(1200);

    const revalidated = await rig.request('/doc');
    expect(revalidated.status).toBe(200);
    expect(revalidated.body.toString()).toBe('version');
    expect(revalidated.headers['content-length']).toBe('7');
    expect(revalidated.headers['x-revalidated']).toBe('yes');
    expect(cacheStatus(revalidated)).toMatch(/^HARP; fwd=stale; fwd-status=304; ttl=[01]$/);
    expect(rig.upstream.received.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);

    // The 304 made the entry fresh again: the next request is a hit.
    const after = await rig.request('/doc');
    expect(cacheStatus(after)).toMatch(/^HARP; hit; ttl=[01]$/);
    expect(after.body.toString()).toBe('version');
    expect(rig.hits('/doc')).toBe(2);
  });

  // Regression: when the backend's 304 did not repeat the stored validator (a bare 304, common in
  // hand-written handlers), the cache passed the 304 on to a client that had asked
  // unconditionally and so got an empty answer it could do nothing with.
  it.each([
    ['Last-Modified', { 'Last-Modified': 'Tue, 01 Jan 2030 00:00:00 GMT' }, 'if-modified-since'],
    ['ETag', { ETag: '"e1"' }, 'if-none-match'],
  ])('gives an unconditional client the stored 200 when a %s revalidation gets a bare 304', async (_name, validator, conditional) => {
    const rig = await cacheRig(h, (req, res) => {
      if (req.headers[conditional] !== undefined) return void res.writeHead(304, { 'Cache-Control': 'max-age=1' }).end();
      res.writeHead(200, { 'Cache-Control': 'max-age=1', ...validator });
      res.end('stored body');
    });

    await rig.request('/bare');
    await sleep(1200);

    const res = await rig.request('/bare');
    expect(rig.upstream.received[1]!.headers[conditional]).toBeDefined();
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('stored body');
    expect(cacheStatus(res)).toMatch(/^HARP; fwd=stale; fwd-status=304; ttl=[01]$/);
    // The 304 freshened the entry.
    expect(cacheStatus(await rig.request('/bare'))).toMatch(/^HARP; hit/);
    expect(rig.hits('/bare')).toBe(2);
  });

  it('passes a 304 on to a client that sent its own validator', async () => {
    const rig = await cacheRig(h, (req, res) => {
      if (req.headers['if-none-match']?.includes('"client"')) return void res.writeHead(304, { ETag: '"client"' }).end();
      res.writeHead(200, { 'Cache-Control': 'max-age=1', ETag: '"stored"' });
      res.end('stored body');
    });

    await rig.request('/mine');
    await sleep(1200);

    const res = await rig.request('/mine', { headers: { 'if-none-match': '"client"' } });
    expect(rig.upstream.received[1]!.headers['if-none-match']).toBe('"client", "stored"');
    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe('"client"');
  });

  it('replaces the entry when the revalidation answers 200 with a new representation', async () => {
    let version = 1;
    const rig = await cacheRig(h, (req, res) => {
      const etag = `"v${version}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
      res.writeHead(200, { 'Cache-Control': 'max-age=1', ETag: etag });
      res.end(`body ${version}`);
    });

    expect((await rig.request('/r')).body.toString()).toBe('body 1');
    version = 2;
    await sleep(1200);

    const changed = await rig.request('/r');
    expect(changed.body.toString()).toBe('body 2');
    expect(changed.headers.etag).toBe('"v2"');
    expect(cacheStatus(changed)).toBe('HARP; fwd=stale; stored; ttl=1');
    expect(rig.upstream.received[1]!.headers['if-none-match']).toBe('"v1"');

    const hit = await rig.request('/r');
    expect(cacheStatus(hit)).toMatch(/^HARP; hit/);
    expect(hit.body.toString()).toBe('body 2');
    expect(hit.headers.etag).toBe('"v2"');
    expect(rig.hits('/r')).toBe(2);
  });

  it('keeps query strings apart: /q?a=1 and /q?a=2 are two entries', async () => {
    const rig = await cacheRig(h, (req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      res.end(`for ${req.url}`);
    });

    await rig.request('/q?a=1');
    const other = await rig.request('/q?a=2');
    expect(other.body.toString()).toBe('for /q?a=2');
    expect((await rig.request('/q?a=1')).body.toString()).toBe('for /q?a=1');
    expect(rig.hits()).toBe(2);
  });

  it('gives a hit the X-Request-ID of the request it answers, not of the one that filled it', async () => {
    const rig = await cacheRig(h, (_req, res) => res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('x'));
    const first = await rig.request('/id', { headers: { 'x-request-id': 'filler-0001' } });
    const second = await rig.request('/id', { headers: { 'x-request-id': 'reader-0002' } });
    expect(first.headers['x-request-id']).toBe('filler-0001');
    expect(cacheStatus(second)).toMatch(/^HARP; hit/);
    expect(second.rawHeaders.filter((v) => v.toLowerCase() === 'x-request-id')).toHaveLength(1);
    expect(second.headers['x-request-id']).toBe('reader-0002');
  });

  describe('response directives', () => {
    /** A resource with ETag "d" and `cacheControl`; conditional requests get 304. */
    const withControl = (cacheControl: string) =>
      cacheRig(h, (req, res) => {
        if (req.headers['if-none-match'] === '"d"') return void res.writeHead(304, { ETag: '"d"' }).end();
        res.writeHead(200, { 'Cache-Control': cacheControl, ETag: '"d"' });
        res.end('directed');
      });

    it('no-cache: stored, but revalidated on every use', async () => {
      const rig = await withControl('no-cache, max-age=60');
      await rig.request('/d');
      const second = await rig.request('/d');
      expect(second.status).toBe(200);
      expect(second.body.toString()).toBe('directed');
      expect(cacheStatus(second)).toMatch(/^HARP; fwd=(stale|request); fwd-status=304/);
      expect(rig.upstream.received[1]!.headers['if-none-match']).toBe('"d"');
    });

    it('must-revalidate: a fresh entry is still a hit (RFC 9111 §5.2.2.2 is about stale use)', async () => {
      const rig = await withControl('max-age=60, must-revalidate');
      await rig.request('/d');
      expect(cacheStatus(await rig.request('/d'))).toMatch(/^HARP; hit/);
      expect(rig.hits('/d')).toBe(1);
    });

    it('s-maxage outranks max-age for a shared cache', async () => {
      const rig = await withControl('max-age=0, s-maxage=60');
      await rig.request('/d');
      expect(cacheStatus(await rig.request('/d'))).toMatch(/^HARP; hit; ttl=(59|60)$/);
      expect(rig.hits('/d')).toBe(1);
    });

    it('Expires in the future, without Cache-Control, makes a response fresh', async () => {
      const rig = await cacheRig(h, (_req, res) => {
        res.writeHead(200, { Expires: new Date(Date.now() + 60_000).toUTCString() });
        res.end('expires');
      });
      await rig.request('/e');
      expect(cacheStatus(await rig.request('/e'))).toMatch(/^HARP; hit/);
      expect(rig.hits('/e')).toBe(1);
    });
  });
});
