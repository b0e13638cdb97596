import { Registry } from 'prom-client';
import type { HttpCacheStats, HttpCacheStore } from '../cache/http-cache-store.js';
import { registerCacheMetrics } from './cache-collectors.js';

const storeWith = (stats: HttpCacheStats): HttpCacheStore => ({ stats: () => stats }) as unknown as HttpCacheStore;

describe('cache metrics', () => {
  it('reads the store\'s counters at each scrape', async () => {
    const registry = new Registry();
    const stats = { entries: 3, bytes: 1200, hits: 5, misses: 2, evictions: 1, storeErrors: 0 };
    registerCacheMetrics(registry, storeWith(stats));
    const text = await registry.metrics();
    for (const line of [
      'harp_cache_hits_total 5',
      'harp_cache_misses_total 2',
      'harp_cache_evictions_total 1',
      'harp_cache_store_errors_total 0',
      'harp_cache_entries 3',
      'harp_cache_bytes 1200',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
    stats.hits = 9;
    expect(await registry.metrics()).toContain('\nharp_cache_hits_total 9\n');
  });

  it('leaves out what a Redis store cannot know, rather than reporting 0', async () => {
    const registry = new Registry();
    registerCacheMetrics(registry, storeWith({ entries: undefined, bytes: undefined, hits: 1, misses: 1, evictions: undefined, storeErrors: 4 }));
    const text = await registry.metrics();
    expect(text).not.toMatch(/harp_cache_(evictions_total|entries|bytes)\b/);
    expect(text).toContain('\nharp_cache_store_errors_total 4\n');
  });
});
