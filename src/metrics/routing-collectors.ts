import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { MemberHealthEvent, RoutingService } from '../routing/routing.service.js';

/**
 * `harp_member_ejections_total` and `harp_member_returns_total`, counted as pool members are
 * ejected and come back, and `harp_members_ejected`, read from the route table at each scrape.
 *
 * @returns what counts one health change
 */
export function registerRoutingMetrics(registry: Registry, routing: RoutingService): (event: MemberHealthEvent) => void {
  const registers = [registry];
  const labelNames = ['route'] as const;
  const ejections = new Counter({
    name: 'harp_member_ejections_total',
    help: 'Pool members ejected after consecutive upstream failures (or a failed trial request), by route.',
    labelNames,
    registers,
  });
  const returns = new Counter({
    name: 'harp_member_returns_total',
    help: 'Ejected pool members back in after a successful trial request, by route.',
    labelNames,
    registers,
  });
  new Gauge({
    name: 'harp_members_ejected',
    help: 'Pool members ejected now (waiting out their backoff or their trial request), by route.',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const view of routing.routes()) {
        let ejected = 0;
        for (const member of view.members) if ((routing.memberHealth(view, member)?.state ?? 'healthy') !== 'healthy') ejected++;
        if (ejected > 0) this.set({ route: view.host + view.path }, ejected);
      }
    },
  });
  return (event) => {
    const route = event.route.host + event.route.path;
    (event.kind === 'ejected' ? ejections : returns).inc({ route });
  };
}
