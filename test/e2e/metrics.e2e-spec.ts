import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '../../src/agent/connect.js';
import { HarpModule } from '../../src/harp.module.js';
import { HarpWsAdapter } from '../../src/server/harp-ws-adapter.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import type { Family } from '../helpers/prometheus-text.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

async function scrape(base: string, headers: OutgoingHttpHeaders = {}): Promise<Map<string, Family>> {
  const res = await send(`${base}/_harp/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT);
  return parsePrometheusText(res.body.toString());
}

// Reports are published when the server side of a response closes, which can come just after
// the client has read it: scrape until the expected count shows.
async function scrapeWhen(proxy: HarpServer, name: string, labels: Record<string, string>, value: number): Promise<Map<string, Family>> {
  let metrics = new Map<string, Family>();
  await eventually(
    async () => sampleValue((metrics = await scrape(proxy.url)), name, labels) === value,
    1000,
    `${name} ${JSON.stringify(labels)} to be ${value}`,
  );
  return metrics;
}

describe('metrics at /_harp/metrics', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('counts proxied requests by route, status class and cache use, with sizes and durations', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST') return void res.writeHead(201).end('made');
        res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('cached!');
      });
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: '*', path: '/api' }] });
    for (let i = 0; i < 3; i++) {
      await send(`${proxy.url}/api/c`);
      await sleep(30); // the entry is stored just after the first response ends
    }
    await send(`${proxy.url}/api/p`, { method: 'POST', body: 'abcd' });
    await send(`${proxy.url}/nowhere`);

    const m = await scrapeWhen(proxy, 'harp_request_duration_seconds_count', { route: 'none' }, 1);
    const requests = (route: string, status_class: string, cache: string) =>
      sampleValue(m, 'harp_requests_total', { route, status_class, cache });
    expect(requests('*/api', '2xx', 'uri-miss')).toBe(1);
    expect(requests('*/api', '2xx', 'hit')).toBe(2);
    expect(requests('*/api', '2xx', 'method')).toBe(1);
    expect(requests('none', '4xx', 'none')).toBe(1);
    expect(m.get('harp_requests_total')!.samples).toHaveLength(4);

    expect(sampleValue(m, 'harp_request_bytes_total', { route: '*/api' })).toBe(4);
    expect(sampleValue(m, 'harp_response_bytes_total', { route: '*/api' })).toBe(3 * 7 + 4);
    expect(sampleValue(m, 'harp_request_duration_seconds_count', { route: '*/api' })).toBe(4);
    expect(sampleValue(m, 'harp_request_duration_seconds_bucket', { route: '*/api', le: '30' })).toBe(4);
    expect(sampleValue(m, 'harp_request_duration_seconds_sum', { route: '*/api' })).toBeGreaterThan(0);
    expect(m.get('harp_request_duration_seconds')!.type).toBe('histogram');

    expect(sampleValue(m, 'harp_agents_connected')).toBe(1);
    expect(sampleValue(m, 'harp_active_streams')).toBe(0);
    expect(sampleValue(m, 'harp_registrations_total', { outcome: 'accepted', code: 'none' })).toBe(1);
    expect(sampleValue(m, 'harp_cache_hits_total')).toBe(2);
    expect(sampleValue(m, 'harp_cache_misses_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, 'harp_cache_entries')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, 'harp_cache_stale_total')).toBe(0);

    // prom-client's process metrics, under HARP's prefix like everything else.
    expect(m.get('harp_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(m.get('harp_nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect([...m.keys()].filter((name) => !name.startsWith('harp_'))).toEqual([]);
  });

  it('shows requests in flight as active streams', async () => {
    const proxy = await h.proxy();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    const upstream = await h.upstream((_req, res) => {
      arrived++;
      void released.then(() => res.end('late'));
    });
    await h.agent(proxy, upstream.url);
    const pending = Promise.all([send(`${proxy.url}/slow/1`), send(`${proxy.url}/slow/2`)]);
    await eventually(() => arrived === 2, 2000, 'both requests at the upstream');
    expect(sampleValue(await scrape(proxy.url), 'harp_active_streams')).toBe(2);
    release();
    await pending;
    const after = await scrapeWhen(proxy, 'harp_active_streams', {}, 0);
    expect(sampleValue(after, 'harp_active_streams')).toBe(0);
  });

  it('counts registration answers: accepted claims, rejected claims and refused keys, by code', async () => {
    const proxy = await h.proxy({ keys: [{ id: 'shop', key: 'shop-key-0123456789', hosts: ['shop\\.example'] }] });
    const upstream = await h.upstream((_req, res) => res.end());
    await h.agent(proxy, upstream.url, {
      key: 'shop-key-0123456789',
      routes: [
        { host: 'shop.example', path: '/' },
        { host: 'evil.example', path: '/' },
        { host: '*', path: '/' },
      ],
    });
    const refused = connect({ server: proxy.url, key: 'not-a-key', upstream: upstream.url, reconnect: false });
    await expect(refused).rejects.toMatchObject({ code: 'key_rejected' });

    const m = await scrapeWhen(proxy, 'harp_registrations_total', { outcome: 'rejected', code: 'key_rejected' }, 1);
    expect(sampleValue(m, 'harp_registrations_total', { outcome: 'accepted', code: 'none' })).toBe(1);
    expect(sampleValue(m, 'harp_registrations_total', { outcome: 'rejected', code: 'route_forbidden' })).toBe(2);
    expect(sampleValue(m, 'harp_registrations_total', { outcome: 'rejected', code: 'key_rejected' })).toBe(1);
    expect(sampleValue(m, 'harp_agents_connected')).toBe(1);
  });

  it('counts stale responses (stale-if-error)', async () => {
    const proxy = await h.proxy();
    let failing = false;
    const upstream = await h.upstream((_req, res) => {
      if (failing) return void res.writeHead(500).end('broken');
      res.writeHead(200, { 'Cache-Control': 'max-age=1, stale-if-error=60' }).end('good');
    });
    await h.agent(proxy, upstream.url);
    await send(`${proxy.url}/s`);
    await sleep(1200);
    failing = true;
    const stale = await send(`${proxy.url}/s`);
    expect([stale.status, stale.body.toString()]).toEqual([200, 'good']);

    const m = await scrapeWhen(proxy, 'harp_cache_stale_total', {}, 1);
    expect(sampleValue(m, 'harp_cache_stale_total')).toBe(1);
    expect(sampleValue(m, 'harp_requests_total', { route: '*/', status_class: '2xx', cache: 'stale' })).toBe(1);
  });

  it('needs the admin token when one is configured', async () => {
    const proxy = await h.proxy({ adminToken: 'metrics-admin-token' });
    const bare = await send(`${proxy.url}/_harp/metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers['www-authenticate']).toBe('Bearer');
    expect(bare.body.toString()).not.toContain('harp_requests_total');
    const wrong = await send(`${proxy.url}/_harp/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const m = await scrape(proxy.url, { authorization: 'Bearer metrics-admin-token' });
    expect(m.get('harp_requests_total')?.type).toBe('counter');
  });

  it('keeps each app\'s metrics to itself', async () => {
    const a = await h.proxy();
    const b = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('x'));
    await h.agent(a, upstream.url);
    await send(`${a.url}/one`);
    await scrapeWhen(a, 'harp_requests_total', { route: '*/', status_class: '2xx', cache: 'uri-miss' }, 1);
    const other = await scrape(b.url);
    expect(other.get('harp_requests_total')!.samples).toEqual([]);
    expect(sampleValue(other, 'harp_agents_connected')).toBe(0);
  });
});

// In an app that imports HarpModule, `/_harp/metrics` goes through Express and Nest's router,
// where the proxy's catch-all controller must not take it.
describe('metrics in an app that embeds HarpModule', () => {
  let app: INestApplication;

  afterEach(() => app.close());

  it('are served ahead of the catch-all, and count the traffic it forwards', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HarpModule.forRoot({ env: {}, overrides: { key: TEST_KEY } })],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    app.useWebSocketAdapter(new HarpWsAdapter(app));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const agent = await connect({ server: base, key: TEST_KEY, handler: (_req, res) => res.end('hi'), reconnect: false });
    try {
      expect((await send(`${base}/hello`)).body.toString()).toBe('hi');
      let m = new Map<string, Family>();
      await eventually(
        async () => sampleValue((m = await scrape(base)), 'harp_requests_total', { route: '*/', status_class: '2xx', cache: 'uri-miss' }) === 1,
        1000,
        'the request in the metrics',
      );
      expect(sampleValue(m, 'harp_requests_total', { route: '*/', status_class: '2xx', cache: 'uri-miss' })).toBe(1);
      expect(sampleValue(m, 'harp_agents_connected')).toBe(1);
    } finally {
      await agent.close(100);
    }
  });
});
