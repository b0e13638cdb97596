import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RateLimitGate } from '../rate-limit/index.js';
import { loadTotals } from './counter-totals.js';

/** Rate limits, read from the gate at each scrape: refused requests, and Redis fallbacks. */
export function registerRateLimitMetrics(registry: Registry, gate: RateLimitGate): void {
  const registers = [registry];
  new Counter({
    name: 'harp_rate_limited_total',
    help: 'Requests answered 429 rate_limited, by the policy that refused them (rule: default, a rateLimits id, route) and its scope (ip: per client address; route: all clients together).',
    labelNames: ['rule', 'scope'] as const,
    registers,
    collect() {
      loadTotals(this, gate.limitedTotals().map(({ rule, scope, count }) => ({ labels: { rule, scope }, value: count })));
    },
  });
  new Counter({
    name: 'harp_rate_limit_fallbacks_total',
    help: 'Rate-limit checks counted in this node\'s memory because Redis failed or was slow to answer.',
    registers,
    collect() {
      loadTotals(this, [{ labels: {}, value: gate.fallbacks }]);
    },
  });
}
