import type { IncomingMessage, ServerResponse } from 'node:http';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { RoutingService } from '../../src/routing/routing.service.js';

// Range requests (RFC 9110 §14) answered from a stored complete 200 (RFC 9111 §4, §3.3): the
// part is cut from the stored body; a miss is forwarded with its Range and nothing is stored.

const BODY = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const LAST_MODIFIED = 'Sat, 28 Feb 2026 12:00:00 GMT';

/** An origin that serves BODY, and its own 206 for `bytes=a-b` (to tell forwarded ranges apart). */
function origin(cacheControl: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const fields = { 'Cache-Control': cacheControl, ETag: '"v1"', 'Last-Modified': LAST_MODIFIED, 'Content-Type': 'application/octet-stream' };
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, fields).end();
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [start, end] = [Number(range[1]), Number(range[2])];
      res.writeHead(206, { ...fields, 'Content-Range': `bytes ${start}-${end}/${BODY.length}`, 'Content-Length': end - start + 1 });
      return void res.end(BODY.subarray(start, end + 1));
    }
    res.writeHead(200, { ...fields, 'Content-Length': BODY.length }).end(BODY);
  };
}

describe('cache: Range requests', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('answers single, open and suffix ranges from the stored 200 with a 206 and Content-Range', async () => {
    const rig = await cacheRig(h, origin('max-age=60'));
    expect((await rig.request('/file')).status).toBe(200);

    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, 999],
      ['bytes=-500', 500, 999],
      ['bytes=999-999', 999, 999],
      ['bytes=0-0', 0, 0],
      ['bytes=0-9,5-19', 0, 19],
    ] as const) {
      const res = await rig.request('/file', { headers: { range } });
      expect([range, res.status]).toEqual([range, 206]);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.body.equals(BODY.subarray(start, end + 1))).toBe(true);
      expect(res.headers.etag).toBe('"v1"');
      expect(cacheStatus(res)).toMatch(/^HARP; hit; ttl=\d+$/);
    }
    expect(rig.hits('/file')).toBe(1);
  });

  it('answers 416 with Content-Range: bytes */length when no range is satisfiable', async () => {
    const rig = await cacheRig(h, origin('max-age=60'));
    await rig.request('/file');

    for (const range of ['bytes=1000-', 'bytes=-0', 'bytes=5000-6000, 2000-']) {
      const res = await rig.request('/file', { headers: { range } });
      expect([range, res.status]).toEqual([range, 416]);
      expect(res.headers['content-range']).toBe('bytes */1000');
      expect(res.body.length).toBe(0);
      expect(cacheStatus(res)).toMatch(/^HARP; hit/);
    }
    expect(rig.hits('/file')).toBe(1);
  });

  it('serves the whole 200 for invalid ranges, unknown units and ranges that do not coalesce', async () => {
    const rig = await cacheRig(h, origin('max-age=60'));
    await rig.request('/file');

    for (const range of ['bytes=5-1', 'bytes = 0-1', 'items=0-1', 'bytes=0-0,-1', 'bytes=0-9,20-29']) {
      const res = await rig.request('/file', { headers: { range } });
      expect([range, res.status]).toEqual([range, 200]);
      expect(res.headers['content-range']).toBeUndefined();
      expect(res.body.equals(BODY)).toBe(true);
      expect(cacheStatus(res)).toMatch(/^HARP; hit/);
    }
    expect(rig.hits('/file')).toBe(1);
  });

  it('honours If-Range: the stored strong ETag or Last-Modified gets the part, anything else the whole', async () => {
    const rig = await cacheRig(h, origin('max-age=60'));
    await rig.request('/file');

    const part = async (ifRange: string) => (await rig.request('/file', { headers: { range: 'bytes=0-9', 'if-range': ifRange } })).status;
    expect(await part('"v1"')).toBe(206);
    // Stored Date (now) is long after Last-Modified, so the date is a strong validator.
    expect(await part(LAST_MODIFIED)).toBe(206);
    expect(await part('"v2"')).toBe(200);
    expect(await part('W/"v1"')).toBe(200);
    expect(await part('Sun, 01 Mar 2026 12:00:00 GMT')).toBe(200);
    expect(rig.hits('/file')).toBe(1);
  });

  it('evaluates If-None-Match before Range (a matching one is a 304), and ignores Range on HEAD', async () => {
    const rig = await cacheRig(h, origin('max-age=60'));
    await rig.request('/file');

    const notModified = await rig.request('/file', { headers: { range: 'bytes=0-9', 'if-none-match': '"v1"' } });
    expect(notModified.status).toBe(304);

    const head = await rig.request('/file', { method: 'HEAD', headers: { range: 'bytes=0-9' } });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('1000');
    expect(head.headers['content-range']).toBeUndefined();
    expect(head.body.length).toBe(0);
    expect(cacheStatus(head)).toMatch(/^HARP; hit/);
    expect(rig.hits('/file')).toBe(1);
  });

  it('forwards a ranged GET that misses with its Range and If-Range, and stores nothing of the 206', async () => {
    const rig = await cacheRig(h, origin('max-age=60'));

    const res = await rig.request('/file', { headers: { range: 'bytes=10-19', 'if-range': '"v1"' } });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 10-19/1000');
    expect(res.body.equals(BODY.subarray(10, 20))).toBe(true);
    expect(cacheStatus(res)).toBe('HARP; fwd=uri-miss');
    expect(rig.upstream.received[0]!.headers.range).toBe('bytes=10-19');
    expect(rig.upstream.received[0]!.headers['if-range']).toBe('"v1"');

    const whole = await rig.request('/file');
    expect(whole.status).toBe(200);
    expect(cacheStatus(whole)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    expect(rig.hits('/file')).toBe(2);
  });

  // Regression: the background refresh a ranged GET started asked the backend without Range but
  // judged the answer as a response to a Range request, so the new response was never stored.
  it('serves a part of a stale-while-revalidate entry and refreshes the whole response behind it', async () => {
    let version = 1;
    const rig = await cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=1, stale-while-revalidate=60', ETag: `"v${version}"` });
      res.end(`version ${version}`);
    });
    await rig.request('/file');
    version = 2;
    await sleep(1100);

    const stale = await rig.request('/file', { headers: { range: 'bytes=0-6' } });
    expect(stale.status).toBe(206);
    expect(stale.body.toString()).toBe('version');
    expect(cacheStatus(stale)).toMatch(/detail=stale-while-revalidate/);
    await eventually(() => rig.hits('/file') === 2, 3000, 'the background refresh');
    expect(rig.upstream.received[1]!.headers.range).toBeUndefined();

    await eventually(async () => (await rig.request('/file', { headers: { range: 'bytes=-1' } })).body.toString() === '2', 3000, 'the refreshed entry');
    expect(rig.hits('/file')).toBe(2);
  });

  it('revalidates a stored response for a ranged GET whole, then cuts the part from it', async () => {
    const rig = await cacheRig(h, origin('no-cache'));
    await rig.request('/file');

    const res = await rig.request('/file', { headers: { range: 'bytes=-10' } });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 990-999/1000');
    expect(res.body.equals(BODY.subarray(990))).toBe(true);
    expect(cacheStatus(res)).toMatch(/^HARP; fwd=(stale|request); fwd-status=304/);
    const revalidation = rig.upstream.received[1]!;
    expect(revalidation.headers['if-none-match']).toBe('"v1"');
    expect(revalidation.headers.range).toBeUndefined();
  });
  it('sends the whole new response to a ranged GET whose revalidation found it changed, and stores it', async () => {
    let version = 1;
    const rig = await cacheRig(h, (req, res) => {
      if (req.headers['if-none-match'] === `"v${version}"`) return void res.writeHead(304).end();
      res.writeHead(200, { 'Cache-Control': 'no-cache', ETag: `"v${version}"` }).end(`version ${version}`);
    });
    await rig.request('/file');
    version = 2;

    const changed = await rig.request('/file', { headers: { range: 'bytes=0-0', 'if-range': '"v1"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toBe('version 2');
    expect(cacheStatus(changed)).toMatch(/^HARP; fwd=(stale|request); stored/);
    expect(rig.upstream.received[1]!.headers['if-range']).toBeUndefined();

    const part = await rig.request('/file', { headers: { range: 'bytes=-1', 'if-range': '"v2"' } });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('2');
  });
  it('answers a range from the stored response when no backend can (RFC 9111 §4.2.4)', async () => {
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const agent = await h.agent(proxy, origin('max-age=60'));
    await send(`${proxy.url}/file`);
    await agent.close(0);
    await eventually(() => proxy.app.get(RoutingService).routeCount === 0, 2000, 'the route dropped');

    const res = await send(`${proxy.url}/file`, { headers: { range: 'bytes=10-19' } });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 10-19/1000');
    expect(res.body.equals(BODY.subarray(10, 20))).toBe(true);
    expect(cacheStatus(res)).toMatch(/^HARP; hit/);
  });
});
