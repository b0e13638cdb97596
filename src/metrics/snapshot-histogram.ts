import type { Metric, Registry } from 'prom-client';

/** One histogram series as its owner keeps it: counts per bucket, not cumulative. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket of the histogram's bounds, plus a last one for `+Inf`. */
  readonly buckets: ArrayLike<number>;
  /** Sum of the observed values. */
  readonly sum: number;
  readonly count: number;
}

interface Sample {
  readonly metricName: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/**
 * A histogram whose observations are counted elsewhere (plain numbers on the request path) and
 * read only when the registry renders, in the shape prom-client's own histograms produce.
 *
 * prom-client's `Histogram.observe` builds and hashes a label string per call, and offers no
 * way to load bucket counts from outside; its registry, though, only needs an object with
 * `name`, `help`, `type`, `aggregator`, `get()` and `reset()`, which this is.
 */
export class SnapshotHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly read: () => Iterable<HistogramSeries>,
  ) {}

  /** Adds it to `registry` (which renders it with the others). */
  registerIn(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const series of this.read()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += series.buckets[i]!;
        values.push({ metricName: bucket, labels: { le: this.bounds[i]!, ...series.labels }, value: cumulative });
      }
      values.push({ metricName: bucket, labels: { le: '+Inf', ...series.labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** `Registry.resetMetrics()` calls it; the counts belong to their owner, which keeps them. */
  reset(): void {}
}
