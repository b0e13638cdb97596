import { adminApi, eventually } from '../helpers/admin-api.js';
import { sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { SseReader } from '../helpers/sse-reader.js';

// What the dashboard lives on: /_harp/api/stats and the SSE stream /_harp/api/events.

describe('admin API: live stats and events', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('counts requests, errors, rates, latency and the cache ratio', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      if (req.url === '/fail') return void res.writeHead(502).end('no');
      res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('ok');
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: 'app.example', path: '/' }] });
    const app = { headers: { Host: 'app.example' } };
    await send(`${proxy.url}/cached`, app);
    await send(`${proxy.url}/cached`, app);
    await send(`${proxy.url}/fail`, app);
    await send(`${proxy.url}/`, { headers: { Host: 'elsewhere.example' } });
    await eventually(async () => (await adminApi(proxy, 'GET', '/stats')).json.totals.requests === 4);

    const { status, json } = await adminApi(proxy, 'GET', '/stats');
    expect(status).toBe(200);
    // Errors: the backend's 502 and the proxy's own 404 (no route). Bytes: the bodies relayed.
    expect(json).toMatchObject({ agents: 1, routes: 1, totals: { requests: 4, errors: 2, bytesIn: 0, bytesOut: 6 } });
    expect(json.recent.windowSeconds).toBe(10);
    expect(json.recent.requestsPerSecond).toBeGreaterThan(0);
    expect(json.recent.errorsPerSecond).toBeGreaterThan(0);
    expect(json.recent.p50Ms).toBeGreaterThanOrEqual(0);
    expect(json.recent.p99Ms).toBeGreaterThanOrEqual(json.recent.p50Ms);
    expect(json.cache.hits).toBe(1);
    expect(json.cache.hitRatio).toBeGreaterThan(0);
    expect(json.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('streams stats, agents coming and going, route changes and exchanges', async () => {
    // Without a grace, so that the route goes with the agent.
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const { reader, res } = await SseReader.open(`${proxy.url}/_harp/api/events`);
    h.defer(() => reader.close());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toBe('no-store');
    const first = await reader.next('stats');
    expect(first.data).toMatchObject({ agents: 0, routes: 0 });

    const upstream = await h.upstream((_req, res) => res.end('hi'));
    const agent = await h.agent(proxy, upstream.url, { name: 'live-one', routes: [{ host: 'live.example', path: '/' }] });
    const connected = await reader.next('agent.connected');
    expect(connected.data).toMatchObject({ name: 'live-one', keyId: 'default' });
    expect(connected.data.agentId).toMatch(/^[0-9a-f]{12}$/);
    expect((await reader.next('routes.changed')).data).toEqual({ routes: 1 });

    await send(`${proxy.url}/hello`, { headers: { Host: 'live.example' } });
    const exchange = await reader.next('exchange');
    expect(exchange.data).toMatchObject({ method: 'GET', host: 'live.example', target: '/hello', status: 200 });
    const detail = await adminApi(proxy, 'GET', `/inspector/requests/${exchange.data.id}`);
    expect(detail.status).toBe(200);

    await reader.next('stats', (s) => s.agents === 1 && s.totals.requests === 1, 2500);

    await agent.close(100);
    expect((await reader.next('agent.disconnected')).data).toMatchObject({ name: 'live-one', agentId: connected.data.agentId });
    await reader.next('routes.changed', (d) => d.routes === 0);
  });

  it('needs the admin token when one is configured', async () => {
    const proxy = await h.proxy({ adminToken: 'admin-token-123' });
    expect((await adminApi(proxy, 'GET', '/stats')).status).toBe(401);
    const refused = await SseReader.open(`${proxy.url}/_harp/api/events`);
    refused.reader.close();
    expect(refused.res.statusCode).toBe(401);
    const { reader, res } = await SseReader.open(`${proxy.url}/_harp/api/events`, { Authorization: 'Bearer admin-token-123' });
    h.defer(() => reader.close());
    expect(res.statusCode).toBe(200);
    await reader.next('stats');
  });

  it('ends open streams when the proxy shuts down', async () => {
    const proxy = await h.proxy();
    const { reader, res } = await SseReader.open(`${proxy.url}/_harp/api/events`);
    await reader.next('stats');
    const ended = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const started = Date.now();
    await proxy.close();
    await ended;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('keeps serving when an event client disappears mid-stream', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('hi'));
    await h.agent(proxy, upstream.url, { key: TEST_KEY });
    const gone = await SseReader.open(`${proxy.url}/_harp/api/events`);
    await gone.reader.next('stats');
    gone.reader.close();
    for (let i = 0; i < 20; i++) expect((await send(`${proxy.url}/x${i}`)).status).toBe(200);
    expect((await adminApi(proxy, 'GET', '/stats')).json.totals.requests).toBe(20);
  });
});

describe('admin API: live events under load', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('samples exchange events when requests come faster than 200 a second, and says how many it left out', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('x'));
    await h.agent(proxy, upstream.url);
    const { reader } = await SseReader.open(`${proxy.url}/_harp/api/events`);
    h.defer(() => reader.close());
    await reader.next('stats');

    // 300 requests at once finish within a few ticks of 100 ms: far above 20 per tick.
    await Promise.all(Array.from({ length: 300 }, (_, i) => send(`${proxy.url}/burst${i}`)));
    await eventually(async () => (await adminApi(proxy, 'GET', '/stats')).json.totals.requests === 300);
    // In a fresh tick, one more request goes out, preceded by the count of those left out.
    await sleep(150);
    await send(`${proxy.url}/after`);
    await reader.next('exchange', (d) => d.target === '/after');

    const exchanges = reader.events.filter((e) => e.event === 'exchange').length;
    const dropped = reader.events.filter((e) => e.event === 'dropped').reduce((n, e) => n + e.data.count, 0);
    expect(exchanges).toBeLessThan(301);
    expect(dropped).toBeGreaterThan(0);
    expect(exchanges + dropped).toBe(301);
  });
});
