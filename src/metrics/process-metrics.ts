import { collectDefaultMetrics, Registry } from 'prom-client';

/** Prefix of every metric HARP exposes, Node's process metrics included. */
export const METRIC_PREFIX = 'harp_';

let shared: Registry | undefined;

/**
 * prom-client's default metrics (CPU, memory, heap, event-loop lag, GC, handles, file
 * descriptors) as `harp_process_*` / `harp_nodejs_*`, in a registry of their own.
 *
 * They describe the process, not one application, and collecting them starts process-wide
 * observers (GC, event-loop delay) that cannot be stopped: so there is one such registry per
 * process, shared by every HARP app in it (tests start dozens), and never prom-client's global
 * default registry, which an embedding application may use for itself.
 */
export function processMetricsRegistry(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared, prefix: METRIC_PREFIX });
  }
  return shared;
}
