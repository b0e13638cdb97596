import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { loadTotals } from './counter-totals.js';
import { DURATION_BUCKETS_SECONDS } from './exchange-metrics.js';
import type { ExchangeMetrics, RouteSeries } from './exchange-metrics.js';
import { SnapshotHistogram } from './snapshot-histogram.js';

/**
 * The metrics of public requests, read from `exchanges` at each scrape:
 * `harp_requests_total`, `harp_request_duration_seconds`, `harp_request_bytes_total`,
 * `harp_response_bytes_total`, `harp_cache_stale_total` and `harp_access_refusals_total`.
 */
export function registerExchangeMetrics(registry: Registry, exchanges: ExchangeMetrics): void {
  const registers = [registry];
  new Counter({
    name: 'harp_requests_total',
    help: 'Public requests answered, by route (host pattern + path prefix, or "none"), status class and cache use (hit, or the Cache-Status fwd reason).',
    labelNames: ['route', 'status_class', 'cache'] as const,
    registers,
    collect() {
      loadTotals(this, mapped(exchanges.requestSeries(), (s) => ({ labels: s.labels, value: s.count })));
    },
  });
  new SnapshotHistogram(
    'harp_request_duration_seconds',
    'Time from a public request\'s arrival to the end of its response, by route.',
    DURATION_BUCKETS_SECONDS,
    () => mapped(exchanges.routes(), (r) => r.duration),
  ).registerIn(registry);
  const bytes = (name: string, help: string, of: (route: RouteSeries) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['route'] as const,
      registers,
      collect() {
        loadTotals(this, mapped(exchanges.routes(), (r) => ({ labels: r.labels, value: of(r) })));
      },
    });
  };
  bytes('harp_request_bytes_total', 'Request body bytes forwarded to backends, by route.', (r) => r.bytesIn);
  bytes('harp_response_bytes_total', 'Response body bytes sent to clients, by route.', (r) => r.bytesOut);
  new Counter({
    name: 'harp_cache_stale_total',
    help: 'Requests that found a stale stored response (Cache-Status fwd=stale): revalidated, or served stale when the backend failed (stale-if-error).',
    registers,
    collect() {
      loadTotals(this, [{ labels: {}, value: exchanges.stale }]);
    },
  });
  new Counter({
    name: 'harp_access_refusals_total',
    help: 'Public requests visitor access rules turned away, by code: unauthorized (401) or ip_denied (403).',
    labelNames: ['code'] as const,
    registers,
    collect() {
      loadTotals(this, mapped(exchanges.accessRefusals, ([code, value]) => ({ labels: { code }, value })));
    },
  });
}

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
