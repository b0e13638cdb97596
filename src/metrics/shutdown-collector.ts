import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ShutdownService } from '../shutdown/shutdown.service.js';

/** `harp_shutting_down`: 1 from the start of a shutdown, for alerts that tell a stop from a crash. */
export function registerShutdownMetric(registry: Registry, shutdown: ShutdownService): void {
  new Gauge({
    name: 'harp_shutting_down',
    help: 'Whether the proxy is shutting down (1) or serving (0).',
    registers: [registry],
    collect() {
      this.set(shutdown.shuttingDown ? 1 : 0);
    },
  });
}
