import { startAgent } from '../../src/agent/connect.js';
import { RoutingService } from '../../src/routing/routing.service.js';
import { adminApi as api } from '../helpers/admin-api.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { outcome } from '../helpers/outcome-client.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';

// docs/architecture.md, "Change without failing": a route that loses its last member is held
// for routeGraceMs; requests wait for a member instead of failing, and only the key that owned
// the route may take it meanwhile.

// The harness's TEST_KEY is the proxy's `key` (any route); a second key may claim any too.
const OTHER_KEY = 'other-key-0123456789';
const keys = [{ id: 'other', key: OTHER_KEY, hosts: ['.*'], paths: ['.*'] }];

describe('route grace', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  const heldRequests = (proxy: Awaited<ReturnType<Harness['proxy']>>): number =>
    proxy.app
      .get(RoutingService)
      .routes()
      .reduce((sum, route) => sum + proxy.app.get(RoutingService).heldAt(route.host, route.path), 0);

  it('holds requests while the only agent is away and serves them from the agent that comes back', async () => {
    const proxy = await h.proxy({ routeGraceMs: 5000 });
    const first = await h.agent(proxy, (_req, res) => res.end('first'));
    await first.close(0);

    const waiting = Array.from({ length: 5 }, (_, i) => outcome(`${proxy.url}/w/${i}`, { timeoutMs: 5000 }));
    await eventually(() => heldRequests(proxy) === 5, 2000, 'five requests held');
    await h.agent(proxy, (req, res) => res.end(`second ${req.url}`));

    const results = await Promise.all(waiting);
    expect(results.map((r) => [r.status, r.body.toString()])).toEqual(
      Array.from({ length: 5 }, (_, i) => [200, `second /w/${i}`]),
    );
    expect(heldRequests(proxy)).toBe(0);

    const metrics = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
    expect(
      [
        sampleValue(metrics, 'harp_held_requests_total', { outcome: 'served' }),
        sampleValue(metrics, 'harp_route_graces_total', { outcome: 'started' }),
        sampleValue(metrics, 'harp_route_graces_total', { outcome: 'claimed' }),
        sampleValue(metrics, 'harp_routes_in_grace'),
        sampleValue(metrics, 'harp_held_requests'),
      ],
    ).toEqual([5, 1, 1, 0, 0]);
  });

  it('keeps a held upload unread until a member takes it, then delivers it whole', async () => {
    const proxy = await h.proxy({ routeGraceMs: 5000 });
    await (await h.agent(proxy, (_req, res) => res.end())).close(0);
    const body = Buffer.alloc(256 * 1024, 7);
    const upload = outcome(`${proxy.url}/upload`, { method: 'POST', body, timeoutMs: 5000 });
    await eventually(() => heldRequests(proxy) === 1, 2000, 'the upload held');
    await h.agent(proxy, (req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => (size += c.length));
      req.on('end', () => res.end(`got ${size}`));
    });
    const result = await upload;
    expect([result.status, result.body.toString()]).toEqual([200, `got ${body.length}`]);
  });

  it("refuses the route to another key during the grace, and gives it to any key after", async () => {
    const proxy = await h.proxy({ keys, routeGraceMs: 400 });
    const route = { host: 'shop.example', path: '/' };
    await (await h.agent(proxy, (_req, res) => res.end('owner'), { routes: [route] })).close(0);

    const thief = await startAgent({ server: proxy.url, key: OTHER_KEY, handler: (_req, res) => res.end('other'), routes: [route], reconnect: false });
    h.defer(() => thief.agent.close(0));
    const during = await thief.ready;
    expect(during.rejected.map((r: { code: string }) => r.code)).toEqual(['route_owned']);

    await sleep(600);
    const after = await startAgent({ server: proxy.url, key: OTHER_KEY, handler: (_req, res) => res.end('other'), routes: [route], reconnect: false });
    h.defer(() => after.agent.close(0));
    expect((await after.ready).accepted).toMatchObject([route]);
  });

  it('answers 503 no_backend with Retry-After when the grace ends, and 404 after it', async () => {
    const proxy = await h.proxy({ routeGraceMs: 300 });
    await (await h.agent(proxy, (_req, res) => res.end())).close(0);
    const held = await outcome(`${proxy.url}/late`, { timeoutMs: 3000 });
    expect([held.status, held.headers['x-harp-error'], held.headers['retry-after']]).toEqual([503, 'no_backend', '1']);
    expect(held.ms).toBeGreaterThanOrEqual(200);
    const gone = await outcome(`${proxy.url}/late`, { timeoutMs: 3000 });
    expect([gone.status, gone.headers['x-harp-error']]).toEqual([404, 'no_route']);
    const metrics = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
    expect(
      [
        sampleValue(metrics, 'harp_held_requests_total', { outcome: 'released' }),
        sampleValue(metrics, 'harp_route_graces_total', { outcome: 'expired' }),
      ],
    ).toEqual([1, 1]);
  });

  it('holds no more than maxHeldRequestsPerRoute; the next one gets 503 at once', async () => {
    const proxy = await h.proxy({ routeGraceMs: 5000, maxHeldRequestsPerRoute: 2 });
    await (await h.agent(proxy, (_req, res) => res.end())).close(0);
    const waiting = [outcome(`${proxy.url}/a`, { timeoutMs: 5000 }), outcome(`${proxy.url}/b`, { timeoutMs: 5000 })];
    await eventually(() => heldRequests(proxy) === 2, 2000, 'two requests held');
    const third = await outcome(`${proxy.url}/c`, { timeoutMs: 2000 });
    expect([third.status, third.headers['x-harp-error']]).toEqual([503, 'no_backend']);
    expect(third.ms).toBeLessThan(1000);
    await h.agent(proxy, (_req, res) => res.end('ok'));
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('a held request waits no longer than the request timeout', async () => {
    const proxy = await h.proxy({ routeGraceMs: 10_000, requestTimeoutMs: 300 });
    await (await h.agent(proxy, (_req, res) => res.end())).close(0);
    const result = await outcome(`${proxy.url}/x`, { timeoutMs: 5000 });
    expect([result.status, result.headers['x-harp-error']]).toEqual([503, 'no_backend']);
    expect(result.ms).toBeLessThan(2000);
  });

  it('a client that leaves while held is forgotten', async () => {
    const proxy = await h.proxy({ routeGraceMs: 5000 });
    await (await h.agent(proxy, (_req, res) => res.end())).close(0);
    const gaveUp = outcome(`${proxy.url}/x`, { timeoutMs: 200 });
    await eventually(() => heldRequests(proxy) === 1, 2000, 'the request held');
    expect((await gaveUp).error?.message).toBe('client timeout');
    await eventually(() => heldRequests(proxy) === 0, 2000, 'the hold released');
  });

  it('waits for a replacement while the only member drains', async () => {
    const proxy = await h.proxy({ routeGraceMs: 5000 });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const old = await h.agent(proxy, (req, res) => void slow.then(() => res.end(`old ${req.url}`)));
    const inFlight = outcome(`${proxy.url}/in-flight`, { timeoutMs: 5000 });
    await sleep(100);
    const closing = old.close(5000);
    await sleep(100);
    const during = outcome(`${proxy.url}/during`, { timeoutMs: 5000 });
    await eventually(() => heldRequests(proxy) === 1, 2000, 'the request held behind the drain');
    await h.agent(proxy, (req, res) => res.end(`new ${req.url}`));
    const served = await during;
    expect([served.status, served.body.toString()]).toEqual([200, 'new /during']);
    release();
    expect((await inFlight).body.toString()).toBe('old /in-flight');
    await closing;
  });

  it('the admin API shows the grace and ends it', async () => {
    const proxy = await h.proxy({ routeGraceMs: 10_000 });
    await (await h.agent(proxy, (_req, res) => res.end(), { routes: [{ host: 'a.example', path: '/v1' }] })).close(0);
    const held = outcome(`${proxy.url}/v1/x`, { headers: { host: 'a.example' }, timeoutMs: 5000 });
    await eventually(() => heldRequests(proxy) === 1, 2000, 'the request held');

    const [route] = (await api(proxy, 'GET', '/routes')).json;
    expect(route).toMatchObject({ host: 'a.example', path: '/v1', pool: [], heldRequests: 1 });
    expect(Date.parse(route.graceUntil) - Date.now()).toBeGreaterThan(5000);

    expect((await api(proxy, 'DELETE', '/routes/grace?host=a.example&path=/v1')).status).toBe(204);
    expect((await held).headers['x-harp-error']).toBe('no_backend');
    expect((await api(proxy, 'GET', '/routes')).json).toEqual([]);
    expect((await api(proxy, 'DELETE', '/routes/grace?host=a.example&path=/v1')).status).toBe(404);
  });
});
