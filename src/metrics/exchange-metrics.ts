import type { ExchangeReport } from '../exchange/index.js';
import { routeName } from '../exchange/route-name.js';
import type { RouteRef } from '../exchange/route-name.js';
import type { HistogramSeries } from './snapshot-histogram.js';

/**
 * Upper bounds of `harp_request_duration_seconds`: 1 ms (a cache hit) to 30 s (the default
 * request timeout); slower exchanges (long downloads, SSE) land in `+Inf`.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The `route` label of requests that matched no route (404, refused before routing). */
export const NO_ROUTE = 'none';
/** The `route` label of every route past {@link MAX_ROUTE_SERIES}. */
export const OTHER_ROUTES = 'other';
/**
 * Distinct `route` labels kept. Agents choose their routes, so an agent claiming a new host per
 * minute must not grow the scrape (and Prometheus) without bound.
 */
export const MAX_ROUTE_SERIES = 1000;

// Index = status / 100; 0 also stands for "no status sent" (the client left first).
const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** What {@link ExchangeMetrics.record} reads of a report. */
export type ExchangeFacts = Pick<ExchangeReport, 'route' | 'status' | 'cache' | 'totalMs' | 'bytesIn' | 'bytesOut' | 'errorCode'>;

/** The codes of requests turned away by visitor access rules (`harp_access_refusals_total`). */
export const ACCESS_REFUSAL_CODES: readonly string[] = ['unauthorized', 'ip_denied'];

/** One `harp_requests_total` series; its label object is made once, for the scrape. */
export class RequestSeries {
  count = 0;
  constructor(readonly labels: { readonly route: string; readonly status_class: string; readonly cache: string }) {}
}

/** Everything counted for one route label. */
export class RouteSeries {
  readonly labels: { readonly route: string };
  /** Per status class (index = status / 100), per cache label. */
  readonly requests: ReadonlyArray<Map<string, RequestSeries>> = STATUS_CLASSES.map(() => new Map());
  /** `harp_request_duration_seconds`. */
  readonly duration: DurationSeries;
  bytesIn = 0;
  bytesOut = 0;

  constructor(readonly route: string) {
    this.labels = { route };
    this.duration = new DurationSeries(this.labels);
  }
}

/** Exchange durations of one route, in seconds. */
export class DurationSeries implements HistogramSeries {
  /** Exchanges per bucket of {@link DURATION_BUCKETS_SECONDS}, not cumulative; the last is `+Inf`. */
  readonly buckets = new Float64Array(DURATION_BUCKETS_SECONDS.length + 1);
  sum = 0;
  count = 0;

  constructor(readonly labels: { readonly route: string }) {}
}

/**
 * Totals of finished exchanges, kept as plain numbers per label set. Recording one is a few map
 * lookups and additions — no label strings are built or hashed per request; prom-client sees
 * the totals only when Prometheus scrapes (see `metrics.service.ts`).
 */
export class ExchangeMetrics {
  private readonly byName = new Map<string, RouteSeries>();
  private readonly byRoute = new WeakMap<RouteRef, RouteSeries>();
  /** Exchanges that found a stale stored response (`Cache-Status: fwd=stale`). */
  stale = 0;
  /** Requests access rules turned away, by code (every code counted from the start, at 0). */
  readonly accessRefusals = new Map<string, number>(ACCESS_REFUSAL_CODES.map((code) => [code, 0]));

  constructor(private readonly maxRoutes = MAX_ROUTE_SERIES) {}

  record(report: ExchangeFacts): void {
    const route = report.route === undefined ? this.series(NO_ROUTE) : this.seriesOf(report.route);
    const status = report.status;
    const statusClass = status >= 100 && status < 600 ? (status / 100) | 0 : 0;
    const byCache = route.requests[statusClass]!;
    const cache = report.cache ?? 'none';
    let requests = byCache.get(cache);
    if (requests === undefined) {
      requests = new RequestSeries({ route: route.route, status_class: STATUS_CLASSES[statusClass]!, cache });
      byCache.set(cache, requests);
    }
    requests.count++;

    const seconds = report.totalMs / 1000;
    const duration = route.duration;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS_SECONDS.length && seconds > DURATION_BUCKETS_SECONDS[bucket]!) bucket++;
    duration.buckets[bucket]!++;
    duration.sum += seconds;
    duration.count++;
    route.bytesIn += report.bytesIn;
    route.bytesOut += report.bytesOut;
    if (report.cache === 'stale') this.stale++;
    const refused = report.errorCode === undefined ? undefined : this.accessRefusals.get(report.errorCode);
    if (refused !== undefined) this.accessRefusals.set(report.errorCode!, refused + 1);
  }

  /** Every route label seen, in the order first seen. */
  routes(): IterableIterator<RouteSeries> {
    return this.byName.values();
  }

  /** Every `harp_requests_total` series. */
  *requestSeries(): Generator<RequestSeries> {
    for (const route of this.byName.values()) {
      for (const byCache of route.requests) yield* byCache.values();
    }
  }

  private seriesOf(route: RouteRef): RouteSeries {
    let series = this.byRoute.get(route);
    if (series === undefined) {
      // A route that comes back (agent reconnects: a new pool) continues its old series.
      const name = routeName(route);
      series = this.byName.has(name) || this.byName.size < this.maxRoutes ? this.series(name) : this.series(OTHER_ROUTES);
      this.byRoute.set(route, series);
    }
    return series;
  }

  private series(name: string): RouteSeries {
    let series = this.byName.get(name);
    if (series === undefined) this.byName.set(name, (series = new RouteSeries(name)));
    return series;
  }
}
