import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { HttpCacheStats, HttpCacheStore } from '../cache/http-cache-store.js';
import { loadTotals } from './counter-totals.js';

type Reading = (stats: HttpCacheStats) => number | undefined;

/**
 * The HTTP cache's own counters, read from {@link HttpCacheStore.stats} at each scrape:
 * `harp_cache_{hits,misses,evictions,store_errors}_total` and the in-memory store's
 * `harp_cache_entries` / `harp_cache_bytes`. A metric the store cannot know (evictions, entries
 * and bytes with Redis) is not registered at all rather than reported as 0.
 */
export function registerCacheMetrics(registry: Registry, store: HttpCacheStore): void {
  const registers = [registry];
  const known = store.stats();
  const counter = (name: string, help: string, read: Reading): void => {
    if (read(known) === undefined) return;
    new Counter({
      name,
      help,
      registers,
      collect() {
        loadTotals(this, [{ labels: {}, value: read(store.stats()) ?? 0 }]);
      },
    });
  };
  const gauge = (name: string, help: string, read: Reading): void => {
    if (read(known) === undefined) return;
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(store.stats()) ?? 0);
      },
    });
  };
  counter('harp_cache_hits_total', 'Cache lookups that found a stored response.', (s) => s.hits);
  counter('harp_cache_misses_total', 'Cache lookups that found nothing (a failing store counts as a miss).', (s) => s.misses);
  counter('harp_cache_evictions_total', 'Entries the in-memory cache evicted to stay within cacheMaxBytes (not with Redis).', (s) => s.evictions);
  counter('harp_cache_store_errors_total', 'Cache store operations that failed, timed out or were skipped while the store was failing.', (s) => s.storeErrors);
  gauge('harp_cache_entries', 'Values stored in the in-memory cache (not with Redis).', (s) => s.entries);
  gauge('harp_cache_bytes', 'Bytes accounted to the in-memory cache (not with Redis).', (s) => s.bytes);
}
