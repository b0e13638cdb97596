import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RoutingService } from '../routing/routing.service.js';
import { loadTotals } from './counter-totals.js';

/**
 * The route grace, read from the route table at each scrape: routes kept for their owner,
 * requests waiting for a member, and how graces and holds ended.
 */
export function registerGraceMetrics(registry: Registry, routing: RoutingService): void {
  const registers = [registry];
  new Gauge({
    name: 'harp_routes_in_grace',
    help: 'Routes that lost their last member and are kept for their owner (routeGraceMs).',
    registers,
    collect() {
      this.set(routing.vacantCount);
    },
  });
  new Gauge({
    name: 'harp_held_requests',
    help: 'Requests waiting for a member of their route (during its grace, or while every member is retiring).',
    registers,
    collect() {
      this.set(routing.heldTotal);
    },
  });
  new Counter({
    name: 'harp_route_graces_total',
    help: 'Route graces by how they ended: claimed (a member registered again) or expired (the route was dropped); started counts every one.',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const t = routing.totals;
      loadTotals(this, [
        { labels: { outcome: 'started' }, value: t.gracesStarted },
        { labels: { outcome: 'claimed' }, value: t.gracesClaimed },
        { labels: { outcome: 'expired' }, value: t.gracesExpired },
      ]);
    },
  });
  new Counter({
    name: 'harp_held_requests_total',
    help: 'Requests that waited for a member, by outcome: served (a member took them) or released (timeout, client gone, grace over).',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const t = routing.totals;
      loadTotals(this, [
        { labels: { outcome: 'served' }, value: t.heldServed },
        { labels: { outcome: 'released' }, value: t.heldReleased },
      ]);
    },
  });
}
