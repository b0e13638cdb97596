import { ExchangeEvents } from '../../src/exchange/index.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { ExchangeReport } from '../../src/exchange/index.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// Every public request is published once its response is over: what metrics and the
// inspector are built on.
describe('exchange reports', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('publishes one report per request with its route, agent, status, cache use and sizes', async () => {
    const proxy = await h.proxy();
    const reports: ExchangeReport[] = [];
    proxy.app.get(ExchangeEvents).on('exchange', (r) => reports.push(r));
    const upstream = await h.upstream((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(201, { 'Cache-Control': 'max-age=60' }).end('0123456789'));
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: '*', path: '/api' }] });
    await send(`${proxy.url}/api/things?x=1`, { method: 'POST', body: 'abcd' });
    await send(`${proxy.url}/nowhere`);
    await sleep(50);

    expect(reports).toHaveLength(2);
    const [post, missing] = reports;
    expect(post).toMatchObject({
      method: 'POST',
      target: '/api/things?x=1',
      status: 201,
      route: { host: '*', path: '/api' },
      cache: 'method',
      bytesIn: 4,
      bytesOut: 10,
      complete: true,
    });
    expect(post!.agentId).toBe(proxy.app.get(RegistrationService).list()[0]!.id);
    expect(post!.backendMs).toBeGreaterThanOrEqual(0);
    expect(post!.totalMs).toBeGreaterThanOrEqual(post!.backendMs!);
    expect(missing).toMatchObject({ status: 404, errorCode: 'no_route', complete: true });
  });

  it('records a hit served from the cache without the backend', async () => {
    const proxy = await h.proxy();
    const reports: ExchangeReport[] = [];
    proxy.app.get(ExchangeEvents).on('exchange', (r) => reports.push(r));
    const upstream = await h.upstream((_req, res) => res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('cached'));
    await h.agent(proxy, upstream.url);
    await send(`${proxy.url}/c`);
    await send(`${proxy.url}/c`);
    await sleep(50);
    expect(reports.map((r) => [r.cache, r.status, r.bytesOut])).toEqual([
      ['uri-miss', 200, 6],
      ['hit', 200, 6],
    ]);
    expect(reports[1]!.backendMs).toBeUndefined();
  });
});
