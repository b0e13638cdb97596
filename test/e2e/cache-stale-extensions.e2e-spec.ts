import type { IncomingMessage, ServerResponse } from 'node:http';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';

// RFC 5861: stale-while-revalidate serves a stale entry at once and refreshes it in the
// background; stale-if-error serves a stale entry when the backend fails.

describe('cache: stale-while-revalidate and stale-if-error', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('stale-while-revalidate: serves the stale entry at once, refreshes it once in the background', async () => {
    let version = 1;
    const rig = await cacheRig(h, (req, res) => {
      // The refresh takes a while: the stale answers must not wait for it.
      const delay = version === 1 ? 0 : 800;
      setTimeout(() => {
        const maxAge = version === 1 ? 1 : 60;
        res.writeHead(200, { 'Cache-Control': `max-age=${maxAge}, stale-while-revalidate=30`, ETag: `"v${version}"` });
        res.end(`version ${version}`);
      }, delay);
    });

    await rig.request('/swr');
    await sleep(1200);
    version = 2;

    const started = performance.now();
    const stale = await Promise.all([rig.request('/swr'), rig.request('/swr'), rig.request('/swr')]);
    expect(performance.now() - started).toBeLessThan(500);
    for (const res of stale) {
      expect(res.body.toString()).toBe('version 1');
      expect(cacheStatus(res)).toMatch(/^HARP; hit; ttl=-\d+; detail=stale-while-revalidate$/);
    }

    await eventually(() => rig.hits('/swr') === 2, 2000, 'the background revalidation');
    expect(rig.upstream.received[1]!.headers['if-none-match']).toBe('"v1"');
    await sleep(1000); // its answer arrives and is stored

    const fresh = await rig.request('/swr');
    expect(fresh.body.toString()).toBe('version 2');
    expect(cacheStatus(fresh)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(rig.hits('/swr')).toBe(2);
  });

  it('stale-while-revalidate: a 304 in the background freshens the entry', async () => {
    const rig = await cacheRig(h, (req, res) => {
      const fields = { 'Cache-Control': 'max-age=1, stale-while-revalidate=30', ETag: '"same"' };
      if (req.headers['if-none-match'] === '"same"') return void res.writeHead(304, fields).end();
      res.writeHead(200, fields);
      res.end('unchanged');
    });

    await rig.request('/swr');
    await sleep(1200);
    expect(cacheStatus(await rig.request('/swr'))).toMatch(/detail=stale-while-revalidate/);
    await eventually(() => rig.hits('/swr') === 2, 2000, 'the background revalidation');
    await sleep(100);

    const fresh = await rig.request('/swr');
    expect(fresh.body.toString()).toBe('unchanged');
    expect(cacheStatus(fresh)).toMatch(/^HARP; hit; ttl=[01]$/);
    expect(rig.hits('/swr')).toBe(2);
  });

  it('stale-if-error: an upstream 500 after expiry gets the stale entry, within the window', async () => {
    let failing = false;
    const rig = await cacheRig(h, (_req, res) => {
      if (failing) return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('broken');
      res.writeHead(200, { 'Cache-Control': 'max-age=1, stale-if-error=60', ETag: '"ok"' });
      res.end('good');
    });

    await rig.request('/sie');
    await sleep(1200);
    failing = true;

    const res = await rig.request('/sie');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('good');
    expect(cacheStatus(res)).toBe('HARP; fwd=stale; fwd-status=500; detail=stale-if-error');
    expect(rig.hits('/sie')).toBe(2);
  });

  it('stale-if-error: an upstream 500 past the window is passed on', async () => {
    let failing = false;
    const rig = await cacheRig(h, (_req, res) => {
      if (failing) return void res.writeHead(500).end('broken');
      res.writeHead(200, { 'Cache-Control': 'max-age=1, stale-if-error=1', ETag: '"ok"' });
      res.end('good');
    });

    await rig.request('/sie');
    await sleep(2200);
    failing = true;

    const res = await rig.request('/sie');
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe('broken');
  });

  it('stale-if-error: the agent\'s upstream refusing connections gets the stale entry', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(200, { 'Cache-Control': 'max-age=1, stale-if-error=60' });
      res.end('good');
    });
    await h.agent(proxy, upstream.url);

    await send(`${proxy.url}/sie`);
    await sleep(1200);
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));

    const res = await send(`${proxy.url}/sie`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('good');
    expect(cacheStatus(res)).toBe('HARP; fwd=stale; detail=stale-if-error');

    // Without stale-if-error the same failure is a 502.
    const miss = await send(`${proxy.url}/other`);
    expect(miss.status).toBe(502);
  });

  it('stale-if-error: the agent disconnecting mid-request gets the stale entry', async () => {
    const proxy = await h.proxy();
    let calls = 0;
    let disconnect: (() => void) | undefined;
    const upstream = await recordingUpstream(h, (_req: IncomingMessage, res: ServerResponse) => {
      if (++calls > 1) return void disconnect?.(); // the agent goes away with the request in flight
      res.writeHead(200, { 'Cache-Control': 'max-age=1, stale-if-error=60' });
      res.end('good');
    });
    const agent = await h.agent(proxy, upstream.url);
    disconnect = () => void agent.close(0);

    await send(`${proxy.url}/sie`);
    await sleep(1200);

    const res = await send(`${proxy.url}/sie`);
    expect(calls).toBe(2);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('good');
    expect(cacheStatus(res)).toBe('HARP; fwd=stale; detail=stale-if-error');
  });
});
