export { MetricsModule } from './metrics.module.js';
export { MetricsService } from './metrics.service.js';
export { DURATION_BUCKETS_SECONDS, MAX_ROUTE_SERIES, NO_ROUTE, OTHER_ROUTES } from './exchange-metrics.js';
export { METRIC_PREFIX } from './process-metrics.js';
export { routeName, type RouteRef } from '../exchange/route-name.js';
