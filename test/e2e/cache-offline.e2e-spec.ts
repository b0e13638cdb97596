import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectReports } from '../helpers/exchange-reports.js';
import { RoutingService } from '../../src/routing/routing.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { cacheStatus } from '../helpers/cache.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';

// docs/configuration.md, "The cache answers when no backend can": RFC 9111 §4.2.4 lets a cache
// disconnected from the origin serve what it stored (fresh always, stale within
// cacheOfflineMaxStaleMs) unless a directive forbids it; otherwise the answer is as before.

describe('cache: answers when no backend can', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  const held = (routing: RoutingService): number => routing.routes().reduce((sum, route) => sum + routing.heldAt(route.host, route.path), 0);

  const reports = (proxy: HarpServer) => collectReports(h, proxy);

  /** A proxy and one agent whose answers say `Cache-Control: cacheControl`; the agent is left open. */
  async function rig(config: Parameters<Harness['proxy']>[0], cacheControl: string) {
    const proxy = await h.proxy(config);
    let hits = 0;
    const agent = await h.agent(proxy, (req: IncomingMessage, res: ServerResponse) => {
      hits++;
      res.writeHead(200, { 'Cache-Control': cacheControl, ETag: '"v1"', 'Content-Type': 'text/plain' });
      res.end(`stored ${req.url}`);
    });
    return { proxy, agent, hits: () => hits, routing: proxy.app.get(RoutingService) };
  }

  /** Stores `/page`, then takes the only agent away. */
  async function storedThenGone(config: Parameters<Harness['proxy']>[0], cacheControl: string) {
    const r = await rig(config, cacheControl);
    const first = await send(`${r.proxy.url}/page`);
    expect(cacheStatus(first)).toMatch(/^HARP; fwd=uri-miss; stored/);
    await r.agent.close(0);
    return r;
  }

  it('serves a fresh response once the route is gone (routeGraceMs 0); anything else is still 404', async () => {
    const r = await storedThenGone({ routeGraceMs: 0 }, 'max-age=60');
    await eventually(() => r.routing.routeCount === 0, 2000, 'the route dropped');

    const res = await send(`${r.proxy.url}/page`);
    expect([res.status, res.body.toString()]).toEqual([200, 'stored /page']);
    expect(cacheStatus(res)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(res.headers.warning).toBeUndefined();
    const head = await send(`${r.proxy.url}/page`, { method: 'HEAD' });
    expect([head.status, head.body.length, cacheStatus(head)]).toEqual([200, 0, expect.stringMatching(/^HARP; hit/)]);

    // Not stored, not a GET, or a client asking for validation the origin cannot give: as before.
    const other = await send(`${r.proxy.url}/other`);
    expect([other.status, other.headers['x-harp-error']]).toEqual([404, 'no_route']);
    const post = await send(`${r.proxy.url}/page`, { method: 'POST', body: 'x' });
    expect([post.status, post.headers['x-harp-error']]).toEqual([404, 'no_route']);
    const noCache = await send(`${r.proxy.url}/page`, { headers: { 'Cache-Control': 'no-cache' } });
    expect([noCache.status, noCache.headers['x-harp-error']]).toEqual([404, 'no_route']);
    expect(r.hits()).toBe(1);
  });

  it('serves a fresh response at once while the route is in its grace, without waiting for a member', async () => {
    const r = await storedThenGone({ routeGraceMs: 10_000 }, 'max-age=60');
    await eventually(() => r.routing.routes().length === 1 && held(r.routing) === 0, 2000, 'the route vacant');

    const started = performance.now();
    const res = await send(`${r.proxy.url}/page`);
    expect(performance.now() - started).toBeLessThan(500);
    expect([res.status, res.body.toString()]).toEqual([200, 'stored /page']);
    expect(cacheStatus(res)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(r.routing.routeCount).toBe(1); // still in its grace
  });

  it('serves a stale response when no member came, saying so in Cache-Status and the report', async () => {
    const r = await storedThenGone({ routeGraceMs: 2000, cacheOfflineMaxStaleMs: 60_000 }, 'max-age=1');
    const seen = reports(r.proxy);
    await sleep(1200);

    // The route is still in its grace: a stale response waits for a member that could
    // revalidate it, and is served when none came.
    expect(r.routing.routeCount).toBe(1);
    const waiting = send(`${r.proxy.url}/page`);
    await sleep(100);
    expect(held(r.routing)).toBe(1);
    const answer = await waiting;
    expect([answer.status, answer.body.toString()]).toEqual([200, 'stored /page']);
    expect(cacheStatus(answer)).toMatch(/^HARP; hit; ttl=-\d+; detail=stale-offline$/);
    expect(answer.headers.warning).toBeUndefined();

    // The route is gone now: the stale response answers at once.
    const gone = await send(`${r.proxy.url}/page`);
    expect(r.routing.routeCount).toBe(0);
    expect([gone.status, cacheStatus(gone)]).toEqual([200, expect.stringMatching(/detail=stale-offline$/)]);

    await eventually(() => seen.length >= 2, 2000, 'two reports');
    expect(seen.map((s) => [s.status, s.cache])).toEqual([
      [200, 'stale-offline'],
      [200, 'stale-offline'],
    ]);
    const metrics = parsePrometheusText((await send(`${r.proxy.url}/_harp/metrics`)).body.toString());
    expect(sampleValue(metrics, 'harp_requests_total', { route: 'none', status_class: '2xx', cache: 'stale-offline' })).toBe(1);
  });

  it('never serves a stale response that said must-revalidate: 404 without a route, 503 after the hold', async () => {
    const r = await storedThenGone({ routeGraceMs: 1500 }, 'max-age=1, must-revalidate');
    await sleep(1200);
    // The held request ends without a member when the grace does.
    const refused = await send(`${r.proxy.url}/page`);
    expect([refused.status, refused.headers['x-harp-error']]).toEqual([503, 'no_backend']);
    await eventually(() => r.routing.routeCount === 0, 2000, 'the route dropped');
    const gone = await send(`${r.proxy.url}/page`);
    expect([gone.status, gone.headers['x-harp-error']]).toEqual([404, 'no_route']);
  });

  it('does not serve a response stale for longer than cacheOfflineMaxStaleMs', async () => {
    const r = await storedThenGone({ routeGraceMs: 0, cacheOfflineMaxStaleMs: 500 }, 'max-age=1');
    await sleep(1200); // stale by about 0.2 s: within the limit
    const within = await send(`${r.proxy.url}/page`);
    expect([within.status, cacheStatus(within)]).toEqual([200, expect.stringMatching(/detail=stale-offline$/)]);
    await sleep(600); // stale by about 0.8 s
    const past = await send(`${r.proxy.url}/page`);
    expect([past.status, past.headers['x-harp-error']]).toEqual([404, 'no_route']);
  });

  it('serves a stale response instead of 502 when the agents fail before the head and the retry fails too', async () => {
    const proxy = await h.proxy({ routeGraceMs: 0, cacheOfflineMaxStaleMs: 60_000 });
    let failing = false;
    const upstream = await h.upstream((req, res) => {
      if (failing) return void req.socket.destroy();
      res.writeHead(200, { 'Cache-Control': 'max-age=1', ETag: '"v1"' });
      res.end('good');
    });
    await h.agent(proxy, upstream.url, { name: 'a' });
    await h.agent(proxy, upstream.url, { name: 'b' });
    const seen = reports(proxy);

    await send(`${proxy.url}/page`);
    await sleep(1200);
    failing = true;

    const res = await send(`${proxy.url}/page`);
    expect([res.status, res.body.toString()]).toEqual([200, 'good']);
    expect(cacheStatus(res)).toMatch(/^HARP; fwd=stale; ttl=-\d+; detail=stale-offline$/);
    await eventually(() => seen.length === 2, 2000, 'two reports');
    // The members failed: the report says so (their health counts it), and that the cache answered.
    expect([seen[1]!.retries, seen[1]!.errorCode, seen[1]!.cache]).toEqual([1, 'upstream_error', 'stale-offline']);

    // A client that asked for validation gets the error, as before.
    const validated = await send(`${proxy.url}/page`, { headers: { 'Cache-Control': 'no-cache' } });
    expect([validated.status, validated.headers['x-harp-error']]).toEqual([502, 'upstream_error']);
  });
});
