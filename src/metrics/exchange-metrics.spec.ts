import { DURATION_BUCKETS_SECONDS, ExchangeMetrics, NO_ROUTE, OTHER_ROUTES } from './exchange-metrics.js';
import type { ExchangeFacts } from './exchange-metrics.js';

const api = { host: '*', path: '/api' };
const report = (facts: Partial<ExchangeFacts>): ExchangeFacts => ({ status: 200, totalMs: 3, bytesIn: 0, bytesOut: 0, ...facts });

describe('ExchangeMetrics', () => {
  it('counts requests per route, status class and cache use', () => {
    const metrics = new ExchangeMetrics();
    metrics.record(report({ route: api, status: 200, cache: 'uri-miss' }));
    metrics.record(report({ route: api, status: 200, cache: 'hit' }));
    metrics.record(report({ route: api, status: 203, cache: 'hit' }));
    metrics.record(report({ route: api, status: 502, cache: 'method' }));
    metrics.record(report({ status: 404 }));
    metrics.record(report({ route: api, status: 0, cache: 'uri-miss' }));
    expect([...metrics.requestSeries()].map((s) => [s.labels, s.count])).toEqual([
      [{ route: '*/api', status_class: 'none', cache: 'uri-miss' }, 1],
      [{ route: '*/api', status_class: '2xx', cache: 'uri-miss' }, 1],
      [{ route: '*/api', status_class: '2xx', cache: 'hit' }, 2],
      [{ route: '*/api', status_class: '5xx', cache: 'method' }, 1],
      [{ route: NO_ROUTE, status_class: '4xx', cache: 'none' }, 1],
    ]);
  });

  it('counts requests access rules turned away, by code, and nothing else under them', () => {
    const metrics = new ExchangeMetrics();
    metrics.record(report({ route: api, status: 401, errorCode: 'unauthorized' }));
    metrics.record(report({ route: api, status: 401, errorCode: 'unauthorized' }));
    metrics.record(report({ status: 403, errorCode: 'ip_denied' }));
    metrics.record(report({ status: 404, errorCode: 'no_route' }));
    expect([...metrics.accessRefusals]).toEqual([
      ['unauthorized', 2],
      ['ip_denied', 1],
    ]);
  });

  it('keeps the same label objects from one request to the next (nothing is built per request)', () => {
    const metrics = new ExchangeMetrics();
    metrics.record(report({ route: api, cache: 'hit' }));
    const [first] = [...metrics.requestSeries()];
    metrics.record(report({ route: api, cache: 'hit' }));
    const [again] = [...metrics.requestSeries()];
    expect(again).toBe(first);
    expect(again!.count).toBe(2);
  });

  it('sums bytes and puts durations in their buckets (upper bound inclusive)', () => {
    const metrics = new ExchangeMetrics();
    metrics.record(report({ route: api, totalMs: 1, bytesIn: 4, bytesOut: 10 }));
    metrics.record(report({ route: api, totalMs: 1.5, bytesOut: 6 }));
    metrics.record(report({ route: api, totalMs: 60_000 }));
    const [route] = [...metrics.routes()];
    expect(route).toMatchObject({ route: '*/api', bytesIn: 4, bytesOut: 16 });
    const { buckets, sum, count } = route!.duration;
    expect(buckets).toHaveLength(DURATION_BUCKETS_SECONDS.length + 1);
    expect(buckets[0]).toBe(1); // 1 ms ≤ 0.001 s
    expect(buckets[1]).toBe(1); // 1.5 ms ≤ 0.0025 s
    expect(buckets[DURATION_BUCKETS_SECONDS.length]).toBe(1); // 60 s: +Inf
    expect(count).toBe(3);
    expect(sum).toBeCloseTo(60.0025, 9);
  });

  it('continues a route\'s series when its pool is replaced (an agent reconnected)', () => {
    const metrics = new ExchangeMetrics();
    metrics.record(report({ route: { host: '*', path: '/api' } }));
    metrics.record(report({ route: { host: '*', path: '/api' } }));
    expect([...metrics.routes()].map((r) => [r.route, r.duration.count])).toEqual([['*/api', 2]]);
  });

  it('puts routes past the limit under "other"', () => {
    const metrics = new ExchangeMetrics(2);
    for (const path of ['/a', '/b', '/c', '/d']) metrics.record(report({ route: { host: '*', path } }));
    metrics.record(report({ route: { host: '*', path: '/a' } }));
    expect([...metrics.routes()].map((r) => [r.route, r.duration.count])).toEqual([
      ['*/a', 2],
      ['*/b', 1],
      [OTHER_ROUTES, 2],
    ]);
  });

  it('counts stale responses', () => {
    const metrics = new ExchangeMetrics();
    metrics.record(report({ route: api, cache: 'stale' }));
    metrics.record(report({ route: api, cache: 'hit' }));
    expect(metrics.stale).toBe(1);
  });
});
