import type { Counter } from 'prom-client';

/** A counter's value per label set, as kept by whoever counts. */
export interface CounterTotal {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Loads totals counted elsewhere into a prom-client counter, from its `collect()` hook (run
 * at every scrape, just before the counter is rendered). The counter holds nothing between
 * scrapes, so the request path never touches prom-client.
 */
export function loadTotals(counter: Counter<string>, totals: Iterable<CounterTotal>): void {
  counter.reset();
  for (const { labels, value } of totals) counter.inc(labels, value);
}
